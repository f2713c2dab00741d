"""The Sweep facade: the data model with the analyses as methods.

:class:`Sweep` is :class:`~sweepwalk.data.sweep_data. SweepData` (constructors, ``configs``,
``scores``, neighbours, the read-only accessors) plus thin methods that call the analyses
(:func:`~sweepwalk.analysis.compare.compare`, :func:`~sweepwalk.analysis.importance.importance`,
:func:`~sweepwalk.analysis.walk.walk`, :func:`~sweepwalk.analysis.plan.plan`). It sits above the
analyses in the import order, so none of them imports it: they take any
:class:`~sweepwalk.data.sweep_data.SweepData`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._vocab import Against, Correction, Neighbors, Test
from .analysis.compare import Comparison, compare
from .analysis.importance import Importance, importance
from .analysis.plan import plan
from .analysis.settings import DEFAULTS, IMPORTANCE_CORRECTION
from .analysis.walk import Walk, walk
from .data.sweep_data import SweepData

__all__ = ["Sweep"]


class Sweep(SweepData):
    """A hyperparameter sweep: configurations, their per-seed scores, and the analyses.

    Scores are one float per seed per configuration. Build one with :meth:`from_runs` (long
    format, one row per run) or :meth:`from_lists` (one row per configuration holding a list of
    per-seed scores); see :class:`~sweepwalk.data.sweep_data.SweepData` for the attributes.

    Examples
    --------
    >>> import pandas as pd
    >>> from sweepwalk import Sweep
    >>> df = pd.DataFrame({"lr": [0.1] * 3 + [0.01] * 3, "seed": [0, 1, 2] * 2,
    ...                    "acc": [0.8, 0.82, 0.81, 0.7, 0.71, 0.69]})
    >>> sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    >>> sweep.compare(1, test="welch").status.tolist()
    ['worse']
    """

    def compare(
        self,
        target: int | dict[str, Any],
        *,
        against: Against = DEFAULTS.against,
        test: Test = DEFAULTS.test,
        correction: Correction = DEFAULTS.correction,
        alpha: float = DEFAULTS.alpha,
        neighbors: Neighbors = DEFAULTS.neighbors,
        **kwargs: Any,
    ) -> Comparison:
        """Compare a target configuration with its neighbours or with every configuration.

        A thin wrapper around :func:`sweepwalk.analysis.compare.compare`; see it for the tests,
        corrections and the result.
        """
        return compare(
            self,
            target,
            against=against,
            test=test,
            correction=correction,
            alpha=alpha,
            neighbors=neighbors,
            **kwargs,
        )

    def importance(
        self,
        *,
        test: Test = DEFAULTS.test,
        correction: Correction = IMPORTANCE_CORRECTION,
        alpha: float = DEFAULTS.alpha,
        neighbors: Neighbors = DEFAULTS.neighbors,
        margin: float | None = None,
        **kwargs: Any,
    ) -> Importance:
        """Which parameters matter: every neighbour pair tested once, summarised per parameter.

        A thin wrapper around :func:`sweepwalk.analysis.importance.importance`; see it for the
        result and the columns of its ``to_frame()``.
        """
        return importance(
            self,
            test=test,
            correction=correction,
            alpha=alpha,
            neighbors=neighbors,
            margin=margin,
            **kwargs,
        )

    def walk(
        self,
        start: int | dict[str, Any],
        *,
        test: Test = DEFAULTS.test,
        correction: Correction = DEFAULTS.correction,
        alpha: float = DEFAULTS.alpha,
        **kwargs: Any,
    ) -> Walk:
        """Walk greedily to the significantly better neighbour with the largest effect.

        A thin wrapper around :func:`sweepwalk.analysis.walk.walk`; see it for the rules and the
        result.
        """
        return walk(self, start, test=test, correction=correction, alpha=alpha, **kwargs)

    def plan(self, target: int | dict[str, Any], **kwargs: Any) -> pd.DataFrame:
        """Rank the configurations worth re-running and how many more seeds each needs.

        A thin wrapper around :func:`sweepwalk.analysis.plan.plan`; see it for the ranking rule.
        Export
        the runs it proposes with :func:`sweepwalk.plan_runs` (a long DataFrame of parameters
        and seeds), :func:`sweepwalk.optuna_trials` (``study.enqueue_trial`` dicts) or
        :func:`sweepwalk.wandb_sweep` (a W&B grid sweep configuration).
        """
        return plan(self, target, **kwargs)
