"""The re-run plan: which configurations are worth more seeds, and how many.

Scores are one float per seed per configuration. :func:`plan` compares a target
(:func:`sweepwalk.compare.compare`) and ranks the inconclusive rows by what it would take to
decide them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from . import _validation as v
from ._vocab import Against, Correction, Neighbors, Test
from .compare import Comparison, compare

if TYPE_CHECKING:
    from .data import SweepData

__all__ = ["confirmation_seeds", "plan"]


def plan(
    sweep: SweepData,
    target: int | dict[str, Any],
    *,
    test: Test = "ks",
    correction: Correction = "none",
    alpha: float = 0.05,
    against: Against = "neighbors",
    neighbors: Neighbors = "adjacent",
    max_seeds: int | None = None,
    random_state: Any = None,
    effect_of_interest: float | None = None,
) -> pd.DataFrame:
    """Rank the configurations worth re-running with more seeds, and how many more each needs.

    Scores are one float per seed per configuration. The target is compared (see
    :func:`sweepwalk.compare.compare`); a compared configuration is worth re-running when its
    result is inconclusive:

    - status "ns" and underpowered (its ``mde`` exceeds ``effect_of_interest``: these seeds
      could not have detected a difference worth caring about), or
    - status "na" because a side has fewer than ``sweep.min_runs`` scores.

    The target itself comes first, with the fresh seeds that would confirm it: its mean was
    read on the seeds that made it look good (the winner's curse, after a walk especially), so
    the plan proposes enough *new* seeds to estimate it within ``±effect_of_interest``.

    Parameters
    ----------
    sweep : SweepData
        The sweep.
    target : int or dict
        Config id of the target, or a dict of parameter values.
    test, correction, alpha, against, neighbors : optional
        As in :func:`sweepwalk.compare.compare`.
    max_seeds : int, optional
        Leave out configurations that need more than this many seeds in total.
    random_state : optional
        Passed to the comparison (permutation tests).
    effect_of_interest : float, optional
        The difference in means worth detecting, metric units (default: half the median
        seed-to-seed standard deviation, see :func:`sweepwalk.compare.compare`).

    Returns
    -------
    pandas.DataFrame
        Indexed by config id: first the target (``reason`` "confirm"), then the rows worth
        re-running, best first. Columns: the parameters, ``n``, ``mean``, ``diff_mean``,
        ``effect``, ``status``, ``mde``, ``seeds_needed`` (seeds per configuration for 80%
        power to detect ``effect_of_interest`` at the row's level, with the chosen test),
        ``more_seeds`` (for this configuration: ``max(seeds_needed, min_runs) - n``, at least
        0; for the target: the fresh seeds of its confirmation), ``more_seeds_target`` (what
        the target needs for this row's question), ``promising`` (the observed mean beats the
        target's in the goal's direction) and ``reason`` ("confirm", "underpowered" or "too
        few runs"). ``attrs`` holds the settings and ``effect_of_interest``.

    Notes
    -----
    Ranking rule: promising rows first (they could turn out better than the target); then
    fewer ``more_seeds`` first (the cheapest to resolve; unknown last); then larger
    ``|effect - 0.5|`` first. ``seeds_needed`` answers the stated question (a difference of
    ``effect_of_interest``) at the level the correction left each row, not the observed
    difference (whose post-hoc power is noise). The confirmation needs ``k`` fresh seeds, the
    fewest with ``t(0.975, k - 1) * sd / sqrt(k) <= effect_of_interest`` (``sd`` the target's).

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum.
    .. [2] Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations,
           and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362.
    """
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
        effect_of_interest=effect_of_interest,
    )
    t = comp.target
    counts = sweep.counts
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
    out["reason"] = np.where(out["status"].to_numpy() == "na", "too few runs", "underpowered")
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
    out = pd.concat([_confirmation(sweep, comp, cols), out.iloc[order]])
    out.attrs.update(
        target=t,
        test=comp.test,
        correction=comp.correction,
        alpha=comp.alpha,
        effect_of_interest=comp.effect_of_interest,
        notes=comp.notes,
    )
    return out


def confirmation_seeds(sd: float, half_width: float, level: float = 0.95) -> float:
    """Fewest fresh seeds whose t interval of a mean has half-width at most ``half_width``.

    The smallest ``k >= 2`` with ``t(1 - (1 - level) / 2, k - 1) * sd / sqrt(k) <=
    half_width``; NaN when ``sd`` or ``half_width`` is not a positive finite number.
    """
    if not (np.isfinite(sd) and np.isfinite(half_width) and sd > 0 and half_width > 0):
        return float("nan")
    q = 1 - (1 - level) / 2
    k = max(2, int(np.ceil((stats.norm.ppf(q) * sd / half_width) ** 2)))
    while stats.t.ppf(q, k - 1) * sd / np.sqrt(k) > half_width:
        k += 1
    return float(k)


def _confirmation(sweep: SweepData, comp: Comparison, cols: list[Any]) -> pd.DataFrame:
    """Return the target's row of the plan: fresh seeds to confirm its mean within ±effect."""
    t = comp.target
    row = sweep.configs.loc[[t], [c for c in cols if c in sweep.configs.columns]].copy()
    sd = float(sweep.configs["std"].iloc[t])
    fresh = confirmation_seeds(sd, comp.effect_of_interest)
    row["diff_mean"] = 0.0
    row["effect"] = np.nan
    row["status"] = "target"
    row["mde"] = np.nan
    row["seeds_needed"] = fresh
    row["more_seeds"] = fresh
    row["more_seeds_target"] = fresh
    row["promising"] = False
    row["reason"] = "confirm"
    return row
