"""Batched TOST equivalence test of two independent samples (== statsmodels ``ttost_ind``).

Rows arrive as in ``stats/_batch.py``: ``x`` is (M, Kx), left-aligned and NaN-padded, ``nx`` its
(M,) counts; ``y``/``ny`` are (M, Ky)/(M,) or (1, Ky)/(1,).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from ._paired import paired_differences
from ._tquantile import t_quantile

__all__ = ["TostResult", "tost_ind_rejects", "ttost_ind", "ttost_paired"]

_USEVAR = ("pooled", "unequal")


class TostResult(NamedTuple):
    """Result of :func:`ttost_ind`, one entry per row (NaN where undefined)."""

    pvalue: NDArray[np.float64]
    statistic_low: NDArray[np.float64]
    pvalue_low: NDArray[np.float64]
    statistic_upp: NDArray[np.float64]
    pvalue_upp: NDArray[np.float64]
    df: NDArray[np.float64]


def _moments(
    a: NDArray[np.float64], n: NDArray[np.int64]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Mean and sum of squared deviations of each row's first n entries."""
    mask = np.arange(a.shape[1]) < n[:, None]
    filled = np.where(mask, a, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=1) / n
        ss = (np.where(mask, a - mean[:, None], 0.0) ** 2).sum(axis=1)
    return mean, ss


def ttost_ind(
    x: ArrayLike,
    nx: ArrayLike,
    y: ArrayLike,
    ny: ArrayLike,
    low: ArrayLike,
    upp: ArrayLike,
    *,
    usevar: str = "pooled",
) -> TostResult:
    """Two one-sided t-tests (TOST) of equivalence of means, for many pairs at once.

    Row i tests H0: ``m_x - m_y <= low`` or ``m_x - m_y >= upp`` against H1: ``low < m_x - m_y <
    upp``.

    Parameters
    ----------
    x : array_like, shape (M, Kx)
        First samples, left-aligned, NaN-padded.
    nx : array_like of int, shape (M,)
        Number of scores in each row of `x`.
    y : array_like, shape (M, Ky) or (1, Ky)
        Second samples (one row is broadcast).
    ny : array_like of int, shape (M,) or (1,)
        Number of scores in each row of `y`.
    low, upp : array_like
        Equivalence bounds for the difference in means ``x - y`` (scalars or (M,)); for a margin
        m, ``low = -m`` and ``upp = m``.
    usevar : {"pooled", "unequal"}, optional
        "pooled" (statsmodels' default): pooled variance, ``n1 + n2 - 2`` degrees of freedom;
        "unequal": Welch's standard error with Satterthwaite degrees of freedom (recommended by
        Lakens 2017).

    Returns
    -------
    TostResult
        ``pvalue`` = max of the two one-sided p-values (equivalence is shown when it is below
        alpha), ``statistic_low``/``pvalue_low`` (test against `low`, alternative "larger"),
        ``statistic_upp``/``pvalue_upp`` (against `upp`, "smaller") and ``df``. Each equals
        ``statsmodels.stats.weightstats.ttost_ind(x_i, y_i, low, upp, usevar=usevar)``. NaN where
        a side has fewer than 2 scores. Where both sides are constant (statsmodels: NaN) the
        limit: p = 0 when the difference lies strictly between the bounds, else 1.

    References
    ----------
    .. [1] Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
           power approach for assessing the equivalence of average bioavailability. Journal of
           Pharmacokinetics and Biopharmaceutics, 15(6), 657-680.
    .. [2] Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations,
           and meta-analyses. Social Psychological and Personality Science, 8(4), 355-362.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.normal(0, 1, (2, 50)), rng.normal(0, 1, (1, 50))
    >>> res = ttost_ind(x, [50, 50], y, [50], -1.0, 1.0)
    >>> bool(np.all(res.pvalue < 0.05))
    True
    """
    return _result(*_ind_statistics(x, nx, y, ny, low, upp, usevar))


