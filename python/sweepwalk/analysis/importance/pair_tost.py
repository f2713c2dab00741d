"""Welch TOST decisions of every pair of a context, from per-row moments and t-quantile bounds."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from ...stats import tost_ind_rejects

__all__ = ["TostBounds"]

#: cells of the q(1/df) grid of the TOST bounds
_GRID = 1024
#: relative slack of the TOST bounds (the summaries' rounding is ~1e-15)
_SLACK = 1e-7

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class TostBounds:
    """Welch TOST decisions (``ttost_ind(..., usevar="unequal").pvalue <= alpha``) of a context.

    Each row's mean and variance of the mean are computed once; a pair is decided by
    ``(margin - |d|) / se`` against the t quantile's bounds over the degrees of freedom it can
    have (first the context's whole range, then a grid cell of 1/df around the pair's own), and
    asked to :func:`tost_ind_rejects` on the rows only within ``_SLACK`` of a bound.
    """

    def __init__(self, rows: FloatArray, counts: IntArray, margin: float, alpha: float) -> None:
        self.rows, self.counts, self.margin, self.alpha = rows, counts, margin, alpha
        valid = np.arange(rows.shape[1]) < counts[:, None]
        f = counts.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            mean = np.where(valid, rows, 0.0).sum(axis=1) / f
            ss = (np.where(valid, rows - mean[:, None], 0.0) ** 2).sum(axis=1)
            sem = ss / f / (f - 1)
            scale = np.abs(mean) + margin
            self.fragile = ~(sem > (1e-6 * scale) ** 2) | ~np.isfinite(sem) | ~np.isfinite(mean)
        self.mean, self.sem, self.scale = mean, sem, scale
        self.usable = counts >= 2
        ok = counts[self.usable]
        self.live = bool(np.isfinite(margin)) and len(ok) > 1
        if self.live:
            df_lo, df_hi = int(ok.min()) - 1, 2 * int(ok.max()) - 2
            self.u_lo, self.u_hi = 1.0 / df_hi, 1.0 / df_lo
            grid = np.linspace(self.u_lo, self.u_hi, _GRID + 1)
            self.q = stats.t.isf(alpha, 1.0 / grid)  # rises with 1/df
            self.q_lo, self.q_hi = float(self.q[0]), float(self.q[-1])

    def decide(self, xs: Any, j: int) -> npt.NDArray[np.bool_]:
        """Whether each pair (row xs[i], row j) is shown equivalent."""
        mean, sem, count = self.mean[xs], self.sem[xs], self.counts[xs]
        m = len(mean)
        if not self.live or not self.usable[j]:
            return np.zeros(m, dtype=bool)
        with np.errstate(invalid="ignore", over="ignore"):
            tau = self.margin - np.abs(mean - self.mean[j])
            s2 = sem + self.sem[j]
            se = np.sqrt(s2)
            tol = 1e-12 * (self.scale[xs] + self.scale[j])
            sure_yes = tau - self.q_hi * (1 + _SLACK) * se > tol
            sure_no = tau - self.q_lo * (1 - _SLACK) * se < -tol
        out: npt.NDArray[np.bool_] = np.asarray(sure_yes, dtype=bool)
        usable: npt.NDArray[np.bool_] = self.usable[xs]
        check = ~(sure_yes | sure_no) & usable
        if self.fragile[j]:
            check = usable.copy()
        else:
            check |= self.fragile[xs] & usable
        rest = np.flatnonzero(check)
        if len(rest) == 0:
            return out & usable
        out[rest] = self._near(rest, xs, j, tau[rest], s2[rest], se[rest], tol[rest], count[rest])
        return out & usable

    def _near(
        self,
        rest: IntArray,
        xs: Any,
        j: int,
        tau: FloatArray,
        s2: FloatArray,
        se: FloatArray,
        tol: FloatArray,
        nx: IntArray,
    ) -> npt.NDArray[np.bool_]:
        """Decide ``rest`` by the grid cell of each pair's 1/df, the rest exactly."""
        s1, sj = self.sem[xs][rest], self.sem[j]
        f1, fj = nx.astype(np.float64), float(self.counts[j])
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            inv_df = (s1 / s2) ** 2 / (f1 - 1) + (sj / s2) ** 2 / (fj - 1)
            cell = np.floor((inv_df - self.u_lo) / (self.u_hi - self.u_lo) * _GRID)
        fine = np.isfinite(cell) & ~self.fragile[xs][rest] & (not self.fragile[j])
        cell = np.clip(np.where(fine, cell, 0), 0, _GRID - 1).astype(np.int64)
        q_low = self.q[np.maximum(cell - 1, 0)]
        q_high = self.q[np.minimum(cell + 2, _GRID)]
        with np.errstate(invalid="ignore", over="ignore"):
            yes = fine & (tau - q_high * (1 + _SLACK) * se > tol)
            no = fine & (tau - q_low * (1 - _SLACK) * se < -tol)
        out: npt.NDArray[np.bool_] = np.asarray(yes, dtype=bool)
        exact = np.flatnonzero(~(yes | no))
        if len(exact):
            ids = np.asarray(xs)[rest[exact]] if not isinstance(xs, slice) else rest[exact]
            out[exact] = tost_ind_rejects(
                self.rows[ids], self.counts[ids], self.rows[j : j + 1], self.counts[j : j + 1],
                -self.margin, self.margin, self.alpha, usevar="unequal",
            )  # fmt: skip
        return out
