"""What each verdict rests on: the tested estimate and its interval, the level, power, resolution.

:func:`evidence` computes, for the rows of one comparison and from the *same analysis as the test*
(paired when the test is paired), the estimate the test is about with its confidence interval, the
direction that decides ``better``/``worse``, the level each row's p-value had to beat, the minimal
detectable difference at that level, the smallest p-value the test can give at these sample sizes,
and the seeds needed to detect a stated difference. Used by
:func:`sweepwalk.analysis.compare.compare`; it sits below it so that :mod:`sweepwalk.analysis.plan`
and :mod:`sweepwalk.analysis.compare` need not import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .._vocab import EVIDENCE_COLUMNS, PAIRED_TESTS, is_underpowered, rejects
from ..stats import (
    ESTIMANDS,
    AgainstParts,
    Estimate,
    KsIndex,
    a12,
    adjust,
    against_parts,
    direction,
    estimate,
    estimate_from_parts,
    mde,
    min_pvalue,
    paired_differences,
    pooled_std,
    reachable,
    seeds_needed,
)

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData

__all__ = [
    "DISTRIBUTION_TESTS",
    "EVIDENCE_COLUMNS",
    "default_margin",
    "direction_confidence",
    "estimates",
    "evidence",
    "mde_by_size",
    "row_levels",
]

#: power the minimal detectable difference and seeds_needed are computed for
POWER = 0.8
#: rows of a family that get seeds_needed (the smallest p-values first; see evidence)
SEEDS_NEEDED_ROWS = 256
#: families up to this size get exact per-row levels (a bisection per row); larger ones the
#: level of a first rejection (see row_levels)
_EXACT_LEVEL_ROWS = 64


def _config_ids(rows: Any, n: int) -> npt.NDArray[np.int64]:
    """``np.arange(n)[rows]`` as int64, without an array of every id for integer ``rows``."""
    if isinstance(rows, np.ndarray) and rows.dtype.kind in "iu" and rows.ndim == 1:
        if not len(rows) or (int(rows.min()) >= 0 and int(rows.max()) < n):
            return rows.astype(np.int64)
    ids: npt.NDArray[np.int64] = np.arange(n, dtype=np.int64)[rows]
    return ids


def default_margin(sweep: SweepData) -> float:
    """Return the difference worth caring about when none is given: half the seed spread.

    Half the median standard deviation (ddof=1) of the configurations with at least
    ``sweep.min_runs`` scores, in metric units: a difference smaller than half of what seeds
    alone move a configuration by. It is the default equivalence margin of
    :func:`sweepwalk.analysis.importance.importance` and the default ``effect_of_interest`` of
    :func:`sweepwalk.analysis.compare.compare`. NaN when no configuration has a finite, positive
    spread.

    """

    def median_spread() -> float:
        stds = sweep.configs["std"].to_numpy(dtype=np.float64)
        ok = (sweep.counts >= sweep.min_runs) & np.isfinite(stds) & (stds > 0)
        return float(0.5 * np.median(stds[ok])) if ok.any() else float("nan")

    return sweep.once(("default_margin", sweep.min_runs), median_spread)


def row_levels(
    pvalue: npt.NDArray[np.float64], correction: str, alpha: float
) -> npt.NDArray[np.float64]:
    """Return the level each row's raw p-value had to beat to be significant.

    For row ``i``: the supremum of the raw p-values that ``correction`` (statsmodels'
    ``multipletests`` at ``alpha``) would declare significant, the other rows' p-values held
    fixed; found by bisection, which is exact for these monotone procedures. ``alpha`` without
    a correction; NaN for rows that were not tested. Families larger than 64 rows get the level
    of a first rejection: alpha / m (Bonferroni's, Holm's first step, Benjamini-Hochberg's
    rank 1), or alpha / (m * sum(1/i)) for Benjamini-Yekutieli.
    """
    levels = np.full(len(pvalue), np.nan)
    tested = np.flatnonzero(~np.isnan(pvalue))
    m = len(tested)
    if m == 0:
        return levels
    if correction == "none":
        levels[tested] = alpha
        return levels
    if m > _EXACT_LEVEL_ROWS:
        harmonic = float(np.sum(1.0 / np.arange(1, m + 1))) if correction == "fdr_by" else 1.0
        levels[tested] = alpha / (m * harmonic)
        return levels
    family = pvalue[tested].copy()
    for k in range(m):
        lo, hi = 0.0, 1.0
        saved = family[k]
        for _ in range(48):  # below 1e-14 of the unit interval
            mid = 0.5 * (lo + hi)
            family[k] = mid
            if rejects(adjust(family, correction, alpha=alpha)[k], alpha):
                lo = mid
            else:
                hi = mid
        family[k] = saved
        levels[tested[k]] = lo
    return levels


def _point_estimate(
    sweep: SweepData,
    test: str,
    rows: Any,
    target: int,
    nx: Any,
    y: Any,
    ny: Any,
    a12_rows: Any = None,
) -> Estimate:
    """Return ``stats.estimate`` without its intervals (``ci=None``, unpaired).

    The A12 score interval costs most of a comparison against every configuration; without
    ``ci`` nobody asked for it. ``a12_rows``: A12 already computed (by the KS pass).
    """
    means = sweep.configs["mean"].to_numpy(dtype=np.float64)
    counts = sweep.counts
    with np.errstate(invalid="ignore", over="ignore"):
        diff = means[rows] - means[target]
    if a12_rows is None:
        effect = sweep.map_rows(rows, lambda r: a12(sweep.score_rows(r), counts[r], y, ny))
    else:
        effect = a12_rows
    nan = np.full(len(diff), np.nan)
    main = effect if test == "mannwhitney" else diff
    return Estimate(main, nan, nan, diff, nan, nan, effect, nan, nan, np.full(len(diff), -1))


def _rows_estimate(
    sweep: SweepData,
    test: str,
    rows: Any,
    target: int,
    ci: float | None,
    index: KsIndex | None,
    tie_rtol: float | None,
    a12_rows: npt.NDArray[np.float64] | None,
    parts: AgainstParts | None = None,
) -> Estimate:
    """Return the estimate the test is about for ``rows``: paired, point, or full.

    ``parts``: :func:`_against_parts` of ``rows``, when already computed.
    """
    counts, y = sweep.counts, sweep.score_rows([target])
    nx, ny = counts[rows], counts[target : target + 1]
    if test in PAIRED_TESTS:
        target_row = (y, ny, sweep.seed_rows([target]))
        confidence = 0.95 if ci is None else ci
        return _estimate_in_pieces(sweep, test, rows, target_row, confidence, tie_rtol)
    if ci is None:
        return _point_estimate(sweep, test, rows, target, nx, y, ny, a12_rows)
    if parts is not None:
        return estimate_from_parts(test, parts, confidence_level=ci)
    return _unpaired_estimate(sweep, test, _config_ids(rows, len(counts)), target, ci, index)


#: targets with more scores than this take the plain path (see stats._placement_sums)
_INDEXED_TARGET_MAX = 10_000


def _unpaired_estimate(
    sweep: SweepData,
    test: str,
    row_ids: npt.NDArray[np.int64],
    target: int,
    confidence: float,
    index: KsIndex | None,
) -> Estimate:
    """``stats.estimate`` of an unpaired test for ``row_ids`` against the target row.

    With the sweep's KS index, A12 and its interval come from one pass over the sorted rows
    and the mean difference from the rows' means and spreads (``estimate_against``).
    """
    parts = _against_parts(sweep, row_ids, target, index)
    if parts is None:
        y, ny = sweep.score_rows([target]), sweep.counts[target : target + 1]
        return _estimate_in_pieces(sweep, test, row_ids, (y, ny, None), confidence, None)
    return estimate_from_parts(test, parts, confidence_level=confidence)


def _against_parts(
    sweep: SweepData,
    row_ids: npt.NDArray[np.int64],
    target: int,
    index: KsIndex | None,
    placement: dict[str, npt.NDArray[np.int64]] | None = None,
) -> AgainstParts | None:
    """``stats.against_parts`` of ``row_ids`` (None without the index or for a huge target).

    Intervals at any level then follow without another pass over the index; none at all
    when the KS pass left its ``placement`` sums of every indexed row.
    """
    ny = int(sweep.counts[target])
    if index is None or not 1 <= ny <= _INDEXED_TARGET_MAX:
        return None
    configs = sweep.configs
    mean = configs["mean"].to_numpy(dtype=np.float64)[row_ids]
    var = configs["std"].to_numpy(dtype=np.float64)[row_ids] ** 2
    return against_parts(index, row_ids, sweep.scores(target), (mean, var), placement or None)


def _estimate_in_pieces(
    sweep: SweepData,
    test: str,
    rows: npt.NDArray[np.int64],
    target: tuple[Any, Any, Any],
    level: float,
    tie_rtol: float | None,
) -> Estimate:
    """``stats.estimate`` of ``rows`` against the target ``(y, ny, seeds or None)``, in pieces.

    Paired when the target's seeds are given. Rows are read in the pieces of
    :meth:`SweepData.row_chunks`, so memory grows with the runs, not the padding.
    """
    y, ny, ys = target

    def piece(r: npt.NDArray[np.int64]) -> Estimate:
        xs = None if ys is None else sweep.seed_rows(r)
        return estimate(
            test, sweep.score_rows(r), sweep.counts[r], y, ny, x_seeds=xs, y_seeds=ys,
            confidence_level=level, tie_rtol=tie_rtol,
        )  # fmt: skip

    return sweep.map_rows(rows, piece)


def _paired_std(
    sweep: SweepData, rows: npt.NDArray[np.int64], y: Any, ny: Any, ys: Any
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    """Return each row's per-seed differences from the target: std (ddof=1) and count."""
    x, xs = sweep.score_rows(rows), sweep.seed_rows(rows)
    d, n = paired_differences(x, sweep.counts[rows], y, ny, xs, ys)
    return _row_std(d, n), n


