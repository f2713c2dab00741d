"""Scores equal up to float rounding are ties.

Accuracies on N examples are multiples of 1/N, which floats hold only approximately: 0.3 - 0.2
and 0.5 - 0.4 differ in their last bits, and sums of different subsets of equal-mean scores do
too. Tests that compare differences or statistics for equality (Wilcoxon's ranks of ``|d|``,
the permutation test's count of null statistics at least as extreme as the observed one) then
miss ties that are real. The helpers here compare on a grid of relative spacing ``rtol`` of the
row's scale instead: far coarser than float rounding (~1e-16), far finer than any meaningful
score difference. Values whose chain of neighbours stays within the tolerance form one
cluster; a chain can only grow long if values are spread at spacings below the tolerance,
which grid-valued or real-valued scores are not.
"""

from __future__ import annotations

import numpy as np

from ._rows import FloatArray

#: default relative tolerance under which two values of one row count as equal
TIE_RTOL = 1e-9


def check_rtol(tie_rtol: float | None) -> float | None:
    """Return ``tie_rtol`` as a float (or None), or raise naming the argument."""
    if tie_rtol is None:
        return None
    if not (isinstance(tie_rtol, float | int) and 0.0 <= float(tie_rtol) < 1e-3):
        raise ValueError(f"`tie_rtol` must be None or a float in [0, 1e-3), got {tie_rtol!r}.")
    return float(tie_rtol)


def row_scale(*arrays: FloatArray) -> FloatArray:
    """Largest finite ``|value|`` of each row over all ``arrays`` (M, K_i); 1 where none is > 0."""
    scale = np.zeros(arrays[0].shape[0])
    for a in arrays:
        if a.shape[1]:
            scale = np.maximum(scale, np.nanmax(np.where(np.isfinite(a), np.abs(a), 0.0), axis=1))
    return np.where(scale > 0, scale, 1.0)


def snap(values: FloatArray, scale: FloatArray, tie_rtol: float) -> FloatArray:
    """Make values of a row that lie within ``tie_rtol * scale[i]`` of each other identical.

    Each row's values are sorted and cut into clusters wherever two neighbours are more than
    the tolerance apart; every member of a cluster takes the value of the cluster's smallest
    member (a real value of the row, so nothing moves by more than float rounding when the
    values are grid-valued). NaN stays NaN. ``tie_rtol = 0`` returns the values.
    """
    if tie_rtol == 0 or values.shape[1] < 2:
        return values
    order = np.argsort(values, axis=1, kind="stable")
    s = np.take_along_axis(values, order, axis=1)
    gap = np.diff(s, axis=1) > (tie_rtol * scale)[:, None]
    # NaN sorts last; comparisons with NaN are False, so NaN joins the previous cluster:
    # restore it after
    starts = np.concatenate([np.ones((s.shape[0], 1), dtype=bool), gap], axis=1)
    first = np.maximum.accumulate(np.where(starts, np.arange(s.shape[1]), 0), axis=1)
    clustered = np.take_along_axis(s, first, axis=1)
    clustered = np.where(np.isnan(s), np.nan, clustered)
    out = np.empty_like(values)
    np.put_along_axis(out, order, clustered, axis=1)
    return out


def snap_differences(d: FloatArray, scale: FloatArray, tie_rtol: float) -> FloatArray:
    """Paired differences with ``|d|`` clustered by :func:`snap` and near-zero ones made 0.

    Wilcoxon ranks ``|d|`` and drops zeros, so +0.1 and -0.1 must tie as well as two +0.1;
    the sign of each difference is kept.
    """
    if tie_rtol == 0:
        return d
    size = snap(np.abs(d), scale, tie_rtol)
    size = np.where(size <= (tie_rtol * scale)[:, None], 0.0, size)
    return np.asarray(np.sign(d) * size)