def tost_ind_rejects(
    x: ArrayLike,
    nx: ArrayLike,
    y: ArrayLike,
    ny: ArrayLike,
    low: ArrayLike,
    upp: ArrayLike,
    alpha: float,
    *,
    usevar: str = "pooled",
) -> NDArray[np.bool_]:
    """``ttost_ind(...).pvalue <= alpha`` per row, without a t distribution call per row.

    Same arguments as :func:`ttost_ind`. Both one-sided p-values are at most ``alpha`` exactly
    when ``t_low >= q`` and ``t_upp <= -q`` with ``q = t.isf(alpha, df)``; ``q`` comes from
    :func:`~sweepwalk.stats._tquantile.t_quantile` (to 1e-14), and the rows within 1e-9 of
    either threshold (or of zero spread) get :func:`ttost_ind`'s own p-value, so every
    decision is that of the p-value. False where the p-value is NaN.
    """
    t_low, t_upp, df, degenerate = _ind_statistics(x, nx, y, ny, low, upp, usevar)
    with np.errstate(invalid="ignore"):
        q = t_quantile(1.0 - alpha, df)
        gap = np.minimum(t_low - q, -q - t_upp)
        sure = np.abs(gap) > _BORDER * (1.0 + np.abs(q))
    out = sure & (gap > 0)
    check = np.flatnonzero(~sure & ~np.isnan(df) | degenerate)
    if len(check):
        exact = _result(t_low[check], t_upp[check], df[check], degenerate[check]).pvalue
        out[check] = exact <= alpha
    return out


#: relative distance from a threshold within which tost_ind_rejects asks the t distribution
_BORDER = 1e-9


