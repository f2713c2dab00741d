"""Batched permutation test of the difference of means, exact to ``scipy.stats.permutation_test``.

With an integer seed, ``permutation_test`` draws the same permutations of the pooled indices
for every call with the same sample sizes, whatever the data (one ``rng.permutation(n)`` per
resample). We draw that same set once per pair of sample sizes and share it over every row:
the difference of means is linear in the pooled scores, so the null statistics of a chunk of
rows are one matrix product (BLAS) instead of a Python-level call per row. When the number of
distinct partitions is at most ``n_resamples`` scipy enumerates them all (an exact test) and
so do we; the seed does not matter then.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import numpy.typing as npt

from ._rows import FloatArray, IntArray, groups, take
from ._ties import check_rtol, row_scale

# null statistics (rows x permutations) held at a time: 32 MB of float64
_BLOCK = 4_000_000
# unpacked float64 labels held at a time (bytes): more seeds are taken in column chunks
_LABEL_BYTES = 64_000_000


def mean_difference(x: FloatArray, y: FloatArray, axis: int = -1) -> FloatArray:
    """Difference of means ``mean(x) - mean(y)`` along ``axis`` (the permutation statistic)."""
    return np.asarray(np.mean(x, axis=axis) - np.mean(y, axis=axis))


def resolve_seed(random_state: Any) -> int:
    """Turn ``random_state`` (anything ``numpy.random.default_rng`` accepts) into one int seed.

    Every row is tested with this same seed, as a plain loop calling ``permutation_test`` with
    ``rng=seed`` would. An int is the seed itself; ``None`` draws a fresh seed (results are then
    not reproducible); a Generator, SeedSequence, BitGenerator or sequence of ints gives the
    first integer its generator draws.
    """
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"`random_state` must be a non-negative integer, got {random_state}.")
        return int(random_state)
    if isinstance(random_state, (bool, np.bool_, float, str, bytes)):
        raise TypeError(
            "`random_state` must be None, a non-negative int, a numpy Generator, SeedSequence, "
            f"BitGenerator or a sequence of ints, got {type(random_state).__name__}."
        )
    return int(np.random.default_rng(random_state).integers(2**63 - 1))


@functools.lru_cache(maxsize=8)
def null_labels(
    n1: int, n2: int, n_resamples: int, seed: int
) -> tuple[npt.NDArray[np.uint8], bool]:
    """Return the null partitions' 0/1 labels (1: first sample), bit-packed, and if exact.

    The labels are (B, ceil((n1 + n2) / 8)) bytes; ``np.unpackbits(labels, axis=1,
    count=n1 + n2)`` gives them, and ``pooled @ labels.T`` is the first sample's sum under
    every partition. Every partition when there are at most ``n_resamples`` (exact, as
    ``permutation_test`` enumerates them); else the ``n_resamples`` permutations
    ``permutation_test(..., rng=seed)`` draws: one ``rng.permutation(n1 + n2)`` each from
    ``numpy.random.default_rng(seed)``, its first ``n1`` positions forming the first sample.
    One set serves every row of these sizes; packed, 10k seeds a side take 25 MB, not the
    1.6 GB of float64 labels, and they are drawn :data:`_LABEL_BYTES` at a time.
    """
    n = n1 + n2
    if math.comb(n, n1) <= n_resamples:
        labels = np.zeros((math.comb(n, n1), n), dtype=bool)
        for row, chosen in enumerate(itertools.combinations(range(n), n1)):
            labels[row, list(chosen)] = True
        packed, exact = np.packbits(labels, axis=1), True
    else:
        rng = np.random.default_rng(seed)
        packed = np.empty((n_resamples, (n + 7) // 8), dtype=np.uint8)
        step = max(1, _LABEL_BYTES // (8 * n))  # the permutations drawn at a time
        for start in range(0, n_resamples, step):
            count = min(step, n_resamples - start)
            perms = np.stack([rng.permutation(n) for _ in range(count)])
            labels = np.zeros((count, n), dtype=bool)
            np.put_along_axis(labels, perms[:, :n1], True, axis=1)
            packed[start : start + count] = np.packbits(labels, axis=1)
        exact = False
    packed.flags.writeable = False  # shared through the cache
    return packed, exact


def _label_chunks(
    packed: npt.NDArray[np.uint8], n1: int, n: int
) -> Iterator[tuple[slice, FloatArray, FloatArray]]:
    """Yield (columns, first-sample labels (n1, b), second-sample labels (n - n1, b)), float64.

    Unpacked :data:`_LABEL_BYTES` at a time: all at once for tens of seeds, in column chunks
    for thousands. The labels are laid out as ``null_labels`` used to hand them (a contiguous
    first part, a transposed view of the rest), so the matrix products are the same.
    """
    step = max(1, _LABEL_BYTES // (8 * n))
    for start in range(0, packed.shape[0], step):
        stop = min(packed.shape[0], start + step)
        labels = np.unpackbits(packed[start:stop], axis=1, count=n).astype(np.float64)
        yield slice(start, stop), np.ascontiguousarray(labels[:, :n1].T), labels[:, n1:].T


def _pvalues(
    observed: FloatArray,
    first: FloatArray,
    x: FloatArray,
    y: FloatArray,
    tie_rtol: float | None,
    exact: bool,
) -> FloatArray:
    """Two-sided p-value of ``permutation_test`` from the (rows, B) null first-sample sums.

    A null statistic within ``gamma`` of the observed one counts as equal to it: scipy's
    ``100 eps |observed|`` when ``tie_rtol`` is None, else ``tie_rtol * max|score|``. A
    randomised test counts the observed statistic once (``(count + 1) / (B + 1)``), an exact
    one does not.
    """
    n1, n2 = x.shape[1], y.shape[1]
    total = x.sum(axis=1) + y.sum(axis=1)
    if tie_rtol is None:  # scipy's arithmetic: mean of each permuted sample
        null = first / n1
        null -= (total[:, None] - first) / n2
        gamma = np.abs(100 * np.finfo(np.float64).eps * observed)
        at_most = null <= (observed + gamma)[:, None]
        at_least = null >= (observed - gamma)[:, None]
    else:  # the statistic rises with the sum: compare sums with the bounds, one pass each
        gamma = tie_rtol * row_scale(x, y)
        slope, offset = 1.0 / n1 + 1.0 / n2, total / n2
        at_most = first <= ((observed + gamma + offset) / slope)[:, None]
        at_least = first >= ((observed - gamma + offset) / slope)[:, None]
    adjustment = 0 if exact else 1
    b = first.shape[1] + adjustment
    # summing the bytes of a bool array is about twice as fast as count_nonzero(axis=1)
    less = (at_most.view(np.uint8).sum(axis=1, dtype=np.int64) + adjustment) / b
    greater = (at_least.view(np.uint8).sum(axis=1, dtype=np.int64) + adjustment) / b
    return np.asarray(np.clip(np.minimum(less, greater) * 2, 0.0, 1.0))


def permutation(
    x: FloatArray,
    nx: IntArray,
    y: FloatArray,
    ny: IntArray,
    *,
    random_state: Any = None,
    n_resamples: int = 9999,
    tie_rtol: float | None = None,
    on_rows: Callable[[int], Any] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Batched two-sided permutation test of ``mean(x_i) - mean(y_i)``.

    Scores are (M, K) rows. Each row equals ``permutation_test((x_i, y_i), mean_difference,
    n_resamples=n_resamples, rng=seed, alternative="two-sided")`` with ``seed =
    resolve_seed(random_state)``: exact enumeration of every partition when there are at most
    ``n_resamples``, else scipy's Monte Carlo p-value ``(count + 1) / (n_resamples + 1)`` over the
    permutations it draws with that seed (the same for every row of the same sizes, see
    :func:`null_labels`). The null sums of a chunk of rows are one matrix product ``pooled @
    labels.T``; each null statistic is then ``sum / n1 - (total - sum) / n2`` (exact sums for
    integer-valued scores, so exact ties stay ties as in scipy's ``mean`` of the permuted samples).
    Rows where a sample has fewer than two values give NaN (scipy cannot permute them).

    With ``tie_rtol`` (e.g. ``sweepwalk.stats.TIE_RTOL``), null statistics within
    ``tie_rtol * max|score|`` of the observed one count as equal to it (scipy allows only
    ``100 eps |observed|``, which misses ties of grid-valued scores: a 5-vs-5 case on a 1/360
    grid gives 0.262 where exact enumeration gives 0.365). The null distribution and the
    p-value formula are scipy's; only that tolerance differs. None keeps scipy's tolerance.
    ``on_rows`` is called with the number of rows finished after every chunk (progress, and
    the place a caller's cancellation check may raise); at thousands of seeds, also with 0
    after every chunk of permutations, so that a cancel need not wait for a whole block.
    """
    tie_rtol = check_rtol(tie_rtol)
    m = x.shape[0]
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero((nx >= 2) & (ny >= 2))
    if on_rows is not None and m > len(ok):
        on_rows(m - len(ok))
    if len(ok) == 0:
        return statistic, pvalue
    seed = resolve_seed(random_state)
    for (n1, n2), idx in groups(nx[ok], ny[ok]):
        packed, exact = null_labels(n1, n2, n_resamples, seed)
        b, n = packed.shape[0], n1 + n2
        # unpacked once when they fit (tens of seeds), else chunk by chunk for each block
        once = list(_label_chunks(packed, n1, n)) if b * n * 8 <= _LABEL_BYTES else None
        # one target row against many: its share of every null sum is computed once, in the
        # first block's pass over the labels (at thousands of seeds unpacking them is most of
        # the work: one pass, not two)
        y_share = np.empty((1, b)) if y.shape[0] == 1 else None
        shared = False
        rows_all = ok[idx]
        step = max(1, _BLOCK // b)
        for start in range(0, len(rows_all), step):
            rows = rows_all[start : start + step]
            xr, yr = take(x, rows, n1), take(y, rows, n2)
            observed = mean_difference(xr, yr)
            first = np.empty((len(rows), b))  # the first sample's sum under every partition
            for cols, x_labels, y_labels in once or _label_chunks(packed, n1, n):
                first[:, cols] = xr @ x_labels
                if y_share is None:
                    first[:, cols] += yr @ y_labels
                else:
                    if not shared:
                        y_share[:, cols] = y[:1, :n2] @ y_labels
                    first[:, cols] += y_share[:, cols]
                if on_rows is not None and once is None:
                    on_rows(0)  # a chunk of labels done: where a cancel may stop a long block
            shared = True
            statistic[rows] = observed
            pvalue[rows] = _pvalues(observed, first, xr, yr, tie_rtol, exact)
            if on_rows is not None:
                on_rows(len(rows))
    return statistic, pvalue


def _partitions(n1: int, n2: int, n_resamples: int, seed: int) -> tuple[IntArray, bool]:
    """(B, n1 + n2) 0/1 labels (1 = first sample) of every partition, or of random ones.

    Every partition when there are at most ``n_resamples`` of them (exact), else
    ``n_resamples`` uniformly random ones from ``numpy.random.default_rng(seed)``.
    """
    n = n1 + n2
    if math.comb(n, n1) <= n_resamples:
        labels = np.zeros((math.comb(n, n1), n), dtype=np.int64)
        for row, chosen in enumerate(itertools.combinations(range(n), n1)):
            labels[row, list(chosen)] = 1
        return labels, True
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((n_resamples, n)), axis=1)
    return (order < n1).astype(np.int64), False


