"""Importance's pairs that fill whole contexts, tested one configuration against all before it.

Scores are one float per seed per configuration. Along a categorical parameter (or any parameter
with ``neighbors="axis"``) two configurations neighbour when they agree on every other parameter,
so the configurations of one *context* (the other parameters' levels) all pair with each other:
L (L - 1) / 2 pairs for L levels, 200M at 20k. Such a context is worked here as a triangle: each
configuration (the *target*, side b, the larger id) against every configuration before it (side
a), from summaries computed once per context: every row's sorted scores as dense ranks among the
context's scores, and each row's mean and variance. A pair leaves integers behind:

- KS: ``h = D * lcm(n_a, n_b)``, read off one cumulative table of the target's ranks per
  position (as :func:`sweepwalk.stats.ks_against` does); ``ks_2samp``'s p-value is a function of
  ``(n_b, n_a, h)``, so it is asked once per distinct triple, on a real pair having it;
- A12: ``wins = 2 #{a > b} + #{a == b}`` from the same table, turned into ``|A12 - 0.5|``
  once per distinct ``(n_b, n_a, wins)`` (``wins / (2 n_a n_b)``, as :func:`stats.a12`);
- Welch TOST: shown equivalent or not; decided from the two rows' means and variances against
  bounds of the t quantile over the pair's possible degrees of freedom, the few pairs near a
  bound by :func:`sweepwalk.stats.tost_ind_rejects` itself (the p-value's decision).

A context's pairs are then counts of those integers (``np.bincount``), never a per-pair array
of floats. Mann-Whitney and Welch p-values come from ``two_sample`` target by target (one row
against many). Results equal importance's per-pair batches number for number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ..._vocab import Neighbors
from ...stats import two_sample
from .pair_tally import ParamSummary, Tally, counted
from .pair_tost import TostBounds as _Tost

if TYPE_CHECKING:
    from ...data.sweep_data import SweepData
    from .interaction import Contexts

__all__ = [
    "FAST_TESTS",
    "MIN_GROUP",
    "PAD_MAX",
    "TriangleTally",
    "context_of",
    "contexts",
    "for_sweep",
    "pair_chunks",
    "row_width",
    "summarise_wholes",
    "whole_contexts",
    "within_pairs",
]

#: contexts with fewer configurations go through importance's pair batches (per-target overhead)
MIN_GROUP = 256
#: rows are padded to the sweep's largest count up to this many (float sums then have the same
#: bits as on the dense matrix), else to the largest count among the rows read
PAD_MAX = 64
#: tests worked as triangles (unpaired, order-free, no resampling)
FAST_TESTS = ("ks",)
#: largest count the packed rank table holds (two 16-bit halves); scipy's rounding ends at 10000
_MAX_COUNT = 10_000
#: pairs per progress report (and cancellation check)
_REPORT = 200_000

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def row_width(k_full: int, widest: int) -> int:
    """Width to pad rows to: the sweep's largest count ``k_full`` when small, else ``widest``."""
    return k_full if k_full <= PAD_MAX else max(widest, 1)


def contexts(codes: IntArray, p: int, k_full: int) -> list[IntArray] | None:
    """Return the configuration ids per context of ``p`` (ascending) when those hold all its pairs.

    ``codes`` (N, P) are the level codes (-1: absent). Every pair along ``p`` is a pair of one
    context when ``p`` is present everywhere and every configuration has the same other
    parameters present (then a pair differs at ``p`` only, and agrees on all the rest). None
    otherwise, or when a row holds more than 10,000 scores (scipy stops rounding KS there).
    """
    n, n_params = codes.shape
    if n == 0 or k_full > _MAX_COUNT or bool((codes[:, p] < 0).any()):
        return None
    others = [q for q in range(n_params) if q != p]
    if not others:
        return [np.arange(n, dtype=np.int64)]
    rest = codes[:, others]
    present = rest >= 0
    if not bool((present == present[0]).all()):
        return None
    _, key = np.unique(rest, axis=0, return_inverse=True)
    key = key.reshape(-1)
    order = np.argsort(key, kind="stable")  # ids ascending within a context
    edges = np.flatnonzero(np.diff(key[order])) + 1
    return [part.astype(np.int64) for part in np.split(order, edges)]


