"""A12 and the variances of its placements for many rows against one target, from the KS index.

Scores are one float per seed per configuration. The A12 interval (:func:`a12_interval`) needs,
per row, A12 and the variances of the placements ``P_i = #{y < x_i} + #{y = x_i} / 2`` (each
row value among the target's) and ``Q_k`` (each target value among the row's). Sorting every
pooled row costs most of a comparison against every configuration; the rows sorted and ranked
once per sweep (:class:`~sweepwalk.stats._ks.KsIndex`) give the same integer sums in one pass
over the positions, as the KS statistic does.
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import numpy.typing as npt

from ._ks import KsIndex
from ._rows import IntArray

#: most target scores placement_sums takes (its per-value counts are packed in 16 bits)
MAX_TARGET = 2**15 - 1
# below this bound every per-position term and sum fits an int32 (faster than int64)
_INT32_SAFE = 2**31 - 1


def placement_sums(
    index: KsIndex, rows: IntArray | None, ys: npt.NDArray[np.float64]
) -> tuple[IntArray, IntArray, IntArray]:
    """Integer sums of the doubled placements of every indexed row (or ``rows``) against ``ys``.

    Parameters
    ----------
    index : KsIndex
        The sweep's rows, sorted and ranked once (:func:`sweepwalk.stats.ks_index`).
    rows : ndarray of int, optional
        Rows of the index to use (all when None).
    ys : ndarray of float, shape (n1,)
        The target's finite scores, sorted ascending.

    Returns
    -------
    s_p, s_pp, s_qq : ndarray of int64, shape (M,)
        With ``2 P_i = #{y < x_i} + #{y <= x_i}`` over the row's values and
        ``2 Q_k = #{x < y_k} + #{x <= y_k}`` over the target's: ``s_p = sum 2 P_i`` (twice the
        A12 numerator), ``s_pp = sum (2 P_i)^2`` and ``s_qq = sum (2 Q_k)^2``.

    Notes
    -----
    With the row sorted (x_0 <= ... <= x_{K-1}), ``c(k) = #{x < y_k}`` and
    ``e(k) = #{x = y_k}``, each sum over target values is a sum over row positions:
    ``sum_k c(k)^2`` counts the pairs (i, i') of row values with both below y_k, so it is
    ``sum_j (2 j + 1) #{y > x_j}``; likewise ``sum_k (c + e)^2 = sum_j (2 j + 1) #{y >= x_j}``,
    and ``sum_k c(k) e(k) = sum_j #{y = x_j} f_j`` with ``f_j = #{x < x_j}``, which is ``j``
    less ``d_j``, the position of ``x_j`` inside its group of equal row values. So
    ``s_qq = 4 n1 K^2 - sum_j ((4 j + 2) 2 P_j + t_j + 2 t_j d_j)`` with ``t_j = #{y = x_j}``,
    the sum over all K positions (padding reads ``#{y < x} = #{y <= x} = n1``, where the terms
    of ``4 n1 (2 j + 1)`` and of the sum cancel).
    """
    if len(ys) > MAX_TARGET:
        raise ValueError(
            f"`ys` holds {len(ys)} scores; placement sums pack counts in 16 bits and take at "
            f"most {MAX_TARGET} (compute the placements from the rows instead)."
        )
    if rows is not None and 2 * len(rows) > len(index.counts):
        # most rows: a pass over all of them costs less than copying their columns
        return tuple(s[rows] for s in placement_sums(index, None, ys))  # type: ignore[return-value]
    ranks = index.ranks if rows is None else index.ranks[:, rows]
    nx = (index.counts if rows is None else index.counts[rows]).astype(np.int64)
    n1 = len(ys)
    u = index.uniques
    # #{y < u_r} and #{y <= u_r} for every rank r (the padding rank reads n1 in both)
    lt = np.cumsum(np.bincount(np.searchsorted(u, ys, side="right"), minlength=len(u) + 1))
    le = np.cumsum(np.bincount(np.searchsorted(u, ys, side="left"), minlength=len(u) + 1))
    k = ranks.shape[0]
    words = _packing(n1, k)
    if words is None:
        s_p, s_pp, s_w = _sums_by_position(ranks, lt, le, n1)
    else:
        s_p, s_pp, s_w = _sums_packed(ranks, lt, le, words)
        s_w += 2 * _run_terms(index, rows, (le - lt).astype(np.int64))
    pad = k - nx  # padding positions each added 2 n1 and (2 n1)^2
    s_p -= 2 * n1 * pad
    s_pp -= 4 * n1 * n1 * pad
    s_qq = 4 * n1 * k * k - s_w  # the padding's terms cancel in this form
    return s_p, s_pp, s_qq


def sums_from_pass(
    index: KsIndex, ys: npt.NDArray[np.float64], parts: dict[str, IntArray]
) -> tuple[IntArray, IntArray, IntArray]:
    """:func:`placement_sums` of every row of a full index from the KS pass's own sums.

    ``parts`` as ``ks_against(..., placement=parts)`` fills it: ``"p"`` (``s_p``), ``"pp"``
    (``s_pp``) and ``"w"``, the sum of ``(4 j + 2) 2 P_j + t_j`` that the KS pass over the
    positions accumulated (every row holds K scores: no padding). Only the runs of equal row
    values are left to add.
    """
    u, k = index.uniques, index.ranks.shape[0]
    lt = np.cumsum(np.bincount(np.searchsorted(u, ys, side="right"), minlength=len(u) + 1))
    le = np.cumsum(np.bincount(np.searchsorted(u, ys, side="left"), minlength=len(u) + 1))
    s_w = parts["w"] + 2 * _run_terms(index, None, (le - lt).astype(np.int64))
    return parts["p"], parts["pp"], 4 * len(ys) * k * k - s_w


def _packing(n1: int, k: int) -> tuple[int, int] | None:
    """Bit offsets of t and s^2 in one int64 word holding (s, t, s^2), or None if they overflow.

    ``s = 2 P_j <= 2 n1`` takes the low bits, sized for its double running sum (at most
    ``2 n1 K^2``); the sums of ``t <= n1`` and ``s^2 <= 4 n1^2`` over K positions follow.
    """
    b_t = (2 * n1 * k * k).bit_length()
    b_ss = b_t + (n1 * k).bit_length()
    return (b_t, b_ss) if b_ss + (4 * n1 * n1 * k).bit_length() < 63 else None


def _sums_packed(
    ranks: npt.NDArray[np.intp], lt: IntArray, le: IntArray, words: tuple[int, int]
) -> tuple[IntArray, IntArray, IntArray]:
    """(s_p, s_pp, s_w) without the ``t_j d_j`` terms: one lookup and two adds per position.

    Each rank's (s, t, s^2) sit in one int64 word, so one running sum adds all three; the sum
    of the running sums gives ``sum_j (K - j) s_j`` in the low field (the upper fields of that
    sum overflow harmlessly: only the low one is read).
    """
    b_t, b_ss = words
    s = (lt + le).astype(np.int64)
    t = (le - lt).astype(np.int64)
    table = s + (t << b_t) + ((s * s) << b_ss)
    k, m = ranks.shape
    total = np.zeros(m, dtype=np.int64)
    running = np.zeros(m, dtype=np.int64)
    word = np.empty(m, dtype=np.int64)
    with np.errstate(over="ignore"):
        for j in range(k):
            np.take(table, ranks[j], out=word, mode="wrap")  # ranks are always in range
            total += word
            running += total
    low = (1 << b_t) - 1
    s_p = total & low
    s_t = (total >> b_t) & ((1 << (b_ss - b_t)) - 1)
    s_pp = total >> b_ss
    weighted = k * s_p - (running & low)  # sum_j j s_j
    return s_p, s_pp, 4 * weighted + 2 * s_p + s_t


def _run_terms(index: KsIndex, rows: IntArray | None, t: IntArray) -> IntArray:
    """``sum_j t_j d_j`` per row: ``t`` of each row value times the equal values before it.

    Only positions that repeat the value before them count; they are listed once per index
    (:func:`_repeats`), so each call is one weighted count over them.
    """
    col, rank, run = _repeats(index)
    weights = (t[rank] * run).astype(np.float64)
    if rows is None:
        return np.bincount(col, weights, minlength=len(index.counts)).astype(np.int64)
    where = np.full(len(index.counts), -1, dtype=np.int64)
    where[rows] = np.arange(len(rows))
    pos = where[col]
    keep = pos >= 0
    return np.bincount(pos[keep], weights[keep], minlength=len(rows)).astype(np.int64)


#: per index: the positions repeating the value before them (see _repeats)
_REPEATS: weakref.WeakKeyDictionary[KsIndex, tuple[IntArray, IntArray, IntArray]] = (
    weakref.WeakKeyDictionary()
)


def _repeats(index: KsIndex) -> tuple[IntArray, IntArray, IntArray]:
    """(row, rank, d) of every position whose value equals the one before it in its row.

    ``d`` counts the equal values before it (its place in the run of equal values). Computed
    once per index (the rows never change), kept while the index lives.
    """
    hit = _REPEATS.get(index)
    if hit is not None:
        return hit
    ranks, pad = index.ranks, len(index.uniques)
    full = len(index.counts) == 0 or int(index.counts.min()) == ranks.shape[0]  # no padding
    cols, rks, runs = [], [], []
    run = np.zeros(ranks.shape[1], dtype=np.int32 if ranks.shape[0] < 2**31 else np.int64)
    same = np.empty(ranks.shape[1], dtype=bool)
    for j in range(1, ranks.shape[0]):
        run += 1
        np.equal(ranks[j], ranks[j - 1], out=same)
        if not full:
            same &= ranks[j] != pad
        run *= same
        found = np.flatnonzero(run)
        cols.append(found)
        rks.append(ranks[j, found])
        runs.append(run[found])

    def joined(parts: list[npt.NDArray[np.signedinteger[Any]]]) -> IntArray:
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)

    found_all = (joined(cols), joined(rks), joined(runs))
    _REPEATS[index] = found_all
    return found_all


def _sums_by_position(
    ranks: npt.NDArray[np.intp], lt: IntArray, le: IntArray, n1: int
) -> tuple[IntArray, IntArray, IntArray]:
    """(s_p, s_pp, s_w) of :func:`placement_sums` (padding included), position by position."""
    table = (lt + (le << 16)).astype(np.int32)
    k, m = ranks.shape
    dt: Any = np.int32 if 4 * n1 * k * k * (2 * n1 + 1) < _INT32_SAFE else np.int64
    s_p = np.zeros(m, dtype=dt)
    s_pp = np.zeros(m, dtype=dt)
    s_w = np.zeros(m, dtype=dt)  # sum (4 j + 2) 2 P_j + t_j + 2 t_j d_j
    run = np.zeros(m, dtype=dt)  # d_j: position inside the group of equal row values
    packed = np.empty(m, dtype=np.int32)
    low = np.empty(m, dtype=dt)
    high = np.empty(m, dtype=dt)
    tmp = np.empty(m, dtype=dt)
    for j in range(k):
        np.take(table, ranks[j], out=packed, mode="wrap")  # ranks are always in range
        np.bitwise_and(packed, 0xFFFF, out=low)  # #{y < x_j}
        np.right_shift(packed, 16, out=high)  # #{y <= x_j}
        high -= low  # t_j
        low += low
        low += high  # 2 P_j
        s_p += low
        np.multiply(low, low, out=tmp)
        s_pp += tmp
        low *= 4 * j + 2
        s_w += low
        if j:
            run += 1
            run *= ranks[j] == ranks[j - 1]
            np.multiply(run, high, out=tmp)
            tmp += tmp
            s_w += tmp
        s_w += high
    return s_p.astype(np.int64), s_pp.astype(np.int64), s_w.astype(np.int64)


def placement_moments(
    index: KsIndex,
    rows: IntArray | None,
    ys: npt.NDArray[np.float64],
    sums: tuple[IntArray, IntArray, IntArray] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A12 of every row against ``ys`` and the ddof=1 variances of its placement shares.

    Returns ``(a12, var_p, var_q)``: the mean of ``P_i / n1`` and the variances of
    ``P_i / n1`` and ``Q_k / nx`` (see :func:`placement_sums`), as
    ``sweepwalk.stats._intervals`` computes them from the sorted pooled rows; NaN where a side
    has fewer than 1 (A12) or 2 (variances) values. The integer sums make the variances exact up
    to one rounding. ``sums``: :func:`placement_sums` of ``rows`` when already at hand (from
    the KS pass: :func:`sweepwalk.stats.ks_against`).
    """
    nx = (index.counts if rows is None else index.counts[rows]).astype(np.int64)
    n1 = len(ys)
    s_p, s_pp, s_qq = placement_sums(index, rows, ys) if sums is None else sums
    s_q = 2 * nx * n1 - s_p
    with np.errstate(invalid="ignore", divide="ignore"):
        a12 = np.where(nx >= 1, s_p / (2.0 * nx * n1), np.nan)
        var_p = (nx * s_pp - s_p * s_p) / (4.0 * n1 * n1 * nx * (nx - 1))
        var_q = (n1 * s_qq - s_q * s_q) / (4.0 * nx * nx * n1 * (n1 - 1))
    var_p = np.where(nx >= 2, var_p, np.nan)
    var_q = np.where((nx >= 1) & (n1 >= 2), var_q, np.nan)
    return a12, var_p, var_q


__all__ = ["MAX_TARGET", "placement_moments", "placement_sums", "sums_from_pass"]
