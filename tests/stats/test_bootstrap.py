from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sweepwalk.stats._bootstrap import bootstrap_intervals


def _pad(rows: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    k = max(1, max(len(r) for r in rows))
    out = np.full((len(rows), k), np.nan)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out, np.array([len(r) for r in rows], dtype=np.int64)


def _loop(x, nx, y, ny, *, ci, n_resamples, goal, random_state):
    """Plain per-row loop with the documented random draws and naive statistics."""
    rng = np.random.default_rng(random_state)
    seeds = rng.integers(0, 2**63 - 1, size=2)
    rng_x, rng_y = np.random.default_rng(seeds[0]), np.random.default_rng(seeds[1])
    m = x.shape[0]
    broadcast = y.shape[0] == 1 and m != 1
    u_y_shared = rng_y.random((n_resamples, y.shape[1])) if broadcast else None
    q = [(1 - ci) / 2, (1 + ci) / 2]
    out = np.full((4, m), np.nan)
    for i in range(m):
        u_x = rng_x.random((n_resamples, x.shape[1]))
        u_y = u_y_shared if broadcast else rng_y.random((n_resamples, y.shape[1]))
        j = 0 if broadcast else i
        n1, n2 = int(nx[i]), int(ny[j])
        if n1 < 1 or n2 < 1:
            continue
        xr = x[i, :n1][np.floor(u_x[:, :n1] * n1).astype(int)]
        yr = y[j, :n2][np.floor(u_y[:, :n2] * n2).astype(int)]
        a, b = xr[:, :, None], yr[:, None, :]
        wins = (a > b) if goal == "max" else (a < b)
        effect = (wins + 0.5 * (a == b)).mean(axis=(1, 2))
        diff = xr.mean(axis=1) - yr.mean(axis=1)
        out[0:2, i] = np.quantile(effect, q)
        out[2:4, i] = np.quantile(diff, q)
    return out


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 9), min_size=1, max_size=6),
    target_sizes=st.lists(st.integers(0, 9), min_size=1, max_size=6),
    broadcast=st.booleans(),
    goal=st.sampled_from(["max", "min"]),
    seed=st.integers(0, 2**32 - 1),
    ci=st.sampled_from([0.9, 0.95]),
)
def test_equals_plain_loop_with_same_draws(sizes, target_sizes, broadcast, goal, seed, ci):
    rng = np.random.default_rng(seed)
    # Rounded values make ties frequent.
    x, nx = _pad([np.round(rng.normal(size=n), 1) for n in sizes])
    if broadcast:
        y, ny = _pad([np.round(rng.normal(size=target_sizes[0]), 1)])
    else:
        sz = (target_sizes * len(sizes))[: len(sizes)]
        y, ny = _pad([np.round(rng.normal(size=n), 1) for n in sz])
    got = bootstrap_intervals(x, nx, y, ny, ci=ci, n_resamples=57, goal=goal, random_state=seed)
    want = _loop(x, nx, y, ny, ci=ci, n_resamples=57, goal=goal, random_state=seed)
    np.testing.assert_allclose(np.array(got), want, rtol=1e-12, atol=1e-12)


def test_chunking_does_not_change_result(monkeypatch):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 12))
    nx = rng.integers(1, 13, size=30)
    y = rng.normal(size=(1, 10))
    whole = bootstrap_intervals(x, nx, y, [10], n_resamples=100, random_state=5)
    monkeypatch.setattr("sweepwalk.stats._bootstrap._CHUNK_ELEMENTS", 1)
    chunked = bootstrap_intervals(x, nx, y, [10], n_resamples=100, random_state=5)
    np.testing.assert_array_equal(np.array(whole), np.array(chunked))


def test_reproducible_and_generator_accepted():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(4, 8)), rng.normal(size=(1, 8))
    a = bootstrap_intervals(x, [8] * 4, y, [8], random_state=11, n_resamples=200)
    b = bootstrap_intervals(
        x, [8] * 4, y, [8], random_state=np.random.default_rng(11), n_resamples=200
    )
    np.testing.assert_array_equal(np.array(a), np.array(b))
    c = bootstrap_intervals(x, [8] * 4, y, [8], random_state=12, n_resamples=200)
    assert not np.array_equal(np.array(a), np.array(c))


