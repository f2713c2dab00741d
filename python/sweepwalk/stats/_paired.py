"""Paired tests on the seeds two configurations share: ``wilcoxon`` and ``ttest_rel``.

``x_seeds``/``y_seeds`` hold the integer code of each score's seed (aligned with the values, -1 in
the padding). A pair of rows is tested on the scores whose seeds appear in both, in the row's order.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._rows import FloatArray, IntArray, as_rows, groups, has_ties, quiet, take, valid_mask
from ._ties import check_rtol, row_scale, snap_differences

# scipy's wilcoxon(method="auto"): asymptotic above this many pairs ...
_WILCOXON_EXACT_MAX_N = 50
# ... and, with zeros or ties, an exact permutation test over all 2**n sign flips up to this n
# (2**13 <= 9999, PermutationMethod's default n_resamples), asymptotic above it.
_WILCOXON_PERMUTATION_MAX_N = 13
# permutation_test's relative tolerance for "theoretically equal" null values (float64)
_GAMMA_EPS = float(np.finfo(np.float64).eps) * 100


def shared(
    x: FloatArray,
    x_seeds: IntArray,
    nx: IntArray,
    y: FloatArray,
    y_seeds: IntArray,
    ny: IntArray,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Align every row with its target on their shared seeds.

    Returns ``(xp, yp, n)``: (M, Kx) arrays of the paired scores, left-aligned in the row's
    order and NaN padded, and the number of shared seeds per row.
    """
    m = x.shape[0]
    xs = np.where(valid_mask(x, nx), x_seeds, -1)
    ys = np.where(valid_mask(y, np.asarray(ny)[: y.shape[0]]), y_seeds, -1)
    width = int(max(xs.max(initial=-1), ys.max(initial=-1))) + 2
    # key = row * width + code + 1, unique per (row, seed); look every x key up among y keys
    y_rows = np.zeros((1, 1), dtype=np.int64) if y.shape[0] == 1 else np.arange(m)[:, None]
    y_keys = (y_rows * width + ys + 1).ravel()
    keep = ys.ravel() >= 0
    y_keys, y_vals = y_keys[keep], y.ravel()[keep]
    order = np.argsort(y_keys, kind="stable")
    y_keys, y_vals = y_keys[order], y_vals[order]
    x_rows = np.zeros((m, 1), dtype=np.int64) if y.shape[0] == 1 else np.arange(m)[:, None]
    x_keys = x_rows * width + xs + 1
    pos = np.searchsorted(y_keys, x_keys)
    pos_c = np.minimum(pos, max(len(y_keys) - 1, 0))
    found = (xs >= 0) & (pos < len(y_keys))
    if len(y_keys):
        found &= y_keys[pos_c] == x_keys
    n = found.sum(axis=1).astype(np.int64)
    # compact the found pairs to the left, keeping the row's order
    order2 = np.argsort(~found, axis=1, kind="stable")
    xp = np.take_along_axis(np.where(found, x, np.nan), order2, axis=1)
    yv = y_vals[pos_c] if len(y_keys) else np.full(x.shape, np.nan)
    yp = np.take_along_axis(np.where(found, yv, np.nan), order2, axis=1)
    return xp, yp, n