def _ks_key(
    cx: IntArray, ends: npt.NDArray[np.bool_], n1: int, n2: int, tiebreak: bool
) -> IntArray:
    """``n1 n2 D`` (or the tie-broken key) from cumulative first-sample counts ``cx``.

    With the pooled values sorted, the scaled ECDF difference after position j is
    ``cx(j) n2 - (j + 1 - cx(j)) n1``; it is read only at the last member of each group of
    equal values (``ends``), where the ECDFs are defined. With ``tiebreak`` the key is
    ``h_max * (n n1 n2 + 1) + sum(h)``: ordered by D first, then by the summed ECDF distance
    (which is below ``n n1 n2 + 1``). Broadcasts over leading axes; all integers.
    """
    n = n1 + n2
    h = np.abs(cx * n - np.arange(1, n + 1) * n1)
    h = np.where(ends, h, 0)
    key = h.max(axis=-1)
    if tiebreak:
        key = key * (n * n1 * n2 + 1) + h.sum(axis=-1)
    return np.asarray(key)


def ks_permutation(
    x: FloatArray,
    nx: IntArray,
    y: FloatArray,
    ny: IntArray,
    *,
    random_state: Any = None,
    n_resamples: int = 9999,
    tiebreak: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Tie-aware KS test: the KS statistic's permutation p-value, batched over rows.

    Scores are (M, K) rows. The statistic equals ``ks_2samp(y_i, x_i).statistic``; the p-value is
    the share of partitions of the pooled scores into samples of the same sizes whose statistic is
    at least the observed one: exact (every partition enumerated) when there are at most
    ``n_resamples`` of them, else ``(count + 1) / (n_resamples + 1)`` over ``n_resamples`` random
    partitions drawn from ``numpy.random.default_rng(resolve_seed(random_state))`` (the same
    partitions for every row with the same sizes), as ``permutation_test(...,
    alternative="greater")`` counts.

    With ``tiebreak``, partitions with the same D are further ordered by the summed distance
    between the two ECDFs over the distinct pooled values (rank-based, like D), so "at least
    as extreme" counts fewer exact ties of D. Still a permutation test (valid at any n, ties
    or not); p-values are never larger than without it. D alone takes few values at these
    sizes, so the plain version stays conservative (type-I 0.02-0.03 at n = 5-20 on
    accuracy-like scores for alpha 0.05), the tie-broken one is close to alpha (0.035-0.055).

    Notes
    -----
    ``ks_2samp`` takes its null distribution from continuous data; with ties (accuracies on
    a fixed validation set) the true null distribution of D is more concentrated and
    ``ks_2samp`` is conservative (type-I 0.003-0.016 at n = 10 for alpha 0.05). The
    permutation distribution is conditional on the observed pooled values, ties included, so
    its level is alpha up to the discreteness of D. D is computed as the integer
    ``n1 n2 D``, so equal statistics compare equal. A partition is a choice of positions in
    each row's sorted pooled sample, so one set of partitions serves all rows of a size.

    References
    ----------
    .. [1] E. J. G. Pitman, "Significance tests which may be applied to samples from any
       populations", Journal of the Royal Statistical Society Supplement 4(1), 119-130, 1937.
    .. [2] N. Smirnov, "Table for estimating the goodness of fit of empirical distributions",
       Annals of Mathematical Statistics 19(2), 279-281, 1948.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import ks_permutation
    >>> x = np.array([[0.5, 0.6, 0.6, 0.7]])
    >>> d, p = ks_permutation(x, np.array([4]), x - 0.3, np.array([4]), random_state=0)
    >>> float(d[0]), round(float(p[0]), 4)
    (1.0, 0.0286)
    """
    m = x.shape[0]
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero((nx >= 1) & (ny >= 1))
    if len(ok) == 0:
        return statistic, pvalue
    seed = resolve_seed(random_state)
    for (n1, n2), idx in groups(nx[ok], ny[ok]):
        labels, exact = _partitions(n1, n2, n_resamples, seed)
        cx_null = np.cumsum(labels, axis=1)
        rows_all = ok[idx]
        step = max(1, _BLOCK // (labels.shape[0] * (n1 + n2)))
        for start in range(0, len(rows_all), step):
            rows = rows_all[start : start + step]
            z = np.concatenate([take(x, rows, n1), take(y, rows, n2)], axis=1)
            order = np.argsort(z, axis=1, kind="stable")
            zs = np.take_along_axis(z, order, axis=1)
            ends = np.ones(zs.shape, dtype=bool)
            ends[:, :-1] = zs[:, 1:] != zs[:, :-1]
            cx = np.cumsum(order < n1, axis=1, dtype=np.int64)  # the observed labelling
            obs = _ks_key(cx, ends, n1, n2, tiebreak)
            null = _ks_key(cx_null[None], ends[:, None, :], n1, n2, tiebreak)  # (rows, B)
            count = (null >= obs[:, None]).sum(axis=1)
            adjustment = 0 if exact else 1
            statistic[rows] = _ks_key(cx, ends, n1, n2, False) / (n1 * n2)
            pvalue[rows] = (count + adjustment) / (labels.shape[0] + adjustment)
    return statistic, pvalue
