"""Student's t quantile at one probability for many degrees of freedom, as ``stats.t.ppf``.

Welch's interval needs ``t.ppf(q, df)`` with a different ``df`` per row; scipy inverts the
distribution once per value (about half a microsecond each, most of an interval against 100k
configurations). For a fixed ``q`` the quantile is a smooth function of ``u = 1 / df``, so it is
interpolated at Chebyshev points of the rows' own range of ``u``, taken from scipy there. A piece
is used only where the interpolant agrees with scipy to 1e-14 (relative) at the points between
its nodes; the rows of any other piece get scipy's value itself.
"""

from __future__ import annotations

import numpy as np
from numpy.polynomial import chebyshev
from scipy import special

from ._rows import FloatArray

#: below this many rows scipy is called directly
_MIN_ROWS = 2048
#: degrees of the Chebyshev interpolant of a piece, tried in turn (the first exact one is used)
_DEGREES = (8, 12, 18)
#: pieces of the range of 1 / df when one does not do (each verified apart)
_PIECES = 8
#: largest relative difference from scipy accepted at the check points
_RTOL = 1e-14
#: q this close to 1/2 goes to scipy: its inversion is not smooth in df there (at
#: q = 0.5 + 5e-10 it gives 0 for df 4 and 6, ~1.3e-9 around them), so no interpolant equals it
_NEAR_HALF = 1e-6


def t_quantile(q: float, df: FloatArray) -> FloatArray:
    """``scipy.stats.t.ppf(q, df)`` for one ``q`` and an array of ``df`` (to 1e-14 relative).

    ``df`` of at least 1 (finite) are interpolated in ``1 / df``; others (below 1, inf, NaN)
    and small arrays go to ``scipy.special.stdtrit``, which ``t.ppf`` calls.
    """
    df = np.asarray(df, dtype=np.float64)
    if df.size < _MIN_ROWS or abs(q - 0.5) < _NEAR_HALF:
        return np.asarray(special.stdtrit(df, q))
    out = np.empty(df.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = 1.0 / df
    smooth = np.isfinite(df) & (df >= 1.0)
    rough = ~smooth
    if smooth.any():
        lo, hi = float(u[smooth].min()), float(u[smooth].max())
        whole = _interpolant(q, lo, hi)  # a narrow range (equal sizes) needs one piece
        if whole is not None and smooth.all():
            return np.asarray(chebyshev.chebval(_local(u, lo, hi), whole))
        edges = np.linspace(lo, hi, _PIECES + 1)
        with np.errstate(invalid="ignore"):
            where = np.where(smooth, (u - lo) / max(hi - lo, 1e-300) * _PIECES, -1.0)
        piece = np.minimum(where.astype(np.int64), _PIECES - 1)
        for p in range(_PIECES):
            rows = np.flatnonzero(piece == p)
            if len(rows) == 0:
                continue
            coef = _interpolant(q, edges[p], edges[p + 1])
            if coef is None:
                rough[rows] = True
                continue
            out[rows] = chebyshev.chebval(_local(u[rows], edges[p], edges[p + 1]), coef)
    if rough.any():
        out[rough] = special.stdtrit(df[rough], q)
    return out


def _local(u: FloatArray, lo: float, hi: float) -> FloatArray:
    """``u`` in [lo, hi] mapped to [-1, 1] (a point piece maps to 0)."""
    if hi <= lo:
        return np.zeros_like(u)
    return np.asarray((2.0 * u - (lo + hi)) / (hi - lo))


def _interpolant(q: float, lo: float, hi: float) -> FloatArray | None:
    """Chebyshev coefficients of ``u -> t.ppf(q, 1 / u)`` on [lo, hi], or None if not exact."""
    half, mid = (hi - lo) / 2.0, (hi + lo) / 2.0
    for degree in _DEGREES:
        k = np.arange(degree + 1)
        nodes = np.cos(np.pi * (k + 0.5) / (degree + 1))  # first kind, in (-1, 1)
        values = special.stdtrit(1.0 / (mid + half * nodes), q)
        coef = chebyshev.chebfit(nodes, values, degree)
        # between the nodes, and the ends
        probe = np.concatenate([np.cos(np.pi * k[1:] / (degree + 1)), [-1.0, 1.0]])
        exact = special.stdtrit(1.0 / (mid + half * probe), q)
        got = chebyshev.chebval(probe, coef)
        if np.all(np.isfinite(exact)) and np.all(np.abs(got - exact) <= _RTOL * np.abs(exact)):
            return np.asarray(coef)
    return None


__all__ = ["t_quantile"]
