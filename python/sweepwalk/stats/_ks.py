"""Batched two-sample Kolmogorov-Smirnov test, exact to ``scipy.stats.ks_2samp``.

``ks_2samp``'s two-sided p-value depends only on the key (n1, n2, h) with
h = round(D * lcm(n1, n2)) (for ``max(n1, n2) <= 10000``, where scipy rounds D to h / lcm
before computing either the exact or the asymptotic p-value). So h is computed for every row
with integer numpy arithmetic, and each distinct key's p-value is taken from ``ks_2samp``
itself, called once on a real pair having that key, and cached.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ._rows import FloatArray, IntArray, distinct, quiet, valid_mask

# scipy's `ks_2samp` uses its exact/rounded path only up to this sample size.
_MAX_EXACT_N = 10000
# ks_against merges each row with the target when rows * (K + n1) < this * K (K the longest
# row): the indexed pass costs ~10 us of Python per position, a merge ~30 ns per value
_MERGE_FACTOR = 300
_CACHE_LIMIT = 200_000
# up to this many target values, positions are found by comparison passes, not binary search
_SCAN_MAX = 32
# values per row chunk of the one-target path (keeps temporaries in cache)
_CHUNK = 200_000
# rows per chunk of the row-wise-target path
_ROWS = 4096
# values sampled to decide whether the scores repeat enough to hash them (see _dense_ranks)
_RANK_SAMPLE = 20_000
# (n1, n2, h) -> (pvalue, fell back to the asymptotic distribution); shared by threads
_P_CACHE: dict[tuple[int, int, int], tuple[float, bool]] = {}
_P_CACHE_LOCK = threading.Lock()


def positions(ys: FloatArray, x: FloatArray) -> tuple[IntArray, IntArray]:
    """Where each value of ``x`` falls among the sorted values ``ys``.

    Returns ``lo = #{y < x}`` and ``hi = #{y <= x}``; NaN gets ``len(ys)`` in both. One
    binary search for all values; the second only for the values equal to some ``y``.
    """
    n1 = len(ys)
    if n1 == 0:
        lo = np.zeros(x.shape, dtype=np.int64)
        return lo, lo
    if n1 <= _SCAN_MAX:
        # a few vectorised passes beat a branchy binary search per value
        not_below = np.zeros(x.shape, dtype=np.int16)
        for v in ys:
            not_below += x <= v  # False for NaN, so NaN ends at n1
        lo = n1 - not_below.astype(np.int64)
    else:
        lo = np.searchsorted(ys, x, side="left")
    tie = ys[np.minimum(lo, n1 - 1)] == x  # false for NaN and for lo == n1 (x above all y)
    if not tie.any():
        return lo, lo
    hi = lo.copy()
    hi[tie] = np.searchsorted(ys, x[tie], side="right")
    return lo, hi


def _counts_below(pos: IntArray, width: int) -> IntArray:
    """(width, M) cumulative histogram: ``out[k, i] = #{j : pos[i, j] <= k}``.

    Laid out with the rows last, so the cumulative sum adds whole contiguous rows.
    """
    m = pos.shape[0]
    hist = np.bincount((pos * m + np.arange(m)[:, None]).ravel(), minlength=m * width)
    return np.cumsum(hist.reshape(width, m), axis=0)


def _h_one_target(
    x: FloatArray, nx: IntArray, y_row: FloatArray, n1: int
) -> tuple[IntArray, IntArray]:
    """Integer KS statistic of ``ks_2samp(y_row, x_i)`` for every row ``x_i`` (and A12 wins).

    The difference of the two ECDFs, scaled by lcm, is H(t) = c1(t) * n2/g - c2(t) * n1/g
    with c1, c2 the counts <= t. Between two consecutive target values c1 is constant and H
    only falls, so |H| is largest either at a target value t = y_k or just below one; both
    need only the counts of row values <= y_k and < y_k, read off cumulative histograms of
    where each row value falls among the sorted target values (NaN padding falls past the
    last target value and so is never counted).

    Also returns ``2 * (#{x > y} + 0.5 #{x == y})`` per row, the numerator of A12, which the
    same positions give for free.
    """
    ys = np.sort(y_row[:n1])
    c1_at = np.searchsorted(ys, ys, side="right")[:, None]  # target count <= y_k
    c1_below = np.searchsorted(ys, ys, side="left")[:, None]  # target count < y_k
    m = x.shape[0]
    h = np.empty(m, dtype=np.int64)
    wins = np.empty(m, dtype=np.int64)
    # row chunks small enough that every temporary stays in cache
    step = max(256, _CHUNK // max(1, x.shape[1] + n1))
    for s in range(0, m, step):
        xc, nc = x[s : s + step], nx[s : s + step]
        if np.any(nc < xc.shape[1]):  # make sure the padding is NaN, whatever the caller put
            xc = np.where(valid_mask(xc, nc), xc, np.nan)
        lo, hi = positions(ys, xc)
        le = _counts_below(lo, n1 + 1)[:n1]  # (n1, rows): row count <= y_k
        lt = le if hi is lo else _counts_below(hi, n1 + 1)[:n1]  # row count < y_k
        g = np.gcd(nc, n1)
        a = nc // g  # weight of one target value
        b = n1 // g  # weight of one row value
        h_at = np.abs(c1_at * a - le * b).max(axis=0)
        h_below = np.abs(c1_below * a - lt * b).max(axis=0)
        h[s : s + step] = np.maximum(h_at, h_below)
        # NaN padding sits at n1 in both lo and hi: take it out of the A12 sum
        wins[s : s + step] = (lo + hi).sum(axis=1) - 2 * n1 * (xc.shape[1] - nc)
    return h, wins


def _h_rows(x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray) -> IntArray:
    """Integer KS statistic of ``ks_2samp(y_i, x_i)`` for row-wise targets (general path).

    Each row's values are sorted together (padding as NaN, which sorts last); with c_y the
    running count of target values, the scaled ECDF difference at sorted position j is
    a * c_y - b * (j + 1 - c_y). It is read only at the last member of each group of equal
    values (ECDFs are right-continuous), so the order inside a group does not matter.
    Rows go in chunks so that every temporary stays in cache.
    """
    m, k1, k2 = x.shape[0], y.shape[1], x.shape[1]
    y = np.broadcast_to(y, (m, k1))
    g = np.gcd(nx, ny)
    a = (nx // g).astype(np.int64)  # weight of one target value
    b = (ny // g).astype(np.int64)  # weight of one row value
    steps = np.arange(1, k1 + k2 + 1, dtype=np.int64)
    h = np.empty(m, dtype=np.int64)
    z_buf = np.empty((min(m, _ROWS), k1 + k2))
    for s in range(0, m, _ROWS):
        e = min(m, s + _ROWS)
        z = z_buf[: e - s]
        z[:, :k1] = y[s:e]
        z[:, k1:] = x[s:e]
        if np.any(ny[s:e] < k1):  # make sure the padding is NaN, whatever the caller put
            np.copyto(z[:, :k1], np.nan, where=~valid_mask(z[:, :k1], ny[s:e]))
        if np.any(nx[s:e] < k2):
            np.copyto(z[:, k1:], np.nan, where=~valid_mask(z[:, k1:], nx[s:e]))
        order = np.argsort(z, axis=1, kind="stable")
        zs = np.take_along_axis(z, order, axis=1)
        hs = np.cumsum(order < k1, axis=1, dtype=np.int64)  # c_y at each sorted position
        hs *= (a[s:e] + b[s:e])[:, None]
        hs -= b[s:e, None] * steps
        np.abs(hs, out=hs)
        # keep only the last member of each group of equal values, and no NaN
        keep = np.empty(zs.shape, dtype=bool)
        np.not_equal(zs[:, :-1], zs[:, 1:], out=keep[:, :-1])
        keep[:, -1] = True
        keep &= ~np.isnan(zs)
        hs *= keep
        h[s:e] = hs.max(axis=1, initial=0)
    return h


def _lookup(
    key: tuple[int, int, int], y_row: FloatArray, x_row: Callable[[], FloatArray]
) -> tuple[float, bool]:
    """Return scipy's p-value for ``key``: cached, or ``ks_2samp(y_row, x_row())``."""
    hit = _P_CACHE.get(key)
    if hit is None:
        with quiet() as caught:
            res = stats.ks_2samp(y_row, x_row())
        fell_back = any(issubclass(w.category, RuntimeWarning) for w in caught)
        hit = (float(res.pvalue), fell_back)
        with _P_CACHE_LOCK:
            if len(_P_CACHE) >= _CACHE_LIMIT:
                _P_CACHE.clear()
            _P_CACHE[key] = hit
    return hit


def ks(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray, notes: list[str] | None = None
) -> tuple[FloatArray, FloatArray]:
    """Batched ``ks_2samp(y_i, x_i)`` (two-sided, ``method="auto"``): statistic and p-value.

    Rows with ``nx < 1`` or ``ny < 1`` give NaN. When scipy falls back from the exact to the
    asymptotic distribution (it warns), one line per pair of sample sizes is appended to
    ``notes`` instead of a warning per row.
    """
    statistic, pvalue, _ = ks_a12(x, nx, y, ny, notes)
    return statistic, pvalue


def ks_a12(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray, notes: list[str] | None = None
) -> tuple[FloatArray, FloatArray, FloatArray | None]:
    """:func:`ks` plus the rows' A12 against the target when ``y`` is one row (else None).

    Both come from one pass over the rows' positions among the target's values.
    """
    m = x.shape[0]
    effect = None
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = (nx >= 1) & (ny >= 1)
    big = ok & ((nx > _MAX_EXACT_N) | (ny > _MAX_EXACT_N))
    ok &= ~big
    for i in np.flatnonzero(big):  # scipy does not round D here: call it row by row
        yi = y[0 if y.shape[0] == 1 else i, : ny[i]]
        with quiet():
            res = stats.ks_2samp(yi, x[i, : nx[i]])
        statistic[i], pvalue[i] = res.statistic, res.pvalue
    rows = np.flatnonzero(ok)
    if len(rows) == 0:
        return statistic, pvalue, effect
    whole = len(rows) == m
    xs, nxs, nys = (x, nx, ny) if whole else (x[rows], nx[rows], ny[rows])
    ys_row: Callable[[int], FloatArray]
    if y.shape[0] == 1:
        h, wins = _h_one_target(xs, nxs, y[0], int(ny[0]))
        effect = np.full(m, np.nan)
        effect[rows] = wins / (2.0 * nxs * nys)
        ys_row = lambda r: y[0, : ny[0]]  # noqa: E731
    else:
        h = _h_rows(xs, nxs, y[rows], nys)
        ys_row = lambda r: y[rows[r], : nys[r]]  # noqa: E731
    g = np.gcd(nxs, nys)
    lcm = (nys // g) * nxs
    statistic[rows] = h / lcm
    # one scipy call per distinct (n1, n2, h)
    key = (nys * (int(nxs.max()) + 1) + nxs) * (int(h.max()) + 1) + h
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    p_uniq = np.empty(len(uniq))
    fallback_sizes = set()
    for u, r in enumerate(first):
        k = (int(nys[r]), int(nxs[r]), int(h[r]))
        x_row = partial(np.copy, xs[r, : nxs[r]])  # only read on a cache miss
        p_uniq[u], fell_back = _lookup(k, ys_row(r), x_row)
        if fell_back:
            fallback_sizes.add(k[:2])
    pvalue[rows] = p_uniq[inverse.reshape(-1)]
    _note_fallbacks(fallback_sizes, notes)
    return statistic, pvalue, effect


def _note_fallbacks(sizes: set[tuple[int, int]], notes: list[str] | None) -> None:
    """One line per pair of sample sizes where scipy fell back to the asymptotic p-value."""
    if notes is not None:
        for n1, n2 in sorted(sizes):
            notes.append(
                f"ks_2samp: the exact p-value is not computable for sample sizes ({n1}, {n2}); "
                "scipy's asymptotic p-value is used, as ks_2samp itself does."
            )


@dataclass(frozen=True, eq=False)
class KsIndex:
    """Rows of scores sorted once, for many KS tests against different targets.

    Built by :func:`ks_index`.

    Attributes
    ----------
    ranks : ndarray of intp, shape (K, N)
        ``ranks[j, i]``: rank among :attr:`uniques` of row ``i``'s ``j``-th smallest score
        (``len(uniques)`` in the padding past ``counts[i]``). Position-major, so that one
        position of every row is one contiguous vector.
    uniques : ndarray of float64, shape (U,)
        The distinct scores, sorted.
    counts : ndarray of int64, shape (N,)
        Scores per row.
    """

    ranks: npt.NDArray[np.intp]
    uniques: FloatArray
    counts: IntArray


def ks_index(sorted_values: FloatArray, counts: IntArray) -> KsIndex:
    """Rank every score among all of them (see :class:`KsIndex`).

    ``sorted_values`` holds each row's ``counts[i]`` finite scores sorted ascending and
    left-aligned (the rest is ignored), as ``SweepData.sorted_scores`` does.
    """
    values = np.asarray(sorted_values, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.int64)
    n, k = values.shape
    if n and int(counts.min()) == k:  # every row full (a grid of seeds): no masks needed
        ranks_flat, uniques = _dense_ranks(np.ascontiguousarray(values.T).reshape(-1))
        ranks = ranks_flat.reshape(k, n)
    else:
        valid_t = (np.arange(k) < counts[:, None]).T
        flat = values.T[valid_t]  # position-major, the layout of `ranks`
        ranks_flat, uniques = _dense_ranks(flat)
        ranks = np.full((k, n), len(uniques), dtype=np.intp)
        ranks[valid_t] = ranks_flat
    ranks.flags.writeable = False
    uniques.flags.writeable = False
    return KsIndex(ranks=ranks, uniques=uniques, counts=counts)


def _dense_ranks(flat: FloatArray) -> tuple[npt.NDArray[np.intp], FloatArray]:
    """Rank of each value among the distinct values (0-based, equal values one rank), and those.

    Logged metrics repeat (accuracies on a validation set of N examples, rounded values): when
    a sample of the values says few are distinct, they are hashed (``pandas.factorize`` of their
    bits, linear time) and only the distinct ones sorted; otherwise all are sorted.
    """
    sample = flat[:: max(1, len(flat) // _RANK_SAMPLE)]
    if len(flat) > _RANK_SAMPLE and len(np.unique(sample)) < len(sample) // 8:
        import pandas as pd  # the engine's dependency; only needed here

        # hashed as their 64 bits (faster than as floats): equal scores have equal bits,
        # but for -0.0 and 0.0, which the check of strictly rising uniques sends below
        bits = np.ascontiguousarray(flat).view(np.int64)
        codes, seen = pd.factorize(bits, sort=False, use_na_sentinel=False)
        values = np.asarray(seen, dtype=np.int64).view(np.float64)
        order = np.argsort(values)
        uniques = values[order]
        if len(uniques) < 2 or bool(np.all(uniques[1:] > uniques[:-1])):
            to_rank = np.empty(len(order), dtype=np.intp)
            to_rank[order] = np.arange(len(order))
            return to_rank[codes], uniques
    order = np.argsort(flat)
    ordered = flat[order]
    new = np.empty(len(ordered), dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    dense = np.cumsum(new, dtype=np.intp)
    dense -= 1
    ranks_flat = np.empty(len(flat), dtype=np.intp)
    ranks_flat[order] = dense
    return ranks_flat, ordered[new]


def _h_indexed(
    index: KsIndex,
    rows: IntArray | None,
    ys: FloatArray,
    sums: dict[str, IntArray] | None = None,
) -> tuple[IntArray, IntArray]:
    """Integer KS statistic and A12 numerator of every indexed row against sorted ``ys``.

    With c1, c2 the target's and the row's counts <= t, the ECDF difference scaled by lcm is
    H(t) = c1(t) * a - c2(t) * b (a = n2/g, b = n1/g). Between two consecutive row values c2
    is constant and H only rises, so max H is reached just below a row value and min H at
    one: with x_j the row's j-th smallest value (j from 0), the statistic is the largest of
    ``#{y < x_j} a - j b`` and ``(j + 1) b - #{y <= x_j} a``. (Inside a group of tied row
    values j under- or over-counts, but only towards smaller terms, so the maxima are exact.)
    Both target counts come from one table over the ranks, packed in an int32 (``#{y < u}``
    in the low 16 bits, ``#{y <= u}`` in the high ones); padding reads n1 in both and its
    terms are capped at 0. Returns (h, wins), wins = 2 #{x > y} + #{x == y} per row.
    """
    ranks = index.ranks if rows is None else index.ranks[:, rows]
    nx = index.counts if rows is None else index.counts[rows]
    n1 = len(ys)
    u = index.uniques
    # y < u_k  <=>  k >= #{u <= y};  y <= u_k  <=>  k >= #{u < y}
    below = np.bincount(np.searchsorted(u, ys, side="right"), minlength=len(u) + 1)
    at = np.bincount(np.searchsorted(u, ys, side="left"), minlength=len(u) + 1)
    m = ranks.shape[1]
    k_max = int(nx.max(initial=0))
    n_min = int(nx.min()) if m else 0
    if m and n_min == k_max >= 1:
        g = math.gcd(k_max, n1)
        if n1 * k_max // g * k_max < 2**15:  # k_max lcm: every sum below fits 15 bits
            return _h_one_size(ranks, below, at, n1, k_max, sums)
    table = np.cumsum(below + (at << 16), dtype=np.int64).astype(np.int32)
    # every term is at most 2 n1 k_max <= 2e8 in size (lcm <= n1 n2, j b <= k_max n1)
    dt = np.int32
    g_rows = np.gcd(nx, n1)
    a: Any = (nx // g_rows).astype(dt)  # weight of one target value
    b: Any = (n1 // g_rows).astype(dt)  # weight of one row value
    up = np.zeros(m, dtype=dt)  # max of #{y < x_j} a - j b (j = 0 below every y gives 0)
    down = np.zeros(m, dtype=dt)  # max of (j + 1) b - #{y <= x_j} a
    wins = np.zeros(m, dtype=dt)
    packed = np.empty(m, dtype=np.int32)
    low = np.empty(m, dtype=dt)
    high = np.empty(m, dtype=dt)
    step: Any = 0  # j b
    for j in range(k_max):
        # mode="wrap": no buffered copy (ranks are always in range)
        np.take(table, ranks[j], out=packed, mode="wrap")
        np.bitwise_and(packed, 0xFFFF, out=low)
        np.right_shift(packed, 16, out=high)
        wins += low
        wins += high
        low *= a
        low -= step
        np.maximum(up, low, out=up)
        if j < n_min:
            step = step + b
        else:  # rows past their last value: (j + 1) b capped at n2 b, so their term is 0
            step = np.minimum(j + 1, nx).astype(dt) * b
        high *= a
        np.subtract(step, high, out=high)
        np.maximum(down, high, out=down)
    h = np.maximum(up, down).astype(np.int64)
    # each padding position counted n1 in both target counts
    return h, wins.astype(np.int64) - 2 * n1 * (k_max - nx)


def _h_one_size(
    ranks: npt.NDArray[np.intp],
    below: IntArray,
    at: IntArray,
    n1: int,
    n2: int,
    sums: dict[str, IntArray] | None = None,
) -> tuple[IntArray, IntArray]:
    """:func:`_h_indexed` when every row holds ``n2`` scores and ``n2 * lcm < 2**15``.

    The weights are scalars, so the table holds the target counts already multiplied by
    a = n2/g, and the packed words are summed as they are (both halves stay below 2**15) to
    give the A12 numerator: three array operations fewer per position.

    ``sums``: when given, filled from the same pass with ``"pp"`` = sum of ``s_j^2`` and
    ``"w"`` = sum of ``(4 j + 2) s_j + t_j`` per row, where ``s_j = 2 P_j = #{y < x_j} +
    #{y <= x_j}`` and ``t_j = #{y = x_j}`` (see
    :func:`sweepwalk.stats._placement_sums.placement_sums`, which adds the rest).
    """
    g = math.gcd(n1, n2)
    a, b = n2 // g, n1 // g
    table = np.cumsum((below + (at << 16)) * a, dtype=np.int64).astype(np.int32)
    m = ranks.shape[1]
    up = np.zeros(m, dtype=np.int32)
    down = np.zeros(m, dtype=np.int32)
    total = np.zeros(m, dtype=np.int32)  # sum of packed words: both halves summed apart
    packed = np.empty(m, dtype=np.int32)
    low = np.empty(m, dtype=np.int32)
    high = np.empty(m, dtype=np.int32)
    if sums is not None:
        # a s_j <= 2 lcm, so the squares sum to at most 4 lcm^2 n2 < 2**31 when lcm <= 10000
        # (ks_against's bound on n1, n2) and lcm n2 < 2**15; wide integers past that anyway
        wide: Any = np.int64 if 4 * (n1 * a) ** 2 * n2 >= 2**31 else np.int32
        s_a = np.empty(m, dtype=wide)  # a s_j
        square = np.empty(m, dtype=wide)
        s_pp = np.zeros(m, dtype=wide)  # sum (a s_j)^2
        s_w = np.zeros(m, dtype=np.int64)  # sum (4 j + 2) a s_j
    for j in range(n2):
        np.take(table, ranks[j], out=packed, mode="wrap")
        total += packed
        np.bitwise_and(packed, 0xFFFF, out=low)  # #{y < x_j} a
        np.right_shift(packed, 16, out=high)  # #{y <= x_j} a
        if sums is not None:
            np.add(low, high, out=s_a)
            np.multiply(s_a, s_a, out=square)
            s_pp += square
            np.multiply(s_a, 4 * j + 2, out=square)
            s_w += square
        low -= j * b
        np.maximum(up, low, out=up)
        np.subtract((j + 1) * b, high, out=high)
        np.maximum(down, high, out=down)
    h = np.maximum(up, down).astype(np.int64)
    below_a, at_a = (total & 0xFFFF).astype(np.int64), (total >> 16).astype(np.int64)
    wins = (below_a + at_a) // a
    if sums is not None:
        sums["pp"] = s_pp.astype(np.int64) // (a * a)
        sums["w"] = s_w // a + (at_a - below_a) // a
    return h, wins


def ks_against(
    index: KsIndex,
    target: FloatArray,
    rows: IntArray | None = None,
    notes: list[str] | None = None,
    placement: dict[str, IntArray] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """``ks_2samp(target, row)`` and A12 of every indexed row (or ``rows``) against ``target``.

    The one-target path of :func:`ks_a12` on rows sorted once (:func:`ks_index`): the same
    statistic, p-value (scipy's own, cached per (n1, n2, h)) and A12, with work linear in the
    number of scores. ``target`` holds the target's finite scores. Rows or a target with more
    than 10000 scores, where scipy does not round the statistic, and a few rows of many scores,
    where one merge per row costs less than a pass per position, go through :func:`ks_a12`.

    ``placement``: when given, and every row holds the same number of scores (a grid of
    seeds), filled with the parts of the A12 intervals' placement sums of every indexed row
    (``rows`` must be None) that this pass gives: ``"p"``, ``"pp"``, ``"w"`` (see
    :func:`_h_one_size`); ``sweepwalk.stats._placement_sums.sums_from_pass`` finishes them,
    without a second pass over the positions. Left empty otherwise.
    """
    ys = np.sort(np.asarray(target, dtype=np.float64))
    n1 = len(ys)
    nx = index.counts if rows is None else index.counts[rows]
    m = len(nx)
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    effect = np.full(m, np.nan)
    if m == 0 or n1 < 1:
        return statistic, pvalue, effect
    k_max = int(nx.max())
    # the indexed pass loops over positions: for a few rows of many scores (a click on a
    # sweep with thousands of seeds) one merge of each row with the target costs less
    few_long_rows = m * (k_max + n1) < _MERGE_FACTOR * k_max
    beyond_exact = n1 > _MAX_EXACT_N or k_max > _MAX_EXACT_N
    if beyond_exact or few_long_rows:
        x = _sorted_rows(index, rows)
        statistic, pvalue, a12_rows = ks_a12(x, nx, ys[None, :], np.array([n1]), notes)
        if a12_rows is not None and not beyond_exact:  # the merge's own A12, every row
            return statistic, pvalue, a12_rows
        lo, hi = positions(ys, x)  # NaN padding falls at n1 in both
        wins = (lo + hi).sum(axis=1) - 2 * n1 * (x.shape[1] - nx)
        with np.errstate(invalid="ignore", divide="ignore"):
            effect = np.where(nx >= 1, wins / (2.0 * nx * n1), np.nan)
        return statistic, pvalue, effect
    parts: dict[str, IntArray] | None = {} if placement is not None and rows is None else None
    h, wins = _h_indexed(index, rows, ys, parts)
    if parts and placement is not None:
        placement.update(parts, p=wins)
    if k_max >= 1 and int(nx.min()) == k_max:  # every row as long (a grid of seeds): scalar sizes
        okr: Any = slice(None)
        statistic = h / (n1 // math.gcd(k_max, n1) * k_max)
        effect = wins / (2.0 * k_max * n1)
        first, inverse = distinct(h)
    else:
        ok = nx >= 1
        with np.errstate(invalid="ignore", divide="ignore"):
            lcm = (n1 // np.gcd(nx, n1)) * nx
            statistic = np.where(ok, h / lcm, np.nan)
            effect = np.where(ok, wins / (2.0 * nx * n1), np.nan)
        okr = np.flatnonzero(ok)
        # one scipy call per distinct (n1, n2, h)
        first, inverse = distinct(nx[okr] * (int(h.max()) + 1) + h[okr])
    picks = first if isinstance(okr, slice) else okr[first]
    keys = [(n1, int(nx[r]), int(h[r])) for r in picks.tolist()]
    cols = picks if rows is None else rows[picks]
    _fill_cache(index, keys, cols, ys)
    p_uniq = np.empty(len(first))
    fallback = set()
    for q, (k, i) in enumerate(zip(keys, cols.tolist(), strict=True)):
        p_uniq[q], fell_back = _lookup(k, ys, partial(_sorted_row, index, i))
        if fell_back:
            fallback.add(k[:2])
    pvalue[okr] = p_uniq[inverse]
    _note_fallbacks(fallback, notes)
    return statistic, pvalue, effect


def _fill_cache(
    index: KsIndex, keys: list[tuple[int, int, int]], cols: IntArray, ys: FloatArray
) -> None:
    """Put scipy's p-value of every missing key in the cache, one call per row size.

    ``ks_2samp(ys, X, axis=1)`` on the rows of one size runs the same computation row by
    row as separate calls do (the same numbers) but pays scipy's argument handling once, most
    of a call at a few seeds: a first comparison meets tens of new keys. A call that warns
    (the exact distribution failed for some row) is redone row by row by :func:`_lookup`,
    which records which keys fell back.
    """
    missing = [q for q, k in enumerate(keys) if k not in _P_CACHE]
    by_size: dict[int, list[int]] = {}
    for q in missing:
        by_size.setdefault(keys[q][1], []).append(q)
    for qs in by_size.values():
        if len(qs) < 2:
            continue
        x = np.stack([_sorted_row(index, int(cols[q])) for q in qs])
        with quiet() as caught:
            res = stats.ks_2samp(np.broadcast_to(ys, (len(qs), len(ys))), x, axis=1)
        if any(issubclass(w.category, RuntimeWarning) for w in caught):
            continue  # left to _lookup, row by row
        with _P_CACHE_LOCK:
            if len(_P_CACHE) + len(qs) > _CACHE_LIMIT:
                _P_CACHE.clear()
            for q, p in zip(qs, np.atleast_1d(res.pvalue).tolist(), strict=True):
                _P_CACHE[keys[q]] = (float(p), False)


def _sorted_row(index: KsIndex, i: int) -> FloatArray:
    """Row ``i``'s scores, sorted, from the index."""
    return index.uniques[index.ranks[: index.counts[i], i]]


def _sorted_rows(index: KsIndex, rows: IntArray | None) -> FloatArray:
    """(M, K) sorted scores of ``rows`` (all rows when None), NaN padded."""
    ranks = index.ranks if rows is None else index.ranks[:, rows]
    padded = np.append(index.uniques, np.nan)
    return np.ascontiguousarray(padded[ranks].T)


__all__ = ["KsIndex", "ks", "ks_a12", "ks_against", "ks_index", "positions"]
