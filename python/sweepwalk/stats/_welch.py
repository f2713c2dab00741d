"""Batched Welch t-test, exact to ``scipy.stats.ttest_ind(..., equal_var=False)``."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._rows import FloatArray, IntArray, by_size, valid_mask


def welch(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Batched ``ttest_ind(x_i, y_i, equal_var=False)``: t statistic and two-sided p-value.

    Rows are grouped by (nx, ny) and each group is one scipy call with ``axis=-1``. Rows with
    ``nx < 1`` or ``ny < 1``, or where scipy returns NaN (fewer than two values) give NaN.
    Where both sides are constant and equal (scipy: 0/0, NaN), the limit t = 0, p = 1: two
    identical samples are a tested pair with no difference.
    """
    statistic, pvalue = by_size(
        x, nx, y, ny, lambda a, b: stats.ttest_ind(a, b, equal_var=False, axis=-1)
    )
    ny = np.broadcast_to(ny, nx.shape)
    lo_x, hi_x = _range(x, nx)
    lo_y, hi_y = _range(y, ny[: y.shape[0]])
    same = (nx >= 2) & (ny >= 2) & (lo_x == hi_x) & (lo_y == hi_y) & (lo_x == lo_y)
    return np.where(same, 0.0, statistic), np.where(same, 1.0, pvalue)


def _range(a: FloatArray, n: IntArray) -> tuple[FloatArray, FloatArray]:
    """Smallest and largest of each row's first ``n`` values (inf/-inf for an empty row)."""
    mask = valid_mask(a, n)
    return np.where(mask, a, np.inf).min(axis=1), np.where(mask, a, -np.inf).max(axis=1)
