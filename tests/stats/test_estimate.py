"""estimate / direction and the intervals behind them, against scipy and brute force."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from rowdata import row_sets, row_y

from sweepwalk.stats import (
    ESTIMANDS,
    TESTS,
    a12,
    a12_interval,
    direction,
    estimate,
    hodges_lehmann,
    paired_differences,
    paired_effect,
    paired_t_interval,
    welch_interval,
)


@settings(max_examples=60, deadline=None)
@given(data=row_sets(n_min=0), cl=hst.sampled_from([0.8, 0.95, 0.99]))
def test_welch_interval_equals_scipy(data, cl):
    x, nx, y, ny = data
    diff, low, high = welch_interval(x, nx, y, ny, cl)
    for i in range(x.shape[0]):
        a, b = x[i, : nx[i]], row_y(y, ny, i)
        if len(a) < 2 or len(b) < 2:
            assert np.isnan(low[i]) and np.isnan(high[i])
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ci = st.ttest_ind(a, b, equal_var=False).confidence_interval(cl)
        assert diff[i] == pytest.approx(a.mean() - b.mean(), rel=1e-12, abs=1e-12)
        np.testing.assert_allclose([low[i], high[i]], [ci.low, ci.high], rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(seed=hst.integers(0, 2**32 - 1), cl=hst.sampled_from([0.9, 0.95]))
def test_paired_t_interval_equals_scipy(seed, cl):
    rng = np.random.default_rng(seed)
    m, k = 6, 12
    n = rng.integers(0, k + 1, size=m)
    x = np.round(rng.normal(size=(m, k)), 2)
    y = np.round(x + rng.normal(0.1, 0.5, size=(m, k)), 2)
    x[np.arange(k) >= n[:, None]] = np.nan
    d, nd = paired_differences(x, n, y, n)
    mean, low, high = paired_t_interval(d, nd, cl)
    for i in range(m):
        a, b = x[i, : n[i]], y[i, : n[i]]
        if n[i] < 2:
            assert np.isnan(low[i])
            continue
        with warnings.catch_warnings():  # scipy's own note on nearly identical samples
            warnings.filterwarnings("ignore", "Precision loss", RuntimeWarning)
            ci = st.ttest_rel(a, b).confidence_interval(cl)
        assert mean[i] == pytest.approx((a - b).mean(), rel=1e-12, abs=1e-14)
        np.testing.assert_allclose([low[i], high[i]], [ci.low, ci.high], rtol=1e-10, atol=1e-12)


def test_estimate_paired_on_seeds_equals_scipy_on_shared_seeds():
    x = np.array([[1.0, 2.0, 4.0, 8.0, np.nan], [3.0, 1.0, 2.0, 2.5, 7.0]])
    xs = np.array([[0, 1, 2, 5, -1], [1, 2, 3, 4, 5]])
    y = np.array([[0.5, 1.0, 3.0, 3.5, 9.0]])
    ys = np.array([[1, 2, 3, 4, 5]])
    est = estimate("ttest_rel", x, [4, 5], y, [5], x_seeds=xs, y_seeds=ys)
    # row 0 shares seeds 1, 2, 5: (2 - 0.5, 4 - 1, 8 - 9)
    a, b = np.array([2.0, 4.0, 8.0]), np.array([0.5, 1.0, 9.0])
    ci = st.ttest_rel(a, b).confidence_interval()
    assert est.n_shared.tolist() == [3, 5]
    np.testing.assert_allclose([est.estimate[0], est.low[0], est.high[0]], [(a - b).mean(), *ci])
    assert est.effect[0] == pytest.approx(2 / 3)
    ci1 = st.ttest_rel(x[1], y[0]).confidence_interval()
    np.testing.assert_allclose([est.low[1], est.high[1]], [*ci1])


def _walsh_median(d):
    w = [(d[i] + d[j]) / 2 for i in range(len(d)) for j in range(i, len(d))]
    return float(np.median(w))


@settings(max_examples=60, deadline=None)
@given(seed=hst.integers(0, 2**32 - 1), n=hst.integers(1, 30))
def test_hodges_lehmann_is_median_of_walsh_averages(seed, n):
    rng = np.random.default_rng(seed)
    d = np.round(rng.standard_t(3, size=(3, n)), 2)
    est, low, high = hodges_lehmann(d, np.full(3, n))
    for i in range(3):
        assert est[i] == pytest.approx(_walsh_median(d[i]), abs=1e-12)
        assert low[i] <= est[i] <= high[i]


@settings(max_examples=40, deadline=None)
@given(
    seed=hst.integers(0, 2**32 - 1),
    n=hst.integers(1, 90),
    decimals=hst.sampled_from([0, 1, 2, 8]),
    cl=hst.sampled_from([0.8, 0.95, 0.99]),
)
def test_hodges_lehmann_by_selection_equals_the_sort(seed, n, decimals, cl):
    # many Walsh averages are selected, not sorted: the same floats, ties and zeros included
    from sweepwalk.stats import _intervals, _walsh

    rng = np.random.default_rng(seed)
    d = np.round(rng.standard_t(3, size=(2, n)), decimals)
    d[1, : n // 3] = 0.0
    sorted_ = hodges_lehmann(d, np.full(2, n), cl)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_intervals, "_HL_SELECT_MIN", 0)
        patch.setattr(_walsh, "_DIRECT", 8)  # every band narrowed by pivots first
        patch.setattr(_walsh, "_SAMPLE", 64)
        selected = hodges_lehmann(d, np.full(2, n), cl)
    for a, b in zip(sorted_, selected, strict=True):
        np.testing.assert_array_equal(a, b)


def test_walsh_order_statistics_rejects_ranks_outside_the_averages():
    from sweepwalk.stats._walsh import walsh_order_statistics

    with pytest.raises(ValueError, match="between 1 and n"):
        walsh_order_statistics(np.arange(3.0), [7])


@pytest.mark.parametrize("n", [6, 8, 12, 20, 35])
@pytest.mark.parametrize("cl", [0.9, 0.95, 0.99])
def test_hodges_lehmann_interval_inverts_the_exact_signed_rank_test(n, cl):
    # No ties and no zeros: 0 lies outside [W_(k), W_(N-k+1)] exactly when scipy's exact
    # two-sided wilcoxon rejects at 1 - cl. Shifts chosen so that both outcomes occur.
    rng = np.random.default_rng(n)
    d = rng.normal(size=(400, n)) + np.linspace(-1.2, 1.2, 400)[:, None]
    _, low, high = hodges_lehmann(d, np.full(400, n), cl)
    p = st.wilcoxon(d, axis=-1, method="exact").pvalue
    excludes = (low > 0) | (high < 0)
    assert (~excludes).any()
    assert excludes.any() == (2 / 2**n <= 1 - cl)  # some data can reject at this n
    np.testing.assert_array_equal(excludes, p <= 1 - cl)


def test_hodges_lehmann_interval_is_unbounded_when_no_bound_has_the_level():
    # n = 5: the smallest two-sided exact wilcoxon p-value is 2/32 > 0.05
    _, low, high = hodges_lehmann(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), np.array([5]))
    assert low[0] == -np.inf and high[0] == np.inf
    _, low, high = hodges_lehmann(np.array([[1.0, 2.0, 3.0, 4.0, 5.0]]), np.array([5]), 0.9)
    assert low[0] == 1.0 and high[0] == 5.0  # k = 1: the extreme Walsh averages


@settings(max_examples=50, deadline=None)
@given(data=row_sets(n_min=0))
def test_a12_interval_estimate_equals_a12_and_brackets_it(data):
    x, nx, y, ny = data
    got, low, high = a12_interval(x, nx, y, ny)
    np.testing.assert_allclose(got, a12(x, nx, np.atleast_2d(y), ny), equal_nan=True)
    both = (nx >= 2) & (np.broadcast_to(ny, nx.shape) >= 2)
    assert np.all((low[both] <= got[both]) & (got[both] <= high[both]))
    assert np.all((low[both] >= 0) & (high[both] <= 1))
    assert np.isnan(low[~both]).all()


@settings(max_examples=60, deadline=None)
@given(data=row_sets(n_min=0))
def test_placements_from_midranks_equal_the_pairwise_counts(data):
    # #{y < x_i} + #{y = x_i} / 2 (and the same for y among x), counted pair by pair
    from sweepwalk.stats._intervals import _placements

    x, nx, y, ny = data
    y2 = np.atleast_2d(y)
    ny_rows = np.broadcast_to(ny, nx.shape)
    px, qy = _placements(x, nx, y2, np.ascontiguousarray(ny_rows))
    for i in range(len(nx)):
        xi, yi = x[i, : nx[i]], y2[0 if y2.shape[0] == 1 else i, : ny_rows[i]]
        with np.errstate(invalid="ignore", divide="ignore"):
            want_p = ((xi[:, None] > yi) + 0.5 * (xi[:, None] == yi)).sum(axis=1) / len(yi)
            want_q = ((yi[:, None] > xi) + 0.5 * (yi[:, None] == xi)).sum(axis=1) / len(xi)
        np.testing.assert_array_equal(px[i, : nx[i]], want_p)
        np.testing.assert_array_equal(qy[i, : ny_rows[i]], want_q)
        assert np.isnan(px[i, nx[i] :]).all() and np.isnan(qy[i, ny_rows[i] :]).all()


def test_a12_interval_bounds_solve_the_score_equation():
    # (A12 - theta)^2 = z_f^2 r V(theta) at each finite inner bound, V the Hanley-McNeil
    # variance, r = max(1, Brunner-Munzel variance / V(A12)); recomputed here by hand
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(0.3, 1.0, size=(50, 9)), 1)
    y = np.round(rng.normal(0.0, 2.0, size=(50, 12)), 1)
    got, low, high = a12_interval(x, np.full(50, 9), y, np.full(50, 12), 0.9)
    z = st.norm.ppf(0.95)
    m, n = 9.0, 12.0

    def v(t):
        return t * (1 - t) * (1 + ((m + n) / 2 - 1) * ((1 - t) / (2 - t) + t / (1 + t))) / (m * n)

    for i in range(50):
        p = np.array([np.mean(xi > y[i]) + 0.5 * np.mean(xi == y[i]) for xi in x[i]])
        q = np.array([np.mean(x[i] < yj) + 0.5 * np.mean(x[i] == yj) for yj in y[i]])
        assert got[i] == pytest.approx(p.mean(), abs=1e-12)
        u, w = p.var(ddof=1) / m, q.var(ddof=1) / n
        r = max(1.0, (u + w) / v(got[i]))
        # z widened by the Satterthwaite degrees of freedom of u + w against the pooled ones
        f = min(max((u + w) ** 2 / (u**2 / (m - 1) + w**2 / (n - 1)), 1.0), m + n - 2)
        zf = z * st.t.ppf(0.95, f) / st.t.ppf(0.95, m + n - 2)
        for bound in (low[i], high[i]):
            if 0 < bound < 1:
                assert (got[i] - bound) ** 2 == pytest.approx(zf**2 * r * v(bound), rel=1e-9)


def test_a12_interval_at_complete_separation_stays_informative():
    x = np.arange(10.0)[None] + 10
    got, low, high = a12_interval(x, [10], np.arange(10.0)[None], [10])
    assert got[0] == 1.0 and high[0] == 1.0 and 0.7 < low[0] < 1.0


def test_paired_effect_counts_wins_on_the_same_seed():
    d = np.array([[0.1, -0.2, 0.0, 0.3], [-1.0, np.nan, np.nan, np.nan], [np.nan] * 4])
    np.testing.assert_allclose(paired_effect(d, np.array([4, 1, 0])), [0.625, 0.0, np.nan])


@pytest.mark.parametrize("test", TESTS)
def test_estimate_names_its_quantity_and_interval_contains_it(test):
    rng = np.random.default_rng(1)
    x = rng.normal(0.3, 1.0, size=(5, 12))
    y = rng.normal(0.0, 1.0, size=(1, 12))
    est = estimate(test, x, np.full(5, 12), y, [12])
    assert test in ESTIMANDS
    assert np.all((est.low <= est.estimate) & (est.estimate <= est.high))
    if ESTIMANDS[test] == "A12":
        np.testing.assert_allclose(est.estimate, est.effect)
    elif test != "wilcoxon":
        np.testing.assert_allclose(est.estimate, est.diff_mean)


def test_direction_rules():
    # 15 seeds slightly above the target and 5 diverged far below: mean lower, A12 above 1/2
    base = np.linspace(0.80, 0.82, 20)
    x = np.concatenate([base[:15] + 0.01, np.full(5, 0.35)])[None, :]
    y = base[None, :]
    n = np.array([20])
    # Mann-Whitney tests identical distributions: A12 = 0.61 with an interval holding 1/2 is
    # no direction (it was +1 from the point estimate alone)
    for test, expected in [("welch", -1), ("permutation", -1), ("ks", 0), ("mannwhitney", 0)]:
        assert direction(test, estimate(test, x, n, y, n)).tolist() == [expected]
    # paired: the same columns are the same seeds; HL follows the 15 wins, the mean the losses
    assert direction("ttest_rel", estimate("ttest_rel", x, n, y, n)).tolist() == [-1]
    assert direction("wilcoxon", estimate("wilcoxon", x, n, y, n)).tolist() == [1]
    # KS with agreeing signs, and NaN rows give 0
    up = np.concatenate([base + 0.05, np.full(20, np.nan)])[None, :]
    both = np.vstack([up, np.full((1, 40), np.nan)])
    est = estimate("ks", both, [20, 0], y, n)
    assert direction("ks", est).tolist() == [1, 0]


def test_estimate_wilcoxon_tie_rtol_makes_grid_differences_equal():
    # on a 1/360 grid, 0.3 - 0.2 style differences differ in the last bits
    k = np.array([[100, 130, 150, 170, 200, 230]])
    x, y = (k + 36) / 360, k / 360
    plain = estimate("wilcoxon", x, [6], y, [6])
    tied = estimate("wilcoxon", x, [6], y, [6], tie_rtol=1e-9)
    assert tied.estimate[0] == pytest.approx(0.1, abs=1e-12)
    assert np.unique(x - y).size > 1  # float rounding splits the equal differences
    assert tied.low[0] == tied.high[0] == tied.estimate[0]
    assert plain.estimate[0] == pytest.approx(0.1, abs=1e-12)


def test_estimate_rejects_bad_arguments():
    x = np.ones((1, 3))
    with pytest.raises(ValueError, match="`test` must be one of"):
        estimate("t", x, [3], x, [3])
    with pytest.raises(ValueError, match="`confidence_level`"):
        estimate("welch", x, [3], x, [3], confidence_level=95)
    with pytest.raises(ValueError, match="`nx` must equal `ny`"):
        estimate("ttest_rel", x, [3], x, [2])
    with pytest.raises(ValueError, match="together"):
        estimate("ttest_rel", x, [3], x, [3], x_seeds=[[0, 1, 2]])


def test_brute_force_hl_rank_matches_exact_distribution():
    # the exact signed-rank CDF used for k, recomputed by enumerating all sign patterns
    from sweepwalk.stats._intervals import _signed_rank_cdf

    n = 7
    sums = [
        sum(r for r, s in zip(range(1, n + 1), signs, strict=True) if s)
        for signs in itertools.product([0, 1], repeat=n)
    ]
    counts = np.bincount(sums, minlength=n * (n + 1) // 2 + 1)
    np.testing.assert_allclose(_signed_rank_cdf(n), np.cumsum(counts) / 2**n)
