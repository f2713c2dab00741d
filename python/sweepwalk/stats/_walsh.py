"""Order statistics of the Walsh averages of a sample without forming all of them.

The Hodges-Lehmann estimate and its interval are order statistics of the
``N = n (n + 1) / 2`` Walsh averages ``(d_i + d_j) / 2, i <= j``: 50 million at n = 10000.
:func:`walsh_order_statistics` finds them exactly, as a sort of all of them would, with work
near ``n log n`` per order statistic: a randomised selection (after Monahan 1984) that keeps,
for each ``i`` of the sorted sample, the band ``[lo_i, hi_i)`` of ``j`` whose averages may
still hold the answer, and narrows it with pivots drawn from a sample of the band.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._rows import FloatArray, IntArray

# bands of at most this many averages are formed and partitioned outright
_DIRECT = 65_536
# averages drawn from the band to choose the next pair of pivots
_SAMPLE = 4096
# half-width of the pivots' window around the wanted rank, in binomial standard deviations
_WINDOW_SD = 4.0


def _first_beyond(d: FloatArray, t: float, inclusive: bool) -> IntArray:
    """For every ``i``, the first ``j >= i`` with ``w(i, j) > t`` (``>= t`` if not inclusive).

    ``w(i, j) = (d_i + d_j) / 2`` rises with ``j`` (``d`` sorted; rounding is monotone), so
    the answer is a boundary. A search on ``2 t - d_i`` guesses it; a binary search on the
    averages themselves, computed exactly as the sort would compute them, settles it.
    """
    n = len(d)
    start = np.arange(n)
    guess = np.searchsorted(d, 2.0 * t - d, side="right" if inclusive else "left")
    lo = np.clip(guess - 2, start, n)
    hi = np.clip(guess + 2, start, n)

    def inside(j: IntArray) -> npt.NDArray[np.bool_]:  # w(i, j) on the counted side of t
        w = (d + d[np.minimum(j, n - 1)]) / 2.0
        return w <= t if inclusive else w < t

    lo = np.where((lo == start) | inside(lo - 1), lo, start)  # every j < lo counted
    hi = np.where((hi == n) | ~inside(hi), hi, n)  # no j >= hi counted
    while True:
        open_ = lo < hi
        if not open_.any():
            return lo
        mid = (lo + hi) // 2
        counted = inside(mid)
        lo = np.where(open_ & counted, mid + 1, lo)
        hi = np.where(open_ & ~counted, mid, hi)


def _band_values(d: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """Every average ``w(i, j)`` with ``lo_i <= j < hi_i``."""
    lengths = hi - lo
    i = np.repeat(np.arange(len(d)), lengths)
    offsets = np.arange(len(i)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.asarray((d[i] + d[lo[i] + offsets]) / 2.0)


def _select(d: FloatArray, rank: int, rng: np.random.Generator) -> float:
    """Select the ``rank``-th smallest (from 1) Walsh average of the sorted sample ``d``."""
    n = len(d)
    lo, hi = np.arange(n), np.full(n, n)
    below = 0  # averages smaller than every one in the band
    stalled = False  # the last pair of pivots kept the whole band (ties)
    while True:
        lengths = hi - lo
        size = int(lengths.sum())
        if size <= _DIRECT:
            return float(np.partition(_band_values(d, lo, hi), rank - below - 1)[rank - below - 1])
        ends = np.cumsum(lengths)
        pick = rng.integers(0, size, _SAMPLE)
        i = np.searchsorted(ends, pick, side="right")
        sample = np.sort((d[i] + d[lo[i] + pick - (ends[i] - lengths[i])]) / 2.0)
        share = (rank - below) / size
        half = _WINDOW_SD * np.sqrt(_SAMPLE * share * (1.0 - share)) + 1.0
        k_low, k_high = int(share * _SAMPLE - half), int(np.ceil(share * _SAMPLE + half))
        if stalled or (k_low < 0 and k_high >= _SAMPLE):  # one pivot: <, = and > it
            k_low = k_high = _SAMPLE // 2
        t_low = sample[k_low] if k_low >= 0 else None
        t_high = sample[k_high] if k_high < _SAMPLE else None
        new_lo = lo if t_low is None else _first_beyond(d, t_low, inclusive=False)
        new_hi = hi if t_high is None else _first_beyond(d, t_high, inclusive=True)
        under = below + int((new_lo - lo).sum())  # averages < t_low
        upto = below + int((new_hi - lo).sum())  # averages <= t_high
        if rank <= under:
            hi = new_lo
        elif rank > upto:
            lo, below = new_hi, upto
        elif t_low is not None and t_low == t_high:  # every average left equals the pivot
            return float(t_low)
        else:
            stalled = int((new_hi - new_lo).sum()) == size
            lo, hi, below = new_lo, new_hi, under


def walsh_order_statistics(d: FloatArray, ranks: npt.ArrayLike) -> FloatArray:
    """Order statistics of the Walsh averages ``(d_i + d_j) / 2, i <= j`` of a sample.

    Parameters
    ----------
    d : ndarray, shape (n,)
        Finite values (per-seed differences), in any order.
    ranks : array_like of int
        Ranks from 1 to ``n (n + 1) / 2``.

    Returns
    -------
    ndarray
        The ``ranks``-th smallest averages: exactly the entries of the sorted array of all
        averages at ``ranks - 1``.

    Notes
    -----
    Work is about ``n log n`` per rank (a few exact boundary searches over the sorted
    sample, then one partition of at most 65536 averages), where sorting all averages costs
    ``n^2 log n`` time and ``n^2 / 2`` memory. The pivots are random (a fixed seed); the
    result is not: each step keeps exactly the averages on the wanted side of a pivot.

    References
    ----------
    .. [1] J. F. Monahan, "Algorithm 616: Fast computation of the Hodges-Lehmann location
       estimator", ACM Transactions on Mathematical Software 10(3), 265-270, 1984.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats._walsh import walsh_order_statistics
    >>> walsh_order_statistics(np.array([3.0, 1.0, 2.0]), [1, 6]).tolist()
    [1.0, 3.0]
    """
    values = np.sort(np.asarray(d, dtype=np.float64))
    wanted = np.atleast_1d(np.asarray(ranks, dtype=np.int64))
    n = len(values)
    total = n * (n + 1) // 2
    if np.any((wanted < 1) | (wanted > total)):
        raise ValueError(f"`ranks` must lie between 1 and n (n + 1) / 2 = {total}.")
    rng = np.random.default_rng(0)
    distinct, inverse = np.unique(wanted, return_inverse=True)  # e.g. the median of odd N
    return np.array([_select(values, int(r), rng) for r in distinct])[inverse.reshape(-1)]
