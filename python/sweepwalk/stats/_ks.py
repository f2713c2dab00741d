"""Batched two-sample Kolmogorov-Smirnov test, exact to ``scipy.stats.ks_2samp``.

``ks_2samp``'s two-sided p-value depends only on the key (n1, n2, h) with
h = round(D * lcm(n1, n2)) (for ``max(n1, n2) <= 10000``, where scipy rounds D to h / lcm
before computing either the exact or the asymptotic p-value). So h is computed for every row
with integer numpy arithmetic, and each distinct key's p-value is taken from ``ks_2samp``
itself, called once on a real pair having that key, and cached.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._rows import FloatArray, IntArray, quiet, valid_mask

# scipy's `ks_2samp` uses its exact/rounded path only up to this sample size.
_MAX_EXACT_N = 10000
_CACHE_LIMIT = 200_000
# up to this many target values, positions are found by comparison passes, not binary search
_SCAN_MAX = 32
# values per row chunk of the one-target path (keeps temporaries in cache)
_CHUNK = 200_000
# rows per chunk of the row-wise-target path
_ROWS = 4096
# (n1, n2, h) -> (pvalue, fell back to the asymptotic distribution)
_P_CACHE: dict[tuple[int, int, int], tuple[float, bool]] = {}


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


def _lookup(key: tuple[int, int, int], y_row: FloatArray, x_row: FloatArray) -> tuple[float, bool]:
    hit = _P_CACHE.get(key)
    if hit is None:
        with quiet() as caught:
            res = stats.ks_2samp(y_row, x_row)
        fell_back = any(issubclass(w.category, RuntimeWarning) for w in caught)
        hit = (float(res.pvalue), fell_back)
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
        p_uniq[u], fell_back = _lookup(k, ys_row(r), xs[r, : nxs[r]])
        if fell_back:
            fallback_sizes.add(k[:2])
    pvalue[rows] = p_uniq[inverse.reshape(-1)]
    if notes is not None:
        for n1, n2 in sorted(fallback_sizes):
            notes.append(
                f"ks_2samp: the exact p-value is not computable for sample sizes ({n1}, {n2}); "
                "scipy's asymptotic p-value is used, as ks_2samp itself does."
            )
    return statistic, pvalue, effect


__all__ = ["ks", "ks_a12", "positions"]
