"""Batched Welch t-test, exact to ``scipy.stats.ttest_ind(..., equal_var=False)``."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ._rows import FloatArray, IntArray, groups, quiet, take


def welch(
    x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Batched ``ttest_ind(x_i, y_i, equal_var=False)``: t statistic and two-sided p-value.

    Rows are grouped by (nx, ny) and each group is one scipy call with ``axis=-1``. Rows with
    ``nx < 1`` or ``ny < 1``, or where scipy returns NaN (fewer than two values, zero
    variance on both sides), give NaN.
    """
    m = x.shape[0]
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero((nx >= 1) & (ny >= 1))
    if len(ok) == 0:
        return statistic, pvalue
    for (n1, n2), idx in groups(nx[ok], ny[ok]):
        rows = ok[idx]
        with quiet():
            res = stats.ttest_ind(take(x, rows, n1), take(y, rows, n2), equal_var=False, axis=-1)
        statistic[rows], pvalue[rows] = res.statistic, res.pvalue
    return statistic, pvalue
