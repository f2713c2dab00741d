"""A comparison's estimates before its p-values: the early answer to a slow resampling test.

Scores are one float per seed per configuration. A permutation test against a target with
thousands of seeds takes a second or more; the estimate it is about (the mean difference), the
effect (A12) and their intervals are closed-form and take milliseconds. :func:`pending_comparison`
returns those at once, in a :class:`~sweepwalk.analysis.comparison.Comparison` whose testable
rows have the status :data:`~sweepwalk._vocab.PENDING` and no p-value, significance, level or
power yet: nothing in it is a verdict. The estimate columns are the numbers
:func:`~sweepwalk.analysis.compare.compare` returns for the same arguments (the same
:func:`~sweepwalk.analysis.evidence.estimates`), so only the p-values and what follows from them
change when the test ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .._vocab import PENDING, UNPAIRED_TESTS, Against, Correction, Neighbors, Test
from ..stats import TIE_RTOL
from .compare import _DEFAULT_EOI, _compare_input_validation
from .comparison import Comparison
from .evidence import default_margin, estimates
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData

__all__ = ["PENDING", "pending_comparison"]


def pending_comparison(
    sweep: SweepData,
    target: int | dict[str, Any],
    *,
    against: Against = DEFAULTS.against,
    test: Test = DEFAULTS.test,
    correction: Correction = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    neighbors: Neighbors = DEFAULTS.neighbors,
    random_state: Any = None,
    n_resamples: int = 9999,
    ci: float | None = 0.95,
    effect_of_interest: float | None = None,
) -> Comparison:
    """Return ``compare(...)``'s rows and estimates, with every test result still pending.

    Parameters
    ----------
    sweep : SweepData
        The sweep (a :class:`~sweepwalk.Sweep`); scores are one float per seed per
        configuration.
    target, against, test, correction, alpha, neighbors, random_state, n_resamples, ci, \
effect_of_interest
        As in :func:`~sweepwalk.analysis.compare.compare` (checked the same way). ``test``
        must be unpaired: a paired test's estimate is not cheaper than its p-value.

    Returns
    -------
    Comparison
        The rows ``compare`` would test, in its order. ``estimate``, ``estimate_low``,
        ``estimate_high``, ``effect``, ``effect_low``, ``effect_high``, ``diff_mean``,
        ``diff_mean_low``, ``diff_mean_high`` and ``varied`` are ``compare``'s; ``status`` is
        ``"na"`` for the rows with fewer than ``sweep.min_runs`` scores on a side (known before
        any test) and ``"pending"`` for the others; ``statistic``, ``pvalue``, ``pvalue_adj``,
        ``level``, ``min_pvalue``, ``mde`` and ``seeds_needed`` are NaN, ``significant`` and
        ``underpowered`` False, ``reachable`` True and ``direction`` 0: no verdict.

    Notes
    -----
    Never recorded in a ledger and never shown as a result: the session shows it while the
    test runs in a worker thread and replaces it with the comparison when the test ends.

    Examples
    --------
    >>> import pandas as pd
    >>> from sweepwalk import Sweep
    >>> runs = pd.DataFrame({"lr": [0.1] * 5 + [0.2] * 5, "seed": list(range(5)) * 2,
    ...                      "acc": [0.70, 0.71, 0.69, 0.72, 0.70, 0.80, 0.82, 0.81, 0.79, 0.83]})
    >>> sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    >>> early = pending_comparison(sweep, 0, test="permutation")
    >>> early.status.tolist(), early.estimate.round(3).tolist(), early.pvalue.tolist()
    (['pending'], [0.108], [nan])
    """
    (t, against, test, correction, alpha, neighbors, _seed, n_resamples, _ks, ci, _p, _c, _e,
     eoi) = _compare_input_validation(
        sweep, target, against, test, correction, alpha, neighbors, random_state, n_resamples,
        "auto", ci, None, None, None, effect_of_interest,
    )  # fmt: skip
    if test not in UNPAIRED_TESTS:
        raise ValueError(
            f"`test` must be one of the unpaired tests {list(UNPAIRED_TESTS)} for an early "
            f"answer, got {test!r}: a paired test's estimate costs as much as its p-value."
        )
    eoi_given = eoi is not None
    eoi = default_margin(sweep) if eoi is None else eoi
    counts = sweep.counts
    if against == "all":
        ids = np.delete(np.arange(len(counts), dtype=np.int64), t)
    else:
        ids = sweep.neighbor_ids(t, neighbors)
    too_few = (counts[ids] < sweep.min_runs) | (counts[t] < sweep.min_runs)
    # the index compare() passes to evidence(), so that the intervals are the same numbers
    index = sweep.ks_index if against == "all" and sweep.is_dense else None
    tie_rtol = TIE_RTOL if test == "permutation" else None  # as compare() runs the test
    columns = estimates(sweep, test, ids, t, ci=ci, tie_rtol=tie_rtol, index=index)
    m = len(ids)
    nan = np.full(m, np.nan)
    status = np.where(too_few, "na", PENDING).astype(object)
    notes = [
        *sweep.notes,
        f"the {test} test's p-values are being computed: the estimates and intervals shown are "
        "final, the verdicts follow when the test ends.",
    ]
    return Comparison(
        sweep=sweep, target=t, ids=ids, statistic=nan, pvalue=nan.copy(), pvalue_adj=nan.copy(),
        significant=np.zeros(m, dtype=bool), effect=columns["effect"],
        diff_mean=columns["diff_mean"], varied=sweep.varied(t, ids), status=status, test=test,
        correction=correction, alpha=alpha, against=against, neighbors=neighbors,
        direction=np.zeros(m, dtype=np.int8), estimand=columns["estimand"],
        estimate=columns["estimate"], estimate_low=columns["estimate_low"],
        estimate_high=columns["estimate_high"], effect_low=columns["effect_low"],
        effect_high=columns["effect_high"], diff_mean_low=columns["diff_mean_low"],
        diff_mean_high=columns["diff_mean_high"], level=nan.copy(), min_pvalue=nan.copy(),
        reachable=np.ones(m, dtype=bool), mde=nan.copy(), seeds_needed=nan.copy(),
        underpowered=np.zeros(m, dtype=bool), effect_of_interest=float(eoi),
        effect_of_interest_source="given" if eoi_given else _DEFAULT_EOI, notes=tuple(notes),
    )  # fmt: skip
