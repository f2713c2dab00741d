"""Per-parameter summaries of importance's pair tests, merged batch by batch in bounded memory.

``importance`` tests every neighbour pair (hundreds of millions for a categorical parameter with 20k
levels) but reports per parameter only counts, a median of ``|A12 - 0.5|`` and how many pairs stay
significant after a correction over the whole family. Each of those is a function of the *multisets*
of per-pair values, so a parameter keeps its p-values (split by whether the pair was shown
equivalent) and its effects as distinct values with counts (:class:`Tally`): A12 of an ``na x nb``
pair is a multiple of ``1 / (2 na nb)`` and rank-based p-values (KS, Mann-Whitney, permutation) take
few values too, so the store stays small; continuous p-values (Welch, paired t) do not repeat and
the store grows by one value per pair, which :func:`memory_needed` says before the job starts. The
results are the same floats as on all pairs at once (``np.median``, ``adjust``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Sequence

import numpy as np

from ..._vocab import rejects
from ...stats import adjust_counts, canonical_method

__all__ = [
    "BYTES_PER_DISTINCT",
    "BYTES_PER_EXPANDED",
    "BYTES_PER_PAIR_IN_FLIGHT",
    "ParamSummary",
    "Tally",
    "counted",
    "memory_needed",
    "rejection_threshold",
    "significant_counts",
    "summarise",
]

#: peak bytes per distinct value a Tally keeps: value and count (16 B) and a merge's copies
#: (pieces, concatenation, sort, inverse, bincount); measured 118-124 B on Welch, whose
#: p-values are all distinct, at 2M-4.5M pairs (the batch in flight subtracted)
BYTES_PER_DISTINCT = 128
#: bytes per tested pair of a correction computed on the whole expanded family (hommel, lfdr):
#: the repeated p-values and statsmodels' sorted copies (an estimate: 8 float64 arrays)
BYTES_PER_EXPANDED = 64
#: bytes per pair and seed of one batch being tested (its rows, ranks, masks and copies);
#: measured ~120 B with KS at 5 seeds (60 MB for a batch of 100k pairs)
BYTES_PER_PAIR_IN_FLIGHT = 160
#: pending distinct values a Tally collects before it merges them (amortises the merges)
_MIN_MERGE = 1 << 16

Counted = tuple[np.ndarray, np.ndarray]
#: one batch's summary: pairs, pairs with enough runs, p-values (not equivalent, equivalent)
#: and |A12 - 0.5| of the tested pairs, each as (distinct values, counts)
BatchSummary = tuple[int, int, Counted, Counted, Counted]


def counted(values: np.ndarray) -> Counted:
    """Distinct values of ``values`` (ascending, NaN last) and how often each occurs."""
    u, c = np.unique(values, return_counts=True)
    return u, c.astype(np.int64)


def _merge(values: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    u, inverse = np.unique(values, return_inverse=True)
    return u, np.bincount(inverse, weights=counts.astype(np.float64)).astype(np.int64)


class Tally:
    """A multiset of floats held as its distinct values (ascending) and their counts.

    Pieces are collected and merged once they outnumber the merged values, so ``n`` values in
    pieces cost O(n log n) in all, and memory is twice the distinct values at most.
    """

    __slots__ = ("_counts", "_parts", "_pending", "_values")

    def __init__(self) -> None:
        self._values = np.zeros(0, dtype=np.float64)
        self._counts = np.zeros(0, dtype=np.int64)
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending = 0

    def add(self, values: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts[i]`` copies of each ``values[i]``."""
        if len(values) == 0:
            return
        self._parts.append((values, counts))
        self._pending += len(values)
        if self._pending > max(len(self._values), _MIN_MERGE):
            self._compact()

    def _compact(self) -> None:
        if self._parts:
            self._values, self._counts = _merge(
                np.concatenate([self._values, *(v for v, _ in self._parts)]),
                np.concatenate([self._counts, *(c for _, c in self._parts)]),
            )
            self._parts, self._pending = [], 0

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the distinct values, ascending (NaN last), and their counts (int64)."""
        self._compact()
        return self._values, self._counts

    def total(self) -> int:
        """How many values were added."""
        return int(self._counts.sum()) + sum(int(c.sum()) for _, c in self._parts)

    def median(self) -> float:
        """``np.median`` of the multiset (NaN when empty), the same float."""
        values, counts = self.distinct()
        n = int(counts.sum())
        if n == 0 or np.isnan(values[-1]):  # NaN sorts last; np.median propagates it
            return float("nan")
        ends = np.cumsum(counts)
        lo, hi = np.searchsorted(ends, [(n - 1) // 2, n // 2], side="right")
        return float(0.5 * (values[lo] + values[hi]))


class ParamSummary:
    """What one parameter's pairs leave behind: counts, p-values and effects as Tallies.

    ``pvalues[0]`` holds the tested pairs not shown equivalent, ``pvalues[1]`` the equivalent
    ones (a significant pair "matters" only when it is not equivalent).
    """

    __slots__ = ("effects", "enough", "pairs", "pvalues")

    def __init__(self) -> None:
        self.pairs = 0
        self.enough = 0
        self.pvalues = (Tally(), Tally())
        self.effects = Tally()

    def add(self, batch: BatchSummary) -> None:
        """Merge one batch's summary (from :func:`summarise`)."""
        pairs, enough, differ, equivalent, effects = batch
        self.pairs += pairs
        self.enough += enough
        self.pvalues[0].add(*differ)
        self.pvalues[1].add(*equivalent)
        self.effects.add(*effects)


