from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.weightstats import ttost_ind as sm_ttost_ind

from sweepwalk.stats._tost import tost_ind_rejects, ttost_ind


def _pad(rows):
    k = max(1, max(len(r) for r in rows))
    out = np.full((len(rows), k), np.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out, np.array([len(r) for r in rows], dtype=np.int64)


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.tuples(st.integers(2, 15), st.integers(2, 15)), min_size=1, max_size=5),
    margin=st.floats(0.01, 3.0),
    usevar=st.sampled_from(["pooled", "unequal"]),
    seed=st.integers(0, 2**32 - 1),
    broadcast=st.booleans(),
)
def test_equals_statsmodels(sizes, margin, usevar, seed, broadcast):
    rng = np.random.default_rng(seed)
    xs = [np.round(rng.normal(0, rng.uniform(0.5, 2), n1), 2) for n1, _ in sizes]
    ys = [np.round(rng.normal(0.3, rng.uniform(0.5, 2), n2), 2) for _, n2 in sizes]
    if broadcast:
        ys = ys[:1]
    x, nx = _pad(xs)
    y, ny = _pad(ys)
    got = ttost_ind(x, nx, y, ny, -margin, margin, usevar=usevar)
    for i, xi in enumerate(xs):
        yi = ys[0 if broadcast else i]
        if np.ptp(xi) == 0 and np.ptp(yi) == 0:
            continue  # statsmodels divides by a zero standard error
        p, (t1, p1, df1), (t2, p2, _) = sm_ttost_ind(xi, yi, -margin, margin, usevar=usevar)
        np.testing.assert_allclose(
            [
                got.pvalue[i],
                got.statistic_low[i],
                got.pvalue_low[i],
                got.statistic_upp[i],
                got.pvalue_upp[i],
                got.df[i],
            ],
            [p, t1, p1, t2, p2, df1],
            rtol=1e-10,
            atol=1e-13,
        )


def test_asymmetric_bounds_per_row():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(3, 10)), rng.normal(size=(3, 12))
    low, upp = np.array([-0.5, -1.0, 0.0]), np.array([0.5, 2.0, 1.0])
    got = ttost_ind(x, [10] * 3, y, [12] * 3, low, upp)
    for i in range(3):
        want = sm_ttost_ind(x[i], y[i], low[i], upp[i])[0]
        assert got.pvalue[i] == pytest.approx(want, rel=1e-10)


def test_too_small_is_nan():
    x, nx = _pad([np.array([1.0]), np.array([1.0, 2.0, 3.0])])
    got = ttost_ind(x, nx, [[1.0, 2.0, 2.5]], [3], -1, 1)
    assert np.isnan(got.pvalue[0]) and np.isfinite(got.pvalue[1])


def test_constant_equal_samples_are_equivalent_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ttost_ind([[2.0, 2.0, 2.0]], [3], [[2.0, 2.0]], [2], -0.1, 0.1)
    assert got.pvalue[0] == 0.0


def test_validation():
    with pytest.raises(ValueError, match="`usevar` must be one of"):
        ttost_ind([[1.0, 2.0]], [2], [[1.0, 2.0]], [2], -1, 1, usevar="welch")
    with pytest.raises(ValueError, match="`y` must have 1 or 2 rows"):
        ttost_ind(np.zeros((2, 2)), [2, 2], np.zeros((3, 2)), [2, 2, 2], -1, 1)


def test_ttost_paired_equals_statsmodels():
    from statsmodels.stats.weightstats import ttost_paired as sm_ttost_paired

    from sweepwalk.stats import ttost_paired

    rng = np.random.default_rng(8)
    k = 15
    x = np.round(rng.normal(0.8, 0.02, size=(6, k)), 3)
    y = np.round(x + rng.normal(0.002, 0.01, size=(6, k)), 3)
    n = np.array([2, 3, 8, 15, 15, 10])
    x[np.arange(k) >= n[:, None]] = np.nan
    low, upp = -0.01, np.array([0.01, 0.02, 0.005, 0.01, 0.003, 0.01])
    got = ttost_paired(x, n, y, n, low, upp)
    for i in range(6):
        p, (t1, p1, _), (t2, p2, df2) = sm_ttost_paired(x[i, : n[i]], y[i, : n[i]], low, upp[i])
        np.testing.assert_allclose(
            [got.pvalue[i], got.statistic_low[i], got.pvalue_low[i]],
            [p, t1, p1],
            rtol=1e-10,
        )
        np.testing.assert_allclose(
            [got.statistic_upp[i], got.pvalue_upp[i], got.df[i]], [t2, p2, df2], rtol=1e-10
        )


def test_ttost_paired_pairs_on_shared_seeds():
    from statsmodels.stats.weightstats import ttost_paired as sm_ttost_paired

    from sweepwalk.stats import ttost_paired

    x = np.array([[1.0, 1.1, 1.3, 0.9, np.nan]])
    xs = np.array([[0, 1, 2, 4, -1]])
    y = np.array([[1.05, 1.0, 1.2, 0.95, 1.0]])
    ys = np.array([[1, 2, 3, 4, 0]])
    got = ttost_paired(x, [4], y, [5], -0.2, 0.2, x_seeds=xs, y_seeds=ys)
    # shared seeds 0, 1, 2, 4 (in the row's order)
    a, b = np.array([1.0, 1.1, 1.3, 0.9]), np.array([1.0, 1.05, 1.0, 0.95])
    assert got.pvalue[0] == pytest.approx(sm_ttost_paired(a, b, -0.2, 0.2)[0], rel=1e-10)
    one = ttost_paired([[1.0, np.nan]], [1], [[2.0, np.nan]], [1], -1, 1)
    assert np.isnan(one.pvalue[0])


@pytest.mark.parametrize("usevar", ["pooled", "unequal"])
@pytest.mark.parametrize("seed", range(4))
def test_tost_ind_rejects_is_the_p_value_decision(usevar, seed):
    # every decision equals ttost_ind's p-value <= alpha, including rows at the threshold
    rng = np.random.default_rng(seed)
    m = 3000
    nx = rng.integers(0, 8, size=m)
    x = np.round(rng.normal(0, 1, size=(m, 7)), 1)
    x[np.arange(7) >= nx[:, None]] = np.nan
    y = np.round(rng.normal(0, 1, size=(m, 6)), 1)
    y[:50] = x[:50, :6]  # identical rows: zero spread on some
    ny = np.full(m, 6)
    margin = float(rng.choice([0.5, 1.0, 2.0]))
    alpha = 0.05
    p = ttost_ind(x, nx, y, ny, -margin, margin, usevar=usevar).pvalue
    got = tost_ind_rejects(x, nx, y, ny, -margin, margin, alpha, usevar=usevar)
    np.testing.assert_array_equal(got, p <= alpha)
    assert got.any() and (~got).any()