class _Counter:
    """Counts of int64 keys, collected in pieces and merged when they pile up."""

    def __init__(self) -> None:
        self.keys = np.zeros(0, dtype=np.int64)
        self.counts = np.zeros(0, dtype=np.int64)
        self._parts: list[tuple[IntArray, IntArray]] = []
        self._pending = 0

    def add(self, keys: IntArray, counts: IntArray) -> None:
        self._parts.append((keys, counts))
        self._pending += len(keys)
        if self._pending > max(len(self.keys), 1 << 16):
            self.merged()

    def merged(self) -> tuple[IntArray, IntArray]:
        if self._parts:
            keys = np.concatenate([self.keys, *(k for k, _ in self._parts)])
            counts = np.concatenate([self.counts, *(c for _, c in self._parts)])
            self.keys, inverse = np.unique(keys, return_inverse=True)
            self.counts = np.bincount(inverse.reshape(-1), weights=counts, minlength=len(self.keys))
            self.counts = self.counts.astype(np.int64)
            self._parts, self._pending = [], 0
        return self.keys, self.counts


def _count(codes: npt.NDArray[np.integer[Any]], space: int) -> tuple[IntArray, IntArray]:
    """Distinct values of ``codes`` (all in [0, space)) and their counts."""
    if space <= 4 * len(codes) + 4096:
        counts = np.bincount(codes, minlength=space)
        keys = np.flatnonzero(counts)
        return keys, counts[keys].astype(np.int64)
    keys, counts = np.unique(codes, return_counts=True)
    return keys.astype(np.int64), counts.astype(np.int64)


def _dense_ranks(rows: FloatArray, counts: IntArray) -> tuple[npt.NDArray[np.int32], int]:
    """(W, G) int32 ranks of each row's scores among the context's distinct scores, and U.

    Position-major (one position of every row is one contiguous vector); U in the padding.
    """
    valid = np.arange(rows.shape[1]) < counts[:, None]
    uniques, inverse = np.unique(rows[valid], return_inverse=True)
    u = len(uniques)
    ranks = np.full(rows.shape, u, dtype=np.int32)
    ranks[valid] = inverse.reshape(-1)
    return np.ascontiguousarray(ranks.T), u


def _packed_table(target: npt.NDArray[np.int32], u: int, shift: int, dtype: Any) -> Any:
    """(u + 1,) table: ``#{y < u_k} + (#{y <= u_k} << shift)`` over the target's ranks.

    y < u_k exactly when rank(y) + 1 <= k, y <= u_k when rank(y) <= k: the table steps up at
    those 2 n positions only, so it is written as n + 1 runs (``np.repeat``), not summed over
    all u ranks (a cumulative sum of 100k int16 per target was most of the time on continuous
    scores).
    """
    if u < 4096:  # small: a cumulative sum is cheaper than the runs' bookkeeping
        table = np.zeros(u + 1, dtype=dtype)
        np.add.at(table, target + 1, 1)
        np.add.at(table, target, 1 << shift)
        return np.cumsum(table, out=table)
    n = len(target)
    at = np.concatenate([target + 1, target]).astype(np.int64)
    step = np.concatenate([np.ones(n, dtype=np.int64), np.full(n, 1 << shift, dtype=np.int64)])
    order = np.argsort(at, kind="stable")
    edges = np.concatenate([[0], at[order], [u + 1]])
    levels = np.concatenate([[0], np.cumsum(step[order])]).astype(dtype)
    return np.repeat(levels, np.diff(edges))


