"""A12 of many neighbour pairs at once, from dense ranks (equal to ``stats.a12`` per pair)."""

from __future__ import annotations

import numpy as np

__all__ = ["a12_pairs"]

#: pairs per block of the (block, K, K) comparison of the A12 fast path (fits in cache)
_A12_BLOCK = 2000
#: widest full rows compared K x K for A12 (wider ones merge: n log n)
_A12_SQUARE = 32


def a12_pairs(
    ranks_a: np.ndarray,
    ranks_b: np.ndarray,
    values_a: np.ndarray,
    values_b: np.ndarray,
    na: np.ndarray,
    nb: np.ndarray,
) -> np.ndarray:
    """A12 of row a vs row b for every pair (== ``stats.a12``), from dense ranks.

    For full rows of a few scores A12 = (sum(sign(r_a - r_b)) + K^2) / (2 K^2) over all K x K
    rank pairs, in small blocks of int32; other pairs count their wins by one merge
    (:func:`_merged_wins`), so that a row of thousands of scores costs n log n, not n^2.
    ``values_a``/``values_b`` give the padded width K.
    """
    k = values_a.shape[1]
    out = np.empty(len(na))
    full = (na == k) & (nb == k) & (k <= _A12_SQUARE)
    idx = np.flatnonzero(full)
    for s in range(0, len(idx), _A12_BLOCK):
        rows = idx[s : s + _A12_BLOCK]
        d = np.subtract(ranks_a[rows][:, :, None], ranks_b[rows][:, None, :], dtype=np.int32)
        # (wins - k^2) is the sum of signs; wins / (2 k^2) is stats.a12's expression
        out[rows] = (np.sign(d, out=d).sum(axis=(1, 2)) + k * k) / (2.0 * k * k)
    rest = np.flatnonzero(~full)
    if len(rest):
        wins = _merged_wins(ranks_a[rest], na[rest], ranks_b[rest], nb[rest])
        out[rest] = wins / (2.0 * na[rest] * nb[rest])
    return out


def _merged_wins(ra: np.ndarray, na: np.ndarray, rb: np.ndarray, nb: np.ndarray) -> np.ndarray:
    """``2 #{a > b} + #{a == b}`` per pair of rank rows (left-aligned, ``na``/``nb`` valid).

    Each pair's ranks are shifted into a range of their own, so one sort of every b and two
    binary searches of every a count, per pair, the b below and at each a.
    """
    m = len(na)
    span = int(max(ra.max(initial=0), rb.max(initial=0))) + 1
    shift = np.arange(m, dtype=np.int64)[:, None] * span
    valid_a = np.arange(ra.shape[1]) < na[:, None]
    valid_b = np.arange(rb.shape[1]) < nb[:, None]
    keys_b = np.sort((rb + shift)[valid_b])  # pairs in order; each pair's ranks sorted
    keys_a = (ra + shift)[valid_a]
    lo = np.searchsorted(keys_b, keys_a, side="left")
    hi = np.searchsorted(keys_b, keys_a, side="right")
    before = np.repeat(np.cumsum(nb) - nb, na)  # b entries of the earlier pairs
    counts = lo + hi - 2 * before
    return np.bincount(np.repeat(np.arange(m), na), weights=counts, minlength=m)
