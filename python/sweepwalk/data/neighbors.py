"""The neighbour rule of sweepwalk, built by hashing (never by O(N^2) scans).

A configuration is a unique combination of parameter values; "absent" (NaN/None) is a value of
its own. For two configurations let D be the parameters where both are present and differ, and
H the parameters absent on exactly one side. They are neighbours *along p* if D = {p}, or if D is
empty and H = {p}. So a parameter absent on one side does not count when another parameter
differs: switching ``solver`` from sgd to adam drops ``momentum``, and both sgd momentum levels are
neighbours of the adam row.

``mode="axis"`` keeps every neighbour. ``mode="adjacent"`` keeps, along a numeric parameter (all
present values are real numbers; bools are not numeric) where the target's value is present, only
the neighbours holding the nearest lower and the nearest higher value on that axis (every
configuration holding that value); along a non-numeric parameter, or an absent/present change,
it keeps all.

How the index finds neighbours along p without comparing all pairs: group configurations by the
set of other parameters they have present (their *pattern*; sweeps have few). Two configurations
with patterns a and b that both have p present neighbour along p exactly when they agree on the
other parameters present in both (a & b) and differ at p, so each pattern pair is a hash join on
the key of those values (sorted arrays + ``searchsorted``). The absent/present case (D empty,
H = {p}) is a join on the key of all other parameters, absent included.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..validation.arguments import check_config_id, check_mode
from .codes import narrow_ints

_LIMIT = 2**62


def combine_rows(codes: np.ndarray) -> np.ndarray:
    """Return one int64 key per row of ``codes`` (N, M) so that equal rows get equal keys.

    Values must be >= -1. Keys are 0..U-1 and follow the lexicographic order of the rows.
    """
    n, m = codes.shape
    if m == 0 or n == 0:
        return np.zeros(n, dtype=np.int64)
    key = codes[:, 0].astype(np.int64) + 1
    for q in range(1, m):
        col = codes[:, q].astype(np.int64) + 1
        card = int(col.max()) + 1
        if int(key.max()) >= _LIMIT // card:
            key = _inverse(key)
        key = key * card + col
    return _inverse(key)


def _inverse(key: np.ndarray) -> np.ndarray:
    """Dense ranks 0..U-1 of ``key`` (hash factorisation, then a sort of the U uniques only)."""
    codes, uniques = pd.factorize(key)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(uniques, kind="stable")] = np.arange(len(uniques), dtype=np.int64)
    return rank[codes]


def sorted_unique(x: np.ndarray) -> np.ndarray:
    """``np.unique`` for int64 arrays by sort + diff (faster than the hash path here)."""
    x = np.sort(x)
    if len(x) == 0:
        return x
    keep = np.empty(len(x), dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def _expand(src: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand half-open index ranges [lo, hi) per source into (source, index) pairs."""
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    rep_src = np.repeat(src, counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return rep_src, np.repeat(lo, counts) + offsets


def _expand_chunks(
    src: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_pairs: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """:func:`_expand` in pieces of about ``max_pairs`` pairs (whole sources per piece)."""
    counts = np.maximum(hi - lo, 0)
    ends = np.cumsum(counts)
    cuts = np.searchsorted(ends, np.arange(max_pairs, int(ends[-1]) if len(ends) else 0, max_pairs))
    bounds = [0, *sorted_unique(cuts + 1).tolist(), len(src)]
    for start, stop in itertools.pairwise(bounds):
        if stop > start:
            yield _expand(src[start:stop], lo[start:stop], hi[start:stop])


class _Axis:
    """Everything needed to find neighbours along one parameter ``p``."""

    def __init__(self, index: NeighborIndex, p: int) -> None:
        codes = index.codes
        n_params = codes.shape[1]
        self.p = p
        self.others = [q for q in range(n_params) if q != p]
        self.values = codes[:, p]
        self.present = self.values >= 0
        self.width = int(self.values.max(initial=-1)) + 2  # values are 0..width-2
        pres = codes[:, self.others] >= 0
        self.pattern = narrow_ints(combine_rows(pres))  # sweeps have few patterns: int8
        present_ids = np.flatnonzero(self.present)
        self.patterns: list[int] = sorted_unique(self.pattern[present_ids]).tolist()
        order = present_ids[np.argsort(self.pattern[present_ids], kind="stable")]
        bounds = [*np.searchsorted(self.pattern[order], self.patterns), len(order)]
        self.members = {a: order[bounds[k] : bounds[k + 1]] for k, a in enumerate(self.patterns)}
        self.mask = {a: pres[self.members[a][0]].astype(bool) for a in self.patterns}
        # Absent/present joins use the key of all other parameters, absent included.
        self.full_key = index.key(tuple(self.others))
        self._split: dict[bool, tuple[np.ndarray, np.ndarray]] = {}
        self._tables: dict[tuple[int, tuple[int, ...]], tuple[np.ndarray, np.ndarray]] = {}
        self._index = index

    def common(self, a: int, b: int) -> tuple[int, ...]:
        both = self.mask[a] & self.mask[b]
        return tuple(q for q, keep in zip(self.others, both, strict=False) if keep)

    def table(self, b: int, common: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """Members of pattern b sorted by (key on ``common``, value at p), as composite ints."""
        cached = self._tables.get((b, common))
        if cached is None:
            ids = self.members[b]
            comp = self._index.key(common)[ids] * self.width + self.values[ids]
            order = np.argsort(comp, kind="stable")
            cached = (comp[order], ids[order])
            self._tables[(b, common)] = cached
        return cached

    def split(self, present: bool) -> tuple[np.ndarray, np.ndarray]:
        """Return configurations with p present (or absent), sorted by the key of the others."""
        cached = self._split.get(present)
        if cached is None:
            ids = np.flatnonzero(self.present == present)
            order = np.argsort(self.full_key[ids], kind="stable")
            cached = (self.full_key[ids][order], ids[order])
            self._split[present] = cached
        return cached

    def directed(self, queries: np.ndarray, adjacent: bool) -> tuple[np.ndarray, np.ndarray]:
        """All (query, neighbour) pairs along p for the given query config ids."""
        srcs: list[np.ndarray] = []
        dsts: list[np.ndarray] = []
        present_q = queries[self.present[queries]]
        absent_q = queries[~self.present[queries]]
        # D empty, H = {p}: same values elsewhere (absent included), p present on one side only.
        for group, other_side in ((present_q, False), (absent_q, True)):
            if len(group):
                keys, ids = self.split(other_side)
                k = self.full_key[group]
                s, pos = _expand(
                    group, np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right")
                )
                srcs.append(s)
                dsts.append(ids[pos])
        # D = {p}: both present, differ at p, agree on the other parameters present in both.
        pat_q = self.pattern[present_q]
        for a in self.patterns:
            q = present_q[pat_q == a]
            if len(q):
                s, d = self._along(q, a, adjacent)
                srcs.append(s)
                dsts.append(d)
        if not srcs:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(srcs), np.concatenate(dsts)

    def unordered(self) -> tuple[np.ndarray, np.ndarray]:
        """Every neighbour pair along p once (``mode="axis"``), as (one side, other side)."""
        chunks = list(self.unordered_chunks(2**62))
        if not chunks:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate([c[0] for c in chunks]), np.concatenate([c[1] for c in chunks])

    def unordered_chunks(self, max_pairs: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """:meth:`unordered` in pieces of about ``max_pairs`` pairs, never all at once."""
        w = self.width
        present_ids = np.flatnonzero(self.present)
        if len(present_ids) and not self.present.all():  # D empty, H = {p}
            keys, ids = self.split(False)
            k = self.full_key[present_ids]
            lo, hi = np.searchsorted(keys, k, "left"), np.searchsorted(keys, k, "right")
            for s, pos in _expand_chunks(present_ids, lo, hi, max_pairs):
                yield s, ids[pos]
        for n_a, a in enumerate(self.patterns):
            # Same pattern: members of a key group differ only at p, so each pairs with every
            # later member of its group.
            comp, ids = self.table(a, self.common(a, a))
            group = comp // w
            for s, pos in _expand_chunks(
                ids, np.arange(1, len(ids) + 1), np.searchsorted(group, group, "right"),
                max_pairs,
            ):  # fmt: skip
                yield s, ids[pos]
            for b in self.patterns[n_a + 1 :]:
                common = self.common(a, b)
                comp, ids = self.table(b, common)
                q = self.members[a]
                k = self._index.key(common)[q]
                lo, hi = np.searchsorted(comp, k * w, "left"), np.searchsorted(comp, (k + 1) * w)
                for s, pos in _expand_chunks(q, lo, hi, max_pairs):
                    d = ids[pos]
                    keep = self.values[d] != self.values[s]
                    yield s[keep], d[keep]

    def _along(self, q: np.ndarray, a: int, adjacent: bool) -> tuple[np.ndarray, np.ndarray]:
        w = self.width
        v = self.values[q]
        tables = [self.table(b, self.common(a, b)) for b in self.patterns]
        keys = [self._index.key(self.common(a, b))[q] for b in self.patterns]
        srcs: list[np.ndarray] = []
        dsts: list[np.ndarray] = []
        if not adjacent:
            for (comp, ids), k in zip(tables, keys, strict=False):
                lo = np.searchsorted(comp, k * w, "left")
                hi = np.searchsorted(comp, (k + 1) * w, "left")
                s, pos = _expand(q, lo, hi)
                d = ids[pos]
                keep = self.values[d] != self.values[s]
                srcs.append(s[keep])
                dsts.append(d[keep])
            return np.concatenate(srcs), np.concatenate(dsts)
        low = np.full(len(q), -1, dtype=np.int64)
        high = np.full(len(q), w, dtype=np.int64)
        for (comp, _), k in zip(tables, keys, strict=False):
            if len(comp) == 0:
                continue
            at = k * w + v
            i = np.searchsorted(comp, at, "left") - 1
            ok = i >= 0
            ok[ok] = comp[i[ok]] // w == k[ok]
            low[ok] = np.maximum(low[ok], comp[i[ok]] % w)
            j = np.searchsorted(comp, at, "right")
            ok = j < len(comp)
            ok[ok] = comp[j[ok]] // w == k[ok]
            high[ok] = np.minimum(high[ok], comp[j[ok]] % w)
        for (comp, ids), k in zip(tables, keys, strict=False):
            for target, valid in ((low, low >= 0), (high, high < w)):
                at = k[valid] * w + target[valid]
                s, pos = _expand(
                    q[valid], np.searchsorted(comp, at, "left"), np.searchsorted(comp, at, "right")
                )
                srcs.append(s)
                dsts.append(ids[pos])
        return np.concatenate(srcs), np.concatenate(dsts)


class NeighborIndex:
    """Neighbour index over the configurations of a sweep.

    Parameters
    ----------
    codes : ndarray of int64, shape (N, P)
        One row per configuration, one column per parameter: the value's code, -1 for absent.
        For a numeric parameter the codes must follow the order of the values (rank).
    numeric : sequence of bool, length P
        Whether each parameter is numeric (all present values real numbers, not bools).
    params : sequence of str, length P
        Parameter names, used by :meth:`varied` and :meth:`pairs`.
    """

    def __init__(self, codes: np.ndarray, numeric: Sequence[bool], params: Sequence[Any]) -> None:
        self.codes = np.asarray(codes, dtype=np.int64)
        self.numeric = np.asarray(numeric, dtype=bool)
        self.params = tuple(params)
        if self.codes.ndim != 2 or self.codes.shape[1] != len(self.params):
            raise ValueError("`codes` must have shape (n_configs, n_params).")
        self._keys: dict[tuple[int, ...], np.ndarray] = {}
        self._axes: dict[int, _Axis] = {}
        self._narrow: list[np.ndarray] | None = None

    def __len__(self) -> int:
        return int(self.codes.shape[0])

    def key(self, columns: tuple[int, ...]) -> np.ndarray:
        """Row key (N,) over the given parameter columns, absent counted as a value (cached)."""
        cached = self._keys.get(columns)
        if cached is None:
            cached = combine_rows(self.codes[:, list(columns)])
            self._keys[columns] = cached
        return cached

    def _axis(self, p: int) -> _Axis:
        axis = self._axes.get(p)
        if axis is None:
            axis = self._axes[p] = _Axis(self, p)
        return axis

    def _directed(self, p: int, queries: np.ndarray, mode: str) -> tuple[np.ndarray, np.ndarray]:
        adjacent = mode == "adjacent" and bool(self.numeric[p])
        return self._axis(p).directed(queries, adjacent)

    def neighbors(self, i: int, mode: str = "adjacent") -> np.ndarray:
        """Sorted int64 array of the config ids that neighbour configuration ``i``."""
        check_mode(mode)
        i = check_config_id(i, len(self))
        query = np.array([i], dtype=np.int64)
        found = [self._directed(p, query, mode)[1] for p in range(len(self.params))]
        return sorted_unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

    def varied(self, i: int, js: Any) -> list[Any]:
        """Return the parameter along which each ``j`` in ``js`` neighbours ``i`` (or None)."""
        names = np.empty(len(self.params) + 1, dtype=object)  # filled one by one: tuples
        for p, name in enumerate(self.params):
            names[p] = name
        varied: list[Any] = names[self.varied_codes(i, js)].tolist()  # code -1: the None at the end
        return varied

    def varied_codes(self, i: int, js: Any) -> npt.NDArray[np.int64]:
        """:meth:`varied` as positions in ``params`` (-1: ``j`` is not a neighbour of ``i``).

        A neighbour differs in exactly one parameter both have, or else, equal in all those,
        has exactly one parameter that only one of them has.
        """
        i = check_config_id(i, len(self))
        js = np.asarray(js, dtype=np.int64).reshape(-1)
        columns = self._columns()
        # most rows (against all): whole columns, one take at the end instead of one a column
        whole = 4 * len(js) >= len(self)
        size = len(self) if whole else len(js)
        # counts, and sums of the positions p of the differing (or half-present) parameters:
        # where exactly one does, the sum is its p (whole-array adds: masked stores are slow)
        small = np.int16 if len(columns) <= 180 else np.int64  # sums of p below 2**15
        n_differ, n_half = np.zeros(size, dtype=small), np.zeros(size, dtype=small)
        along_differ, along_half = np.zeros(size, dtype=small), np.zeros(size, dtype=small)
        for p, column in enumerate(columns):
            mine = int(column[i])
            theirs = column if whole else column[js]
            present = theirs >= 0
            half = ~present if mine >= 0 else present
            n_half += half
            along_half += half * small(p)
            if mine >= 0:
                differ = present & (theirs != mine)
                n_differ += differ
                along_differ += differ * small(p)
        one_differs = n_differ == 1
        one_half = (n_differ == 0) & (n_half == 1)  # exclusive: p + 1 of one of them, or 0
        out = one_differs * (along_differ + 1) + one_half * (along_half + 1) - 1
        codes: npt.NDArray[np.int64] = (out[js] if whole else out).astype(np.int64)
        return codes

    def _columns(self) -> list[np.ndarray]:
        """Each parameter's codes as its own contiguous array of the narrowest ints (cached)."""
        if self._narrow is None:
            self._narrow = [narrow_ints(self.codes[:, p]) for p in range(self.codes.shape[1])]
        return self._narrow

    def pairs(self, mode: str = "adjacent") -> dict[Any, tuple[np.ndarray, np.ndarray]]:
        """Every unordered neighbour pair once, grouped by the parameter they vary.

        Returns ``{param: (a, b)}`` with int64 arrays, ``a < b``, sorted by (a, b). In
        ``"adjacent"`` mode a pair is listed when either side is an adjacent neighbour of the
        other (adjacency can be one-sided when patterns of absent parameters differ).
        """
        check_mode(mode)
        n = len(self)
        everyone = np.arange(n, dtype=np.int64)
        out: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        for p, name in enumerate(self.params):
            if mode == "axis" or not self.numeric[p]:
                src, dst = self._axis(p).unordered()
                joint = np.sort(np.minimum(src, dst) * n + np.maximum(src, dst))
            else:
                src, dst = self._directed(p, everyone, mode)
                lo, hi = np.minimum(src, dst), np.maximum(src, dst)
                joint = sorted_unique(lo * n + hi)
            out[name] = (joint // n, joint % n)
        return out

    def pair_chunks(
        self, mode: str = "adjacent", max_pairs: int = 1_000_000
    ) -> Iterator[tuple[Any, np.ndarray, np.ndarray]]:
        """Yield the pairs of :meth:`pairs` as ``(param, a, b)`` pieces of about ``max_pairs``.

        Every unordered pair once, ``a < b``, in no particular order; all pairs are never
        held at once (a categorical parameter with s levels has s (s - 1) / 2 pairs).
        """
        check_mode(mode)
        n = len(self)
        everyone = np.arange(n, dtype=np.int64)
        for p, name in enumerate(self.params):
            if mode == "axis" or not self.numeric[p]:
                for src, dst in self._axis(p).unordered_chunks(max_pairs):
                    if len(src):
                        yield name, np.minimum(src, dst), np.maximum(src, dst)
            else:  # about one pair per configuration: small
                src, dst = self._directed(p, everyone, mode)
                joint = sorted_unique(np.minimum(src, dst) * n + np.maximum(src, dst))
                for start in range(0, len(joint), max_pairs):
                    piece = joint[start : start + max_pairs]
                    yield name, piece // n, piece % n
