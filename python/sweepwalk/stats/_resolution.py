"""What a test can resolve at given sample sizes and level: mde, seeds_needed, min_pvalue.

Everything is batched: sample sizes, standard deviations and levels broadcast against each other (a
per-row level, e.g. the level a multiplicity correction gives each row, is an array).

Power is that of a t-test, statsmodels' ``TTestIndPower`` (two independent samples, Cohen's d =
difference / pooled sd) or ``TTestPower`` (paired: d = mean difference / sd of the per-seed
differences). Rank tests are approximated through their asymptotic relative efficiency (ARE)
against the t-test at normal data: a rank test with n seeds has about the power of the t-test
with ``ARE * n`` seeds (Mann-Whitney and Wilcoxon: 3/pi = 0.955; Kolmogorov-Smirnov: 2/pi =
0.637, a cruder approximation, KS being built for any difference rather than a shift).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special, stats

from ._batch import KS_METHODS, PAIRED_TESTS, check_test
from ._brunnermunzel import PERMUTATION_BELOW
from ._intervals import a12_half_pvalue
from ._permutation import ks_permutation
from ._power import t_power as _t_power
from ._power import t_power_reaches
from ._rows import FloatArray, distinct
from ._tests import TEST_TABLE

#: efficiency of each test against the t-test at normal data (see the module docstring)
RELATIVE_EFFICIENCY = {name: spec.relative_efficiency for name, spec in TEST_TABLE.items()}
_BISECTIONS = 200
# the rank tests reach any level of practical use long before this many seeds per side
_MAX_SEEDS_FOR_LEVEL = 200
_MAX_DOUBLINGS = 64
# seeds_needed's answer where no smaller number of seeds reaches the power (2**65)
_MOST_SEEDS = 2.0 ** (_MAX_DOUBLINGS + 1)
# mde's solve at unit sd by (test, paired, power, effective sizes, level): a sweep's rows
# share a few sizes and levels, and the next comparison on it the same ones
_UNIT_MDE: dict[tuple[str, bool, float, float, float, float], float] = {}
_UNIT_MDE_LIMIT = 100_000


def _check_power(power: Any) -> float:
    if not (isinstance(power, float | int) and 0.0 < float(power) < 1.0):
        raise ValueError(f"`power` must be a float strictly between 0 and 1, got {power!r}.")
    return float(power)


def _check_alpha(alpha_level: npt.ArrayLike) -> FloatArray:
    a = np.asarray(alpha_level, dtype=np.float64)
    if np.any(~((a > 0) & (a < 1))):
        raise ValueError("`alpha_level` must lie strictly between 0 and 1 (per row).")
    return a


def _is_paired(test: str, paired: bool | None) -> bool:
    return test in PAIRED_TESTS if paired is None else bool(paired)


def _sizes(
    test: str, n_row: npt.ArrayLike, n_target: npt.ArrayLike, paired: bool
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Effective sample sizes (ARE applied) and the mask of sizes a t-test can use."""
    a = np.asarray(n_row, dtype=np.float64)
    b = np.asarray(n_target, dtype=np.float64)
    a, b = np.broadcast_arrays(a, a if paired else b)
    ok = (a >= 2) & (b >= 2)
    are = RELATIVE_EFFICIENCY[test]
    return np.where(ok, a * are, 2.0), np.where(ok, b * are, 2.0), ok


