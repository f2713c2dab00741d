"""Batched Welch t-test, exact to ``scipy.stats.ttest_ind(..., equal_var=False)``."""

from __future__ import annotations

from scipy import stats

from ._rows import FloatArray, IntArray, by_size


def welch(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Batched ``ttest_ind(x_i, y_i, equal_var=False)``: t statistic and two-sided p-value.

    Rows are grouped by (nx, ny) and each group is one scipy call with ``axis=-1``. Rows with
    ``nx < 1`` or ``ny < 1``, or where scipy returns NaN (fewer than two values, zero
    variance on both sides), give NaN.
    """
    return by_size(x, nx, y, ny, lambda a, b: stats.ttest_ind(a, b, equal_var=False, axis=-1))
