"""Batched Mann-Whitney U test, exact to ``scipy.stats.mannwhitneyu``.

scipy's batched (``axis=-1``) call decides exact versus asymptotic once for the whole batch
(exact only when a sample has at most 8 values and *no row of the batch* has ties). Rows are
therefore grouped by (nx, ny, ties) so that every batch gets the decision a call on that row
alone would get.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._rows import FloatArray, IntArray, by_size, has_ties

# scipy uses the exact distribution only when one sample has at most this many values.
_EXACT_MAX_N = 8


def _tie_flags(x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray) -> IntArray:
    """1 where the pooled sample of row i has ties and one sample is small enough to matter."""
    m = x.shape[0]
    flags = np.zeros(m, dtype=np.int64)
    small = np.flatnonzero(np.minimum(nx, ny) <= _EXACT_MAX_N)
    if len(small):
        ys = np.broadcast_to(y, (m, y.shape[1]))[small]
        pooled = np.concatenate(
            [
                np.where(np.arange(x.shape[1]) < nx[small, None], x[small], np.nan),
                np.where(np.arange(ys.shape[1]) < ny[small, None], ys, np.nan),
            ],
            axis=1,
        )
        flags[small] = has_ties(pooled, np.full(len(small), pooled.shape[1]))
    return flags


def mannwhitney(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Batched ``mannwhitneyu(x_i, y_i, alternative="two-sided")``: U of the row and p-value.

    Rows with ``nx < 1`` or ``ny < 1`` give NaN.
    """
    ny = np.broadcast_to(ny, (x.shape[0],))
    return by_size(
        x,
        nx,
        y,
        ny,
        lambda a, b: stats.mannwhitneyu(a, b, alternative="two-sided", axis=-1),
        extra_key=lambda ok: _tie_flags(x[ok], nx[ok], y if y.shape[0] == 1 else y[ok], ny[ok]),
    )
