from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from statsmodels.stats.power import TTestIndPower

from sweepwalk.stats._power import mde, pooled_std, seeds_needed, t_power


def _sm_d(n1: int, n2: int, alpha: float, power: float) -> float:
    return float(
        TTestIndPower().solve_power(
            effect_size=None, nobs1=n1, ratio=n2 / n1, alpha=alpha, power=power
        )
    )


@settings(max_examples=40, deadline=None)
@given(
    n1=st.integers(2, 60),
    n2=st.integers(2, 60),
    sd=st.floats(0.01, 100.0),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
    power=st.sampled_from([0.8, 0.9]),
)
def test_mde_equals_statsmodels(n1, n2, sd, alpha, power):
    got = mde([n1, n2], [n2, n1], [sd, sd], alpha=alpha, power=power)
    for value, (a, b) in zip(got, [(n1, n2), (n2, n1)], strict=True):
        ref = _sm_d(a, b, alpha, power)
        at_ref = t_power(np.array(ref), np.array(a * 1.0), np.array(b * 1.0), alpha, False)
        if abs(float(at_ref) - power) < 1e-6:  # statsmodels found the root
            assert value == pytest.approx(ref * sd, rel=1e-12)
        else:  # it did not (it clips d at 10: n = 2 at alpha 0.01): ours has the power
            at = t_power(np.array(value / sd), np.array(a * 1.0), np.array(b * 1.0), alpha, False)
            assert float(at) == pytest.approx(power, abs=1e-9)


def test_mde_nan_for_small_or_bad_input():
    got = mde([1, 5, 5, 5], [5, 0, 5, 5], [1.0, 1.0, np.nan, 2.0])
    assert np.isnan(got[:3]).all()
    assert got[3] == pytest.approx(2 * _sm_d(5, 5, 0.05, 0.8), rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    d=st.floats(0.02, 2.5),
    alpha=st.sampled_from([0.01, 0.05, 0.1]),
    power=st.sampled_from([0.8, 0.9]),
)
def test_seeds_needed_equals_rounded_up_statsmodels(d, alpha, power):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' root search may warn on extreme d
        sol = TTestIndPower().solve_power(
            effect_size=d, nobs1=None, ratio=1.0, alpha=alpha, power=power
        )
    assume(np.isfinite(sol))  # the root search fails for very large d (n below 2)
    want = max(2, math.ceil(float(sol)))
    got = seeds_needed([d * 3.0], 3.0, alpha=alpha, power=power)[0]
    # statsmodels' root has a tolerance; only a root within 1e-6 of an integer may round apart.
    if abs(float(sol) - round(float(sol))) > 1e-6:
        assert got == want
    else:
        assert abs(got - want) <= 1


def test_seeds_needed_is_minimal_by_statsmodels_power():
    d = np.array([0.1, 0.3, 0.5, 0.8, 1.2, 2.0, 4.0])
    n = seeds_needed(d, 1.0)
    p = TTestIndPower()
    for di, ni in zip(d, n, strict=True):
        assert p.power(effect_size=di, nobs1=ni, alpha=0.05, ratio=1.0) >= 0.8
        if ni > 2:
            assert p.power(effect_size=di, nobs1=ni - 1, alpha=0.05, ratio=1.0) < 0.8


def test_seeds_needed_large_effects_where_statsmodels_power_is_nan():
    # statsmodels' power is NaN at some large noncentralities (d=10 at n=5); the answer is
    # still the smallest n >= 2 whose (finite) statsmodels power reaches 0.8, by a plain loop
    d = np.array([5.0, 8.0, 10.0, 30.0])
    p = TTestIndPower()

    def smallest(di: float) -> int:
        for n in range(2, 100):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pw = p.power(effect_size=di, nobs1=n, alpha=0.05, ratio=1.0)
            if np.isfinite(pw) and pw >= 0.8:
                return n
        raise AssertionError(di)

    assert seeds_needed(d, 1.0).tolist() == [smallest(di) for di in d]


def test_seeds_needed_nan_cases_and_sign():
    got = seeds_needed([0.0, 1.0, np.nan, -0.5, 0.5], [1.0, 0.0, 1.0, 1.0, 1.0])
    assert np.isnan(got[:3]).all()
    assert got[3] == got[4] == 64


def test_small_alpha_where_statsmodels_power_is_nan():
    # alpha = 0.001, 3 vs 3 seeds: solve_power returns d = 7.02, whose power is 0.59
    d = float(mde(3, 3, 1.0, alpha=0.001)[()])
    assert float(t_power(np.array(d), np.array(3.0), np.array(3.0), 0.001, False)) == (
        pytest.approx(0.8, abs=1e-9)
    )
    assert d > 8.5
    # seeds_needed at a Holm level over 199 rows: the smallest n whose power reaches 0.8
    n = seeds_needed([0.1, 0.6], 1.0, alpha=0.05 / 199)
    for di, ni in zip([0.1, 0.6], n, strict=True):
        pw = [
            float(t_power(np.array(di), np.array(k), np.array(k), 0.05 / 199, False))
            for k in (ni - 1, ni)
        ]
        assert pw[0] < 0.8 <= pw[1]


def test_pooled_std_matches_definition():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=7), rng.normal(scale=3, size=12)
    want = math.sqrt(
        (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2)
    )
    got = pooled_std(a.std(ddof=1), 7, b.std(ddof=1), 12)
    assert float(got) == pytest.approx(want, rel=1e-12)
    assert np.isnan(pooled_std(1.0, 1, 1.0, 5))


@pytest.mark.parametrize("kwargs", [{"alpha": 0.0}, {"power": 1.0}, {"alpha": "x"}])
def test_validation(kwargs):
    with pytest.raises(ValueError, match="must be a float strictly between 0 and 1"):
        seeds_needed([1.0], 1.0, **kwargs)
    with pytest.raises(ValueError, match="strictly between"):
        mde([5], [5], [1.0], **kwargs)
