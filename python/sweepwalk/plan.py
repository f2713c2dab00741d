"""The re-run plan: which configurations are worth more seeds, and how many.

Scores are one float per seed per configuration. :func:`plan` compares a target
(:func:`sweepwalk.compare.compare`) and ranks the inconclusive rows by what it would take to
decide them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import _validation as v
from ._vocab import Against, Correction, Neighbors, Test
from .compare import compare

if TYPE_CHECKING:
    from .data import SweepData

__all__ = ["plan"]


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
    sweep : SweepData
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
    out.attrs.update(target=t, test=comp.test, correction=comp.correction, alpha=comp.alpha)
    return out
