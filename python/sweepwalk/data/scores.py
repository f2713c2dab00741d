"""How a sweep keeps its scores: in memory that grows with the runs, not with the padding.

Scores are one float per seed per configuration. A sweep whose configurations have about the
same number of scores keeps them dense: an (N, K) matrix, row ``i`` holding configuration
``i``'s scores left-aligned and NaN-padded to K = the largest count. When the padding would
dominate (10,000 configurations x 2 seeds and one with 100,000: 7.5 GiB of padding for 2 MB of
scores) the scores are kept ragged: one flat array, configuration by configuration, and each
configuration's offset into it. Either way :class:`ScoreStore` hands out the same rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ..validation import limits as _limits
from .codes import narrow_ints

__all__ = ["DENSE_FLOOR", "DENSE_SLACK", "ScoreStore", "by_count", "row_summary", "stitch"]

#: dense when its cells are at most DENSE_SLACK x the runs, or at most DENSE_FLOOR cells
DENSE_SLACK = 2
DENSE_FLOOR = 1 << 20
#: cells of a padded block read at once from a ragged sweep (32 MB of float64)
CHUNK_CELLS = 1 << 22

Kind = Literal["values", "sorted", "seeds"]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def dense_is_small(n_rows: int, width: int, n_runs: int) -> bool:
    """Whether an (n_rows, width) matrix is small next to ``n_runs`` scores."""
    cells = n_rows * width
    return cells <= DENSE_FLOOR or cells <= DENSE_SLACK * n_runs


def by_count(counts: IntArray) -> Iterator[tuple[int, IntArray]]:
    """Yield ``(c, rows)``: the rows holding exactly ``c`` scores, for each count ``c``.

    There are at most sqrt(2 x runs) distinct counts, so a loop over them stays short.
    """
    order = np.argsort(counts, kind="stable")
    sizes = counts[order]
    edges = np.flatnonzero(np.diff(sizes)) + 1
    for part in np.split(order, edges):
        if len(part):
            yield int(counts[part[0]]), part.astype(np.int64, copy=False)


def stitch(parts: Sequence[Any], where: Sequence[IntArray], n: int) -> Any:
    """Put per-piece results back in order: ``parts[k]`` holds the rows at positions ``where[k]``.

    A part is an array or a tuple (named or not) of arrays, one entry per row; the result has the
    part's type, each array of length ``n``.
    """
    if len(parts) == 1 and len(where[0]) == n and bool((where[0] == np.arange(n)).all()):
        return parts[0]
    at = np.concatenate(where) if where else np.zeros(0, dtype=np.int64)

    def put(pieces: list[np.ndarray]) -> np.ndarray:
        joined = np.concatenate(pieces)
        out = np.empty_like(joined)
        out[at] = joined
        return out

    if isinstance(parts[0], np.ndarray):
        return put(list(parts))
    fields = [put([p[k] for p in parts]) for k in range(len(parts[0]))]
    kind = type(parts[0])
    return kind(*fields) if hasattr(kind, "_fields") else kind(fields)


def _block_stats(block: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Mean and std (ddof=1) of each row of an unpadded (m, c) block, as numpy gives per row."""
    m, c = block.shape
    if c == 0:
        return np.full(m, np.nan), np.full(m, np.nan)
    if c < 8:  # numpy adds fewer than 8 numbers left to right: columns give the same bits
        total = block[:, 0].copy()
        for j in range(1, c):
            total += block[:, j]
    else:
        total = block.sum(axis=1)
    mean = total / c
    dev = block - mean[:, None]
    dev *= dev
    if c < 8:
        squares = dev[:, 0].copy()
        for j in range(1, c):
            squares += dev[:, j]
    else:
        squares = dev.sum(axis=1)
    std = np.sqrt(squares / (c - 1)) if c > 1 else np.full(m, np.nan)
    return mean, std


