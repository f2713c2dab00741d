"""Power of the two-sample t-test: minimal detectable differences and seeds needed.

Both functions use the power of the two-sided, pooled-variance two-sample t-test from statsmodels
(``TTestIndPower``), with Cohen's d = difference in means / pooled standard deviation (Cohen 1988,
ch. 2). They are batched: arrays in, arrays out.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special, stats
from statsmodels.stats.power import TTestIndPower

from ._rows import FloatArray, ignoring

__all__ = ["mde", "pooled_std", "seeds_needed", "t_power", "t_power_reaches"]

_MAX_STEPS = 10_000


def _power_input_validation(alpha: float, power: float) -> tuple[float, float]:
    for name, value in (("alpha", alpha), ("power", power)):
        if not (isinstance(value, float | int) and 0.0 < float(value) < 1.0):
            raise ValueError(f"`{name}` must be a float strictly between 0 and 1, got {value!r}.")
    return float(alpha), float(power)


def pooled_std(
    std1: ArrayLike, n1: ArrayLike, std2: ArrayLike, n2: ArrayLike
) -> NDArray[np.float64]:
    """Pooled standard deviation of two samples from their ddof=1 standard deviations.

    Parameters
    ----------
    std1, std2 : array_like
        Sample standard deviations (ddof=1) of the two sides, broadcastable.
    n1, n2 : array_like of int
        Sample sizes.

    Returns
    -------
    numpy.ndarray
        ``sqrt(((n1 - 1) std1**2 + (n2 - 1) std2**2) / (n1 + n2 - 2))``; NaN where a side has
        fewer than 2 scores.

    Examples
    --------
    >>> float(pooled_std(1.0, 10, 3.0, 10)[()])
    2.23606797749979
    """
    s1, s2 = np.asarray(std1, dtype=np.float64), np.asarray(std2, dtype=np.float64)
    a, b = np.asarray(n1, dtype=np.float64), np.asarray(n2, dtype=np.float64)
    ok = (a >= 2) & (b >= 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        var = ((a - 1) * s1**2 + (b - 1) * s2**2) / (a + b - 2)
    return np.where(ok, np.sqrt(np.where(ok, var, 0.0)), np.nan)


def t_power(
    d: FloatArray, n1: FloatArray, n2: FloatArray, alpha: FloatArray, paired: bool
) -> FloatArray:
    """Two-sided t-test power, statsmodels' formula (``ttest_power``) for ``d >= 0``.

    ``P(T > c) + P(T < -c)`` for T noncentral t with ``df = n1 + n2 - 2`` and noncentrality
    ``d sqrt(n1 n2 / (n1 + n2))`` (paired: ``df = n - 1``, ``d sqrt(n)``), ``c`` the
    ``1 - alpha / 2`` quantile of the central t. statsmodels returns NaN where scipy's
    noncentral t CDF underflows in the far lower tail (e.g. d = 4, n = 5 at alpha = 0.05 /
    199, where the power is 0.8): that tail is below alpha / 2 and shrinking, and counts 0.
    The CDF at ``c`` far below a large noncentrality underflows to NaN the same way (d = 5.75,
    n = 45 paired at alpha = 0.01, where ``scipy.stats.nct.sf`` gives 1): it counts 0 too.
    """
    df, nc = _df_nc(d, n1, n2, paired)
    crit = _t_isf(alpha / 2, df)
    with np.errstate(all="ignore"):
        upper = special.nctdtr(df, nc, crit)  # P(T <= c)
        lower = special.nctdtr(df, nc, -crit)
    upper = np.where(np.isnan(upper) & (crit < nc), 0.0, upper)
    return np.asarray(1.0 - upper + np.where(np.isnan(lower), 0.0, lower))


def t_power_reaches(
    d: FloatArray, n1: FloatArray, n2: FloatArray, alpha: FloatArray, paired: bool, power: float
) -> NDArray[np.bool_]:
    """``t_power(d, n1, n2, alpha, paired) >= power``, the same booleans at about half the cost.

    The power is ``(1 - P(T <= c)) + P(T < -c)`` and for a noncentrality >= 0 the lower tail
    ``P(T < -c)`` lies in [0, alpha / 2] (at most the central t's): adding it cannot lower
    ``1 - P(T <= c)``, nor lift it by more than alpha / 2. So the lower tail, half of the cost,
    is computed only where ``1 - P(T <= c) < power <= 1 - P(T <= c) + alpha`` (alpha, not
    alpha / 2: scipy's ``nctdtr`` exceeds alpha / 2 by a relative 1e-6 near noncentrality 0),
    and there the sum is formed exactly as in :func:`t_power`. Rows with ``d < 0`` or NaN
    get the full formula. The critical value is computed once per distinct ``(alpha, df)``.
    """
    d, n1, n2, alpha = np.broadcast_arrays(
        *(np.asarray(x, dtype=np.float64) for x in (d, n1, n2, alpha))
    )
    df, nc = _df_nc(d, n1, n2, paired)
    crit = _t_isf_distinct(alpha / 2, df)
    with np.errstate(all="ignore"):
        upper = special.nctdtr(df, nc, crit)  # P(T <= c)
    rest = 1.0 - np.where(np.isnan(upper) & (crit < nc), 0.0, upper)
    out = np.asarray(rest >= power)
    # below _TAIL_TRUSTED scipy's lower tail breaks its bound (up to 79 alpha at 1e-15, 3.5e15
    # alpha at 1e-30, for df 1-1000): those rows take the full sum
    unsure = (~out & (rest + alpha >= power)) | ~(nc >= 0) | (alpha < _TAIL_TRUSTED)
    if unsure.any():
        df, nc, crit = df[unsure], nc[unsure], crit[unsure]
        with np.errstate(all="ignore"):
            lower = special.nctdtr(df, nc, -crit)
        out[unsure] = rest[unsure] + np.where(np.isnan(lower), 0.0, lower) >= power
    return out


#: the smallest level at which scipy's lower tail keeps to [0, alpha / 2] (df 1-1000, noncentrality
#: 0-100: at most 0.5 alpha down to 1e-12, 0.76 alpha at 1e-13, 8 alpha at 1e-14)
_TAIL_TRUSTED = 1e-12


def _df_nc(
    d: FloatArray, n1: FloatArray, n2: FloatArray, paired: bool
) -> tuple[FloatArray, FloatArray]:
    """Degrees of freedom and noncentrality of the t statistic (see :func:`t_power`)."""
    if paired:
        return n1 - 1.0, d * np.sqrt(n1)
    return n1 + n2 - 2.0, d * np.sqrt(n1 * n2 / (n1 + n2))


def _t_isf(q: FloatArray, df: FloatArray) -> FloatArray:
    """``scipy.stats.t.isf(q, df)``: the same ``-stdtrit(df, q)`` without its argument checks.

    Called in every step of the power solves (on a few values), where the checks of
    ``rv_continuous`` cost ten times the quantile itself.
    """
    q, df = np.broadcast_arrays(np.asarray(q, dtype=np.float64), np.asarray(df, np.float64))
    valid = (df > 0) & (q >= 0) & (q <= 1)
    with np.errstate(invalid="ignore"):
        return np.where(valid, -special.stdtrit(df, q), np.nan)


def _t_isf_distinct(q: FloatArray, df: FloatArray) -> FloatArray:
    """:func:`_t_isf`, once per distinct ``df`` when ``q`` is one value.

    A search over whole seeds at one level meets each df several times; elementwise otherwise.
    """
    if q.size > 1 and (q == q.flat[0]).all():
        values, inverse = np.unique(df, return_inverse=True)
        return _t_isf(q.flat[0], values)[inverse.reshape(df.shape)]
    return _t_isf(q, df)


def _bisect_d(n1: int, n2: int, alpha: float, power: float) -> float:
    """Smallest Cohen's d whose :func:`t_power` reaches ``power``, by bisection."""
    a1, a2, al = np.array(float(n1)), np.array(float(n2)), np.array(alpha)
    lo, hi = 0.0, 1.0
    while not t_power(np.array(hi), a1, a2, al, False) >= power:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if not lo < mid < hi:
            break
        if t_power(np.array(mid), a1, a2, al, False) >= power:
            hi = mid
        else:
            lo = mid
    return hi


@functools.lru_cache(maxsize=4096)
def _cohen_d(n1: int, n2: int, alpha: float, power: float) -> float:
    """Smallest Cohen's d detectable with `power` (statsmodels, cached per sizes and levels).

    0 when ``alpha >= power``: the test rejects that often with no difference at all (and
    statsmodels' root search has no sign change there: it raised for alpha = 0.9).
    """
    if alpha >= power:
        return 0.0
    try:
        with ignoring():
            d = float(
                TTestIndPower().solve_power(
                    effect_size=None, nobs1=n1, ratio=n2 / n1, alpha=alpha, power=power
                )
            )
    except ValueError:
        d = math.nan
    # solve_power searches statsmodels' power, which is NaN where scipy's noncentral t
    # underflows in the lower tail (small alpha), and then returns a wrong root (n = 3 at
    # alpha = 0.001: d = 7.02 with power 0.59): check it, and bisect when it is off
    got = t_power(np.array(d), np.array(float(n1)), np.array(float(n2)), np.array(alpha), False)
    if not abs(float(got) - power) < 1e-6:
        d = _bisect_d(n1, n2, alpha, power)
    return d


def mde(
    n1: ArrayLike,
    n2: ArrayLike,
    sd: ArrayLike,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> NDArray[np.float64]:
    """Minimal detectable |difference in means| for two samples of sizes `n1` and `n2`.

    Parameters
    ----------
    n1, n2 : array_like of int
        Sample sizes (the row's and the target's), broadcastable.
    sd : array_like
        Pooled standard deviation of the two samples (see :func:`pooled_std`), in metric units.
    alpha : float, optional
        Two-sided significance level. Default 0.05. (A multiplicity correction makes the real
        per-test level smaller, so the mde at the corrected level is larger.)
    power : float, optional
        Required power. Default 0.8.

    Returns
    -------
    numpy.ndarray of float
        ``d * sd`` where ``d = TTestIndPower().solve_power(effect_size=None, nobs1=n1,
        ratio=n2 / n1, alpha=alpha, power=power)``; NaN where a side has fewer than 2 scores
        or `sd` is not finite. ``d`` is cached per (n1, n2, alpha, power).

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum. Ch. 2.

    Examples
    --------
    >>> float(mde(20, 20, 1.0)[()])  # in units of the pooled sd
    0.909129041093...
    """
    alpha, power = _power_input_validation(alpha, power)
    a, b, s = np.broadcast_arrays(
        np.asarray(n1, dtype=np.int64), np.asarray(n2, dtype=np.int64), np.asarray(sd, float)
    )
    out = np.full(a.shape, np.nan)
    ok = (a >= 2) & (b >= 2) & np.isfinite(s)
    if ok.any():
        width = int(b[ok].max()) + 1
        keys, inverse = np.unique(a[ok] * width + b[ok], return_inverse=True)
        d = np.array([_cohen_d(int(k // width), int(k % width), alpha, power) for k in keys])
        out[ok] = d[inverse.ravel()] * s[ok]
    return out


def _reaches(
    d: NDArray[np.float64], n: NDArray[np.float64], alpha: float, power: float
) -> NDArray[np.bool_]:
    """Whether n per group gives the two-sided pooled t-test `power` (vectorised).

    The power is :func:`t_power`, statsmodels' formula without its NaN: statsmodels returns NaN
    where scipy's noncentral t underflows in the far lower tail (e.g. d = 10 at n = 5, or
    d = 0.1 at n = 4050 with alpha = 0.05 / 199), where that tail is negligible.
    """
    got = t_power(d, n, n, np.asarray(alpha), False)
    return np.asarray(got >= power)


def seeds_needed(
    diff: ArrayLike,
    sd: ArrayLike,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> NDArray[np.float64]:
    """Seeds per configuration needed to detect a difference in means with the given power.

    Parameters
    ----------
    diff : array_like
        Observed difference in means (row - target); its absolute value is used.
    sd : array_like
        Pooled standard deviation (see :func:`pooled_std`), broadcastable with `diff`.
    alpha : float, optional
        Two-sided significance level. Default 0.05.
    power : float, optional
        Required power. Default 0.8.

    Returns
    -------
    numpy.ndarray of float
        The smallest integer n >= 2 such that two groups of n seeds reach `power` for Cohen's
        ``d = |diff| / sd``, i.e. ``ceil(TTestIndPower().solve_power(effect_size=d, nobs1=None,
        ratio=1, alpha=alpha, power=power))`` (at least 2). NaN where ``d`` is 0 (no number of
        seeds suffices) or not finite.

    Notes
    -----
    Instead of one root search per entry, a narrow bracket around the normal approximation
    ``2 (z_{1-alpha/2} + z_{power})^2 / d^2`` is bisected on whole seeds, for all entries at
    once, to the smallest integer whose statsmodels power reaches `power`; power increases
    with n, so this equals the rounded-up statsmodels solution.

    References
    ----------
    .. [1] Cohen, J. (1988). Statistical Power Analysis for the Behavioral Sciences (2nd ed.).
           Lawrence Erlbaum. Ch. 2.

    Examples
    --------
    >>> seeds_needed([0.5, 1.0], 1.0)
    array([64., 17.])
    """
    alpha, power = _power_input_validation(alpha, power)
    dd, ss = np.broadcast_arrays(np.asarray(diff, float), np.asarray(sd, float))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.abs(dd) / ss
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(d) & (d > 0)
    if not ok.any():
        return out
    dv = d[ok]
    z = stats.norm.isf(alpha / 2) + stats.norm.ppf(power)
    guess = 2.0 * z**2 / dv**2 + stats.norm.isf(alpha / 2) ** 2 / 4  # Guenther (1981)
    # Bracket the answer: power(lo) < power <= power(hi), then bisect on whole seeds.
    lo = np.maximum(1.0, np.floor(guess * (1 - 1e-3)) - 3)
    hi = np.maximum(2.0, np.ceil(guess * (1 + 1e-3)) + 3)
    for _ in range(_MAX_STEPS):
        short = ~_reaches(dv, hi, alpha, power)
        if not short.any():
            break
        lo[short], hi[short] = hi[short], hi[short] * 2
    for _ in range(_MAX_STEPS):
        over = (lo > 1) & _reaches(dv, np.maximum(lo, 2.0), alpha, power)
        if not over.any():
            break
        hi[over], lo[over] = lo[over], np.maximum(1.0, np.floor(lo[over] / 2))
    while True:  # invariant: lo fails (or is 1), hi reaches the power
        mid = np.floor((lo + hi) / 2)
        # beyond 2**53 seeds floats are spaced > 1 apart: stop when no whole number is between
        gap = (hi - lo > 1) & (mid > lo) & (mid < hi)
        if not gap.any():
            break
        reach = _reaches(dv[gap], mid[gap], alpha, power)
        idx = np.flatnonzero(gap)
        hi[idx[reach]] = mid[idx[reach]]
        lo[idx[~reach]] = mid[idx[~reach]]
    n = hi
    out[ok] = n
    return out