def mde(
    test: str,
    n_row: npt.ArrayLike,
    n_target: npt.ArrayLike,
    sd: npt.ArrayLike,
    alpha_level: npt.ArrayLike = 0.05,
    power: float = 0.8,
    paired: bool | None = None,
) -> FloatArray:
    """Minimal detectable |difference in means| of each row, for the test and level used.

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}
        The test (rank tests through their relative efficiency, see the module docstring).
    n_row, n_target : array_like of int
        Seeds of the row and of the target; for paired tests ``n_row`` is the number of
        shared seeds and ``n_target`` is ignored.
    sd : array_like
        Standard deviation in metric units: the pooled sd of the two samples, or for paired
        tests the sd of the per-seed differences.
    alpha_level : float or array_like, default 0.05
        Two-sided level actually used for each row (e.g. the corrected per-row level, or the
        online-FDR level in force), anywhere in (0, 1).
    power : float, default 0.8
        Required power.
    paired : bool, optional
        Use the paired power (default: for paired tests).

    Returns
    -------
    ndarray of float
        ``d * sd`` with ``d`` the smallest Cohen's d reaching ``power``: for unpaired tests
        ``TTestIndPower().solve_power(effect_size=None, nobs1=e * n_row, ratio=n_target /
        n_row, alpha=alpha_level, power=power)``, for paired ones ``TTestPower()`` with
        ``nobs=e * n_row``, ``e`` the test's relative efficiency (1 for t and permutation
        tests). 0 where ``alpha_level >= power`` (the test rejects that often even with no
        difference); ``inf`` where the test cannot reach the level at these sizes
        (:func:`min_pvalue` above it, e.g. KS 3 vs 3 at 0.05); NaN where a side has fewer
        than 2 seeds or ``sd`` is not finite.

    Notes
    -----
    Solved for all rows at once by bisection on the power function statsmodels uses
    (``ttest_power``: noncentral t), to float precision: the power at the result equals
    ``power`` to about 1e-12, where ``solve_power`` stops near 1e-6 and, at small levels,
    fails where its power function returns NaN.

    References
    ----------
    .. [1] J. Cohen, Statistical Power Analysis for the Behavioral Sciences, 2nd ed., Lawrence
       Erlbaum, 1988, ch. 2.
    .. [2] E. L. Lehmann, Nonparametrics: Statistical Methods Based on Ranks, Holden-Day,
       1975, ch. 2 and 4 (asymptotic relative efficiency 3/pi of the rank tests).

    Examples
    --------
    >>> import numpy as np
    >>> from sweepwalk.stats import mde
    >>> mde("welch", 20, 20, 1.0, alpha_level=[0.05, 0.05 / 10]).round(4)
    array([0.9091, 1.2174])
    """
    test = check_test(test)
    power = _check_power(power)
    is_paired = _is_paired(test, paired)
    alpha = _check_alpha(alpha_level)
    n1, n2, ok = _sizes(test, n_row, n_target, is_paired)
    s = np.asarray(sd, dtype=np.float64)
    n1, n2, ok, alpha, s = np.broadcast_arrays(n1, n2, ok, alpha, s)
    ok = ok & np.isfinite(s)
    out = np.full(n1.shape, np.nan)
    todo = ok & (alpha < power)
    out[ok & (alpha >= power)] = 0.0
    # a test whose smallest p-value is above the level detects nothing, however large
    n_real = np.broadcast_to(np.asarray(n_row, dtype=np.int64), n1.shape)
    t_real = np.broadcast_to(np.asarray(n_target, dtype=np.int64), n1.shape)
    blind = todo & ~reachable(min_pvalue(test, n_real, t_real, n_shared=n_real), alpha)
    out[blind] = np.inf
    todo &= ~blind
    if todo.any():
        # d is solved once per distinct (sizes, level): the answer is linear in sd
        size_row = np.broadcast_to(np.asarray(n_row, dtype=np.float64), n1.shape)[todo]
        size_target = np.broadcast_to(np.asarray(n_target, dtype=np.float64), n1.shape)[todo]
        first, inverse = distinct_sizes(
            size_row, size_row if is_paired else size_target, alpha[todo]
        )
        a1, a2, al = n1[todo][first], n2[todo][first], alpha[todo][first]
        keys = [
            (test, is_paired, power, float(u), float(v), float(w))
            for u, v, w in zip(a1, a2, al, strict=True)
        ]
        missing = [k for k, key in enumerate(keys) if key not in _UNIT_MDE]
        if missing:
            solved = _unit_mde(a1[missing], a2[missing], al[missing], power, is_paired)
            if len(_UNIT_MDE) + len(missing) > _UNIT_MDE_LIMIT:
                _UNIT_MDE.clear()
            _UNIT_MDE.update(zip([keys[k] for k in missing], solved.tolist(), strict=True))
        hi = np.array([_UNIT_MDE[key] for key in keys])
        out[todo] = hi[inverse] * s[todo]
    return out


