"""The rows of importance's pair batches: from the dense matrices, or ragged, batch by batch.

Scores are one float per seed per configuration. A dense sweep's batches are slices of its (N, K)
matrices (scores, sorted scores, seeds, dense ranks), as they always were. A ragged sweep
(:attr:`SweepData.is_dense` False: a few configurations with many more seeds than the rest) never
builds those: each batch reads its own rows padded to the sweep's largest count when that is at
most :data:`~.pair_blocks.PAD_MAX` (the same blocks, so the same bits, as the dense layout), else
to the largest count among the batch's pairs, in pieces of bounded size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

from ..._vocab import PAIRED_TESTS
from ...stats import TEST_TABLE
from .pair_blocks import PAD_MAX, row_width

if TYPE_CHECKING:
    from ...data.sweep_data import SweepData

__all__ = ["CELLS", "PairRows", "dense_ranks"]

#: cells of one ragged batch's padded block (rows x width)
CELLS = 1 << 20


def dense_ranks(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """int32 dense ranks of every score among all of ``values``' valid scores (-1 padding).

    Ranks are order-preserving small integers, so A12 on ranks equals A12 on scores.
    """
    valid = np.arange(values.shape[1]) < counts[:, None]
    flat = values[valid]
    order = np.argsort(flat, kind="stable")
    step = np.empty(len(flat), dtype=np.int64)
    step[:1] = 0
    step[1:] = flat[order][1:] != flat[order][:-1]
    dense = np.empty(len(flat), dtype=np.int32)
    dense[order] = np.cumsum(step)
    ranks = np.full(values.shape, -1, dtype=np.int32)
    ranks[valid] = dense
    return ranks


def _pad(block: np.ndarray, width: int, fill: float) -> np.ndarray:
    if block.shape[1] >= width:
        return block
    out = np.full((block.shape[0], width), fill, dtype=block.dtype)
    out[:, : block.shape[1]] = block
    return out


class PairRows:
    """Rows of the pairs (a, b) of one batch for :func:`.importance._test_pairs`."""

    def __init__(self, sweep: SweepData, test: str, k_full: int) -> None:
        self.sweep = sweep
        self.order_free = TEST_TABLE[test].order_free
        self.paired = test in PAIRED_TESTS
        self.counts = sweep.counts
        self.k_full = k_full
        self.dense = sweep.is_dense
        self._matrices: tuple[Any, ...] | None = None

    def matrices(self) -> tuple[Any, ...]:
        """Return a dense sweep's (tested rows, scores, dense ranks, seeds), built once."""
        if self._matrices is None:
            sweep = self.sweep
            values = sweep.score_matrix
            ranks = sweep.once(
                "importance dense ranks", lambda: _read_only(dense_ranks(values, sweep.counts))
            )
            tested = sweep.sorted_scores if self.order_free else values
            self._matrices = (tested, values, ranks, sweep.seed_matrix)
        return self._matrices

    def pieces(self, a: np.ndarray, b: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Yield the batch whole, or (ragged, wide rows) by width in pieces of bounded cells."""
        if self.dense or self.k_full <= PAD_MAX:
            yield a, b
            return
        wide = np.maximum(self.counts[a], self.counts[b])
        order = np.argsort(wide, kind="stable")
        ordered = wide[order]
        start = 0
        while start < len(order):
            low, high = start + 1, len(order)  # largest end with ordered[end-1] * rows <= CELLS
            while low < high:
                mid = (low + high + 1) // 2
                if int(ordered[mid - 1]) * (mid - start) <= CELLS:
                    low = mid
                else:
                    high = mid - 1
            yield a[order[start:low]], b[order[start:low]]
            start = low

    def read(self, ia: np.ndarray, ib: np.ndarray) -> tuple[Any, Any, Any]:
        """(rows, pair seeds, pair ranks) of pairs (ia, ib), as ``_test_pairs`` takes them."""
        counts = self.counts
        if self.dense:
            tested, values, ranks, seeds = self.matrices()
            rows = (tested[ia], counts[ia], tested[ib], counts[ib])
            pair_seeds = None if seeds is None or not self.paired else (seeds[ia], seeds[ib])
            return rows, pair_seeds, (ranks[ia], ranks[ib], values[ia], values[ib])
        sweep = self.sweep
        width = row_width(
            self.k_full, int(max(counts[ia].max(initial=0), counts[ib].max(initial=0)))
        )
        va = _pad(sweep.score_rows(ia), width, np.nan)
        vb = _pad(sweep.score_rows(ib), width, np.nan)
        if self.order_free:
            ta, tb = (
                _pad(sweep.sorted_rows(ia), width, np.nan),
                _pad(sweep.sorted_rows(ib), width, np.nan),
            )
        else:
            ta, tb = va, vb
        pair_seeds = None
        if self.paired:
            sa, sb = sweep.seed_rows(ia), sweep.seed_rows(ib)
            if sa is not None and sb is not None:
                pair_seeds = (_pad(sa, width, -1), _pad(sb, width, -1))
        both = dense_ranks(np.concatenate([va, vb]), np.concatenate([counts[ia], counts[ib]]))
        ranks = (both[: len(ia)], both[len(ia) :], va, vb)
        return (ta, counts[ia], tb, counts[ib]), pair_seeds, ranks

    def sorted_block(self, ids: np.ndarray) -> np.ndarray:
        """Sorted rows of ``ids`` (a whole context), padded as the pair batches pad them."""
        width = row_width(self.k_full, int(self.counts[ids].max(initial=0)))
        return _pad(self.sweep.sorted_rows(ids), width, np.nan)


def _read_only(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array
