"""Small tied samples: exact conditional Mann-Whitney p-values, identical pairs, min_pvalue.

Seeded simulations; rates are over R independent pairs of samples, with bounds of 3 Monte
Carlo standard errors, sqrt(a (1 - a) / R).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as st

from sweepwalk.stats import min_pvalue, ttost_ind, ttost_paired, two_sample
from sweepwalk.stats._mannwhitney import exact_conditional

ALPHA = 0.05


def test_saturated_three_vs_three_is_the_exact_conditional_p():
    # 1.0 vs 0.98 on every seed: U = 9, the most extreme split; scipy's normal approximation
    # says 0.047, below the 0.1 that the exact distribution of 3 vs 3 can reach at all
    x, y = np.array([[1.0, 1.0, 1.0]]), np.array([[0.98, 0.98, 0.98]])
    stat, p = two_sample("mannwhitney", x, [3], y, [3])
    assert stat[0] == 9.0
    assert p[0] == pytest.approx(0.1, abs=1e-15)
    assert p[0] >= min_pvalue("mannwhitney", 3, 3)[()]


@pytest.mark.parametrize("sizes", [(2, 5), (3, 3), (4, 6), (5, 8)])
def test_exact_conditional_equals_scipys_full_permutation(sizes):
    n1, n2 = sizes
    rng = np.random.default_rng(list(sizes))
    x = rng.integers(0, 3, (40, n1)).astype(float)
    y = rng.integers(0, 3, (40, n2)).astype(float)
    u, p = exact_conditional(x, n1, y, n2)
    method = st.PermutationMethod(n_resamples=np.inf)
    for i in range(40):
        if len(np.unique(np.concatenate([x[i], y[i]]))) == 1:
            continue  # scipy: every split equal, p = 1 (ours too)
        ref = st.mannwhitneyu(x[i], y[i], method=method)
        assert u[i] == ref.statistic
        assert p[i] == pytest.approx(ref.pvalue, abs=1e-12)


@pytest.mark.parametrize("n", [3, 4, 5, 8])
def test_tied_rows_never_go_below_their_min_pvalue_and_hold_the_level(n):
    # accuracies on 20 examples near saturation: most pooled samples tie
    reps = 3000
    rng = np.random.default_rng(n)
    x = rng.binomial(20, 0.95, (reps, n)) / 20
    y = rng.binomial(20, 0.95, (reps, n)) / 20
    _, p = two_sample("mannwhitney", x, np.full(reps, n), y, np.full(reps, n))
    floor = float(min_pvalue("mannwhitney", n, n)[()])
    assert np.nanmin(p) >= floor - 1e-15
    rate = float(np.mean(p <= ALPHA))
    assert rate <= ALPHA + 3 * math.sqrt(ALPHA * (1 - ALPHA) / reps), rate


@pytest.mark.parametrize("ks_method", ["permutation", "permutation-tiebreak"])
@pytest.mark.parametrize("sizes", [(3, 5), (2, 7), (4, 6)])
def test_ks_permutation_min_pvalue_is_reached_and_never_undercut(ks_method, sizes):
    n1, n2 = sizes
    floor = float(min_pvalue("ks", n1, n2, ks_method=ks_method)[()])
    low, high = np.arange(n2, dtype=float)[None], np.arange(n1, dtype=float)[None] + n2
    for row in (high, high - n1 - n2):  # entirely above, entirely below
        _, p = two_sample("ks", row, [n1], low, [n2], ks_method=ks_method, random_state=0)
        assert p[0] >= floor - 1e-15
    _, p_above = two_sample("ks", high, [n1], low, [n2], ks_method=ks_method, random_state=0)
    _, p_below = two_sample(
        "ks", high - n1 - n2, [n1], low, [n2], ks_method=ks_method, random_state=0
    )
    assert min(p_above[0], p_below[0]) == pytest.approx(floor, abs=1e-15)


@pytest.mark.parametrize("test", ["ttest_rel", "welch"])
def test_identical_samples_are_tested_with_p_one(test):
    x = np.array([[0.9, 0.9, 0.9, 0.9], [0.9, 0.8, 0.7, 0.9]])
    y = x.copy() if test == "ttest_rel" else np.array([[0.9, 0.9, 0.9, 0.9]] * 2)
    seeds = np.broadcast_to(np.arange(4), x.shape)
    kw = {"x_seeds": seeds, "y_seeds": seeds} if test == "ttest_rel" else {}
    stat, p = two_sample(test, x, [4, 4], y, [4, 4], **kw)
    assert stat[0] == 0.0 and p[0] == 1.0
    if test == "ttest_rel":  # also identical, not constant: 0/0 again
        assert stat[1] == 0.0 and p[1] == 1.0
    else:
        assert np.isfinite(p[1]) and p[1] < 1.0


def test_identical_samples_are_equivalent_in_the_limit():
    x = np.array([[0.9, 0.9, 0.9]])
    assert ttost_ind(x, [3], x, [3], -0.01, 0.01, usevar="unequal").pvalue[0] == 0.0
    assert ttost_paired(x, [3], x, [3], -0.01, 0.01).pvalue[0] == 0.0
    # constant but farther apart than the margin: not equivalent
    assert ttost_ind(x, [3], x - 0.1, [3], -0.01, 0.01, usevar="unequal").pvalue[0] == 1.0
