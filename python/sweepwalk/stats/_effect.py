"""Vargha-Delaney A12, batched over rows."""

from __future__ import annotations

import numpy as np

from ._ks import positions
from ._rows import FloatArray, IntArray, valid_mask

# elements of one (rows, Kx, Ky) comparison block in the general (row-wise target) path
_BLOCK = 4_000_000


def a12(x: FloatArray, nx: IntArray, y: FloatArray, ny: IntArray) -> FloatArray:
    """Vargha-Delaney A12: probability that a value of row ``x_i`` beats one of ``y_i``.

    A12 = P(X > Y) + 0.5 P(X = Y), counted over all ``nx[i] * ny[i]`` pairs of values.

    Parameters
    ----------
    x : ndarray, shape (M, Kx)
        Rows of scores, one per seed, left-aligned, NaN padded.
    nx : ndarray, shape (M,)
        Number of scores in each row of ``x``.
    y : ndarray, shape (M, Ky) or (1, Ky)
        The other sample of each pair, or one row compared with every row of ``x``.
    ny : ndarray, shape (M,) or (1,)
        Number of scores in each row of ``y``.

    Returns
    -------
    ndarray, shape (M,)
        A12 per row; NaN where a side is empty. 0.5 means no tendency; above 0.5, values of
        ``x`` tend to be larger.

    References
    ----------
    .. [1] A. Vargha and H. D. Delaney, "A critique and improvement of the CL common language
       effect size statistics of McGraw and Wong", Journal of Educational and Behavioral
       Statistics 25(2), 101-132, 2000.

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import a12
    >>> a12(np.array([[1.0, 2.0, 3.0]]), np.array([3]), np.array([[2.0, np.nan]]), np.array([1]))
    array([0.5])
    """
    m = x.shape[0]
    if m == 0:
        return np.zeros(0)
    ny = np.broadcast_to(ny, (m,))
    wins = np.zeros(m)  # 2 * (#{x > y} + 0.5 #{x == y}), an integer
    if y.shape[0] == 1:
        ys = np.sort(y[0, : ny[0]])
        lo, hi = positions(ys, x)
        wins = np.where(valid_mask(x, nx), lo + hi, 0).sum(axis=1)
    else:
        xv = np.where(valid_mask(x, nx), x, np.nan)
        yv = np.where(valid_mask(y, ny), y, np.nan)
        step = max(1, _BLOCK // max(1, x.shape[1] * y.shape[1]))
        for s in range(0, m, step):
            a, b = xv[s : s + step, :, None], yv[s : s + step, None, :]
            wins[s : s + step] = (2 * (a > b) + (a == b)).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = wins / (2.0 * nx * ny)
    return np.where((nx >= 1) & (ny >= 1), out, np.nan)