def _ind_statistics(
    x: ArrayLike,
    nx: ArrayLike,
    y: ArrayLike,
    ny: ArrayLike,
    low: ArrayLike,
    upp: ArrayLike,
    usevar: str,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """(t_low, t_upp, df, zero spread) of :func:`ttost_ind` (NaN below 2 scores a side)."""
    if usevar not in _USEVAR:
        raise ValueError(f"`usevar` must be one of {{'pooled', 'unequal'}}, got {usevar!r}.")
    xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
    ya = np.atleast_2d(np.asarray(y, dtype=np.float64))
    n1 = np.atleast_1d(np.asarray(nx, dtype=np.int64))
    n2 = np.atleast_1d(np.asarray(ny, dtype=np.int64))
    if n1.shape != (xa.shape[0],) or n2.shape != (ya.shape[0],):
        raise ValueError("`nx`/`ny` must hold one count per row of `x`/`y`.")
    if ya.shape[0] not in (1, xa.shape[0]):
        raise ValueError(f"`y` must have 1 or {xa.shape[0]} rows, got {ya.shape[0]}.")
    m1, ss1 = _moments(xa, n1)
    m2, ss2 = _moments(ya, n2)
    f1, f2 = n1.astype(np.float64), n2.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        if usevar == "pooled":
            std = np.sqrt((ss1 + ss2) / (f1 - 1 + f2 - 1) * (1.0 / f1 + 1.0 / f2))
            df = np.broadcast_to(f1 - 1 + f2 - 1, std.shape).astype(np.float64)
        else:
            sem1, sem2 = ss1 / f1 / (f1 - 1), ss2 / f2 / (f2 - 1)
            std = np.sqrt(sem1 + sem2)
            semsum = sem1 + sem2
            df = 1.0 / ((sem1 / semsum) ** 2 / (f1 - 1) + (sem2 / semsum) ** 2 / (f2 - 1))
        t_low = (m1 - m2 - np.asarray(low, dtype=np.float64)) / std
        t_upp = (m1 - m2 - np.asarray(upp, dtype=np.float64)) / std
    ok = np.broadcast_to((n1 >= 2) & (n2 >= 2), t_low.shape)
    t_low, t_upp = np.where(ok, t_low, np.nan), np.where(ok, t_upp, np.nan)
    df = np.where(ok, df, np.nan)
    return t_low, t_upp, df, ok & (std == 0)


def _result(
    t_low: NDArray[np.float64],
    t_upp: NDArray[np.float64],
    df: NDArray[np.float64],
    degenerate: NDArray[np.bool_],
) -> TostResult:
    """One-sided p-values from the t statistics; zero spread takes the limit of t.

    Where the standard error is 0 (statsmodels: a 0/0 degrees of freedom, NaN) a difference
    strictly inside the bounds is shown equivalent with certainty (p = 0) and one outside is
    not (p = 1): the limits of both one-sided p-values as the spread shrinks to 0.
    """
    p_low = stats.t.sf(t_low, df)
    p_upp = stats.t.cdf(t_upp, df)
    p_low = np.where(degenerate, np.where(t_low > 0, 0.0, 1.0), p_low)
    p_upp = np.where(degenerate, np.where(t_upp < 0, 0.0, 1.0), p_upp)
    return TostResult(np.maximum(p_low, p_upp), t_low, p_low, t_upp, p_upp, df)


def ttost_paired(
    x: ArrayLike,
    nx: ArrayLike,
    y: ArrayLike,
    ny: ArrayLike,
    low: ArrayLike,
    upp: ArrayLike,
    *,
    x_seeds: ArrayLike | None = None,
    y_seeds: ArrayLike | None = None,
) -> TostResult:
    """Paired TOST equivalence test of the mean per-seed difference, for many pairs at once.

    Row i tests H0: ``mean(x - y) <= low`` or ``>= upp`` against H1: ``low < mean(x - y) < upp``, on
    the seeds the row and its target share.

    Parameters
    ----------
    x : array_like, shape (M, Kx)
        The compared rows, left-aligned, NaN-padded.
    nx : array_like of int, shape (M,)
        Number of scores in each row of `x`.
    y : array_like, shape (M, Ky) or (1, Ky)
        The targets (one row is broadcast).
    ny : array_like of int, shape (M,) or (1,)
        Number of scores in each row of `y`.
    low, upp : array_like
        Equivalence bounds of the mean difference ``x - y`` (scalars or (M,)).
    x_seeds, y_seeds : array_like of int, optional
        Seed codes aligned with `x`/`y` (-1 in the padding): rows are paired on shared seeds.
        Without them column j of `x` pairs with column j of `y` (and `nx` must equal `ny`).

    Returns
    -------
    TostResult
        As :func:`ttost_ind`, each field equal to
        ``statsmodels.stats.weightstats.ttost_paired(x_i, y_i, low, upp)`` on the paired
        scores (``df = n - 1``). NaN where fewer than 2 seeds are shared; the limit (0 inside
        the bounds, 1 outside) where the differences are constant, as in :func:`ttost_ind`.

    References
    ----------
    .. [1] Schuirmann, D. J. (1987). A comparison of the two one-sided tests procedure and the
           power approach for assessing the equivalence of average bioavailability. Journal of
           Pharmacokinetics and Biopharmaceutics, 15(6), 657-680.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0, 3.0, 4.0]])
    >>> res = ttost_paired(x, [4], x + [[0.01, -0.02, 0.0, 0.01]], [4], -0.1, 0.1)
    >>> bool(res.pvalue[0] < 0.05)
    True
    """
    d, n = paired_differences(x, nx, y, ny, x_seeds, y_seeds)
    mean, ss = _moments(d, n)
    f = n.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(ss / (f - 1) / f)
        t_low = (mean - np.asarray(low, dtype=np.float64)) / se
        t_upp = (mean - np.asarray(upp, dtype=np.float64)) / se
    ok = np.broadcast_to(n >= 2, t_low.shape)
    df = np.where(ok, np.broadcast_to(f - 1, t_low.shape), np.nan)
    t_low, t_upp = np.where(ok, t_low, np.nan), np.where(ok, t_upp, np.nan)
    return _result(t_low, t_upp, df, ok & (se == 0))