def paired_rows(
    xa: FloatArray,
    nxa: IntArray,
    ya: FloatArray,
    nya: IntArray,
    x_seeds: npt.ArrayLike | None,
    y_seeds: npt.ArrayLike | None,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """(xp, yp, n): the paired scores of each row and its target, left-aligned, NaN padded."""
    if (x_seeds is None) != (y_seeds is None):
        raise ValueError("`x_seeds` and `y_seeds` must be given together.")
    if x_seeds is not None and y_seeds is not None:
        xs = np.asarray(x_seeds, dtype=np.int64).reshape(xa.shape)
        ys = np.asarray(y_seeds, dtype=np.int64).reshape(ya.shape)
        return shared(xa, xs, nxa, ya, ys, nya)
    if np.any(nxa != nya):
        raise ValueError("without seed codes, `nx` must equal `ny` (column j pairs with j).")
    width = min(xa.shape[1], ya.shape[1])
    mask = valid_mask(xa[:, :width], nxa)
    xp = np.where(mask, xa[:, :width], np.nan)
    yp = np.where(mask, np.broadcast_to(ya[:, :width], xp.shape), np.nan)
    return xp, yp, nxa.copy()


def paired_differences(
    x: npt.ArrayLike,
    nx: npt.ArrayLike,
    y: npt.ArrayLike,
    ny: npt.ArrayLike,
    x_seeds: npt.ArrayLike | None = None,
    y_seeds: npt.ArrayLike | None = None,
) -> tuple[FloatArray, IntArray]:
    """Per-seed differences ``x - y`` on shared seeds, as (M, K) rows and counts.

    With seed codes (aligned with the values, -1 in the padding) the rows are matched on the
    seeds both share (:func:`sweepwalk.stats.shared`); without, column ``j`` of ``x`` pairs
    with column ``j`` of ``y`` and ``nx`` must equal ``ny``.
    """
    xp, yp, n = paired_rows(*as_rows(x, nx, y, ny), x_seeds, y_seeds)
    return xp - yp, n


def _wilcoxon_flags(xp: FloatArray, yp: FloatArray, n: IntArray) -> IntArray:
    """1 where scipy's per-row wilcoxon would not use its exact distribution (zeros, ties)."""
    d = np.abs(xp - yp)
    zero = np.any(d == 0, axis=1)
    flags: IntArray = (zero | has_ties(d, n)).astype(np.int64) * (n <= _WILCOXON_EXACT_MAX_N)
    return flags


def _signed_ranks(d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Average ranks of ``|d|`` among the non-zero entries of each row (0 for zeros).

    Returns ``(ranks, r_plus)``. This is scipy's ``_wilcoxon_statistic`` with
    ``zero_method="wilcox"``: zeros are dropped, the rest ranked with ties averaged. Ranks are
    multiples of 1/2, so every sum below is exact in float64 whatever the order of addition.
    """
    a = np.abs(d)
    nz = a != 0
    lt = (a[:, None, :] < a[:, :, None]) & nz[:, None, :]
    eq = (a[:, None, :] == a[:, :, None]) & nz[:, None, :]
    ranks = lt.sum(axis=2) + (eq.sum(axis=2) + 1) / 2.0
    ranks = np.where(nz, ranks, 0.0)
    r_plus = np.where(d > 0, ranks, 0.0).sum(axis=1)
    return ranks, r_plus


def _wilcoxon_permutation(d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``wilcoxon(d_i)`` p-values of scipy's exact sign-flip permutation branch, batched.

    ``d`` is (M, n) with 2 <= n <= 13, the differences of rows scipy would send to
    ``permutation_test((d,), r_plus, permutation_type="samples")``: its null distribution
    holds ``r_plus`` of all ``2**n`` sign flips of ``d``. The ranks of ``|d|`` do not change
    under a flip, so the null values are the subset sums of the ranks (a zero contributes
    nothing in either sign, so it doubles every count). Their counts are built here by a
    subset-sum recursion on the doubled (integer) ranks, and then the p-value follows
    ``permutation_test`` exactly: ``gamma = 100 * eps * |observed|``, ``less`` counts null
    values ``<= observed + gamma``, ``greater`` those ``>= observed - gamma``, each divided by
    ``2**n``, and the two-sided p-value is ``min(less, greater) * 2`` clipped to [0, 1].

    Returns ``(statistic, pvalue)`` with scipy's two-sided statistic ``min(r_plus, r_minus)``.
    """
    m, n = d.shape
    ranks, r_plus = _signed_ranks(d)
    r_minus = np.where(d < 0, ranks, 0.0).sum(axis=1)
    w = np.rint(2 * ranks).astype(np.int64)  # null values are (subset sums of w) / 2
    size = int(w.sum(axis=1).max(initial=0)) + 1
    counts = np.zeros((m, size), dtype=np.int64)
    counts[:, 0] = 1
    grid = np.arange(size)
    for j in range(n):
        src = grid[None, :] - w[:, j : j + 1]
        shifted = np.take_along_axis(counts, np.maximum(src, 0), axis=1)
        counts = counts + np.where(src >= 0, shifted, 0)
    values = grid / 2.0  # the exact float each null statistic takes in scipy
    gamma = np.abs(_GAMMA_EPS * r_plus)
    less = np.where(values[None, :] <= (r_plus + gamma)[:, None], counts, 0).sum(axis=1)
    greater = np.where(values[None, :] >= (r_plus - gamma)[:, None], counts, 0).sum(axis=1)
    total = 2**n
    p_less = less.astype(np.float64) / total
    p_greater = greater.astype(np.float64) / total
    pvalue = np.clip(np.minimum(p_less, p_greater) * 2, 0.0, 1.0)
    return np.minimum(r_plus, r_minus), pvalue


@functools.lru_cache(maxsize=64)
def _exact_tails(n: int) -> tuple[FloatArray, FloatArray]:
    """``(cdf, sf)`` of the signed-rank statistic of ``n`` pairs at 0..n(n+1)/2, as scipy's.

    The same floats as ``scipy.stats._wilcoxon.WilcoxonDistribution(n)``: its pmf recursion,
    and each tail summed over the same slice (the nearer one, below or above the mean).
    """
    pmf = np.ones(1, dtype=np.float64)
    for k in range(1, n + 1):
        prev, pmf = pmf, np.zeros(k * (k + 1) // 2 + 1, dtype=np.float64)
        pmf[: len(prev)] = prev * 0.5
        pmf[-len(prev) :] += prev * 0.5
    mean = n * (n + 1) * 0.25
    size = len(pmf)
    cdf = np.array(
        [pmf[: k + 1].sum() if k <= mean else 1 - pmf[k + 1 :].sum() for k in range(size)]
    )
    sf = np.array([pmf[k:].sum() if k <= mean else 1 - pmf[:k].sum() for k in range(size)])
    return cdf, sf


def _wilcoxon_exact(d: FloatArray) -> tuple[FloatArray, FloatArray]:
    """``wilcoxon(d_i)`` of rows without zeros or tied ``|d|`` (scipy's exact branch), batched.

    The ranks of ``|d|`` are 1..n, so ``r_plus`` is a whole number and the two-sided p-value
    ``2 min(sf(r_plus), cdf(r_plus))``, clipped to 1, is read from :func:`_exact_tails`.
    """
    m, n = d.shape
    order = np.argsort(np.abs(d), axis=1)
    ranks = np.empty((m, n), dtype=np.int64)
    np.put_along_axis(ranks, order, np.arange(1, n + 1), axis=1)
    r_plus = np.where(d > 0, ranks, 0).sum(axis=1)
    cdf, sf = _exact_tails(n)
    pvalue = np.clip(2 * np.minimum(sf[r_plus], cdf[r_plus]), 0, 1)
    statistic = np.minimum(r_plus, n * (n + 1) // 2 - r_plus).astype(np.float64)
    return statistic, pvalue


def paired(
    test: str,
    x: FloatArray,
    x_seeds: IntArray,
    nx: IntArray,
    y: FloatArray,
    y_seeds: IntArray,
    ny: IntArray,
    tie_rtol: float | None = None,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Batched ``wilcoxon(x_i, y_i)`` or ``ttest_rel(x_i, y_i)`` on the shared seeds.

    Returns ``(statistic, pvalue, n_shared)``. Rows with no shared seed give NaN. Rows whose
    scores are equal on every one of at least 2 shared seeds get ``ttest_rel``'s limit t = 0,
    p = 1 where scipy divides 0 by 0 (NaN): identical configurations are a tested pair. scipy's
    ``wilcoxon`` picks exact, permutation or asymptotic p-values once per batch (from the
    sample size and whether *any* row has zeros or ties), so rows are grouped by
    (n_shared, zeros-or-ties) to get each row's own decision.

    With ``tie_rtol`` (Wilcoxon only), differences ``x - y`` whose sizes are equal up to
    ``tie_rtol * max|score|`` of the row are made equal, and those that small made 0 (see
    ``_ties.snap_differences``), so differences equal up to float rounding are tied or zero;
    the test is then ``wilcoxon(d_i)`` on those differences, equal to the same test on
    integer counts for grid-valued scores. None keeps scipy's ``wilcoxon(x_i, y_i)`` exactly.
    """
    tie_rtol = check_rtol(tie_rtol)
    xp, yp, n = shared(x, x_seeds, nx, y, y_seeds, ny)
    if tie_rtol is not None and test == "wilcoxon":
        d = snap_differences(xp - yp, row_scale(xp, yp), tie_rtol)
        xp, yp = d, np.where(np.isnan(d), np.nan, 0.0)
    m = x.shape[0]
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero(n >= 1)
    if len(ok) == 0:
        return statistic, pvalue, n
    if test == "wilcoxon":
        flags = _wilcoxon_flags(xp[ok], yp[ok], n[ok])
    else:
        flags = np.zeros(len(ok), dtype=np.int64)
    for (k, flag), idx in groups(n[ok], flags):
        rows = ok[idx]
        found = _group_test(test, bool(flag), take(xp, rows, k), take(yp, rows, k))
        if found is not None:
            statistic[rows], pvalue[rows] = found
    if test == "ttest_rel":
        statistic, pvalue = _no_difference(xp - yp, n, statistic, pvalue)
    return statistic, pvalue, n


def _group_test(
    test: str, flag: bool, a: FloatArray, b: FloatArray
) -> tuple[FloatArray, FloatArray] | None:
    """(statistic, pvalue) of rows of one size and one zeros-or-ties flag, or None (NaN).

    Each branch is the one scipy's own call takes for such rows.
    """
    k = a.shape[1]
    if test == "wilcoxon" and not flag and k <= _WILCOXON_EXACT_MAX_N:
        return _wilcoxon_exact(a - b)  # scipy's exact branch (no zeros, no ties), by table
    if flag and k <= _WILCOXON_PERMUTATION_MAX_N:
        # scipy's permutation branch (zeros or ties, n <= 13), vectorised; scipy raises for a
        # single pair there (permutation_test needs two observations): NaN
        return _wilcoxon_permutation(a - b) if k >= 2 else None
    try:
        with quiet():
            if test == "wilcoxon":
                res = stats.wilcoxon(a, b, axis=-1)
            else:
                res = stats.ttest_rel(a, b, axis=-1)
    except ValueError:  # e.g. wilcoxon's permutation path with a single tied pair
        return None
    return res.statistic, res.pvalue


def _no_difference(
    d: FloatArray, n: IntArray, statistic: FloatArray, pvalue: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """``ttest_rel`` where every per-seed difference is 0: t = 0, p = 1 (scipy: 0/0, NaN).

    Two configurations with equal scores on every shared seed (n >= 2) are the strongest
    evidence of no difference a paired t-test can see: the limit of t as the differences
    shrink to 0 together is 0, so the pair is tested and not significant rather than untested.
    """
    zero = (n >= 2) & np.all(np.where(valid_mask(d, n), d == 0, True), axis=1)
    return np.where(zero, 0.0, statistic), np.where(zero, 1.0, pvalue)
