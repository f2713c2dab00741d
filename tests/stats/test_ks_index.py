"""KS on rows sorted once (ks_index / ks_against) equals scipy's ks_2samp row by row."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from rowdata import rows

from sweepwalk import Sweep
from sweepwalk.stats import _ks, a12, ks_against, ks_index


def _sorted_index(x, nx):
    valid = np.arange(x.shape[1]) < nx[:, None]
    return ks_index(np.sort(np.where(valid, x, np.nan), axis=1), nx)


def _check(x, nx, y, rows_=None):
    for merge_factor in (0, 10**12):  # the indexed pass, then the row-by-row merge
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(_ks, "_MERGE_FACTOR", merge_factor)
            _check_path(x, nx, y, rows_)


def _check_path(x, nx, y, rows_):
    index = _sorted_index(x, nx)
    stat, p, effect = ks_against(index, y, rows_)
    ids = np.arange(len(nx)) if rows_ is None else rows_
    assert stat.shape == p.shape == effect.shape == (len(ids),)
    ref_a12 = a12(x[ids], nx[ids], y[None, :], np.array([len(y)]))
    for k, i in enumerate(ids):
        if nx[i] == 0:
            assert np.isnan(stat[k]) and np.isnan(p[k]) and np.isnan(effect[k])
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ref = st.ks_2samp(y, x[i, : nx[i]])
        assert stat[k] == ref.statistic, (i, stat[k], ref.statistic)
        assert p[k] == ref.pvalue, (i, p[k], ref.pvalue)
        assert effect[k] == ref_a12[k]


@settings(max_examples=120, deadline=None)
@given(
    seed=hst.integers(0, 2**32 - 1),
    m=hst.integers(1, 30),
    k=hst.integers(1, 16),
    ny=hst.integers(1, 16),
    decimals=hst.sampled_from([0, 1, 3]),
    subset=hst.booleans(),
)
def test_ks_against_matches_scipy(seed, m, k, ny, decimals, subset):
    # ties inside rows, inside the target and across them; NaN padding; counts from 0 to k
    rng = np.random.default_rng(seed)
    x, nx = rows(rng, m, k, decimals=decimals)
    y = np.round(rng.normal(size=ny), decimals)
    picked = rng.permutation(m)[: rng.integers(0, m + 1)] if subset else None
    _check(x, nx, y, picked)


def test_rows_of_one_size_and_a_target_equal_to_a_row():
    # every row full: the scalar-weight path; the target is one of the rows (all ties)
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=(200, 7)), 1)
    nx = np.full(200, 7)
    _check(x, nx, x[17].copy())
    _check(x, nx, np.round(rng.normal(size=4), 1))
    # one row size but n2 * lcm(n1, n2) >= 2**15: the general path
    x = np.round(rng.normal(size=(30, 200)), 2)
    _check(x, np.full(30, 200), np.round(rng.normal(size=199), 2))


def test_padding_holds_garbage_and_values_outside_the_index():
    # values past each row's count are ignored; the target's values need not occur in rows
    x = np.array([[0.1, 0.2, 99.0], [0.3, 5.0, -7.0], [1.0, 1.0, 1.0]])
    nx = np.array([2, 1, 3])
    _check(x, nx, np.array([0.15, 1.0, 1.0, 2.5]))


def test_samples_above_the_exact_limit_use_scipy_directly():
    rng = np.random.default_rng(0)
    n = _ks._MAX_EXACT_N + 1
    x = np.full((2, n), np.nan)
    x[0] = np.round(rng.normal(size=n), 2)
    x[1, :40] = rng.normal(size=40)
    _check(x, np.array([n, 40]), np.round(rng.normal(size=30), 2))


def test_fallback_to_the_asymptotic_p_value_is_noted_once(monkeypatch):
    real = st.ks_2samp

    def fake(a, b, *args, **kwargs):
        warnings.warn("ks_2samp: Exact calculation unsuccessful.", RuntimeWarning, stacklevel=2)
        return real(a, b, *args, **kwargs)

    _ks._P_CACHE.clear()
    monkeypatch.setattr(_ks.stats, "ks_2samp", fake)
    x = np.tile(np.arange(5.0), (50, 1)) + np.arange(50)[:, None] % 3
    notes: list[str] = []
    ks_against(_sorted_index(x, np.full(50, 5)), np.arange(1.0, 7.0), notes=notes)
    _ks._P_CACHE.clear()
    assert notes == [
        "ks_2samp: the exact p-value is not computable for sample sizes (6, 5); scipy's "
        "asymptotic p-value is used, as ks_2samp itself does."
    ]


def test_empty_target_or_no_rows_give_nan_or_nothing():
    index = _sorted_index(np.array([[1.0, 2.0]]), np.array([2]))
    stat, p, effect = ks_against(index, np.zeros(0))
    assert np.isnan(stat).all() and np.isnan(p).all() and np.isnan(effect).all()
    stat, _, _ = ks_against(index, np.array([1.0]), np.zeros(0, dtype=np.int64))
    assert stat.shape == (0,)


def test_sweep_keeps_sorted_scores_and_one_index():
    runs = pd.DataFrame(
        {
            "lr": [0.1] * 4 + [0.2] * 3,
            "seed": [3, 1, 2, 0, 1, 0, 2],
            "acc": [0.9, 0.7, np.nan, 0.8, 0.5, 0.6, 0.4],
        }
    )
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    expected = np.sort(sweep.score_matrix, axis=1)
    np.testing.assert_array_equal(sweep.sorted_scores, expected)
    with pytest.raises(ValueError, match="read-only"):
        sweep.sorted_scores[0, 0] = 1.0
    assert sweep.ks_index is sweep.ks_index  # built once
    np.testing.assert_array_equal(sweep.ks_index.counts, sweep.counts)


@pytest.mark.parametrize("decimals", [None, 1, 3])
def test_dense_ranks_equal_the_sorted_ranks(decimals):
    # repeated values (rounded scores, signed zeros) take the hashed path, distinct ones the sort
    rng = np.random.default_rng(0 if decimals is None else decimals)
    flat = rng.normal(size=60_000)
    if decimals is not None:
        flat = np.round(flat, decimals)
        flat[:100] = -0.0
    ranks, uniques = _ks._dense_ranks(flat)
    want_uniques, want_ranks = np.unique(flat, return_inverse=True)
    np.testing.assert_array_equal(uniques, want_uniques)
    np.testing.assert_array_equal(ranks, want_ranks)


def test_index_of_full_rows_ranks_every_score():
    # every row full (a grid of seeds): the index is built without masks, same ranks
    rng = np.random.default_rng(4)
    x = np.sort(np.round(rng.normal(size=(500, 6)), 1), axis=1)
    index = ks_index(x, np.full(500, 6))
    uniques, inverse = np.unique(x.T.reshape(-1), return_inverse=True)
    np.testing.assert_array_equal(index.uniques, uniques)
    np.testing.assert_array_equal(index.ranks, inverse.reshape(6, 500))
    assert not index.ranks.flags.writeable


def test_missing_p_values_come_from_one_scipy_call_per_row_size(monkeypatch):
    # a first comparison meets many new (n1, n2, h): one batched ks_2samp per row size,
    # each p-value equal to scipy's own call on that row
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=(60, 12)) + np.linspace(-2, 2, 60)[:, None], 1)
    nx = np.where(np.arange(60) % 2 == 0, 12, 9)
    y = np.round(rng.normal(size=10), 1)
    calls = []
    real = st.ks_2samp

    def counted(*args, **kwargs):
        calls.append(kwargs.get("axis"))
        return real(*args, **kwargs)

    _ks._P_CACHE.clear()
    monkeypatch.setattr(_ks.stats, "ks_2samp", counted)
    monkeypatch.setattr(_ks, "_MERGE_FACTOR", 0)  # the indexed pass, even for 60 rows
    _, p, _ = ks_against(_sorted_index(x, nx), y)
    _ks._P_CACHE.clear()
    assert calls == [1, 1]
    monkeypatch.setattr(_ks.stats, "ks_2samp", real)
    for i in range(60):
        assert p[i] == st.ks_2samp(y, x[i, : nx[i]]).pvalue


@settings(max_examples=100, deadline=None)
@given(
    seed=hst.integers(0, 2**32 - 1),
    m=hst.integers(1, 40),
    k=hst.integers(1, 40),
    ny=hst.integers(1, 40),
    decimals=hst.sampled_from([0, 1, 3]),
)
def test_placement_sums_from_the_ks_pass_equal_their_own_pass(seed, m, k, ny, decimals):
    # a grid of seeds (every row full): the KS pass also leaves the intervals' sums
    from sweepwalk.stats._placement_sums import placement_sums, sums_from_pass

    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=(m, k)) + rng.normal(0, 0.5, size=(m, 1)), decimals)
    y = np.round(rng.normal(size=ny), decimals)
    index = _sorted_index(x, np.full(m, k))
    placement: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_ks, "_MERGE_FACTOR", 0)  # the indexed pass, even for a few rows
        got = ks_against(index, y, placement=placement)
        plain = ks_against(index, y)  # and the KS numbers are those without the sums
    for g, w in zip(got, plain, strict=True):
        np.testing.assert_array_equal(g, w)
    lcm = ny * k // np.gcd(ny, k)
    assert bool(placement) == (lcm * k < 2**15)  # the one-size pass leaves them
    if placement:
        want = placement_sums(index, None, np.sort(y))
        got = sums_from_pass(index, np.sort(y), placement)
        for name, g, w in zip(("s_p", "s_pp", "s_qq"), got, want, strict=True):
            np.testing.assert_array_equal(g, w, err_msg=name)
