"""The one-pass intervals against every configuration equal the straightforward computation.

The fast path (placement sums from the KS index, Newton on the A12 score equation, the
interpolated t quantile, the shortcut of the check at 1/2) against the plain one on random
rows with ties, NaN padding and unequal sizes.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import example, given, settings
from hypothesis import strategies as hst
from rowdata import rows

from sweepwalk.stats import (
    _intervals,
    _placement_sums,
    _score_interval,
    a12_interval,
    against_parts,
    estimate,
    estimate_against,
    estimate_from_parts,
    ks_index,
)
from sweepwalk.stats._tquantile import t_quantile


def _index(x, nx):
    valid = np.arange(x.shape[1]) < nx[:, None]
    return ks_index(np.sort(np.where(valid, x, np.nan), axis=1), nx)


@hst.composite
def _against_one(draw, max_m=30, max_k=14):
    """(x, nx, y): NaN-padded rows with ties and one target of unequal size."""
    rng = np.random.default_rng(draw(hst.integers(0, 2**32 - 1)))
    m, k = draw(hst.integers(1, max_m)), draw(hst.integers(1, max_k))
    decimals = draw(hst.sampled_from([0, 1, 3]))
    x, nx = rows(rng, m, k, decimals=decimals)
    y, ny = rows(rng, 1, draw(hst.integers(1, max_k)), n_min=1, decimals=decimals)
    return x, nx, y[0, : ny[0]]


@settings(max_examples=80, deadline=None)
@given(data=_against_one(), subset=hst.booleans())
def test_placement_moments_equal_the_sorted_pooled_rows(data, subset):
    x, nx, y = data
    rows_ = np.arange(0, len(nx), 2) if subset else np.arange(len(nx))
    got = _placement_sums.placement_moments(_index(x, nx), rows_ if subset else None, np.sort(y))
    xs, ns = x[rows_], nx[rows_]
    ny = np.full(len(rows_), len(y))
    px, qy = _intervals._placements(xs, ns, y[None, :], ny)
    a12, var_p = _intervals._moments(px, ns)
    _, var_q = _intervals._moments(qy, ny)
    want = (np.where(ns >= 1, a12, np.nan), var_p, np.where(ns >= 1, var_q, np.nan))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15, equal_nan=True)


@pytest.mark.parametrize("n", [2, 3, 5, 20, 100, 2000])
def test_newton_bounds_equal_the_bisection(n):
    rng = np.random.default_rng(n)
    size = 4000
    a = rng.integers(0, 2 * n * n + 1, size=size) / (2.0 * n * n)  # every A12 a grid can give
    m, k = np.full(size, float(n)), np.full(size, float(n + rng.integers(0, 3)))
    scale = st.norm.ppf(rng.choice([0.9, 0.975, 0.995])) ** 2 * np.maximum(
        1.0, rng.lognormal(0, 0.8, size)
    )
    got = _score_interval.score_bounds(a, m, k, scale)
    want = _score_interval._bisect_bounds(a, m, k, scale)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-12)


def test_newton_bounds_fall_back_to_the_bisection_where_they_do_not_verify():
    a = np.array([0.3, 0.3])
    scale = np.array([np.nan, 4.0])  # NaN: Newton gives NaN, the bisection its own answer
    m = np.full(2, 10.0)
    got = _score_interval.score_bounds(a, m, m, scale)
    want = _score_interval._bisect_bounds(a, m, m, scale)
    np.testing.assert_array_equal(got[0], want[0])
    np.testing.assert_allclose(got[1], want[1], atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=hst.integers(0, 2**32 - 1), q=hst.sampled_from([0.9, 0.95, 0.975, 0.995]))
def test_t_quantile_equals_scipy(seed, q):
    rng = np.random.default_rng(seed)
    low = rng.choice([0.5, 1.0, 3.0, 30.0, 1e4])
    df = low * rng.lognormal(0.0, rng.choice([0.01, 0.5, 2.0]), size=5000)
    df[:3] = [np.inf, np.nan, 1.0]
    got, want = t_quantile(q, df), st.t.ppf(q, df)
    np.testing.assert_allclose(got, want, rtol=1e-13, equal_nan=True)


def _half_check_sizes(rng, m):
    n = int(rng.choice([10, 12, 20, 40]))
    shift = rng.normal(0, 0.6, size=(m, 1))
    x = np.round(rng.normal(size=(m, n)) + shift, int(rng.choice([0, 1, 2])))
    return x, np.full(m, n)


@pytest.mark.parametrize("seed", range(6))
def test_half_shortcut_only_skips_rows_both_tests_reject(seed):
    # rows it marks as rejected must have Mann-Whitney and Brunner-Munzel p <= 1 - cl
    rng = np.random.default_rng(seed)
    x, nx = _half_check_sizes(rng, 400)
    y = np.round(rng.normal(size=(1, int(rng.choice([10, 15, 25])))), 1)
    ny = np.full(len(nx), y.shape[1])
    px, qy = _intervals._placements(x, nx, y, ny)
    a12, var_p = _intervals._moments(px, nx)
    _, var_q = _intervals._moments(qy, ny)
    sure = _score_interval.half_rejected(a12, var_p, var_q, nx, ny, 0.95)
    p = _intervals._half_pvalue(x, nx, np.broadcast_to(y, (len(nx), y.shape[1])), ny)
    assert sure.any() and (~sure).any()  # the check decides both ways on these rows
    assert np.all(p[sure] <= 0.05)


@settings(max_examples=60, deadline=None)
@given(
    data=_against_one(),
    test=hst.sampled_from(["ks", "mannwhitney", "welch", "brunnermunzel"]),
    cl=hst.sampled_from([0.8, 0.95, 0.99]),
)
def test_estimate_against_equals_estimate(data, test, cl):
    x, nx, y = data
    index = _index(x, nx)
    ids = np.arange(len(nx))
    valid = np.arange(x.shape[1]) < nx[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, x, 0.0).sum(axis=1) / nx
        var = (np.where(valid, x - mean[:, None], 0.0) ** 2).sum(axis=1) / (nx - 1)
    mean, var = np.where(nx >= 1, mean, np.nan), np.where(nx >= 2, var, np.nan)
    got = estimate_against(test, index, ids, y, (mean, var), confidence_level=cl)
    want = estimate(test, x, nx, y[None, :], [len(y)], confidence_level=cl)
    for name, g, w in zip(want._fields, got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12, equal_nan=True, err_msg=name)


def test_a12_interval_unchanged_on_a_tied_grid():
    # a plain regression check of the refactored a12_interval on its own: accuracies of 20
    # seeds on a grid of 1/100, against a target of 15 (unequal sizes)
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(0.8, 0.02, size=(300, 20)), 2)
    y = np.round(rng.normal(0.8, 0.02, size=(1, 15)), 2)
    a, low, high = a12_interval(x, np.full(300, 20), y, [15], 0.95)
    ref_low, ref_high = _score_interval._bisect_bounds(
        a, np.full(300, 20.0), np.full(300, 15.0), _scale(x, y, a, 0.95)
    )
    held = (low == 0.5) | (high == 0.5)  # where the check at 1/2 widened the interval
    np.testing.assert_allclose(low[~held], ref_low[~held], atol=1e-12)
    np.testing.assert_allclose(high[~held], ref_high[~held], atol=1e-12)


def _scale(x, y, a, cl):
    n, k = x.shape[1], y.shape[1]
    p = ((x[:, :, None] > y[0]) + 0.5 * (x[:, :, None] == y[0])).mean(axis=2)
    q = (y[0][None, :, None] > x[:, None, :]) + 0.5 * (y[0][None, :, None] == x[:, None, :])
    q = q.mean(axis=2)
    u, w = p.var(axis=1, ddof=1) / n, q.var(axis=1, ddof=1) / k
    ratio = (u + w) / _score_interval.hanley_mcneil_var(a, float(n), float(k))
    # z widened by the Satterthwaite degrees of freedom of u + w against the pooled ones
    with np.errstate(invalid="ignore", divide="ignore"):
        f = (u + w) ** 2 / (u**2 / (n - 1) + w**2 / (k - 1))
    f = np.where(np.isfinite(f), np.clip(f, 1.0, n + k - 2), n + k - 2)
    z = st.norm.ppf(0.5 + cl / 2) * st.t.ppf(0.5 + cl / 2, f) / st.t.ppf(0.5 + cl / 2, n + k - 2)
    return z**2 * np.maximum(ratio, 1.0)


def test_placement_sums_refuse_a_target_beyond_their_packing():
    x = np.arange(6.0).reshape(2, 3)
    index = _index(x, np.array([3, 3]))
    with pytest.raises(ValueError, match="at most 32767"):
        _placement_sums.placement_sums(index, None, np.zeros(40_000))


def test_compare_against_all_with_a_target_of_many_runs_takes_the_plain_path():
    import pandas as pd

    from sweepwalk import Sweep

    rng = np.random.default_rng(0)
    sizes = [10_050, 5, 7, 6]
    runs = pd.DataFrame(
        {
            "lr": np.repeat([0.1, 0.2, 0.3, 0.4], sizes),
            "seed": np.concatenate([np.arange(n) for n in sizes]),
            "acc": np.round(rng.normal(0.8, 0.02, sum(sizes)), 3),
        }
    )
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    res = sweep.compare(0, against="all")
    x, nx = sweep.score_matrix[res.ids], sweep.counts[res.ids]
    want = estimate("ks", x, nx, sweep.score_matrix[:1], sweep.counts[:1])
    np.testing.assert_allclose(res.effect_low, want.effect_low, atol=1e-12)
    np.testing.assert_allclose(res.diff_mean_high, want.diff_mean_high, atol=1e-12)


def test_t_quantile_near_one_half_is_scipys_own():
    # scipy's t.ppf(0.5 + 5e-10, df) is 0 at df 4 and 6 and ~1.3e-9 beside them
    df = np.concatenate([[4.0, 6.0], np.linspace(1.0, 40.0, 5000)])
    q = 0.5 + 1e-9 / 2
    np.testing.assert_array_equal(t_quantile(q, df), st.t.ppf(q, df))


@settings(max_examples=30, deadline=None)
@given(seed=hst.integers(0, 2**32 - 1), cl=hst.sampled_from([1e-9, 0.5, 0.8, 0.95, 0.99]))
@example(seed=329, cl=1e-9)  # u = 0 gives df = n - 1 = 4 or 6, where scipy's quantile is 0
def test_small_sample_quantile_equals_scipy(seed, cl):
    # the widened quantile of the A12 interval, z t_f / t_(m + n - 2), from scipy per row
    rng = np.random.default_rng(seed)
    size = 5000  # above t_quantile's threshold: the interpolated path
    m = rng.integers(2, rng.choice([4, 30, 300]), size=size).astype(np.float64)
    n = np.full(size, float(rng.integers(2, 40)))
    u, w = rng.lognormal(0, 2, size), rng.lognormal(0, 2, size)
    u[:3], w[:3] = 0.0, [0.0, np.nan, 1.0]  # placements that do not vary, NaN
    got = _intervals._small_sample_quantile(cl, u, w, m, n)
    q = 0.5 + cl / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (u + w) ** 2 / (u**2 / (m - 1) + w**2 / (n - 1))
        df = np.where(np.isfinite(df), np.clip(df, 1.0, m + n - 2), m + n - 2)
        want = st.norm.ppf(q) * st.t.ppf(q, df) / st.t.ppf(q, m + n - 2)
    want = np.where(np.isfinite(want), want, st.norm.ppf(q))
    np.testing.assert_allclose(got, want, rtol=1e-13)
    # a level per row: scipy's quantiles row by row
    levels = rng.uniform(0.5, 1 - 1e-9, size=size)
    got = _intervals._small_sample_quantile(levels, u, w, m, n)
    q = 0.5 + levels / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        want = st.norm.ppf(q) * st.t.ppf(q, df) / st.t.ppf(q, m + n - 2)
    np.testing.assert_allclose(got, np.where(np.isfinite(want), want, st.norm.ppf(q)), rtol=1e-13)


@settings(max_examples=40, deadline=None)
@given(
    data=_against_one(),
    test=hst.sampled_from(["ks", "mannwhitney", "welch"]),
    levels=hst.tuples(hst.sampled_from([0.8, 0.95]), hst.sampled_from([0.99, 1 - 1e-7])),
    seed=hst.integers(0, 2**32 - 1),
)
def test_estimate_from_parts_equals_estimate_against_at_each_level(data, test, levels, seed):
    # one pass over the index, then intervals at two levels for all rows and for a subset
    x, nx, y = data
    index = _index(x, nx)
    ids = np.arange(len(nx))
    valid = np.arange(x.shape[1]) < nx[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, x, 0.0).sum(axis=1) / nx
        var = (np.where(valid, x - mean[:, None], 0.0) ** 2).sum(axis=1) / (nx - 1)
    moments = (np.where(nx >= 1, mean, np.nan), np.where(nx >= 2, var, np.nan))
    parts = against_parts(index, ids, y, moments)
    picked = np.flatnonzero(np.random.default_rng(seed).random(len(ids)) < 0.5)
    cases = [(levels[0], None, ids), (levels[1], picked, picked)]
    for level, chosen, rows_ in cases:
        got = estimate_from_parts(test, parts, confidence_level=level, picked=chosen)
        sub = (moments[0][rows_], moments[1][rows_])
        want = estimate_against(test, index, rows_, y, sub, confidence_level=level)
        for name, g, w in zip(want._fields, got, want, strict=True):
            np.testing.assert_array_equal(g, w, err_msg=name)


def test_newton_in_place_gives_the_floats_of_the_written_out_steps():
    rng = np.random.default_rng(7)
    coef = tuple(rng.normal(size=500) * 10.0 ** rng.integers(-3, 4) for _ in range(5))
    start = rng.uniform(0, 1, size=500)
    t = start
    for _ in range(_score_interval._NEWTON_STEPS):
        c0, c1, c2, c3, c4 = coef
        value = c0 + t * (c1 + t * (c2 + t * (c3 + t * c4)))
        slope = c1 + t * (2.0 * c2 + t * (3.0 * c3 + t * (4.0 * c4)))
        t = t - value / slope
    with np.errstate(all="ignore"):
        got = _score_interval._newton_quartic(coef, start)
    np.testing.assert_array_equal(got, t)


@settings(max_examples=30, deadline=None)
@given(seed=hst.integers(0, 2**32 - 1), m=hst.sampled_from([2, 3, 9, 10, 20, 100]))
def test_one_size_for_every_row_gives_the_floats_of_sizes_per_row(seed, m):
    # a grid of seeds takes the bounds' pieces with scalar sizes: the same floats as arrays
    rng = np.random.default_rng(seed)
    size, n = 3000, float(rng.choice([2, 5, 10, 20, 100]))
    a = rng.integers(0, int(2 * m * n) + 1, size=size) / (2.0 * m * n)
    var_p, var_q = rng.lognormal(-4, 2, size), rng.lognormal(-4, 2, size)
    var_p[:3], var_q[:3] = 0.0, [0.0, np.nan, 1.0]
    scale = st.norm.ppf(0.975) ** 2 * np.maximum(1.0, rng.lognormal(0, 0.8, size))
    one_m, one_n = np.asarray(float(m)), np.asarray(n)
    many_m, many_n = np.full(size, float(m)), np.full(size, n)
    for cl in (0.9, 0.95, 0.999):
        np.testing.assert_array_equal(
            _intervals._small_sample_quantile(cl, var_p / m, var_q / n, one_m, one_n),
            _intervals._small_sample_quantile(cl, var_p / m, var_q / n, many_m, many_n),
        )
        np.testing.assert_array_equal(
            _score_interval.half_rejected(a, var_p, var_q, one_m, one_n, cl),
            _score_interval.half_rejected(a, var_p, var_q, many_m, many_n, cl),
        )
    for one, many in zip(
        _score_interval.score_bounds(a, one_m, one_n, scale),
        _score_interval.score_bounds(a, many_m, many_n, scale),
        strict=True,
    ):
        np.testing.assert_array_equal(one, many)
    assert _intervals._sizes(np.full(size, m)).ndim == 0
    assert _intervals._sizes(np.array([m, m + 1])).ndim == 1
