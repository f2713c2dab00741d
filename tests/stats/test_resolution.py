"""mde / seeds_needed per test and level, min_pvalue, reachable."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from statsmodels.stats.power import TTestIndPower, TTestPower

from sweepwalk.stats import (
    TESTS,
    ks_permutation,
    mde,
    min_pvalue,
    reachable,
    seeds_needed,
    two_sample,
)
from sweepwalk.stats._power import mde as pooled_mde
from sweepwalk.stats._power import seeds_needed as pooled_seeds_needed
from sweepwalk.stats._resolution import RELATIVE_EFFICIENCY, _t_power


def _sm(paired, d=None, n1=None, n2=None, alpha=0.05, power=0.8):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if paired:
            return TTestPower().solve_power(effect_size=d, nobs=n1, alpha=alpha, power=power)
        return TTestIndPower().solve_power(
            effect_size=d, nobs1=n1, ratio=n2 / n1, alpha=alpha, power=power
        )


@settings(max_examples=40, deadline=None)
@given(
    test=hst.sampled_from(TESTS),
    n1=hst.integers(2, 40),
    n2=hst.integers(2, 40),
    alpha=hst.sampled_from([0.001, 0.01, 0.05, 0.2, 0.5]),
    power=hst.sampled_from([0.8, 0.9]),
)
def test_mde_equals_statsmodels_at_effective_sizes(test, n1, n2, alpha, power):
    are = RELATIVE_EFFICIENCY[test]
    paired = test in ("wilcoxon", "ttest_rel")
    got = float(mde(test, n1, n2, 2.0, alpha_level=alpha, power=power))
    if got == np.inf:  # the test cannot reject at this level with these sizes
        assert min_pvalue(test, n1, n2, n_shared=n1) > alpha
        return
    e1, e2 = n1 * are, (n1 if paired else n2) * are
    # the power at our mde is `power` itself (statsmodels' formula, see the next test) ...
    at = _t_power(np.array(got / 2), np.array(e1), np.array(e2), np.array(alpha), paired)
    assert float(at) == pytest.approx(power, abs=1e-9)
    # ... and it equals solve_power wherever that converged (it stops early, relative
    # error up to ~1e-4, and it clips d at 10 with 2 pairs at alpha 0.001)
    # statsmodels returns a 1-element array where its solver falls back: a scalar either way
    ref = 2.0 * float(np.squeeze(_sm(paired, n1=e1, n2=e2, alpha=alpha, power=power)))
    at_ref = _t_power(np.array(ref / 2), np.array(e1), np.array(e2), np.array(alpha), paired)
    if abs(float(at_ref) - power) < 1e-5:
        assert got == pytest.approx(ref, rel=1e-3)


@settings(max_examples=60, deadline=None)
@given(
    d=hst.floats(0, 6),
    n1=hst.floats(2, 50),
    n2=hst.floats(2, 50),
    alpha=hst.sampled_from([1e-4, 0.01, 0.05, 0.5, 0.95]),
    paired=hst.booleans(),
)
def test_power_equals_statsmodels_where_statsmodels_is_defined(d, n1, n2, alpha, paired):
    got = float(_t_power(np.array(d), np.array(n1), np.array(n2), np.array(alpha), paired))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if paired:
            ref = TTestPower().power(effect_size=d, nobs=n1, alpha=alpha)
        else:
            ref = TTestIndPower().power(effect_size=d, nobs1=n1, ratio=n2 / n1, alpha=alpha)
    if np.isnan(ref):  # statsmodels' lower tail underflowed: ours is the upper tail alone
        assert 0.0 < got <= 1.0
    else:
        assert got == pytest.approx(float(ref), rel=1e-10, abs=1e-14)


def test_mde_takes_a_level_per_row_and_any_alpha_in_0_1():
    levels = np.array([0.05, 0.05 / 199, 0.5, 0.9, 0.99])
    got = mde("welch", 5, 5, 1.0, alpha_level=levels)
    ref = [_sm(False, n1=5, n2=5, alpha=a) for a in levels[:3]]
    np.testing.assert_allclose(got[:3], ref, rtol=1e-5)
    assert got[3] == got[4] == 0.0  # alpha >= power: rejecting that often needs no difference
    # the old pooled functions no longer crash at a high alpha
    assert pooled_mde(10, 10, 1.0, alpha=0.9)[()] == 0.0
    assert pooled_seeds_needed(0.5, 1.0, alpha=0.99)[()] == 2.0
    with pytest.raises(ValueError, match="`alpha_level`"):
        mde("welch", 5, 5, 1.0, alpha_level=1.0)


def test_mde_is_infinite_where_the_test_cannot_reach_the_level():
    got = mde("ks", [3, 3, 4], [3, 3, 4], 1.0, alpha_level=[0.05, 0.2, 0.05])
    assert got[0] == np.inf and np.isfinite(got[1:]).all()
    assert mde("wilcoxon", 5, 5, 1.0)[()] == np.inf
    assert np.isfinite(mde("wilcoxon", 6, 6, 1.0)[()])
    assert seeds_needed(10.0, 1.0, "wilcoxon")[()] == 6.0  # 2 pairs would do, if it could reject
    # 9999 permutations cannot give p < 2 / 10000, whatever the number of seeds
    assert seeds_needed(3.0, 1.0, "permutation", alpha_level=1e-5)[()] == np.inf
    assert np.isfinite(seeds_needed(3.0, 1.0, "permutation", alpha_level=1e-3)[()])


def test_mde_nan_for_too_few_seeds_and_paired_uses_shared_seeds():
    got = mde("welch", [1, 5, 5], [5, 1, 5], [1.0, 1.0, np.nan])
    assert np.isnan(got).all()
    paired = mde("ttest_rel", 11, 99, 1.0)
    assert float(paired) == pytest.approx(_sm(True, n1=11), rel=1e-5)


@pytest.mark.parametrize("test", TESTS)
@pytest.mark.parametrize("alpha", [0.05, 0.005])
def test_seeds_needed_is_the_smallest_n_reaching_the_power(test, alpha):
    # from a few seeds (where the normal guess may miss and the search doubles) to thousands
    are = RELATIVE_EFFICIENCY[test]
    paired = test in ("wilcoxon", "ttest_rel")
    effects = np.array([0.04, 0.3, 0.5, 1.0, 2.0])
    got = seeds_needed(effects, 1.0, test, alpha_level=alpha)
    for e, n in zip(effects, got, strict=True):

        def pw(k, e=e):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if paired:
                    return TTestPower().power(effect_size=e, nobs=k * are, alpha=alpha)
                return TTestIndPower().power(effect_size=e, nobs1=k * are, alpha=alpha, ratio=1)

        can_reject = min_pvalue(test, n, n, n_shared=n) <= alpha
        assert n >= 2 and pw(n) >= 0.8 and can_reject
        fewer = n - 1
        assert n == 2 or pw(fewer) < 0.8 or min_pvalue(test, fewer, fewer, fewer) > alpha


def test_seeds_needed_matches_the_pooled_function_for_welch():
    d = np.array([0.2, 0.5, 0.8, 3.0])
    np.testing.assert_array_equal(seeds_needed(d, 1.0), pooled_seeds_needed(d, 1.0))
    assert np.isnan(seeds_needed([0.0, np.nan], 1.0)).all()


def _separated(n1, n2):
    return np.arange(n1, dtype=float)[None] + n2, np.arange(n2, dtype=float)[None]


@pytest.mark.parametrize("test", ["ks", "mannwhitney", "permutation"])
def test_three_vs_three_cannot_go_below_0_1(test):
    assert float(min_pvalue(test, 3, 3)) == pytest.approx(0.1)
    x, y = _separated(3, 3)
    _, p = two_sample(test, x, [3], y, [3], random_state=0)
    assert p[0] == pytest.approx(0.1)


def test_wilcoxon_cannot_reach_0_05_up_to_five_pairs():
    p = min_pvalue("wilcoxon", 0, 0, n_shared=np.arange(1, 9))
    np.testing.assert_allclose(p, 2 / 2.0 ** np.arange(1, 9))
    assert not reachable(p[:5], 0.05).any() and reachable(p[5:], 0.05).all()


@pytest.mark.parametrize("n1,n2", [(2, 2), (3, 5), (5, 5), (8, 8), (9, 12), (20, 20)])
def test_min_pvalue_is_what_the_test_gives_on_the_most_extreme_data(n1, n2):
    x, y = _separated(n1, n2)
    for test in ("ks", "mannwhitney"):
        _, p = two_sample(test, x, [n1], y, [n2])
        assert float(min_pvalue(test, n1, n2)) == pytest.approx(p[0], rel=1e-12)
    _, p = two_sample("permutation", x, [n1], y, [n2], random_state=0)
    if math.comb(n1 + n2, n1) <= 9999:  # enumerated: the bound is attained
        assert float(min_pvalue("permutation", n1, n2)) == pytest.approx(p[0], rel=1e-12)
    else:  # randomised: never below 2 / (B + 1)
        assert p[0] >= float(min_pvalue("permutation", n1, n2)) == pytest.approx(2 / 10000)
    _, p = ks_permutation(x, np.array([n1]), y, np.array([n2]), random_state=0)
    assert p[0] >= float(min_pvalue("ks", n1, n2, ks_method="permutation")) - 1e-15
    d = np.arange(1.0, n1 + 1)
    assert float(min_pvalue("wilcoxon", 0, 0, n_shared=n1)) == st.wilcoxon(d).pvalue
    assert float(min_pvalue("welch", n1, n2)) == 0.0


def test_min_pvalue_with_holm_over_199_rows_at_five_seeds():
    # KS 5 vs 5 with Holm over 199 rows can never be significant
    p = min_pvalue("ks", 5, 5)
    assert not reachable(p, 0.05 / 199)
    assert reachable(p, 0.05)
    with pytest.raises(ValueError, match="`n_shared` is required"):
        min_pvalue("wilcoxon", 5, 5)


@pytest.mark.parametrize("test", ["welch", "wilcoxon"])
@pytest.mark.parametrize("power", [0.5, 0.8])
@pytest.mark.parametrize("alpha", [0.9, 0.05, 1e-7])
def test_seeds_needed_equals_a_search_upward_from_two_seeds(test, power, alpha):
    # the solve starts from a guessed bracket; wherever the guess is wrong (few seeds, huge
    # levels) it must fall back, and the answer is the first n counted up from 2
    from sweepwalk.stats._power import t_power
    from sweepwalk.stats._resolution import _fewest_seeds_to_reach

    paired = test == "wilcoxon"
    are = RELATIVE_EFFICIENCY[test]
    effects = np.array([0.3, 1.0, 3.0, 8.0])
    got = seeds_needed(effects, 1.0, test, alpha_level=alpha, power=power)
    for d, n in zip(effects, got, strict=True):
        k = 2

        def reaches(k, d=d):
            size = np.array(k * are)
            return t_power(np.array(d), size, size, alpha, paired) >= power

        while not reaches(k):
            k += 1
        assert n == max(k, _fewest_seeds_to_reach(test, alpha)), (d, n, k)


def test_mde_from_its_cache_equals_a_cold_solve_row_by_row():
    # mde keeps each (test, sizes, level) solve: a repeated call, a batch, and each row alone
    # on an empty cache must all give the same floats
    from sweepwalk.stats import _resolution

    rng = np.random.default_rng(3)
    n1 = rng.integers(2, 60, 40)
    n2 = rng.integers(2, 60, 40)
    level = rng.choice([1e-6, 0.001, 0.05, 0.3], 40)
    sd = rng.uniform(0.1, 3.0, 40)
    for test in TESTS:
        _resolution._UNIT_MDE.clear()
        cold = mde(test, n1, n2, sd, alpha_level=level)
        assert _resolution._UNIT_MDE  # the solves were kept
        warm = mde(test, n1, n2, sd, alpha_level=level)
        alone = []
        for k in range(len(n1)):
            _resolution._UNIT_MDE.clear()
            alone.append(float(mde(test, n1[k], n2[k], sd[k], alpha_level=level[k])))
        np.testing.assert_array_equal(warm, cold)
        np.testing.assert_array_equal(np.array(alone), cold)


def test_power_of_a_large_effect_is_one_where_the_noncentral_cdf_underflows():
    # scipy's nctdtr is NaN at c = 2.69 for noncentrality 38.6 (df 44); nct.sf says 1
    got = _t_power(np.array(5.75), np.array(45.0), np.array(2.0), np.array(0.01), True)
    assert float(got) == pytest.approx(1.0, abs=1e-12)
    got = _t_power(np.array(8.0), np.array(40.0), np.array(40.0), np.array(0.01), False)
    assert float(got) == pytest.approx(1.0, abs=1e-12)