def _unit_mde(a1: FloatArray, a2: FloatArray, al: FloatArray, power: float, paired: bool) -> Any:
    """Smallest d (in sd units) whose t-test power at sizes (a1, a2), level al reaches power.

    Doubling, then bisection to float resolution; inf where no d is enough.
    """
    lo, hi = np.zeros(a1.shape), np.ones(a1.shape)
    short = np.zeros(a1.shape, dtype=bool)
    for _ in range(_MAX_DOUBLINGS):
        short = ~(_t_power(hi, a1, a2, al, paired) >= power)
        if not short.any():
            break
        hi[short] *= 2.0
    hi[short] = np.inf  # never reached: no difference is detectable
    for _ in range(_BISECTIONS):
        mid = np.where(np.isfinite(hi), (lo + hi) / 2, hi)
        if not np.any((mid > lo) & (mid < hi)):
            break
        reach = _t_power(mid, a1, a2, al, paired) >= power
        hi, lo = np.where(reach, mid, hi), np.where(reach, lo, mid)
    return hi


def distinct_sizes(
    n_row: FloatArray, n_target: FloatArray, level: FloatArray
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``(first, inverse)`` of the distinct (n_row, n_target, level) triples (see ``distinct``).

    Whole sizes and one level (the usual case) are grouped by an integer table; anything else
    by ``np.unique`` over the triples.
    """
    whole = (n_row == np.floor(n_row)) & (n_target == np.floor(n_target))
    small = len(level) and max(n_row.max(), n_target.max()) < 2**31
    if small and whole.all() and (level == level[0]).all():
        return distinct(n_row.astype(np.int64), n_target.astype(np.int64))
    _, first, inverse = np.unique(
        np.stack([n_row, n_target, level]), axis=1, return_index=True, return_inverse=True
    )
    return first, inverse.reshape(-1)


def seeds_needed(
    effect_of_interest: npt.ArrayLike,
    sd: npt.ArrayLike,
    test: str = "welch",
    alpha_level: npt.ArrayLike = 0.05,
    power: float = 0.8,
    paired: bool | None = None,
) -> FloatArray:
    """Seeds per configuration to detect a stated difference with the test and level used.

    Parameters
    ----------
    effect_of_interest : array_like
        The difference in means worth detecting, in metric units (the user's question; not
        the observed difference, whose post-hoc power is noise). Its absolute value is used.
    sd : array_like
        Standard deviation: pooled sd of the two samples, or for paired tests the sd of the
        per-seed differences.
    test : str, default "welch"
        The test (rank tests through their relative efficiency, see the module docstring).
    alpha_level : float or array_like, default 0.05
        Two-sided level used (per row if an array), in (0, 1).
    power : float, default 0.8
        Required power.
    paired : bool, optional
        Use the paired power (default: for paired tests).

    Returns
    -------
    ndarray of float
        Smallest whole n >= 2 such that n seeds per configuration (paired: n shared seeds)
        reach ``power``: the t-test power of statsmodels (``TTestIndPower`` with equal groups,
        or ``TTestPower``) at ``e * n`` seeds, ``e`` the test's relative efficiency, and at
        least the fewest seeds with which the test can reach the level at all (e.g. 6 pairs
        for Wilcoxon at 0.05, see :func:`min_pvalue`); ``inf`` where no number of seeds can
        (the permutation test below 2 / 10000 with 9999 resamples). NaN where the difference
        is 0 or not finite. Beyond 2**53 seeds (differences of about 1e-7 sd), where floats
        are not every whole number, the smallest float that reaches; at most 2**65.

    References
    ----------
    .. [1] J. Cohen, Statistical Power Analysis for the Behavioral Sciences, 2nd ed., Lawrence
       Erlbaum, 1988, ch. 2.
    .. [2] E. L. Lehmann, Nonparametrics: Statistical Methods Based on Ranks, Holden-Day,
       1975, ch. 2 and 4.

    Examples
    --------
    >>> from sweepwalk.stats import seeds_needed
    >>> seeds_needed([0.5, 1.0], 1.0)
    array([64., 17.])
    """
    test = check_test(test)
    power = _check_power(power)
    is_paired = _is_paired(test, paired)
    alpha = _check_alpha(alpha_level)
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.abs(np.asarray(effect_of_interest, dtype=np.float64)) / np.asarray(sd, float)
    d, alpha = np.broadcast_arrays(d, alpha)
    out = np.full(d.shape, np.nan)
    ok = np.isfinite(d) & (d > 0)
    if not ok.any():
        return out
    dv, al = d[ok], alpha[ok]
    are = RELATIVE_EFFICIENCY[test]

    def reaches(n: FloatArray, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        e = n * are
        return t_power_reaches(dv[rows], e, e, al[rows], is_paired, power)

    # search from the normal approximation with Guenther's t correction: usually the answer
    z_alpha = -special.ndtri(al / 2)  # stats.norm.isf without its argument checks
    z = z_alpha - special.ndtri(1.0 - power)
    groups = 1.0 if is_paired else 2.0
    with np.errstate(over="ignore"):
        guess = (groups * (z / dv) ** 2 + z_alpha**2 / 4) / are
    guess = np.where(np.isfinite(guess), guess, 2.0)
    hi = _smallest_reaching(reaches, guess)
    # and no fewer seeds than the test needs to reach the level at all (rank tests)
    levels, inverse = np.unique(al, return_inverse=True)
    floor = np.array([_fewest_seeds_to_reach(test, float(a)) for a in levels])
    out[ok] = np.maximum(hi, floor[inverse])
    return out


def _smallest_reaching(
    reaches: Callable[[FloatArray, npt.NDArray[np.intp]], npt.NDArray[np.bool_]],
    guess: FloatArray,
) -> FloatArray:
    """Smallest whole n >= 2 per row for which ``reaches(n, rows)`` holds, searched from ``guess``.

    ``reaches`` is monotone in n; ``rows`` are the positions (repeats allowed) that the entries
    of ``n`` belong to. The guess rounded up and one fewer are tried in one call: the guess is
    usually the answer. Elsewhere the search gallops away from the side it knows by 1, 2, 4, ...
    seeds until the answer is bracketed, then bisects (invariant: ``lo`` fails or is 1, ``hi``
    reaches or is :data:`_MOST_SEEDS`, never tried, the answer where none smaller reaches).
    Beyond 2**53 seeds, where floats are spaced more than 1 apart, the answer is the smallest
    float that reaches.
    """
    m = len(guess)
    first = np.minimum(np.maximum(2.0, np.ceil(guess)), _MOST_SEEDS)
    above_two = np.flatnonzero((first > 2.0) & (first < _MOST_SEEDS))
    got = reaches(
        np.concatenate([first, first[above_two] - 1.0]),
        np.concatenate([np.arange(m), above_two]),
    )
    at_first, at_prev = got[:m] & (first < _MOST_SEEDS), np.zeros(m, dtype=bool)
    at_prev[above_two] = got[m:]
    lo = np.where(at_first, 1.0, first)
    lo = np.where(at_first & ~at_prev & (first > 2.0), first - 1.0, lo)
    hi = np.where(at_first, np.where(at_prev, first - 1.0, first), _MOST_SEEDS)
    step = np.ones(m)
    while True:
        up, down = hi == _MOST_SEEDS, lo == 1.0
        # a gallop's step is at least the spacing of floats there, so that it moves
        step = np.maximum(step, np.spacing(np.where(up, lo, hi)))
        probe = np.where(up, lo + step, np.where(down, hi - step, np.nan))
        inside = (probe > lo) & (probe < hi)
        probe = np.where(inside, probe, np.floor((lo + hi) / 2))
        live = (hi - lo > 1) & (probe > lo) & (probe < hi)
        if not live.any():
            break
        rows = np.flatnonzero(live)
        reach = reaches(probe[rows], rows)
        hi[rows[reach]] = probe[rows[reach]]
        lo[rows[~reach]] = probe[rows[~reach]]
        step[rows] *= 2.0
    return hi


@functools.lru_cache(maxsize=4096)
def _fewest_seeds_to_reach(test: str, alpha: float) -> float:
    """Smallest n (>= 2, both sides / pairs) whose :func:`min_pvalue` is at most ``alpha``.

    ``inf`` when none is (the permutation test with its default 9999 resamples cannot go
    below 2 / 10000, whatever the number of seeds).
    """
    for n in range(2, _MAX_SEEDS_FOR_LEVEL + 1):
        if _min_p(test, n, n, 9999, "auto") <= alpha:
            return float(n)
    return math.inf


@functools.lru_cache(maxsize=65536)
def _min_p(test: str, n1: int, n2: int, n_resamples: int, ks_method: str) -> float:
    """Smallest p-value of ``test`` at sizes (n1, n2) (n1 = pairs for paired tests)."""
    low = np.arange(n2, dtype=np.float64)
    high = np.arange(n1, dtype=np.float64) + n2  # the row entirely above the target
    if test in ("welch", "ttest_rel"):
        return 0.0 if min(n1, n2) >= 2 else math.nan
    if test == "wilcoxon":
        return float(stats.wilcoxon(np.arange(1.0, n1 + 1)).pvalue)
    if test == "mannwhitney":
        return float(stats.mannwhitneyu(high, low, alternative="two-sided").pvalue)
    if test in ("brunnermunzel", "permutation"):
        return _min_p_resampled(test, n1, n2, n_resamples)
    if ks_method != "auto":
        return _min_p_ks_permutation(high, low, n_resamples, ks_method)
    return float(stats.ks_2samp(low, high).pvalue)


def _min_p_resampled(test: str, n1: int, n2: int, n_resamples: int) -> float:
    """Smallest p-value of the permutation and Brunner-Munzel tests at sizes (n1, n2)."""
    if min(n1, n2) < 2:
        return math.nan
    if test == "brunnermunzel" and min(n1, n2) >= PERMUTATION_BELOW:
        return 0.0  # scipy's t is unbounded (separated samples go to the permutation form)
    partitions = math.comb(n1 + n2, n1)
    smallest = 2.0 / partitions if partitions <= n_resamples else 2.0 / (n_resamples + 1)
    if test == "brunnermunzel":  # at least the A12 interval's p, smallest on separated data
        high = np.arange(n1, dtype=np.float64) + n2
        half = a12_half_pvalue(high[None], np.array([n1]), np.arange(float(n2))[None],
                               np.array([n2]))  # fmt: skip
        smallest = max(smallest, float(half[0]))
    return smallest


def _min_p_ks_permutation(
    high: FloatArray, low: FloatArray, n_resamples: int, ks_method: str
) -> float:
    """Smallest p-value of the tie-aware KS permutation test, ``high`` above ``low``."""
    n1, n2 = len(high), len(low)
    if math.comb(n1 + n2, n1) > n_resamples:
        return 1.0 / (n_resamples + 1)
    # exact: the most extreme data's own p-value, either way round (with the tie-break
    # of unequal sizes one separation outranks the other: 1 / C, not 2 / C)
    tiebreak = ks_method == "permutation-tiebreak"
    n1a, n2a = np.array([n1]), np.array([n2])
    return min(
        float(ks_permutation(row[None], n1a, other[None], n2a, n_resamples=n_resamples,
                             random_state=0, tiebreak=tiebreak)[1][0])
        for row, other in ((high, low), (high - n1 - n2, low))
    )  # fmt: skip


def min_pvalue(
    test: str,
    n_row: npt.ArrayLike,
    n_target: npt.ArrayLike,
    n_shared: npt.ArrayLike | None = None,
    *,
    n_resamples: int = 9999,
    ks_method: str = "auto",
) -> FloatArray:
    """Smallest p-value the test can give at these sample sizes (its resolution).

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "brunnermunzel", "wilcoxon", \
"ttest_rel"}
        The test, as run by :func:`sweepwalk.stats.two_sample`.
    n_row, n_target : array_like of int
        Seeds of the row and of the target (broadcast).
    n_shared : array_like of int, optional
        Shared seeds (paired tests; required for them).
    n_resamples : int, default 9999
        Permutations of the permutation tests.
    ks_method : {"auto", "permutation", "permutation-tiebreak"}, default "auto"
        How the KS p-value is computed (see ``two_sample``).

    Returns
    -------
    ndarray of float
        The p-value of the most extreme data (the row entirely above the target, all
        distinct), computed by scipy's own function where it has one: ``ks_2samp`` (exact,
        ``2 / C(n + m, n)`` for small equal samples), ``mannwhitneyu`` (exact ``2 / C(n + m,
        n)`` up to 8 values per side, asymptotic above), ``wilcoxon`` (exact ``2 / 2**n`` up
        to 50 pairs). The permutation test: ``2 / C(n + m, n)`` when it enumerates every
        partition, else ``2 / (n_resamples + 1)``; the tie-aware KS: the p-value
        :func:`~sweepwalk.stats.ks_permutation` gives the most extreme data when it enumerates
        every partition (``2 / C(n + m, n)``, or ``1 / C(n + m, n)`` with the tie-break at
        unequal sizes, where one separation outranks the other), else
        ``1 / (n_resamples + 1)``. Welch and paired t: 0 (a t statistic is unbounded; with
        n >= 2). Ties only make the smallest p-value larger. NaN where the test cannot run.

    Examples
    --------
    >>> from sweepwalk.stats import min_pvalue
    >>> min_pvalue("ks", [3, 5], [3, 5]).round(4)
    array([0.1   , 0.0079])
    >>> min_pvalue("wilcoxon", 5, 5, n_shared=5)
    array(0.0625)
    """
    test = check_test(test)
    if ks_method not in KS_METHODS:
        allowed = ", ".join(repr(k) for k in KS_METHODS)
        raise ValueError(f"`ks_method` must be one of {{{allowed}}}, got {ks_method!r}.")
    if test in PAIRED_TESTS and n_shared is None:
        raise ValueError(f"test={test!r} is paired: `n_shared` is required.")
    a, b, s = np.broadcast_arrays(
        np.asarray(n_row, dtype=np.int64),
        np.asarray(n_target, dtype=np.int64),
        np.asarray(0 if n_shared is None else n_shared, dtype=np.int64),
    )
    if test in PAIRED_TESTS:
        a, b = s, s
    out = np.full(a.shape, np.nan)
    ok = (a >= 1) & (b >= 1)
    if ok.any():
        a_ok, b_ok = a[ok], b[ok]
        first, inverse = distinct(a_ok, b_ok)  # one scipy call per distinct pair of sizes
        p = [_min_p(test, int(a_ok[r]), int(b_ok[r]), int(n_resamples), ks_method) for r in first]
        out[ok] = np.asarray(p)[inverse]
    return out


def reachable(min_p: npt.ArrayLike, alpha_level: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Whether a test whose smallest p-value is ``min_p`` can reject at ``alpha_level``.

    ``min_p <= alpha_level`` elementwise (rejection is ``p <= level``, as in
    :func:`sweepwalk.stats.adjust`); False where ``min_p`` is NaN.
    """
    return np.asarray(np.asarray(min_p, float) <= np.asarray(alpha_level, float))


__all__ = ["RELATIVE_EFFICIENCY", "mde", "min_pvalue", "reachable", "seeds_needed"]
