"""Ties hidden by float rounding: permutation, Wilcoxon and the tie-aware KS p-value."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import scipy.stats as st

from sweepwalk.stats import TIE_RTOL, ks_permutation, two_sample
from sweepwalk.stats._ties import snap, snap_differences


def _exact_permutation_p(xi: np.ndarray, yi: np.ndarray) -> float:
    """Two-sided exact permutation p-value of the mean difference, in integer arithmetic."""
    z = np.concatenate([xi, yi])
    n1, n = len(xi), len(z)
    # mean(x) - mean(y) is increasing in sum(x) for fixed sizes: compare integer sums
    obs = int(xi.sum())
    sums = np.array([z[list(c)].sum() for c in itertools.combinations(range(n), n1)])
    less, greater = np.mean(sums <= obs), np.mean(sums >= obs)
    return min(1.0, 2 * min(less, greater))


def test_permutation_on_a_grid_equals_exact_enumeration():
    rng = np.random.default_rng(360)
    m = 300
    xi = rng.integers(250, 290, size=(m, 5))
    yi = rng.integers(250, 290, size=(m, 5))
    x, y = xi / 360, yi / 360
    n = np.full(m, 5)
    _, plain = two_sample("permutation", x, n, y, n, random_state=0)
    _, tied = two_sample("permutation", x, n, y, n, random_state=0, tie_rtol=TIE_RTOL)
    exact = np.array([_exact_permutation_p(xi[i], yi[i]) for i in range(m)])
    np.testing.assert_allclose(tied, exact, rtol=1e-12)
    # scipy's tolerance misses some of these ties (0.262 vs 0.365, as reported)
    assert np.any(np.abs(plain - exact) > 0.01)


def test_permutation_tie_rtol_keeps_monte_carlo_p_values_on_continuous_data():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(20, 9)), rng.normal(size=(1, 9))
    n = np.full(20, 9)  # C(18, 9) = 48620 > 999: randomised
    _, plain = two_sample("permutation", x, n, y, [9], random_state=3, n_resamples=999)
    _, tied = two_sample(
        "permutation", x, n, y, [9], random_state=3, n_resamples=999, tie_rtol=TIE_RTOL
    )
    np.testing.assert_array_equal(plain, tied)


def test_wilcoxon_on_grid_differences_equals_the_test_on_integer_counts():
    rng = np.random.default_rng(7)
    checked = differs = 0
    for k in (5, 8, 12, 20, 30, 60):
        counts_x = rng.integers(300, 330, size=(40, k))
        counts_y = rng.integers(300, 330, size=(40, k))
        x, y = counts_x / 360, counts_y / 360
        seeds = np.broadcast_to(np.arange(k), (40, k))
        n = np.full(40, k)
        kw = {"x_seeds": seeds, "y_seeds": seeds}
        _, tied = two_sample("wilcoxon", x, n, y, n, tie_rtol=TIE_RTOL, **kw)
        _, plain = two_sample("wilcoxon", x, n, y, n, **kw)
        _, ints = two_sample("wilcoxon", counts_x * 1.0, n, counts_y * 1.0, n, **kw)
        np.testing.assert_allclose(tied, ints, rtol=1e-12, equal_nan=True)
        checked += 40
        differs += int(np.sum(np.abs(plain - ints) > 1e-6))
    assert checked == 240 and differs > 0  # the float-rounded differences lose ties


def test_snap_makes_near_equal_values_identical_and_keeps_real_values():
    v = np.array([[0.3 - 0.2, 0.5 - 0.4, 0.2, np.nan, 0.1]])
    got = snap(v, np.array([1.0]), 1e-9)
    assert got[0, 0] == got[0, 1] == got[0, 4]
    assert got[0, 0] in (v[0, 0], v[0, 1], v[0, 4])
    assert got[0, 2] == 0.2 and np.isnan(got[0, 3])
    d = snap_differences(np.array([[0.1, -(0.3 - 0.2), 1e-17, 0.4]]), np.array([1.0]), 1e-9)
    assert d[0, 0] == -d[0, 1] and d[0, 2] == 0.0 and d[0, 3] == 0.4


def test_ks_permutation_statistic_equals_ks_2samp_and_exact_p_equals_enumeration():
    rng = np.random.default_rng(4)
    x = np.round(rng.normal(size=(30, 5)), 0)
    y = np.round(rng.normal(size=(1, 4)), 0)
    d, p = ks_permutation(x, np.full(30, 5), y, np.array([4]), random_state=0)
    z_all = [np.concatenate([x[i], y[0]]) for i in range(30)]
    for i in range(30):
        assert d[i] == pytest.approx(st.ks_2samp(y[0], x[i]).statistic, abs=1e-12)
        z = z_all[i]
        null = []
        for c in itertools.combinations(range(9), 5):
            mask = np.zeros(9, dtype=bool)
            mask[list(c)] = True
            null.append(st.ks_2samp(z[~mask], z[mask]).statistic)
        assert p[i] == pytest.approx(np.mean(np.array(null) >= d[i] - 1e-12), abs=1e-12)


def test_ks_permutation_tiebreak_equals_enumeration_of_the_lexicographic_key():
    # partitions ordered by D, then by the summed |ECDF difference| over distinct values
    rng = np.random.default_rng(6)
    x = np.round(rng.normal(size=(20, 4)), 0)
    y = np.round(rng.normal(size=(1, 5)), 0)
    _, p = ks_permutation(x, np.full(20, 4), y, np.array([5]), tiebreak=True)
    _, p_plain = ks_permutation(x, np.full(20, 4), y, np.array([5]))

    def key(a, b):
        grid = np.unique(np.concatenate([a, b]))
        diff = np.abs((a[:, None] <= grid).mean(0) - (b[:, None] <= grid).mean(0))
        return (round(diff.max() * 20), round(diff.sum() * 20))

    for i in range(20):
        z = np.concatenate([x[i], y[0]])
        obs = key(x[i], y[0])
        null = []
        for c in itertools.combinations(range(9), 4):
            mask = np.zeros(9, dtype=bool)
            mask[list(c)] = True
            null.append(key(z[mask], z[~mask]))
        assert p[i] == pytest.approx(np.mean([k >= obs for k in null]), abs=1e-12)
    assert np.all(p <= p_plain + 1e-12) and np.any(p < p_plain)


def test_ks_permutation_through_two_sample_and_validation():
    x = np.array([[0.5, 0.6, 0.6, 0.7]])
    for method in ("permutation", "permutation-tiebreak"):
        _, p = two_sample("ks", x, [4], x - 0.3, [4], ks_method=method, random_state=0)
        assert p[0] == pytest.approx(2 / math.comb(8, 4))
    with pytest.raises(ValueError, match="`ks_method` must be one of"):
        two_sample("ks", x, [4], x, [4], ks_method="exact")
    with pytest.raises(ValueError, match="`tie_rtol`"):
        two_sample("permutation", x, [4], x, [4], tie_rtol=-1.0)