def summarise(
    ok: np.ndarray, pvalue: np.ndarray, effect: np.ndarray, tost_p: np.ndarray, alpha: float
) -> BatchSummary:
    """One batch of pair results as (pairs, enough runs, p-values x2, |A12 - 0.5|) counted.

    A pair is tested when it has enough runs and a p-value; equivalent when tested and its
    TOST p-value is at most ``alpha``.
    """
    tested = ok & ~np.isnan(pvalue)
    equivalent = tested & rejects(tost_p, alpha)
    return (
        len(ok),
        int(np.count_nonzero(ok)),
        counted(pvalue[tested & ~equivalent]),
        counted(pvalue[equivalent]),
        counted(np.abs(effect[tested] - 0.5)),
    )


def rejection_threshold(summaries: Sequence[ParamSummary], correction: str, alpha: float) -> float:
    """Largest raw p-value the family's correction rejects (-inf when none).

    Every ``multipletests`` method's adjusted p-values rise with the raw ones, so a pair is
    significant exactly when its raw p-value is at most this.
    """
    values, significant = _family(summaries, correction, alpha)
    return float(values[significant].max()) if significant.any() else -math.inf


def _family(
    summaries: Sequence[ParamSummary], correction: str, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    pieces = [s.pvalues[g].distinct() for s in summaries for g in (0, 1)]
    values = np.concatenate([np.zeros(0), *(v for v, _ in pieces)])
    counts = np.concatenate([np.zeros(0, dtype=np.int64), *(c for _, c in pieces)])
    if correction == "none" or len(values) == 0:
        adjusted = values
    else:
        adjusted = adjust_counts(values, counts, correction, alpha=alpha)
    return values, rejects(adjusted, alpha)  # NaN never rejects


def significant_counts(
    summaries: Sequence[ParamSummary], correction: str, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per parameter: significant pairs (adjusted p <= alpha), and those not equivalent.

    The family is every tested pair of every parameter, as one ``adjust`` over all p-values.
    """
    pieces = [s.pvalues[g].distinct() for s in summaries for g in (0, 1)]
    values = np.concatenate([np.zeros(0), *(v for v, _ in pieces)])
    counts = np.concatenate([np.zeros(0, dtype=np.int64), *(c for _, c in pieces)])
    if correction == "none" or len(values) == 0:
        adjusted = values
    else:
        adjusted = adjust_counts(values, counts, correction, alpha=alpha)
    significant = rejects(adjusted, alpha)  # NaN never rejects
    out = np.zeros((len(summaries), 2), dtype=np.int64)
    start = 0
    for k, (v, c) in enumerate(pieces):
        out[k // 2, k % 2] = int(c[significant[start : start + len(v)]].sum())
        start += len(v)
    return out.sum(axis=1), out[:, 0]


@functools.lru_cache(maxsize=8)
def _partitions(n: int) -> tuple[int, ...]:
    """Count the integer partitions of 0..n (the tie patterns of that many pooled scores)."""
    ways = [1] + [0] * n
    for part in range(1, n + 1):
        for total in range(part, n + 1):
            ways[total] += ways[total - part]
    return tuple(ways)


def _pvalue_bound(
    test: str, ks_method: str, na: int, nb: int, n_resamples: int, biggest: int
) -> int | None:
    """Most distinct p-values ``test`` can give for samples of sizes na, nb (None: no bound)."""
    if test == "ks" and ks_method == "auto":  # a function of D = |i/na - j/nb|
        return (na + 1) * (nb + 1)
    if test in ("ks", "permutation"):  # counts of null statistics, both tails
        return 2 * (min(math.comb(na + nb, na), n_resamples) + 1) + 1
    if test == "mannwhitney":  # a function of U and of the tie pattern
        return (2 * na * nb + 1) * _partitions(2 * biggest)[na + nb]
    return None  # welch, ttest_rel, wilcoxon: continuous in the scores


def memory_needed(
    pairs: dict[Hashable, int],
    sizes: Sequence[int],
    test: str,
    ks_method: str,
    correction: str,
    batch: int,
    seeds: int,
    in_flight: int = 1,
    n_resamples: int = 9999,
) -> tuple[int, str]:
    """Bytes the summaries of ``pairs`` (per parameter) can need, and what they are made of.

    ``sizes`` are the sample sizes (runs, or shared seeds for a paired test) a tested pair's
    sides can have; the distinct p-values and effects a parameter keeps are at most its pairs
    and at most the sum over size classes of each class's bound (see :func:`_pvalue_bound`;
    A12 of an na x nb pair takes 2 na nb + 1 values, a paired share 2 n + 1).
    """
    classes = [(a, b) for a in sizes for b in sizes]
    biggest = max(sizes, default=0)
    bounds = [_pvalue_bound(test, ks_method, a, b, n_resamples, biggest) for a, b in classes]
    p_bound = None if any(b is None for b in bounds) else 2 * sum(b or 0 for b in bounds)
    paired = test in ("wilcoxon", "ttest_rel")
    e_bound = sum(2 * n + 1 for n in sizes) if paired else sum(2 * a * b + 1 for a, b in classes)
    distinct = sum(min(n, n if p_bound is None else p_bound) + min(n, e_bound)
                   for n in pairs.values())  # fmt: skip
    total = sum(pairs.values())
    need = distinct * BYTES_PER_DISTINCT
    need += min(total, batch) * max(seeds, 1) * BYTES_PER_PAIR_IN_FLIGHT * (in_flight + 1)
    parts = []
    if p_bound is None:
        parts.append(f"test={test!r} p-values seldom repeat: up to one kept per pair")
    if correction != "none" and canonical_method(correction) in ("ho", "lfdr"):
        need += total * BYTES_PER_EXPANDED
        parts.append(f"correction={correction!r} is computed on every p-value at once")
    return need, "; ".join(parts)
