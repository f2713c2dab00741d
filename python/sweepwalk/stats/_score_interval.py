"""The bounds of the A12 score interval: roots of its score equation, and the check at 1/2.

Used by :func:`sweepwalk.stats.a12_interval` (see its Notes). Newton's method on the score
equation written as a quartic replaces a bisection of 60 halvings per bound; the bisection
stays as the reference and for the rows where Newton's root does not verify.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from ._rows import FloatArray, IntArray

# bisection steps of the A12 interval's bounds (interval [0, 1] halved to float precision)
_BISECTIONS = 60


def hanley_mcneil_var(theta: FloatArray, m: FloatArray, n: FloatArray) -> FloatArray:
    """Variance of A12 at true value ``theta`` (Hanley & McNeil 1982, Newcombe's form)."""
    half = (m + n) / 2.0 - 1.0
    shape = 1.0 + half * ((1.0 - theta) / (2.0 - theta) + theta / (1.0 + theta))
    return np.asarray(theta * (1.0 - theta) * shape / (m * n))


def _bisect_bounds(
    a: FloatArray, m: FloatArray, n: FloatArray, scale: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Both roots of the score equation by bisection on each side of ``a`` (the reference)."""

    def outside(theta: FloatArray) -> npt.NDArray[np.bool_]:
        return np.asarray((a - theta) ** 2 > scale * hanley_mcneil_var(theta, m, n))

    # lower bound in [0, a]: theta = 0 is outside unless a = 0, theta = a inside
    lo, hi = np.zeros_like(a), a.copy()
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        out = outside(mid)
        lo, hi = np.where(out, mid, lo), np.where(out, hi, mid)
    low = hi
    lo, hi = a.copy(), np.ones_like(a)
    for _ in range(_BISECTIONS):
        mid = (lo + hi) / 2
        out = outside(mid)
        lo, hi = np.where(out, lo, mid), np.where(out, mid, hi)
    return low, lo


def score_bounds(
    a: FloatArray, m: FloatArray, n: FloatArray, scale: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Roots of ``(a - theta)^2 = scale V(theta)`` below and above ``a`` (V: Hanley-McNeil).

    Multiplied by ``m n (2 - theta) (1 + theta) > 0`` the equation is a quartic in theta;
    Newton's method on it from Wilson's interval (V with its slowly varying factor frozen at
    ``a``) converges in a few steps. A root is kept where the quartic changes sign within
    ``_ROOT_TOL`` of it; elsewhere (and for ``a`` at 0 or 1) the bisection of
    :func:`_bisect_bounds` decides, so the bounds are that reference's to within 1e-12.
    """
    h = (m + n) / 2.0 - 1.0
    mn, big_a, big_b = m * n, 2.0 + h, 1.0 + 2.0 * h
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        coef = (
            2.0 * a * a * mn,
            mn * (a * a - 4.0 * a) - scale * big_a,
            mn * (2.0 - a * a - 2.0 * a) - scale * (big_b - big_a),
            mn * (2.0 * a + 1.0) + 2.0 * scale * big_b,
            -mn - scale * big_b,
        )
        # Wilson: (a - t)^2 = k t (1 - t) with k = scale V(a) / (a (1 - a))
        k = scale * (1.0 + h * ((1.0 - a) / (2.0 - a) + a / (1.0 + a))) / mn
        centre, half = (2.0 * a + k) / (2.0 + 2.0 * k), np.sqrt(k * k + 4.0 * k * a * (1.0 - a))
        half /= 2.0 + 2.0 * k
        roots = [_newton_quartic(coef, centre - half), _newton_quartic(coef, centre + half)]
        lo_ok = _brackets(coef, roots[0], np.zeros_like(a), a)
        hi_ok = _brackets(coef, roots[1], a, np.ones_like(a), outside_below=False)
    # A12 at 0 (1): the lower (upper) bound is 0 (1) itself, as the bisection gives it
    roots[0][a == 0.0], roots[1][a == 1.0] = 0.0, 1.0
    lo_ok |= a == 0.0
    hi_ok |= a == 1.0
    redo = np.flatnonzero(~(lo_ok & hi_ok))
    if len(redo):
        m, n = np.broadcast_to(m, a.shape)[redo], np.broadcast_to(n, a.shape)[redo]
        roots[0][redo], roots[1][redo] = _bisect_bounds(a[redo], m, n, scale[redo])
    return roots[0], roots[1]


#: a root of the quartic is accepted when its sign changes within this distance of it
_ROOT_TOL = 1e-12
#: Newton steps from Wilson's bounds (quadratic convergence: 1e-2 -> 1e-16 in three)
_NEWTON_STEPS = 5


def _quartic(coef: tuple[FloatArray, ...], t: FloatArray) -> FloatArray:
    """Return the quartic at ``t`` by Horner's rule, in one buffer (no temporaries)."""
    c0, c1, c2, c3, c4 = coef
    out = np.multiply(t, c4)
    for c in (c3, c2, c1):
        out += c
        out *= t
    out += c0
    return out


def _newton_quartic(coef: tuple[FloatArray, ...], start: FloatArray) -> FloatArray:
    """Newton's method on the quartic from ``start`` (NaN where it fails: the caller checks).

    In place: each step is the quartic and its slope by Horner's rule in two buffers, the
    same operations in the same order as written out, so the same floats.
    """
    c0, c1, c2, c3, c4 = coef
    d2, d3, d4 = 2.0 * c2, 3.0 * c3, 4.0 * c4
    t = np.array(start, dtype=np.float64)
    value, slope = np.empty_like(t), np.empty_like(t)
    for _ in range(_NEWTON_STEPS):
        np.multiply(t, c4, out=value)
        for c in (c3, c2, c1):
            value += c
            value *= t
        value += c0
        np.multiply(t, d4, out=slope)
        slope += d3
        slope *= t
        slope += d2
        slope *= t
        slope += c1
        value /= slope
        t -= value
    return t


def _brackets(
    coef: tuple[FloatArray, ...],
    root: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    outside_below: bool = True,
) -> npt.NDArray[np.bool_]:
    """Where ``root`` is a sign change of the quartic inside [lo, hi], outside on the far side."""
    below, above = root - _ROOT_TOL, root + _ROOT_TOL
    out_below, out_above = _quartic(coef, below) > 0, _quartic(coef, above) > 0
    change = (out_below & ~out_above) if outside_below else (~out_below & out_above)
    return np.asarray(change & (below >= lo) & (above <= hi))


def half_rejected(
    a12: FloatArray,
    var_p: FloatArray,
    var_q: FloatArray,
    nx: IntArray | FloatArray,
    ny: IntArray | FloatArray,
    cl: float,
) -> npt.NDArray[np.bool_]:
    """Rows where both tests of A12 = 1/2 surely give p <= 1 - cl (so 1/2 stays out).

    From 10 values a side, without ranking anything: Mann-Whitney's normal approximation
    (scipy's method above 8 values a side) has p at most its value without the tie correction,
    which only shrinks the variance; Brunner-Munzel's statistic follows from A12 and the
    placement variances (``rankcx - rankx`` is ``ny P_i``), and its t quantile falls as the
    degrees of freedom grow, so the quantile at ``floor(df)`` bounds it. A relative margin of
    1e-9 covers the rounding; every other row is left to the tests themselves.
    """
    sure = np.zeros(len(a12), dtype=bool)
    if np.ndim(nx) == 0 and np.ndim(ny) == 0:  # one size for every row
        big: Any = slice(None) if min(nx, ny) >= _SHORTCUT_MIN else np.arange(0)
        m, n = np.asarray(nx, dtype=np.float64), np.asarray(ny, dtype=np.float64)
    else:
        big = np.flatnonzero(np.minimum(nx, ny) >= _SHORTCUT_MIN)
        m = np.broadcast_to(np.asarray(nx, dtype=np.float64), a12.shape)[big]
        n = np.broadcast_to(np.asarray(ny, dtype=np.float64), a12.shape)[big]
    a = a12[big]
    if len(a) == 0:
        return sure
    tail = (1.0 - cl) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        u = a * m * n
        excess = np.maximum(u, m * n - u) - m * n / 2.0 - 0.5
        z = excess / np.sqrt(m * n * (m + n + 1.0) / 12.0)
        mw = z * (1.0 - _MARGIN) >= -special.ndtri(tail)  # stats.norm.isf, without its checks
        sx, sy = n * n * var_p[big], m * m * var_q[big]
        spread = m * sx + n * sy
        w = np.abs(m * n * (0.5 - a)) / np.sqrt(spread)
        df = spread**2 / ((m * sx) ** 2 / (m - 1.0) + (n * sy) ** 2 / (n - 1.0))
        whole = np.floor(np.where(np.isfinite(df) & (df >= 1.0), df, 0.0))
    bm = np.zeros(len(a), dtype=bool)
    if whole.any():
        steps = np.minimum(whole, _DF_CAP).astype(np.int64)  # t quantiles fall with df
        levels = np.flatnonzero(np.bincount(steps, minlength=1))
        quantile = np.full(int(steps.max()) + 1, np.inf)
        quantile[levels[levels >= 1]] = -special.stdtrit(levels[levels >= 1], tail)  # t.isf
        bm = w * (1.0 - _MARGIN) >= quantile[steps]
    sure[big] = mw & bm
    return sure


#: the shortcut applies from this many values a side: above Mann-Whitney's exact sizes (8)
#: and at the sizes where Brunner-Munzel is its t approximation (its permutation form is the
#: small-sample one, below 10)
_SHORTCUT_MIN = 10
#: degrees of freedom beyond this are bounded by this one's quantile (a larger one)
_DF_CAP = 100_000
#: relative margin of the shortcuts of half_rejected over float rounding
_MARGIN = 1e-9


__all__ = ["half_rejected", "hanley_mcneil_var", "score_bounds"]