def test_goal_min_mirrors_effect():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(5, 10)), rng.normal(size=(1, 10))
    up = bootstrap_intervals(x, [10] * 5, y, [10], random_state=2, n_resamples=300)
    down = bootstrap_intervals(x, [10] * 5, y, [10], random_state=2, n_resamples=300, goal="min")
    np.testing.assert_allclose(down.effect_low, 1 - up.effect_high, atol=1e-12)
    np.testing.assert_allclose(down.diff_mean_low, up.diff_mean_low)


def test_close_to_scipy_percentile_bootstrap():
    rng = np.random.default_rng(7)
    x, y = rng.normal(0.5, 1.0, size=25), rng.normal(0.0, 2.0, size=30)
    ours = bootstrap_intervals(x[None], [25], y[None], [30], n_resamples=9999, random_state=1)

    def diff(a, b, axis=-1):
        return np.mean(a, axis=axis) - np.mean(b, axis=axis)

    def a12(a, b, axis=-1):
        a, b = np.moveaxis(a, axis, -1), np.moveaxis(b, axis, -1)
        c = a[..., :, None] - b[..., None, :]
        return ((c > 0) + 0.5 * (c == 0)).mean(axis=(-1, -2))

    kw = {"method": "percentile", "n_resamples": 9999, "random_state": 2}
    ref_d = stats.bootstrap((x, y), diff, **kw).confidence_interval
    ref_a = stats.bootstrap((x, y), a12, batch=500, **kw).confidence_interval
    # Two independent Monte Carlo runs: endpoints agree up to resampling noise.
    assert ours.diff_mean_low[0] == pytest.approx(ref_d.low, abs=0.06)
    assert ours.diff_mean_high[0] == pytest.approx(ref_d.high, abs=0.06)
    assert ours.effect_low[0] == pytest.approx(ref_a.low, abs=0.02)
    assert ours.effect_high[0] == pytest.approx(ref_a.high, abs=0.02)


def test_coverage_on_simulated_data():
    # 400 simulated (row, target) pairs, n = 30 each, shift 0.5, sd 1: the percentile intervals
    # must cover the true A12 (Phi(0.5 / sqrt 2)) and the true mean difference (0.5) about 95%
    # of the time (the percentile method is known to under-cover slightly at small n).
    rng = np.random.default_rng(2024)
    reps, n, shift = 400, 30, 0.5
    x = rng.normal(shift, 1.0, size=(reps, n))
    y = rng.normal(0.0, 1.0, size=(reps, n))
    res = bootstrap_intervals(x, [n] * reps, y, [n] * reps, n_resamples=1000, random_state=9)
    true_a12 = stats.norm.cdf(shift / np.sqrt(2))
    cover_a = np.mean((res.effect_low <= true_a12) & (true_a12 <= res.effect_high))
    cover_d = np.mean((res.diff_mean_low <= shift) & (shift <= res.diff_mean_high))
    # Binomial sd at 0.95 with 400 reps is ~0.011.
    assert 0.90 <= cover_a <= 0.985
    assert 0.90 <= cover_d <= 0.985


def test_empty_side_is_nan_and_single_score_degenerate():
    x, nx = _pad([np.array([]), np.array([2.0]), np.array([1.0, 3.0])])
    y = np.array([[1.0, 2.0]])
    res = bootstrap_intervals(x, nx, y, [2], random_state=0, n_resamples=50)
    assert np.isnan(np.array(res)[:, 0]).all()
    assert np.isfinite(np.array(res)[:, 1:]).all()
    none = bootstrap_intervals(x, nx, y, [0], random_state=0, n_resamples=50)
    assert np.isnan(np.array(none)).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"ci": 1.0}, "`ci`"),
        ({"ci": 0}, "`ci`"),
        ({"n_resamples": 0}, "`n_resamples`"),
        ({"goal": "up"}, "`goal` must be one of"),
    ],
)
def test_validation(kwargs, match):
    with pytest.raises(ValueError, match=match):
        bootstrap_intervals([[1.0, 2.0]], [2], [[1.0]], [1], **kwargs)


def test_y_rows_must_match():
    with pytest.raises(ValueError, match="`y` must have 1 or 3 rows"):
        bootstrap_intervals(np.zeros((3, 2)), [2, 2, 2], np.zeros((2, 2)), [2, 2])
