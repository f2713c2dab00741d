"""Effect-size intervals and power of a comparison, and the re-run plan built on them.

Scores are one float per seed per configuration. :func:`comparison_insights` adds to a
comparison the bootstrap intervals of its effects and the power columns (``mde``,
``seeds_needed``, ``underpowered``); :func:`plan` ranks the configurations worth re-running.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _validation as v
from .stats._bootstrap import bootstrap_intervals
from .stats._power import mde, pooled_std, seeds_needed

if TYPE_CHECKING:
    from .sweep import Sweep

__all__ = ["INSIGHT_COLUMNS", "comparison_insights", "plan"]

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
    return v.check_level(ci, "ci"), v.check_int(max_rows, "ci_max_rows", allow_none=True)


def comparison_insights(
    sweep: Sweep,
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
    sweep : Sweep
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
    counts = sweep._counts
    stds = sweep.configs["std"].to_numpy(dtype=np.float64)
    n1, n2 = counts[ids], counts[target]
    sd = pooled_std(stds[ids], n1, stds[target], n2)
    out: dict[str, np.ndarray] = {name: np.full(m, np.nan) for name in INSIGHT_COLUMNS}
    out["mde"] = mde(n1, n2, sd, alpha=alpha)
    out["underpowered"] = (np.asarray(status) == "ns") & (out["mde"] > np.abs(diff_mean))
    heavy = max_rows is None or m <= max_rows
    if heavy:
        out["seeds_needed"] = seeds_needed(diff_mean, sd, alpha=alpha)
    if heavy and ci is not None and m:
        values = sweep._values
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


def plan(
    sweep: Sweep,
    target: int | dict[str, Any],
    *,
    test: str = "ks",
    correction: str = "none",
    alpha: float = 0.05,
    against: str = "neighbors",
    neighbors: str = "adjacent",
    max_seeds: int | None = None,
    random_state: Any = None,
) -> pd.DataFrame:
    """Rank the configurations worth re-running with more seeds, and how many more each needs.

    Scores are one float per seed per configuration. The target is compared (see
    :func:`sweepwalk.compare.compare`); a compared configuration is worth re-running when its
    result is inconclusive:

    - status "ns" and underpowered (its ``mde`` exceeds the observed ``|diff_mean|``: the
      sweep could not have detected a difference of the size observed), or
    - status "na" because a side has fewer than ``sweep.min_runs`` scores.

    Parameters
    ----------
    sweep : Sweep
        The sweep.
    target : int or dict
        Config id of the target, or a dict of parameter values.
    test, correction, alpha, against, neighbors : optional
        As in :func:`sweepwalk.compare.compare`.
    max_seeds : int, optional
        Leave out configurations that need more than this many seeds in total.
    random_state : None, int or numpy.random.Generator, optional
        Passed to the comparison (permutation test, bootstrap).

    Returns
    -------
    pandas.DataFrame
        Indexed by config id, best first: the parameters, ``n``, ``mean``, ``diff_mean``,
        ``effect``, ``status``, ``mde``, ``seeds_needed`` (seeds per configuration for 80%
        power to detect the observed difference at `alpha`), ``more_seeds`` (for this
        configuration: ``max(seeds_needed, min_runs) - n``, at least 0), ``more_seeds_target``
        (the same for the target) and ``promising`` (the observed mean beats the target's in
        the sweep's goal direction).

    Notes
    -----
    Ranking rule: promising rows first (they could turn out better than the target); then
    fewer ``more_seeds`` first (the cheapest to resolve; unknown last); then larger
    ``|effect - 0.5|`` first. ``seeds_needed`` assumes the observed difference is the true
    one, which overstates power for small samples, and the power ignores the multiplicity
    correction: read it as a lower bound.

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum.
    .. [2] Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations,
           and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362.
    """
    from .compare import compare

    max_seeds = v.check_int(max_seeds, "max_seeds", minimum=1, allow_none=True)
    comp = compare(
        sweep,
        target,
        against=against,
        test=test,
        correction=correction,
        alpha=alpha,
        neighbors=neighbors,
        random_state=random_state,
        ci=None,
        ci_max_rows=None,
    )
    t = comp.target
    counts = sweep._counts
    frame = comp.to_frame().drop(index=t)
    keep = (frame["status"] == "na") | ((frame["status"] == "ns") & frame["underpowered"])
    frame = frame[keep]
    need = np.maximum(frame["seeds_needed"].to_numpy(), sweep.min_runs)
    n = frame["n"].to_numpy(dtype=np.float64)
    more = np.maximum(need - n, 0.0)
    more_target = np.maximum(need - float(counts[t]), 0.0)
    sign = 1.0 if sweep.goal == "max" else -1.0
    cols = [*sweep.params, "n", "mean", "diff_mean", "effect", "status", "mde", "seeds_needed"]
    out = frame[cols].copy()
    out["more_seeds"] = more
    out["more_seeds_target"] = more_target
    out["promising"] = sign * out["diff_mean"].to_numpy() > 0
    if max_seeds is not None:
        out = out[~(out["seeds_needed"] > max_seeds)]
    strength = -(out["effect"] - 0.5).abs().fillna(0.0)
    order = np.lexsort(
        (
            strength.to_numpy(),
            out["more_seeds"].fillna(np.inf).to_numpy(),
            ~out["promising"].to_numpy(),
        )
    )
    out = out.iloc[order]
    out.attrs.update(
        target=t, test=comp.test, correction=comp.correction, alpha=comp.alpha, notes=comp.notes
    )
    return out
