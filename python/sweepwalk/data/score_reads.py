"""Reading a sweep's scores: whole matrices when they fit, any rows in memory of their own.

Scores are one float per seed per configuration. :class:`ScoreReads` gives
:class:`~sweepwalk.data.sweep_data.SweepData` its score accessors, over the
:class:`~sweepwalk.data.scores.ScoreStore` that keeps them dense or ragged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numpy as np
import numpy.typing as npt

from .scores import ScoreStore, stitch

__all__ = ["ScoreReads"]

_T = TypeVar("_T")


class ScoreReads:
    """The score accessors of a sweep (a base of :class:`~sweepwalk.data.sweep_data.SweepData`)."""

    _scores: ScoreStore

    @property
    def score_matrix(self) -> npt.NDArray[np.float64]:
        """Scores as an (N, K) float64 array, read-only.

        Row ``i`` holds configuration ``i``'s finite scores left-aligned (ordered by seed when a
        seed column is given, else in input order), NaN-padded to K = the largest ``n``
        (K >= 1). Scores are one float per seed per configuration. A sweep kept ragged
        (:attr:`is_dense` False) builds it on each call, and refuses with its size
        (:class:`~sweepwalk.validation.limits.SweepMemoryError`) when it would not fit in
        memory: read rows with :meth:`score_rows` then.
        """
        return self._scores.matrix("values", "score_matrix")

    @property
    def sorted_scores(self) -> npt.NDArray[np.float64]:
        """Each row of :attr:`score_matrix` sorted ascending (NaN padding last), read-only.

        Scores are one float per seed per configuration. Built and refused as
        :attr:`score_matrix`; :meth:`sorted_rows` reads some rows.
        """
        return self._scores.matrix("sorted", "sorted_scores")

    @property
    def is_dense(self) -> bool:
        """Whether the scores are kept as an (N, K) matrix (else ragged, one flat array).

        Dense when the padding to the largest seed count is small: at most twice the runs, or
        about a million cells. A sweep of 10,000 configurations x 2 seeds and one with 100,000
        is kept ragged, in memory that grows with its runs.
        """
        return self._scores.dense

    def score_rows(self, ids: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Rows ``ids`` of :attr:`score_matrix`, NaN-padded to the largest ``n`` among them.

        Shape (len(ids), max(n[ids], 1)); memory grows with these rows only. Scores are one
        float per seed per configuration.
        """
        return self._scores.rows("values", self._ids(ids))

    def sorted_rows(self, ids: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Rows ``ids`` of :attr:`sorted_scores`, shaped as :meth:`score_rows`."""
        return self._scores.rows("sorted", self._ids(ids))

    def seed_rows(self, ids: npt.ArrayLike) -> npt.NDArray[np.int64] | None:
        """Rows ``ids`` of :attr:`seed_matrix` (-1 padding), shaped as :meth:`score_rows`.

        None when the sweep has no seed column.
        """
        if not self._scores.has_seeds():
            return None
        return self._scores.rows("seeds", self._ids(ids))

    def row_chunks(
        self, ids: npt.ArrayLike, max_cells: int | None = None
    ) -> list[npt.NDArray[np.int64]]:
        """Positions into ``ids`` in pieces to read together with :meth:`score_rows`.

        A dense sweep: one piece, in order. A ragged one: pieces of rows of similar ``n``, each
        block at most ``max_cells`` cells (default 4M; one row at least), so that a
        configuration with 100,000 seeds never pads thousands with 2. Every position once.
        """
        return self._scores.chunks(self._ids(ids), max_cells)

    def map_rows(self, ids: npt.ArrayLike, compute: Callable[[npt.NDArray[np.int64]], _T]) -> _T:
        """``compute(ids)`` read in the pieces of :meth:`row_chunks`, put back in order.

        ``compute`` takes config ids and returns an array or a tuple of arrays, one entry per
        id; it is called once with every id for a dense sweep.
        """
        rows = self._ids(ids)
        pieces = self.row_chunks(rows)
        return cast(_T, stitch([compute(rows[p]) for p in pieces], pieces, len(rows)))

    def _ids(self, ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
        return np.asarray(ids, dtype=np.int64).reshape(-1)

    @property
    def seed_matrix(self) -> npt.NDArray[np.int64] | None:
        """Seed codes aligned with :attr:`score_matrix`, shape (N, K), read-only, or None.

        The integer code of each score's seed (codes follow the sorted seed values; -1 in the
        padding). None when the sweep has no seed column (no paired tests then). Built and
        refused as :attr:`score_matrix`; :meth:`seed_rows` reads some rows.
        """
        if not self._scores.has_seeds():
            return None
        return self._scores.matrix("seeds", "seed_matrix")
