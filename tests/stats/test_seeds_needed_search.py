"""seeds_needed's fast search against the plain definition, and t_power_reaches against t_power.

The definition: the smallest whole n >= 2 whose t-test power (statsmodels' formula,
``t_power``) at ``e * n`` seeds reaches the power, ``e`` the test's relative efficiency, and no
fewer than the fewest seeds with which the test can reach the level at all (``min_pvalue``).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from statsmodels.stats.power import TTestIndPower, TTestPower

from sweepwalk.stats import TESTS, min_pvalue, seeds_needed
from sweepwalk.stats._power import t_power, t_power_reaches
from sweepwalk.stats._resolution import RELATIVE_EFFICIENCY

PAIRED_TESTS = ("wilcoxon", "ttest_rel")


def _reaches(d: float, n: float, test: str, alpha: float, power: float, paired: bool) -> bool:
    e = np.array(n * RELATIVE_EFFICIENCY[test])
    return bool(t_power(np.array(d), e, e, np.array(alpha), paired) >= power)


def _reference(d: float, test: str, alpha: float, power: float, paired: bool) -> float:
    """The definition, one row at a time: double from 2 seeds, then bisect on whole seeds."""
    lo, hi = 1.0, 2.0
    while not _reaches(d, hi, test, alpha, power, paired):
        lo, hi = hi, 2.0 * hi
    while hi - lo > 1:
        mid = math.floor((lo + hi) / 2)
        if _reaches(d, mid, test, alpha, power, paired):
            hi = mid
        else:
            lo = mid
    # the fewest seeds (both sides, or pairs) whose most extreme data reach the level
    floor = math.inf
    for n in range(2, 201):
        if float(min_pvalue(test, n, n, n_shared=n)) <= alpha:
            floor = float(n)
            break
    return max(hi, floor)


def _check_against_reference(d, level, test, power, paired):
    got = seeds_needed(d, 1.0, test, alpha_level=level, power=power, paired=paired)
    is_paired = test in PAIRED_TESTS if paired is None else paired
    want = [_reference(x, test, a, power, is_paired) for x, a in zip(d, level, strict=True)]
    np.testing.assert_array_equal(got, want)


@settings(max_examples=60, deadline=None)
@given(
    test=hst.sampled_from(TESTS),
    paired=hst.sampled_from([None, True, False]),
    power=hst.sampled_from([0.5, 0.8, 0.9, 0.95]),
    log_d=hst.lists(hst.floats(-3.0, math.log10(20.0)), min_size=1, max_size=8),
    log_level=hst.lists(hst.floats(-9.0, math.log10(0.2)), min_size=1, max_size=3),
)
def test_seeds_needed_is_the_plain_search(test, paired, power, log_d, log_level):
    # a few levels shared by many rows, as a correction gives them
    d = 10.0 ** np.array(log_d)
    level = 10.0 ** np.resize(np.array(log_level), len(d))
    _check_against_reference(d, level, test, power, paired)


@pytest.mark.parametrize("test", TESTS)
@pytest.mark.parametrize("paired", [True, False])
def test_seeds_needed_is_the_plain_search_on_a_seeded_sweep(test, paired):
    # d over [1e-3, 20] and levels over [1e-9, 0.2], log-uniform; every row its own level
    rng = np.random.default_rng(sum(map(ord, test)) + paired)
    d = 10.0 ** rng.uniform(-3.0, math.log10(20.0), 40)
    level = 10.0 ** rng.uniform(-9.0, math.log10(0.2), 40)
    _check_against_reference(d, level, test, 0.8, paired)


@pytest.mark.parametrize("test", ["welch", "ttest_rel"])
@pytest.mark.parametrize("d", [0.2, 0.5, 1.0, 1.5])
@pytest.mark.parametrize("alpha", [0.05, 0.01, 0.001])
def test_seeds_needed_is_statsmodels_solve_power_rounded_up(test, d, alpha):
    # where solve_power converges (with few seeds at small levels its power is NaN, e.g. 7
    # pairs at d = 2.5, alpha = 0.001, and it returns a wrong root)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if test == "ttest_rel":
            solver, size = TTestPower(), "nobs"
        else:
            solver, size = TTestIndPower(), "nobs1"
        n = float(np.squeeze(solver.solve_power(d, **{size: None}, alpha=alpha, power=0.8)))
        assert solver.power(d, **{size: n}, alpha=alpha) == pytest.approx(0.8, abs=1e-6)
    want = max(2.0, math.ceil(n))
    assert seeds_needed(d, 1.0, test, alpha_level=alpha)[()] == want


def _power_inputs(size: int, seed: int):
    rng = np.random.default_rng(seed)
    d = 10.0 ** rng.uniform(-9.0, 1.5, size)  # noncentrality from ~0 (lower tail ~alpha / 2)
    n1 = np.floor(10.0 ** rng.uniform(0.3, 5.0, size)) * rng.choice([1.0, 3 / np.pi], size)
    n2 = np.floor(10.0 ** rng.uniform(0.3, 5.0, size))
    alpha = 10.0 ** rng.uniform(-10.0, math.log10(0.9), size)
    return d, n1, n2, alpha


@pytest.mark.parametrize("paired", [True, False])
def test_t_power_reaches_is_t_power_compared_at_its_own_value(paired):
    # at a power equal to t_power's own float, and one float above it: the lower tail decides
    # exactly there, and must be added as t_power adds it
    d, n1, n2, alpha = _power_inputs(300, 1 + paired)
    at = t_power(d, n1, n2, alpha, paired)
    usable = (at > 0) & (at < 1)
    assert usable.sum() > 200
    for row in np.flatnonzero(usable):
        args = (d[row : row + 1], n1[row : row + 1], n2[row : row + 1], alpha[row : row + 1])
        for target in (at[row], np.nextafter(at[row], 1.0), np.nextafter(at[row], 0.0)):
            want = t_power(*args, paired) >= target
            assert t_power_reaches(*args, paired, float(target)).tolist() == want.tolist()


@pytest.mark.parametrize("paired", [True, False])
@pytest.mark.parametrize("power", [0.05, 0.5, 0.8, 0.99])
def test_t_power_reaches_is_t_power_at_or_above(paired, power):
    d, n1, n2, alpha = _power_inputs(5000, 7 + paired)
    d[:4] = [0.0, -0.5, np.nan, np.inf]  # outside d > 0: the full formula
    want = t_power(d, n1, n2, alpha, paired) >= power
    np.testing.assert_array_equal(t_power_reaches(d, n1, n2, alpha, paired, power), want)
    # one level for all rows: the critical values are shared per degrees of freedom
    one = np.full_like(alpha, 0.01)
    want = t_power(d, n1, n2, one, paired) >= power
    np.testing.assert_array_equal(t_power_reaches(d, n1, n2, one, paired, power), want)


@pytest.mark.parametrize("test", ["welch", "ks", "wilcoxon"])
def test_seeds_needed_beyond_whole_floats_is_a_crossing_and_stops_at_2_to_65(test):
    # effects of 1e-8 to 1e-14 sd (a diverged configuration's sd against a default effect of
    # interest): past 2**53 seeds the answer is a float that reaches while the one below
    # does not; past 2**65 seeds (where the doubling stops) it is 2**65
    d = np.array([1e-8, 3e-9, 1e-11, 1e-14])
    got = seeds_needed(d, 1.0, test)
    paired = test == "wilcoxon"
    assert (got[:2] > 2.0**53).all() and (got[:2] < 2.0**65).all()
    for x, n in zip(d[:2], got[:2], strict=True):
        assert _reaches(x, n, test, 0.05, 0.8, paired)
        assert not _reaches(x, np.nextafter(n, 0.0), test, 0.05, 0.8, paired)
    assert (got[2:] == 2.0**65).all()


def test_power_shortcut_keeps_to_levels_where_scipys_lower_tail_is_bounded() -> None:
    # the shortcut skips the lower tail P(T < -c) when it cannot move the answer, trusting it to
    # lie in [0, alpha]; scipy's noncentral t breaks that far in the tails (at 1e-15 it gives up
    # to 79 alpha), so below _power._TAIL_TRUSTED every row takes the full sum
    from scipy import special

    from sweepwalk.stats import _power

    nc = np.linspace(0.0, 100.0, 4001)
    for level in (1e-6, 1e-9, _power._TAIL_TRUSTED):
        for df in (1.0, 4.0, 18.0, 198.0):
            crit = -special.stdtrit(df, level / 2)
            with np.errstate(all="ignore"):
                lower = special.nctdtr(df, nc, -crit)
            assert np.nanmax(lower) <= level / 2 * (1 + 1e-6), (level, df)
    fine = np.concatenate([np.linspace(0.0, 1.0, 20001), np.linspace(1.0, 100.0, 20001)])
    with np.errstate(all="ignore"):
        far = [special.nctdtr(df, fine, special.stdtrit(df, 1e-15 / 2)) for df in (18, 38)]
    assert max(np.nanmax(f) for f in far) > 1e-15  # the reason for the threshold
    d = np.linspace(0.0, 60.0, 301)
    n = np.full(d.shape, 5.0)
    for level in (1e-15, 1e-20):
        alpha = np.full(d.shape, level)
        with np.errstate(all="ignore"):
            want = _power.t_power(d, n, n, alpha, False) >= 0.8
        np.testing.assert_array_equal(_power.t_power_reaches(d, n, n, alpha, False, 0.8), want)