def _row_std(d: npt.NDArray[np.float64], n: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Return the standard deviation (ddof=1) of each row's first ``n`` values (NaN below 2)."""
    valid = np.arange(d.shape[1]) < n[:, None]
    safe = np.maximum(n, 1)
    mean = np.where(valid, d, 0.0).sum(axis=1) / safe
    ss = np.where(valid, (d - mean[:, None]) ** 2, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 1, np.sqrt(ss / np.maximum(n - 1, 1)), np.nan)


def _orient(goal: str, value: Any, low: Any, high: Any, centre: float) -> tuple[Any, Any, Any]:
    """Flip an effect and its interval around ``centre`` when lower scores are better."""
    if goal == "max":
        return value, low, high
    return 2 * centre - value, 2 * centre - high, 2 * centre - low


def evidence(
    sweep: SweepData,
    test: str,
    rows: Any,
    target: int,
    pvalue: npt.NDArray[np.float64],
    *,
    correction: str,
    alpha: float,
    ci: float | None,
    effect_of_interest: float,
    tie_rtol: float | None,
    ks_method: str,
    n_resamples: int,
    a12_rows: npt.NDArray[np.float64] | None = None,
    significant: npt.NDArray[np.bool_] | None = None,
    index: KsIndex | None = None,
    placement: dict[str, npt.NDArray[np.int64]] | None = None,
) -> dict[str, Any]:
    """Everything a comparison's verdicts rest on, from the same analysis as the test.

    Parameters
    ----------
    sweep : SweepData
        The sweep.
    test : str
        The two-sample test that produced ``pvalue``.
    rows : array of int or slice
        The compared rows, as indices into the sweep's score matrix.
    target : int
        Config id of the target.
    pvalue : ndarray, shape (M,)
        The test's raw p-values (NaN: not tested).
    correction, alpha
        The family's correction and level (for the per-row levels).
    ci : float or None
        Level of every interval; None leaves them NaN.
    effect_of_interest : float
        The difference in means worth detecting (metric units), for ``seeds_needed`` and
        ``underpowered``.
    tie_rtol, ks_method, n_resamples
        As the test was run (for the estimate and the smallest reachable p-value).
    a12_rows : ndarray, shape (M,), optional
        A12 of each row against the target when the test's own pass computed it (KS against
        one target); used instead of recomputing it when no interval is asked for.
    significant : ndarray of bool, shape (M,), optional
        The rows the family's rule rejected. For the tests of identical distributions (KS,
        Mann-Whitney, permutation) their direction comes from intervals at
        :func:`direction_confidence` (see :func:`sweepwalk.stats.direction`).
    index : KsIndex, optional
        The sweep's rows sorted and ranked once (``sweep.ks_index``), when already built:
        unpaired intervals then come from it in one pass (the same numbers).
    placement : dict, optional
        What the KS pass left of the placement sums of every row of ``index`` against the
        target (``stats.ks_against(..., placement=...)``): the intervals then need no pass
        of their own.

    Returns
    -------
    dict
        ``direction`` (int8, oriented by the goal), ``effect``, ``diff_mean``, ``n_shared``
        and every column of :data:`EVIDENCE_COLUMNS`, aligned with ``pvalue``.
    """
    rows = _config_ids(rows, len(sweep))
    counts = sweep.counts
    nx = counts[rows]
    y, ny = sweep.score_rows([target]), counts[target : target + 1]
    paired = test in PAIRED_TESTS
    # with intervals, one pass over the index serves both levels (ci and the direction's)
    parts = None
    if not paired and ci is not None:
        parts = _against_parts(sweep, rows, target, index, placement)
    est = _rows_estimate(sweep, test, rows, target, ci, index, tie_rtol, a12_rows, parts)
    sign = 1 if sweep.goal == "max" else -1
    towards = direction(test, est)
    if test in DISTRIBUTION_TESTS and significant is not None and significant.any():
        towards = towards.copy()
        picked = np.flatnonzero(significant)
        confidence = direction_confidence(
            alpha, correction, len(picked), int((~np.isnan(pvalue)).sum())
        )
        if parts is None:
            sure = _unpaired_estimate(sweep, test, rows[picked], target, confidence, index)
        else:
            sure = estimate_from_parts(test, parts, confidence_level=confidence, picked=picked)
        towards[picked] = direction(test, sure)
    out: dict[str, Any] = {"direction": (sign * towards).astype(np.int8)}
    out.update(_interval_columns(sweep.goal, est, ci, len(pvalue)))
    n_shared = est.n_shared if paired else None
    out["n_shared"] = n_shared
    if paired:
        ys = sweep.seed_rows([target])
        sd, n = sweep.map_rows(rows, lambda r: _paired_std(sweep, r, y, ny, ys))
        n_row, n_target = n, n
    else:
        stds = sweep.configs["std"].to_numpy(dtype=np.float64)
        sd = pooled_std(stds[rows], nx, stds[target], ny[0])
        n_row, n_target = nx, np.broadcast_to(ny, nx.shape)
    level = row_levels(pvalue, correction, alpha)
    out["level"] = level
    out["min_pvalue"] = min_pvalue(
        test, n_row, n_target, n_shared, n_resamples=n_resamples, ks_method=ks_method
    )
    out["reachable"] = reachable(out["min_pvalue"], np.where(np.isnan(level), alpha, level))
    used = np.nan_to_num(level, nan=alpha)
    out["mde"] = mde_by_size(test, n_row, n_target, sd, used)
    out["power_inputs"] = (sd, n_row, n_target)
    out["seeds_needed"] = _seeds_needed_by_rank(test, effect_of_interest, sd, used, pvalue)
    out["estimand"] = ESTIMANDS[test]
    return out


def estimates(
    sweep: SweepData,
    test: str,
    rows: Any,
    target: int,
    *,
    ci: float | None,
    tie_rtol: float | None,
    index: KsIndex | None = None,
) -> dict[str, Any]:
    """Return the estimate the test is about, the effect and the mean difference, with intervals.

    The columns :func:`evidence` returns for them (``estimate``, ``estimate_low``,
    ``estimate_high``, ``effect``, ``effect_low``, ``effect_high``, ``diff_mean``,
    ``diff_mean_low``, ``diff_mean_high``, and ``estimand``), from the same computation: none of
    them depends on the p-values, so they can be shown before a slow test ends
    (:func:`sweepwalk.analysis.pending.pending_comparison`). Arguments as in :func:`evidence`.
    """
    rows = np.arange(len(sweep), dtype=np.int64)[rows]
    est = _rows_estimate(sweep, test, rows, target, ci, index, tie_rtol, None)
    out = _interval_columns(sweep.goal, est, ci, len(rows))
    out["estimand"] = ESTIMANDS[test]
    return out


def _interval_columns(goal: str, est: Estimate, ci: float | None, m: int) -> dict[str, Any]:
    """Return the estimate, effect and mean difference with their intervals (NaN without ci)."""
    out: dict[str, Any] = {}
    out["effect"], out["effect_low"], out["effect_high"] = _orient(
        goal, est.effect, est.effect_low, est.effect_high, 0.5
    )
    out["estimate"], out["estimate_low"], out["estimate_high"] = est.estimate, est.low, est.high
    out["diff_mean"] = est.diff_mean
    out["diff_mean_low"], out["diff_mean_high"] = est.diff_mean_low, est.diff_mean_high
    if ci is None:
        for name in ("estimate_low", "estimate_high", "effect_low", "effect_high"):
            out[name] = np.full(m, np.nan)
        out["diff_mean_low"], out["diff_mean_high"] = out["effect_low"], out["effect_high"]
    return out


#: tests of identical distributions: a direction only from an interval that excludes the null
DISTRIBUTION_TESTS = ("ks", "mannwhitney", "permutation")


def direction_confidence(alpha: float, correction: str, selected: int, tested: int) -> float:
    """Confidence of the intervals that give a significant row of a distribution test its way.

    ``1 - alpha`` without a correction; after a correction, the false-coverage-rate adjusted
    level ``1 - alpha * R / m`` of Benjamini & Yekutieli (2005) for the ``R`` rows selected
    out of ``m`` tested: the expected share of directions claimed wrongly among the claimed
    is then at most ``alpha / 2``, whatever the selection rule.

    References
    ----------
    .. [1] Y. Benjamini and D. Yekutieli, "False discovery rate-adjusted multiple confidence
       intervals for selected parameters", Journal of the American Statistical Association
       100(469), 71-81, 2005.
    """
    if correction == "none" or tested == 0:
        return 1.0 - alpha
    return 1.0 - alpha * min(selected, tested) / tested


def mde_by_size(test: str, n_row: Any, n_target: Any, sd: Any, level: Any) -> Any:
    """``stats.mde`` per row at unit sd, times ``sd``: it is linear in ``sd``.

    ``stats.mde`` solves once per distinct (sizes, level); when every row has the same sizes
    and level (a grid against all: 100k rows) it is called on one.
    """
    n1 = np.asarray(n_row, dtype=np.float64)
    n2 = np.broadcast_to(np.asarray(n_target, dtype=np.float64), n1.shape)
    lv = np.broadcast_to(np.asarray(level, dtype=np.float64), n1.shape)
    one = n1.ndim == 1 and len(n1) > 1
    one = one and all(bool((a == a[0]).all()) for a in (n1, n2, lv))
    with np.errstate(invalid="ignore"):
        if one:
            unit = mde(test, n1[:1], n2[:1], 1.0, alpha_level=lv[:1])
        else:
            unit = mde(test, n1, n2, 1.0, alpha_level=lv)
        return unit * np.asarray(sd, dtype=np.float64)


def _seeds_needed_by_rank(
    test: str, effect_of_interest: float, sd: Any, level: Any, pvalue: Any
) -> Any:
    """Return ``stats.seeds_needed`` for the rows most worth it.

    Every row of a small family, else the :data:`SEEDS_NEEDED_ROWS` with the smallest p-values
    (NaN beyond: a root solve per row costs about a millisecond, which 100k rows of
    ``against="all"`` cannot afford).
    """
    sd = np.asarray(sd, dtype=np.float64)
    out = np.full(sd.shape, np.nan)
    rows = np.arange(len(sd))
    if len(rows) > SEEDS_NEEDED_ROWS:
        rows = _smallest(np.where(np.isnan(pvalue), np.inf, pvalue), SEEDS_NEEDED_ROWS)
    if len(rows):
        with np.errstate(invalid="ignore"):
            out[rows] = seeds_needed(
                effect_of_interest, sd[rows], test, alpha_level=np.asarray(level)[rows]
            )
    return out


def _smallest(values: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.int64]:
    """Sorted positions of the ``k`` smallest ``values``, ties taken in order of position.

    The first ``k`` of a stable argsort, found with partitions instead of a sort: the k-th
    smallest of every 16th value is at least the k-th smallest of all, so only the values up
    to it (about 16 k of them) are partitioned.
    """
    candidates = np.arange(len(values))
    if len(values) >= 16 * k:
        bound = np.partition(values[::16], k - 1)[k - 1]
        candidates = np.flatnonzero(values <= bound)
    near = values[candidates]
    kth = np.partition(near, k - 1)[k - 1]
    below = candidates[near < kth]
    tied = candidates[near == kth][: k - len(below)]
    return np.sort(np.concatenate([below, tied]))


def underpowered(status: Any, mde_: Any, effect_of_interest: float) -> npt.NDArray[np.bool_]:
    """``ns`` rows whose test could not detect the difference worth detecting (the marker)."""
    flags = is_underpowered(status, mde_, effect_of_interest)
    assert flags is not None
    return flags