def _h_wins(
    ranks: npt.NDArray[np.int32], nx: IntArray, target: npt.NDArray[np.int32], u: int
) -> tuple[IntArray, IntArray]:
    """Integer KS statistic and A12 numerator of rows ``ranks`` (W, m) against ``target``'s ranks.

    With c1, c2 the target's and the row's counts <= t, the ECDF difference scaled by lcm is
    H(t) = c1(t) a - c2(t) b (a = n2/g, b = n1/g); its largest size is reached just below or at
    a row value: with x_j the row's j-th smallest value, h is the largest of
    ``#{y < x_j} a - j b`` and ``(j + 1) b - #{y <= x_j} a`` (ties inside a row only shrink
    the terms). Both target counts come from one table over the ranks, packed in an int32.
    wins = 2 #{x > y} + #{x == y}.
    """
    n1 = len(target)
    table = _packed_table(target, u, 16, np.int32)
    m = ranks.shape[1]
    k_max = int(nx.max(initial=0))
    n_min = int(nx.min(initial=0))
    g = np.gcd(nx, n1)
    one_size = n_min == k_max
    a: Any = int(k_max // g[0]) if one_size and m else (nx // g).astype(np.int32)
    b: Any = int(n1 // g[0]) if one_size and m else (n1 // g).astype(np.int32)
    up = np.zeros(m, dtype=np.int32)
    down = np.zeros(m, dtype=np.int32)
    wins = np.zeros(m, dtype=np.int32)
    packed = np.empty(m, dtype=np.int32)
    low = np.empty(m, dtype=np.int32)
    high = np.empty(m, dtype=np.int32)
    step: Any = 0  # j b
    for j in range(k_max):
        np.take(table, ranks[j, :m], out=packed, mode="wrap")
        np.bitwise_and(packed, 0xFFFF, out=low)
        np.right_shift(packed, 16, out=high)
        wins += low
        wins += high
        if not (one_size and a == 1):
            low *= a
        low -= step
        np.maximum(up, low, out=up)
        if j < n_min:
            step = step + b
        else:  # rows past their last value: (j + 1) b capped at n2 b, so their term is 0
            step = np.minimum(j + 1, nx).astype(np.int32) * b
        if not (one_size and a == 1):
            high *= a
        np.subtract(step, high, out=high)
        np.maximum(down, high, out=down)
    h = np.maximum(up, down).astype(np.int64)
    return h, wins.astype(np.int64) - 2 * n1 * (k_max - nx)


def _h_wins_equal(
    ranks: npt.NDArray[np.int32], n: int, target: npt.NDArray[np.int32], u: int
) -> tuple[npt.NDArray[np.int16], npt.NDArray[np.int16]]:
    """:func:`_h_wins` when every row and the target hold ``n`` scores, ``n * n < 128``.

    Then lcm = n and the weights are 1: h is the largest of ``#{y < x_j} - j`` and
    ``j + 1 - #{y <= x_j}``. The two counts are packed in the bytes of an int16 (both below
    128), and the packed words summed as they are give the A12 numerator (each byte's sum
    stays below n^2 < 128): half the memory traffic of int32.
    """
    table = _packed_table(target, u, 8, np.int16)
    m = ranks.shape[1]
    up = np.zeros(m, dtype=np.int16)
    down = np.zeros(m, dtype=np.int16)
    total = np.zeros(m, dtype=np.int16)
    packed = np.empty(m, dtype=np.int16)
    low = np.empty(m, dtype=np.int16)
    high = np.empty(m, dtype=np.int16)
    for j in range(n):
        np.take(table, ranks[j, :m], out=packed, mode="wrap")
        total += packed
        np.bitwise_and(packed, 0xFF, out=low)
        np.right_shift(packed, 8, out=high)
        low -= j
        np.maximum(up, low, out=up)
        np.subtract(j + 1, high, out=high)
        np.maximum(down, high, out=down)
    h = np.maximum(up, down)
    wins = (total & 0xFF) + (total >> 8)
    return h, wins


class TriangleTally:
    """Every pair of one context tested, left behind as counts (see the module docstring).

    Parameters
    ----------
    rows : ndarray, shape (G, W)
        The context's configurations' sorted scores, ascending ids, NaN padded (the order-free
        tests read sorted rows, as importance's per-pair path does).
    counts : ndarray of int, shape (G,)
        Scores per row.
    settings : tuple
        ``(test, min_runs, margin, alpha)``.
    """

    def __init__(self, rows: FloatArray, counts: IntArray, settings: tuple[Any, ...]) -> None:
        self.test, self.min_runs, margin, alpha = settings
        self.rows, self.counts = rows, counts
        self.ranks, self.u = _dense_ranks(rows, counts)
        self.tost = _Tost(rows, counts, margin, alpha)
        self.width = w = max(rows.shape[1], 1)
        self.h_mult = w * w + 1  # h <= lcm(n_a, n_b) <= w^2
        self.h_space = (w + 1) * self.h_mult * 2  # (n_a, h, equivalent)
        self.w_mult = 2 * w * w + 1  # wins <= 2 n_a n_b
        self.w_space = (w + 1) * self.w_mult  # (n_a, wins)
        self.pkeys = _Counter()  # n_b * h_space + ((n_a * h_mult + h) * 2 + equivalent)
        self.wkeys = _Counter()  # n_b * w_space + n_a * w_mult + wins
        self.pvalues = (Tally(), Tally())  # other tests: not equivalent, equivalent
        self.reps: dict[tuple[int, int, int], tuple[int, int]] = {}  # (n_b, n_a, h) -> rows
        self.pairs = 0
        self.enough = 0

    def run(self, report: Callable[[int], Any]) -> None:
        """Test every pair, telling ``report`` the pairs done every ~200k pairs."""
        done = 0
        for j in range(1, len(self.counts)):
            self._target(j)
            done += j
            if done >= _REPORT:
                report(done)
                done = 0
        if done:
            report(done)

    def _target(self, j: int) -> None:
        """Pairs (a, j) for every a < j: tested, tallied."""
        self.pairs += j
        n1 = int(self.counts[j])
        if n1 < self.min_runs:
            return
        ok = self.counts[:j] >= self.min_runs
        xs: Any = slice(0, j) if bool(ok.all()) else np.flatnonzero(ok)
        nx = self.counts[xs]
        if len(nx) == 0:
            return
        self.enough += len(nx)
        ranks = self.ranks[:, :j] if isinstance(xs, slice) else self.ranks[:, xs]
        target = self.ranks[:n1, j]
        one = int(nx[0]) if int(nx.min()) == int(nx.max()) else -1  # every row as long
        h: npt.NDArray[np.integer[Any]]
        wins: npt.NDArray[np.integer[Any]]
        if one == n1 and n1 * n1 < 128:  # small and equal sizes: int16, scalar keys
            h, wins = _h_wins_equal(ranks, n1, target, self.u)
        else:
            h, wins = _h_wins(ranks, nx, target, self.u)
        equivalent = self.tost.decide(xs, j)
        if one >= 0:  # one size: count the small codes, add the size's offset to the keys
            keys, counts = _count(wins, self.w_mult)
            self.wkeys.add(n1 * self.w_space + one * self.w_mult + keys, counts)
        else:
            keys, counts = _count(nx * self.w_mult + wins, self.w_space)
            self.wkeys.add(n1 * self.w_space + keys, counts)
        if self.test == "ks":
            if one >= 0:
                code = h * 2 + equivalent
                keys, counts = _count(code, 2 * self.h_mult)
                keys = keys + one * self.h_mult * 2
            else:
                code = (nx * self.h_mult + h) * 2 + equivalent
                keys, counts = _count(code, self.h_space)
            self.pkeys.add(n1 * self.h_space + keys, counts)
            for c in np.unique(keys >> 1).tolist():
                n2, hc = divmod(int(c), self.h_mult)
                if (n1, n2, hc) not in self.reps:
                    i = int(np.flatnonzero(code >> 1 == (c if one < 0 else hc))[0])
                    self.reps[(n1, n2, hc)] = (i if isinstance(xs, slice) else int(xs[i]), j)
            return
        _, p = two_sample(
            self.test, self.rows[xs], nx, self.rows[j : j + 1], self.counts[j : j + 1]
        )
        tested = ~np.isnan(p)
        self.pvalues[0].add(*counted(p[tested & ~equivalent]))
        self.pvalues[1].add(*counted(p[tested & equivalent]))

    def summary(self) -> tuple[tuple[Any, ...], Tally]:
        """Return importance's batch summary of every pair (as :func:`.pair_tally.summarise`).

        Also returns the p-values of the tested pairs not shown equivalent (the context's
        pairs that may matter), for the interaction tallies.
        """
        if self.test == "ks":
            self._ks_pvalues()
        differ, equivalent = (t.distinct() for t in self.pvalues)
        keys, counts = self.wkeys.merged()
        n1, rest = np.divmod(keys, self.w_space)
        n2, wins = np.divmod(rest, self.w_mult)
        effect = wins / (2.0 * n2 * n1)  # stats.a12's expression (n2: side a, n1: side b)
        effects = _merge_counts(np.abs(effect - 0.5), counts)
        summary = (self.pairs, self.enough, differ, equivalent, effects)
        return summary, self.pvalues[0]

    def _ks_pvalues(self) -> None:
        """KS p-values of the tallied keys, from scipy on one real pair per (n_b, n_a, h)."""
        keys, counts = self.pkeys.merged()
        if len(keys) == 0:
            return
        n1, code = np.divmod(keys, self.h_space)
        code, eq = np.divmod(code, 2)
        n2, h = np.divmod(code, self.h_mult)
        triples = list(self.reps)
        a = np.array([self.reps[t][0] for t in triples], dtype=np.int64)
        b = np.array([self.reps[t][1] for t in triples], dtype=np.int64)
        _, p = two_sample("ks", self.rows[a], self.counts[a], self.rows[b], self.counts[b])
        at = {t: q for q, t in enumerate(triples)}
        where = np.array([at[(int(x), int(y), int(z))] for x, y, z in zip(n1, n2, h, strict=True)])
        pvalue = p[where] if len(where) else np.zeros(0)
        for g in (0, 1):
            part = eq == g
            self.pvalues[g].add(*_merge_counts(pvalue[part], counts[part]))


def _merge_counts(values: FloatArray, counts: IntArray) -> tuple[FloatArray, IntArray]:
    """Distinct ``values`` (ascending, NaN last) with their summed ``counts``."""
    if len(values) == 0:
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    u, inverse = np.unique(values, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=counts, minlength=len(u))
    return u, summed.astype(np.int64)


def context_of(
    codes: IntArray, others: tuple[tuple[int, int], ...], summary: tuple[Any, ...], differ: Tally
) -> list[tuple[int, IntArray, list[tuple[int, Any, Any]]]]:
    """Tally a whole context's pairs as :func:`.interaction.context_counts` does.

    ``codes`` (P,) are the context's level codes (every pair of it shares them).
    """
    tested = int(summary[2][1].sum() + summary[3][1].sum())
    values, counts = differ.distinct()
    out = []
    for col, n_levels in others:
        level = int(codes[col]) + 1
        per_level = np.zeros(n_levels + 1, dtype=np.int64)
        per_level[level] = tested
        pieces = [(level, values, counts)] if len(values) else []
        out.append((col, per_level, pieces))
    return out


def whole_contexts(
    codes: IntArray, numeric: tuple[bool, ...], neighbors: str, k_full: int
) -> dict[int, tuple[list[IntArray], list[IntArray]]]:
    """Parameters whose pairs are whole contexts, with their (large, small) contexts.

    Only parameters with a context of at least :data:`MIN_GROUP` configurations are listed:
    their large contexts go through :class:`TriangleTally`, the small ones through the pair
    batches (:func:`within_pairs`).
    """
    out = {}
    for p in range(codes.shape[1]):
        if neighbors == "adjacent" and numeric[p]:
            continue  # adjacent pairs only: not whole contexts
        groups = contexts(codes, p, k_full)
        if groups is None:
            continue
        large = [g for g in groups if len(g) >= MIN_GROUP]
        if large:
            out[p] = (large, [g for g in groups if 1 < len(g) < MIN_GROUP])
    return out


def within_pairs(groups: list[IntArray], max_pairs: int) -> Any:
    """Yield ``(a, b)`` arrays: every pair ``a < b`` inside each group, ~``max_pairs`` at a time."""
    batch: list[IntArray] = []
    size = 0
    for k, g in enumerate(groups):
        batch.append(g)
        size += len(g) * (len(g) - 1) // 2
        if size >= max_pairs or k == len(groups) - 1:
            yield _pairs_of(batch)
            batch, size = [], 0


def _pairs_of(groups: list[IntArray]) -> tuple[IntArray, IntArray]:
    ids = np.concatenate(groups)
    sizes = np.array([len(g) for g in groups], dtype=np.int64)
    ends = np.repeat(np.cumsum(sizes), sizes)
    pos = np.arange(len(ids), dtype=np.int64)
    later = ends - pos - 1  # partners after each member in its group
    first = np.repeat(pos + 1, later)
    offset = np.arange(int(later.sum()), dtype=np.int64) - np.repeat(
        np.cumsum(later) - later, later
    )
    return ids[np.repeat(pos, later)], ids[first + offset]


def for_sweep(
    sweep: SweepData, test: str, ks_method: str, target: int | None, neighbors: str, k_full: int
) -> dict[int, tuple[list[np.ndarray], list[np.ndarray]]]:
    """Parameters worked as whole contexts (:func:`.pairwhole_contexts`), if any."""
    if target is not None or test not in FAST_TESTS or ks_method != "auto":
        return {}
    return whole_contexts(sweep.level_codes, sweep.numeric, neighbors, k_full)


def summarise_wholes(
    sweep: SweepData,
    wholes: dict[int, tuple[list[np.ndarray], list[np.ndarray]]],
    blocks: tuple[Any, ...],
    summaries: list[ParamSummary],
    contexts: list[Contexts],
) -> None:
    """Test every pair of the large whole contexts (one target against all before it).

    ``blocks`` is (row reader, (test, min_runs, margin, alpha), the other parameters to tally
    by per parameter, the job's progress); each context's tallies merge into its parameter's.
    """
    reader, settings, others, job = blocks
    for q, (large, _) in wholes.items():
        for ids in large:
            tally = TriangleTally(reader.sorted_block(ids), sweep.counts[ids], settings)
            tally.run(job.advance)
            batch, differ = tally.summary()
            summaries[q].add(batch)
            codes = sweep.level_codes[ids[0]]
            contexts[q].add(context_of(codes, others[q], batch, differ))


def pair_chunks(
    sweep: SweepData, neighbors: Neighbors, max_pairs: int, wholes: dict[int, Any]
) -> Iterator[tuple[Any, np.ndarray, np.ndarray]]:
    """Pairs for the batches, as ``(param, a, b)`` pieces.

    Every pair of the parameters not worked as whole contexts, and the pairs of the small
    contexts of those that are.
    """
    params = list(sweep.params)
    for q, (_, small) in wholes.items():
        for a, b in within_pairs(small, max_pairs):
            yield params[q], a, b
    if len(wholes) == len(params):
        return
    handled = {params[q] for q in wholes}
    for name, a, b in sweep.neighbor_pair_chunks(neighbors, max_pairs):
        if name not in handled:
            yield name, a, b
