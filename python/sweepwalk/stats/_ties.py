"""Scores equal up to float rounding are ties.

Accuracies on N examples are multiples of 1/N, which floats hold only approximately: 0.3 - 0.2
and 0.5 - 0.4 differ in their last bits, and sums of different subsets of equal-mean scores do
too. Tests that compare differences or statistics for equality (Wilcoxon's ranks of ``|d|``,
the permutation test's count of null statistics at least as extreme as the observed one) then
miss ties that are real. The helpers here compare on a grid of relative spacing ``rtol`` of the
row's scale instead: far coarser than float rounding (~1e-16), far finer than any meaningful
score difference.
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
    """``values`` (M, K) rounded to multiples of ``tie_rtol * scale[i]`` (NaN stays NaN).

    Values that differ only by float rounding land on the same multiple and so become
    bit-identical (the same integer times the same step). ``tie_rtol = 0`` returns the values.
    """
    if tie_rtol == 0:
        return values
    step = (tie_rtol * scale)[:, None]
    return np.asarray(np.round(values / step) * step)
