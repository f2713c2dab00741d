"""Effect-size intervals and power of a comparison's rows.

Scores are one float per seed per configuration. :func:`comparison_insights` adds to a
comparison the bootstrap intervals of its effects and the power columns (``mde``,
``seeds_needed``, ``underpowered``). Used by :func:`sweepwalk.compare.compare`; an analysis
below it, so that :mod:`sweepwalk.plan` and :mod:`sweepwalk.compare` need not import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _validation as v
from ._vocab import is_underpowered
from .stats import bootstrap_intervals, mde, pooled_std, seeds_needed

if TYPE_CHECKING:
    from .data import SweepData

__all__ = ["INSIGHT_COLUMNS", "comparison_insights"]

INSIGHT_COLUMNS = (
    "effect_low",
    "effect_high",
    "diff_mean_low",
    "diff_mean_high",
    "mde",
    "seeds_needed",
    "underpowered",
)


def _check_ci(ci: Any, max_rows: Any) -> tuple[float | None, int | None]:
    level = v.check_level(ci, "ci")
    return level, v.check_int(max_rows, "ci_max_rows", minimum=0, allow_none=True)


def comparison_insights(
    sweep: SweepData,
    target: int,
    ids: np.ndarray,
    status: np.ndarray,
    diff_mean: np.ndarray,
    *,
    alpha: float,
    ci: float | None = 0.95,
    random_state: Any = None,
    n_resamples: int = 2000,
    max_rows: int | None = 5000,
    notes: list[str] | None = None,
) -> dict[str, np.ndarray]:
    """Bootstrap intervals and power columns of a comparison, aligned with `ids`.

    Scores are one float per seed per configuration.

    Parameters
    ----------
    sweep : SweepData
        The sweep.
    target : int
        Config id of the target.
    ids : ndarray of int, shape (M,)
        The compared rows.
    status : ndarray of str, shape (M,)
        Their comparison status.
    diff_mean : ndarray of float, shape (M,)
        Mean of the row minus mean of the target.
    alpha : float
        Significance level (of the power computations).
    ci : float or None, optional
        Level of the percentile bootstrap intervals; None skips them (NaN columns).
    random_state : None, int or numpy.random.Generator, optional
        Seed of the bootstrap.
    n_resamples : int, optional
        Bootstrap replicates. Default 2000.
    max_rows : int or None, optional
        Intervals and ``seeds_needed`` (the costly columns) are computed only when there are at
        most this many rows; otherwise they are NaN and a line is added to `notes`. None: always.
    notes : list of str, optional
        Receives that line.

    Returns
    -------
    dict of str to ndarray
        ``effect_low``, ``effect_high`` (interval of the goal-oriented A12 effect),
        ``diff_mean_low``, ``diff_mean_high`` (interval of row - target mean), ``mde`` (smallest
        |difference in means| detectable with 80% power at `alpha`, two-sample t-test),
        ``seeds_needed`` (seeds per configuration to detect the observed difference with 80%
        power) and ``underpowered`` (status "ns" and ``mde > |diff_mean|``).

    References
    ----------
    .. [1] Efron, B. and Tibshirani, R. J. (1993). An Introduction to the Bootstrap. Chapman &
           Hall.
    .. [2] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum.
    """
    ci, max_rows = _check_ci(ci, max_rows)
    m = len(ids)
    counts = sweep.counts
    stds = sweep.configs["std"].to_numpy(dtype=np.float64)
    n1, n2 = counts[ids], counts[target]
    sd = pooled_std(stds[ids], n1, stds[target], n2)
    out: dict[str, np.ndarray] = {name: np.full(m, np.nan) for name in INSIGHT_COLUMNS}
    out["mde"] = mde(n1, n2, sd, alpha=alpha)
    flags = is_underpowered(status, out["mde"], diff_mean)
    assert flags is not None  # mde was computed
    out["underpowered"] = flags
    heavy = max_rows is None or m <= max_rows
    if heavy:
        out["seeds_needed"] = seeds_needed(diff_mean, sd, alpha=alpha)
    if heavy and ci is not None and m:
        values = sweep.score_matrix
        res = bootstrap_intervals(
            values[ids],
            n1,
            values[target : target + 1],
            counts[target : target + 1],
            ci=ci,
            n_resamples=n_resamples,
            goal=sweep.goal,
            random_state=random_state,
        )
        out["effect_low"], out["effect_high"] = res.effect_low, res.effect_high
        out["diff_mean_low"], out["diff_mean_high"] = res.diff_mean_low, res.diff_mean_high
    if not heavy and notes is not None:
        notes.append(
            f"{m} rows exceed ci_max_rows={max_rows}: bootstrap intervals and seeds_needed "
            "were not computed (NaN); pass ci_max_rows=None to compute them (slow)."
        )
    return out
