"""Online false discovery rate control: LOND and LORD++.

An online procedure sees p-values one at a time, in an order fixed before the data, and decides
each test when it arrives, knowing only the decisions made before it. The level ``alpha_t`` of test
``t`` depends on how many (LOND) or when (LORD++) earlier tests were rejected. Both keep the false
discovery rate ``E[V / max(R, 1)]`` of every prefix of the stream at or below ``alpha`` (under the
conditions stated on each class), however many tests follow.

Pure numpy; no pandas.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from typing import NamedTuple, TypeVar

import numpy as np

__all__ = [
    "GAMMA_SHAPES",
    "LOND",
    "LORDPlusPlus",
    "OnlineDecision",
    "finite_horizon_gamma",
    "gamma_sequence",
]

# Normalising constant of the default gamma sequence,
#     gamma_j = C * log(max(j, 2)) / (j * exp(sqrt(log j))),    j = 1, 2, ...
# C = 1 / S with S = sum_j log(max(j, 2)) / (j exp(sqrt(log j))) = 12.6451078728717...,
# computed as the sum of the first 10**6 terms plus the tail integral
# int_{log(10**6 + 1/2)}^inf u exp(-sqrt(u)) du = 12 * Q(4, sqrt(log(10**6 + 1/2)))
# (regularised upper incomplete gamma; tests/stats/test_online_fdr.py recomputes it).
# Javanmard & Montanari (2018, eq. 31) print C = 0.07720838, with which the infinite sum is 0.976;
# with this C it is exactly 1, as the papers require.
_GAMMA_SUM = 12.645107872871762
_GAMMA_CONSTANT = 1.0 / _GAMMA_SUM

_DEPENDENCE = ("independent", "positive", "arbitrary")


class OnlineDecision(NamedTuple):
    """Level and decision of one online test.

    Attributes
    ----------
    level : float
        The test's level ``alpha_t``.
    reject : bool
        Whether ``pvalue <= level``.
    """

    level: float
    reject: bool


def gamma_sequence(n: int, start: int = 1) -> np.ndarray:
    r"""Default spending sequence :math:`\gamma_j` of LOND and LORD++, for ``j = start..start+n-1``.

    Parameters
    ----------
    n : int
        How many terms.
    start : int, default 1
        Index of the first term (the sequence starts at ``j = 1``).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)``.

    Notes
    -----
    .. math::

        \gamma_j = C \, \frac{\log(\max(j, 2))}{j \, e^{\sqrt{\log j}}}, \qquad
        \sum_{j=1}^{\infty} \gamma_j = 1,

    non-negative and non-increasing, proposed by Javanmard & Montanari (2018, eq. 31) and used by
    Ramdas et al. (2017). :math:`C = 0.0790821` normalises the infinite sum to exactly 1 (the
    papers round it to 0.0772, which gives a sum of 0.976). The sequence spends slowly:
    :math:`\gamma_1 = 0.0548`, and the first 100 terms hold 0.21 of the total, the first 1000 0.31.

    References
    ----------
    .. [1] Javanmard, A. and Montanari, A. (2018). Online rules for control of false discovery
       rate and false discovery exceedance. *Annals of Statistics*, 46(2), 526-554.
    .. [2] Ramdas, A., Yang, F., Wainwright, M. J. and Jordan, M. I. (2017). Online control of the
       false discovery rate with decaying memory. *NeurIPS 30*, 5650-5659.

    Examples
    --------
    >>> from sweepwalk.stats._online_fdr import gamma_sequence
    >>> gamma_sequence(3).round(4)
    array([0.0548, 0.0119, 0.0102])
    """
    if n < 0 or start < 1:
        raise ValueError(f"`n` must be >= 0 and `start` >= 1, got n={n}, start={start}")
    j = np.arange(start, start + n, dtype=np.float64)
    return _GAMMA_CONSTANT * np.log(np.maximum(j, 2.0)) / (j * np.exp(np.sqrt(np.log(j))))


#: shapes of :func:`finite_horizon_gamma`
GAMMA_SHAPES = ("decaying", "uniform")


def finite_horizon_gamma(horizon: int, shape: str = "decaying") -> np.ndarray:
    r"""Spending sequence for at most ``horizon`` tests, normalised to sum to 1 over them.

    LOND and LORD++ need :math:`\sum_j \gamma_j \le 1`. :func:`gamma_sequence` spreads that
    budget over an endless stream (its first 100 terms hold only 0.21 of it); when the number
    of tests is bounded by a known ``horizon`` (e.g. the steps of a walk times the neighbours
    tested per step), spending the whole budget on those tests gives every test a larger level,
    hence more power, with the same guarantee. Past the horizon the level is 0.

    Parameters
    ----------
    horizon : int
        Largest number of tests that will be made, >= 1.
    shape : {"decaying", "uniform"}, default "decaying"
        ``"decaying"``: :func:`gamma_sequence` restricted to ``j <= horizon`` and divided by its
        sum (early tests get more, as in the infinite sequence); ``"uniform"``: ``1 / horizon``
        for every test (LOND then starts at Bonferroni's ``alpha / horizon``). Both are
        non-increasing, as LORD++ requires.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(horizon,)``, non-negative, non-increasing, summing to 1
        (up to rounding, never above 1 + 1e-12). Pass it as ``gamma=`` to :class:`LOND` or
        :class:`LORDPlusPlus`.

    References
    ----------
    .. [1] Javanmard, A. and Montanari, A. (2018). Online rules for control of false discovery
       rate and false discovery exceedance. *Annals of Statistics*, 46(2), 526-554.
    .. [2] Ramdas, A., Yang, F., Wainwright, M. J. and Jordan, M. I. (2017). Online control of the
       false discovery rate with decaying memory. *NeurIPS 30*, 5650-5659.

    Examples
    --------
    >>> from sweepwalk.stats import LOND, finite_horizon_gamma
    >>> g = finite_horizon_gamma(20)
    >>> round(float(g.sum()), 12), round(float(g[0]), 4)
    (1.0, 0.3783)
    >>> LOND(alpha=0.05, gamma=g).next_level() > LOND(alpha=0.05).next_level()
    True
    """
    if isinstance(horizon, bool) or not isinstance(horizon, int | np.integer) or horizon < 1:
        raise ValueError(f"`horizon` must be an integer >= 1, got {horizon!r}.")
    if shape not in GAMMA_SHAPES:
        allowed = ", ".join(repr(s) for s in GAMMA_SHAPES)
        raise ValueError(f"`shape` must be one of {{{allowed}}}, got {shape!r}.")
    if shape == "uniform":
        return np.full(int(horizon), 1.0 / int(horizon))
    g = gamma_sequence(int(horizon))
    g = g / math.fsum(g.tolist())
    # rounding may leave the sum a hair above 1: the procedures refuse more than 1 + 1e-12
    return g / max(1.0, math.fsum(g.tolist()))


def _gamma_formula(j: int) -> float:
    """Scalar :func:`gamma_sequence` term ``gamma_j`` (``j >= 1``), in plain Python floats."""
    return _GAMMA_CONSTANT * math.log(max(j, 2)) / (j * math.exp(math.sqrt(math.log(j))))


class _ExactSum:
    """Running sum of floats kept exact (Shewchuk's partials, as :func:`math.fsum`).

    ``value`` equals ``math.fsum`` of every term added so far, at O(1) amortised cost per term.
    """

    def __init__(self) -> None:
        self._partials: list[float] = []

    def add(self, x: float) -> None:
        partials = self._partials
        i = 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo:
                partials[i] = lo
                i += 1
            x = hi
        partials[i:] = [x]

    @property
    def value(self) -> float:
        return math.fsum(self._partials)


_P = TypeVar("_P", bound="_OnlineProcedure")


class _OnlineProcedure:
    """Shared bookkeeping: the history of levels and decisions, and input validation.

    Subclasses implement :meth:`_decide`, the tight loop over plain floats that decides a batch
    of p-values given the state; :meth:`test` and :meth:`test_many` both go through it, so a
    stream decided one test at a time and in one batch give bit-identical levels.
    """

    def __init__(self, alpha: float, gamma: Iterable[float] | None) -> None:
        alpha = float(alpha)
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"`alpha` must be in (0, 1), got {alpha}")
        self.alpha = alpha
        self._gamma: np.ndarray | None = None
        if gamma is not None:
            g = np.asarray(list(gamma), dtype=np.float64)
            if g.ndim != 1 or not np.all(np.isfinite(g)) or np.any(g < 0):
                raise ValueError("`gamma` must be a 1-D sequence of finite non-negative numbers")
            if g.sum() > 1.0 + 1e-12:
                raise ValueError(f"`gamma` must sum to at most 1, got {g.sum():.6g}")
            self._gamma = g
        self._levels: list[float] = []
        self._rejects: list[bool] = []
        self._n_rejections = 0
        self._table: list[float] = []  # gamma_1, gamma_2, ... as plain floats (grown on demand)

    def copy(self: _P) -> _P:
        """Return an independent copy: the same state, decided on from here without this one.

        Every list of the state is copied (its items are floats, bools and ints); the gamma
        array is shared, since nothing writes it.
        """
        twin = copy.copy(self)
        for name, value in vars(self).items():
            if isinstance(value, list):
                setattr(twin, name, list(value))
        return twin

    def _gamma_at(self, j: int) -> float:
        """``gamma_j`` (1-based); 0 for ``j < 1`` and past the end of a user-given sequence."""
        if j < 1:
            return 0.0
        if self._gamma is None:  # scalar form of gamma_sequence, cheaper than an array call
            return _gamma_formula(j)
        return float(self._gamma[j - 1]) if j <= self._gamma.size else 0.0

    def _gammas(self, n: int) -> list[float]:
        """``[gamma_1, ..., gamma_m]`` with ``m >= n`` (the same floats as :meth:`_gamma_at`)."""
        table = self._table
        if len(table) < n:
            m = max(n, 2 * len(table), 64)
            table.extend(self._gamma_at(j) for j in range(len(table) + 1, m + 1))
        return table

    def _decide(self, pvalues: list[float]) -> None:
        """Decide ``pvalues`` in order and append to ``_levels`` / ``_rejects``."""
        raise NotImplementedError

    def next_level(self) -> float:
        """Level ``alpha_t`` the next test will get, given the decisions so far."""
        raise NotImplementedError

    @staticmethod
    def _check(pvalues: list[float], shown: Iterable[object]) -> None:
        for p, original in zip(pvalues, shown, strict=True):
            if not 0.0 <= p <= 1.0:  # also rejects NaN
                raise ValueError(f"`pvalue` must be a number in [0, 1], got {original!r}")

    def test(self, pvalue: float) -> OnlineDecision:
        """Decide the next test: reject when ``pvalue <= alpha_t``; record the decision.

        Parameters
        ----------
        pvalue : float
            The test's p-value, in [0, 1].

        Returns
        -------
        OnlineDecision
            ``(level, reject)``.
        """
        p = float(pvalue)
        self._check([p], [pvalue])
        self._decide([p])
        return OnlineDecision(self._levels[-1], self._rejects[-1])

    def test_many(self, pvalues: Iterable[float]) -> tuple[np.ndarray, np.ndarray]:
        """Decide a sequence of tests in the given order (each given the ones before).

        Parameters
        ----------
        pvalues : iterable of float
            p-values in the order the tests are made.

        Returns
        -------
        levels : numpy.ndarray
            float64 ``alpha_t`` of each test.
        rejects : numpy.ndarray
            bool decision of each test.
        """
        raw = list(pvalues)
        p = [float(x) for x in raw]
        self._check(p, raw)
        start = len(self._levels)
        self._decide(p)
        levels = np.array(self._levels[start:], dtype=np.float64)
        rejects = np.array(self._rejects[start:], dtype=bool)
        return levels, rejects

    @property
    def levels(self) -> np.ndarray:
        """Levels ``alpha_1..alpha_t`` of the tests made so far."""
        return np.array(self._levels, dtype=np.float64)

    @property
    def rejects(self) -> np.ndarray:
        """Decisions (True = rejected) of the tests made so far."""
        return np.array(self._rejects, dtype=bool)

    @property
    def n_tests(self) -> int:
        """How many tests have been made."""
        return len(self._levels)

    @property
    def n_rejections(self) -> int:
        """How many tests have been rejected (discoveries)."""
        return self._n_rejections


class LOND(_OnlineProcedure):
    r"""LOND: significance Levels based On the Number of Discoveries.

    Test :math:`t` is rejected when :math:`p_t \le \alpha_t` with

    .. math::

        \alpha_t = \beta_t \, (D(t-1) + 1), \qquad \beta_t = \alpha \, \gamma_t,

    where :math:`D(t-1)` is the number of rejections among the first :math:`t-1` tests and
    :math:`\sum_t \gamma_t \le 1` (default: :func:`gamma_sequence`).

    Parameters
    ----------
    alpha : float, default 0.05
        Target false discovery rate, in (0, 1).
    gamma : sequence of float, optional
        Non-negative spending sequence :math:`\gamma_1, \gamma_2, \ldots` summing to at most 1;
        after its end the level is 0. Default: :func:`gamma_sequence`.
    dependence : {"independent", "positive", "arbitrary"}, default "independent"
        ``"independent"``: the original rule above (Javanmard & Montanari 2015, 2018), FDR
        control for independent p-values. ``"positive"``: :math:`\alpha_t = \beta_t
        \max(D(t-1), 1)`, FDR control under positive regression dependence (PRDS; Zrnic, Ramdas &
        Jordan 2021). ``"arbitrary"``: :math:`\beta_t` replaced by :math:`\beta_t / H_t`,
        :math:`H_t = \sum_{i \le t} 1/i`, FDR control under any dependence (Javanmard &
        Montanari 2018).

    Notes
    -----
    Levels grow with every discovery and never depend on the p-values of tests not yet made, so
    the order of the tests must not depend on their own p-values.

    References
    ----------
    .. [1] Javanmard, A. and Montanari, A. (2015). On online control of false discovery rate.
       arXiv:1502.06197.
    .. [2] Javanmard, A. and Montanari, A. (2018). Online rules for control of false discovery
       rate and false discovery exceedance. *Annals of Statistics*, 46(2), 526-554.
    .. [3] Zrnic, T., Ramdas, A. and Jordan, M. I. (2021). Asynchronous online testing of
       multiple hypotheses. *Journal of Machine Learning Research*, 22(33), 1-39.

    Examples
    --------
    >>> from sweepwalk.stats._online_fdr import LOND
    >>> lond = LOND(alpha=0.05)
    >>> levels, rejects = lond.test_many([1e-4, 0.3, 5e-4])
    >>> rejects.tolist()
    [True, False, True]
    """

    def __init__(
        self,
        alpha: float = 0.05,
        *,
        gamma: Iterable[float] | None = None,
        dependence: str = "independent",
    ) -> None:
        super().__init__(alpha, gamma)
        if dependence not in _DEPENDENCE:
            raise ValueError(f"`dependence` must be one of {_DEPENDENCE}, got {dependence!r}")
        self.dependence = dependence
        self._harmonic = _ExactSum()  # H_t = sum_{i <= t} 1/i, exactly rounded ("arbitrary")

    def _level(self, beta: float, d: int, harmonic: float) -> float:
        if self.dependence == "positive":
            return beta * max(d, 1)
        if self.dependence == "arbitrary":
            return beta / harmonic * (d + 1)
        return beta * (d + 1)

    def next_level(self) -> float:
        """Level ``alpha_t`` the next test will get, given the decisions so far."""
        t = self.n_tests + 1
        harmonic = 0.0
        if self.dependence == "arbitrary":
            harmonic = math.fsum([self._harmonic.value, 1.0 / t])
        return self._level(self.alpha * self._gamma_at(t), self._n_rejections, harmonic)

    def _decide(self, pvalues: list[float]) -> None:
        # LOND's level depends only on t and the count of earlier discoveries: O(1) per test
        t0 = len(self._levels)
        gammas = self._gammas(t0 + len(pvalues))
        size = math.inf if self._gamma is None else self._gamma.size
        alpha, d, dependence = self.alpha, self._n_rejections, self.dependence
        levels, rejects, harmonic = self._levels, self._rejects, self._harmonic
        for t, p in enumerate(pvalues, start=t0 + 1):
            beta = alpha * (gammas[t - 1] if t <= size else 0.0)
            if dependence == "positive":
                level = beta * max(d, 1)
            elif dependence == "arbitrary":
                harmonic.add(1.0 / t)
                level = beta / harmonic.value * (d + 1)
            else:
                level = beta * (d + 1)
            reject = p <= level
            d += reject
            levels.append(level)
            rejects.append(reject)
        self._n_rejections = d

    def __repr__(self) -> str:
        return f"LOND(alpha={self.alpha}, dependence={self.dependence!r}, tests={self.n_tests})"


class LORDPlusPlus(_OnlineProcedure):
    r"""LORD++: significance Levels based On Recent Discovery (Ramdas et al. 2017).

    Test :math:`t` is rejected when :math:`p_t \le \alpha_t` with

    .. math::

        \alpha_t = \gamma_t W_0 + (\alpha - W_0)\, \gamma_{t - \tau_1}
                   + \alpha \sum_{j \ge 2,\ \tau_j < t} \gamma_{t - \tau_j},

    where :math:`\tau_j` is the time of the :math:`j`-th rejection, :math:`\gamma_k = 0` for
    :math:`k \le 0` (the second term is absent before the first rejection), :math:`W_0 \le
    \alpha` is the initial wealth and :math:`\sum_t \gamma_t \le 1`.

    Parameters
    ----------
    alpha : float, default 0.05
        Target false discovery rate, in (0, 1).
    w0 : float, optional
        Initial wealth :math:`W_0`, in [0, alpha]. Default ``alpha / 2``.
    gamma : sequence of float, optional
        Non-negative spending sequence summing to at most 1. Default: :func:`gamma_sequence`.

    Notes
    -----
    Controls the FDR at every time when the null p-values are independent of each other and of
    the non-nulls (Ramdas et al. 2017, Theorem 2); it improves LORD (Javanmard & Montanari 2018)
    by spending the wealth earned by every discovery, not only the last one.

    References
    ----------
    .. [1] Ramdas, A., Yang, F., Wainwright, M. J. and Jordan, M. I. (2017). Online control of the
       false discovery rate with decaying memory. *NeurIPS 30*, 5650-5659.
    .. [2] Javanmard, A. and Montanari, A. (2018). Online rules for control of false discovery
       rate and false discovery exceedance. *Annals of Statistics*, 46(2), 526-554.

    Examples
    --------
    >>> from sweepwalk.stats._online_fdr import LORDPlusPlus
    >>> lord = LORDPlusPlus(alpha=0.05)
    >>> levels, rejects = lord.test_many([1e-4, 0.3, 5e-4])
    >>> rejects.tolist()
    [True, False, True]
    """

    def __init__(
        self,
        alpha: float = 0.05,
        *,
        w0: float | None = None,
        gamma: Iterable[float] | None = None,
    ) -> None:
        super().__init__(alpha, gamma)
        w0 = self.alpha / 2 if w0 is None else float(w0)
        if not 0.0 <= w0 <= self.alpha:
            raise ValueError(f"`w0` must be in [0, alpha] = [0, {self.alpha}], got {w0}")
        self.w0 = w0
        self._times: list[int] = []  # rejection times tau_1 < tau_2 < ...

    def next_level(self) -> float:
        """Level ``alpha_t`` the next test will get, given the decisions so far."""
        t = self.n_tests + 1
        level = self._gamma_at(t) * self.w0
        if self._times:
            level += (self.alpha - self.w0) * self._gamma_at(t - self._times[0])
            level += self.alpha * sum(self._gamma_at(t - tau) for tau in self._times[1:])
        return level

    def _decide(self, pvalues: list[float]) -> None:
        # The same sums as next_level, in the same order (so the same floats): the sum over the
        # discoveries after the first is kept per future test of the batch, and each new
        # discovery adds its gamma terms to the rest of the batch in one numpy operation.
        t0, m = len(self._levels), len(pvalues)
        size = math.inf if self._gamma is None else self._gamma.size
        gammas = self._gammas(t0 + m)
        table = np.zeros(t0 + m)  # table[k] = gamma_{k+1}, 0 past a user sequence's end
        n = int(min(t0 + m, size))
        table[:n] = gammas[:n]
        alpha, w0, times = self.alpha, self.w0, self._times
        levels, rejects = self._levels, self._rejects
        later = np.zeros(m)  # sum_{j >= 2} gamma_{t - tau_j} for t = t0+1 .. t0+m
        for tau in times[1:]:
            later += table[t0 - tau : t0 - tau + m]

        def g(j: int) -> float:
            return gammas[j - 1] if 1 <= j <= size else 0.0

        for i, p in enumerate(pvalues):
            t = t0 + 1 + i
            level = g(t) * w0
            if times:
                level += (alpha - w0) * g(t - times[0])
                level += alpha * float(later[i])
            reject = p <= level
            if reject:
                if times:
                    later[i + 1 :] += table[: m - i - 1]
                times.append(t)
            levels.append(level)
            rejects.append(reject)
        self._n_rejections = len(times)

    def __repr__(self) -> str:
        return f"LORDPlusPlus(alpha={self.alpha}, w0={self.w0}, tests={self.n_tests})"