def row_summary(store: ScoreStore) -> dict[str, FloatArray]:
    """Mean, std (ddof=1), median, min, max of each configuration's scores.

    Computed on the rows of each count together, without padding, so that every number is
    the one numpy gives for that configuration's scores alone (``np.mean(sweep.scores(i))``),
    whatever the other configurations hold. NaN where a configuration has too few scores.
    """
    n = len(store.counts)
    stats = {name: np.full(n, np.nan) for name in ("mean", "std", "median", "min", "max")}
    for c, rows in by_count(store.counts):
        if c == 0:
            continue
        values = store.rows("values", rows, width=c, whole=len(rows) == n)
        ordered = store.rows("sorted", rows, width=c, whole=len(rows) == n)
        with np.errstate(over="ignore", invalid="ignore"):  # huge |x|: inf/NaN, noted later
            stats["mean"][rows], stats["std"][rows] = _block_stats(values)
            stats["median"][rows] = (ordered[:, (c - 1) // 2] + ordered[:, c // 2]) / 2.0
        stats["min"][rows], stats["max"][rows] = ordered[:, 0], ordered[:, c - 1]
    return stats


def _wide(kind: Kind, array: np.ndarray, read_only: bool = False) -> np.ndarray:
    """Seed codes as int64 (kept narrow); scores as they are."""
    if kind != "seeds" or array.dtype == np.int64:
        return array
    wide = array.astype(np.int64)
    if read_only:
        wide.flags.writeable = False
    return wide


def _piece_end(counts: IntArray, begin: int, max_cells: int) -> int:
    """Largest ``end`` with ``counts[end - 1] * (end - begin) <= max_cells`` (counts sorted)."""
    low, high = begin + 1, len(counts)
    while low < high:
        mid = (low + high + 1) // 2
        if int(counts[mid - 1]) * (mid - begin) <= max_cells:
            low = mid
        else:
            high = mid - 1
    return low


class ScoreStore:
    """Each configuration's finite scores, their sorted copy and seed codes, dense or ragged.

    Scores are one float per seed per configuration, ordered by seed when the sweep has a seed
    column (seed codes then aligned with them), else in input order.

    Parameters
    ----------
    flat : ndarray of float64, shape (R,)
        Every finite score, configuration by configuration (configuration 0's first).
    seeds : ndarray of int, shape (R,), or None
        The seed code of each score, or None without a seed column. Kept in the narrowest
        integer type that holds them (int8 below 128 seeds), handed out as int64.
    counts : ndarray of int64, shape (N,)
        Scores per configuration.
    dense : bool, optional
        Force a layout (tests compare the two); by default dense when small
        (:func:`dense_is_small`).
    """

    def __init__(
        self, flat: FloatArray, seeds: IntArray | None, counts: IntArray, dense: bool | None = None
    ) -> None:
        self.counts = counts
        self.width = max(int(counts.max(initial=0)), 1)
        self.n_runs = len(flat)
        if dense is None:
            dense = dense_is_small(len(counts), self.width, len(flat))
        self.dense = dense
        self.starts = np.cumsum(counts) - counts
        if seeds is not None:  # codes below 128 seeds fit int8: kept narrow, read as int64
            seeds = narrow_ints(seeds)
        self._flat: dict[str, np.ndarray | None] = {"values": flat, "seeds": seeds}
        self._dense: dict[str, np.ndarray | None] = {}
        if dense:
            values = self._to_dense(flat, np.nan)
            self._dense["values"] = values
            self._dense["seeds"] = None if seeds is None else self._to_dense(seeds, -1)
            self._dense["sorted"] = np.sort(values, axis=1)  # NaN padding last
            self._flat = {}
        else:
            self._flat["sorted"] = self._sorted_flat(flat)
        for array in (*self._flat.values(), *self._dense.values(), self.counts, self.starts):
            if array is not None:
                array.flags.writeable = False  # handed out by the accessors: read-only

    # ------------------------------------------------------------------ building
    def _cells(self, rows: IntArray | None, width: int) -> tuple[IntArray, IntArray]:
        """Flat positions of ``rows``' scores, and where they go in a (len(rows), width) block."""
        counts = self.counts if rows is None else self.counts[rows]
        starts = self.starts if rows is None else self.starts[rows]
        counts = np.minimum(counts, width)
        total = int(counts.sum())
        begin = np.cumsum(counts) - counts
        within = np.arange(total, dtype=np.int64) - np.repeat(begin, counts)
        source = np.repeat(starts, counts) + within
        target = np.repeat(np.arange(len(counts), dtype=np.int64) * width, counts) + within
        return source, target

    def _to_dense(self, flat: np.ndarray, fill: float) -> np.ndarray:
        n = len(self.counts)
        if n * self.width == len(flat):  # every row full: the flat array is the matrix
            full: np.ndarray = flat.reshape(n, self.width).copy()
            return full
        out = np.full((n, self.width), fill, dtype=flat.dtype)
        source, target = self._cells(None, self.width)
        out.reshape(-1)[target] = flat[source]
        return out

    def _sorted_flat(self, flat: FloatArray) -> FloatArray:
        """Each configuration's scores sorted ascending, in place of the flat array's segments."""
        out = np.empty_like(flat)
        for c, rows in by_count(self.counts):
            if c:
                at = self.starts[rows][:, None] + np.arange(c)
                out[at] = np.sort(flat[at], axis=1)
        return out

    # ------------------------------------------------------------------ reading
    def has_seeds(self) -> bool:
        """Whether seed codes are kept (the sweep has a seed column)."""
        store = self._dense if self.dense else self._flat
        return store.get("seeds") is not None

    def row(self, kind: Kind, i: int) -> np.ndarray:
        """Return configuration ``i``'s ``counts[i]`` entries of ``kind`` (a read-only view)."""
        c = int(self.counts[i])
        if self.dense:
            matrix = self._dense[kind]
            assert matrix is not None
            return _wide(kind, matrix[i, :c])
        flat = self._flat[kind]
        assert flat is not None
        start = int(self.starts[i])
        return _wide(kind, flat[start : start + c])

    def flat(self, kind: Kind) -> np.ndarray:
        """Every configuration's entries of ``kind``, configuration by configuration."""
        if not self.dense:
            flat = self._flat[kind]
            assert flat is not None
            return _wide(kind, flat)
        matrix = self._dense[kind]
        assert matrix is not None
        if int(self.counts.sum()) == matrix.size:  # every row full
            return _wide(kind, matrix.reshape(-1))
        return _wide(kind, matrix[np.arange(matrix.shape[1]) < self.counts[:, None]])

    def at(self, configs: IntArray, ranks: IntArray) -> FloatArray:
        """Return score ``ranks[k]`` of configuration ``configs[k]`` (its position in the row)."""
        if self.dense:
            matrix = self._dense["values"]
            assert matrix is not None
            out: FloatArray = matrix[configs, ranks]
            return out
        flat = self._flat["values"]
        assert flat is not None
        picked: FloatArray = flat[self.starts[configs] + ranks]
        return picked

    def rows(
        self, kind: Kind, rows: IntArray, width: int | None = None, whole: bool = False
    ) -> np.ndarray:
        """Rows ``rows`` of ``kind`` as a (len(rows), width) block, padded (NaN; seeds -1).

        ``width`` defaults to the largest count among ``rows`` (at least 1); ``whole``: the
        rows are every configuration in order, so a dense matrix is handed out as it is.
        """
        if width is None:
            width = max(int(self.counts[rows].max(initial=0)), 1)
        if self.dense:
            matrix = self._dense[kind]
            assert matrix is not None
            if whole and width == matrix.shape[1]:
                return _wide(kind, matrix)
            return _wide(kind, matrix[rows, :width])
        flat = self._flat[kind]
        assert flat is not None
        fill = -1 if kind == "seeds" else np.nan
        out = np.full((len(rows), width), fill, dtype=flat.dtype)
        source, target = self._cells(rows, width)
        out.reshape(-1)[target] = flat[source]
        return _wide(kind, out)

    def matrix(self, kind: Kind, what: str) -> np.ndarray:
        """Every row of ``kind`` as the (N, K) matrix; ragged, built now if it fits memory.

        ``what`` names the accessor in the refusal. Raises
        :class:`~sweepwalk.validation.limits.SweepMemoryError` when the matrix would not fit.
        """
        if self.dense:
            matrix = self._dense[kind]
            assert matrix is not None
            return _wide(kind, matrix, read_only=True)
        n = len(self.counts)
        itemsize = 8
        _limits.check_padded_fits(what, n, self.width, itemsize, self.n_runs)
        out = self.rows(kind, np.arange(n, dtype=np.int64), self.width)
        out.flags.writeable = False
        return out

    def chunks(self, rows: IntArray, max_cells: int | None = None) -> list[IntArray]:
        """Positions into ``rows`` in pieces whose padded blocks hold at most ``max_cells``.

        Dense: one piece, in order (the matrix is small already). Ragged: by count, so a row of
        100,000 scores never pads 10,000 rows of 2; a piece has at least one row.
        """
        if self.dense or not len(rows):
            return [np.arange(len(rows), dtype=np.int64)]
        max_cells = CHUNK_CELLS if max_cells is None else max_cells
        counts = np.maximum(self.counts[rows], 1)
        order = np.argsort(counts, kind="stable")
        ordered = counts[order]
        pieces: list[IntArray] = []
        begin = 0
        while begin < len(order):
            pieces.append(order[begin : _piece_end(ordered, begin, max_cells)])
            begin += len(pieces[-1])
        return pieces
