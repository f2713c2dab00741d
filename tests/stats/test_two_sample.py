"""Every batched test equals a plain per-row scipy loop (1e-12)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from rowdata import row_sets, row_y

from sweepwalk.stats import TESTS, two_sample
from sweepwalk.stats._intervals import a12_half_pvalue
from sweepwalk.stats._permutation import mean_difference

TOL = 1e-12


def _reference(test, xi, yi, random_state=None, n_resamples=9999):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if test == "ks":
            res = st.ks_2samp(yi, xi)
        elif test == "mannwhitney":
            res = st.mannwhitneyu(xi, yi, alternative="two-sided")
            pooled = np.concatenate([xi, yi])
            if min(len(xi), len(yi)) <= 8 and len(np.unique(pooled)) < len(pooled):
                return float(res.statistic), _mw_conditional(xi, yi)
        elif test == "welch":
            if len(xi) >= 2 and len(yi) >= 2 and len(np.unique(np.concatenate([xi, yi]))) == 1:
                return 0.0, 1.0  # identical constant samples: t = 0, p = 1 (scipy: 0/0)
            res = st.ttest_ind(xi, yi, equal_var=False)
        else:
            res = st.permutation_test(
                (xi, yi),
                mean_difference,
                vectorized=True,
                n_resamples=n_resamples,
                rng=random_state,
                alternative="two-sided",
            )
    return float(res.statistic), float(res.pvalue)


def _mw_conditional(xi, yi):
    """Mann-Whitney's exact p-value given the ties: every split of the pooled midranks."""
    if min(len(xi), len(yi)) >= 2:
        method = st.PermutationMethod(n_resamples=np.inf)
        return float(st.mannwhitneyu(xi, yi, method=method).pvalue)
    ranks = st.rankdata(np.concatenate([xi, yi]))  # one side of one value: N splits
    small = len(xi) if len(xi) == 1 else len(yi)
    observed = ranks[0] if len(xi) == 1 else ranks[-1]
    low, high = np.mean(ranks <= observed), np.mean(ranks >= observed)
    assert small == 1
    return float(min(1.0, 2 * min(low, high)))


def _close(a, b):
    if np.isnan(a) or np.isnan(b):
        return np.isnan(a) and np.isnan(b)
    return a == b or abs(a - b) <= TOL


def _check(test, x, nx, y, ny, min_n=1, **kw):
    stat, p = two_sample(test, x, nx, y, ny, **kw)
    assert stat.shape == p.shape == (x.shape[0],)
    for i in range(x.shape[0]):
        yi = row_y(y, ny, i)
        if nx[i] < min_n or len(yi) < min_n:
            assert np.isnan(p[i])
            continue
        ref = _reference(test, x[i, : nx[i]], yi, **kw)
        assert _close(stat[i], ref[0]), (i, stat[i], ref[0])
        assert _close(p[i], ref[1]), (i, p[i], ref[1])


@settings(max_examples=80, deadline=None)
@given(row_sets())
def test_ks_matches_scipy(data):
    _check("ks", *data)


@settings(max_examples=60, deadline=None)
@given(row_sets())
def test_mannwhitney_matches_scipy(data):
    _check("mannwhitney", *data)


@settings(max_examples=60, deadline=None)
@given(row_sets())
def test_welch_matches_scipy(data):
    _check("welch", *data)


@settings(max_examples=25, deadline=None)
@given(row_sets(max_m=6, max_k=9), hst.integers(0, 2**31), hst.sampled_from([99, 999]))
def test_permutation_matches_scipy(data, seed, n_resamples):
    _check("permutation", *data, min_n=2, random_state=seed, n_resamples=n_resamples)


def _bm_statistic(a, b, axis=-1):
    return st.brunnermunzel(a, b, axis=axis).statistic


@settings(max_examples=25, deadline=None)
@given(row_sets(max_m=6, max_k=14), hst.integers(0, 2**31), hst.sampled_from([99, 999]))
def test_brunnermunzel_matches_scipy(data, seed, n_resamples):
    # >= 10 a side: brunnermunzel itself; where its t form degenerates: the studentised
    # permutation test, permutation_test of the same statistic with that rng; below 10 a
    # side the larger of that and the p-value the A12 interval inverts
    x, nx, y, ny = data
    stat, p = two_sample("brunnermunzel", x, nx, y, ny, random_state=seed, n_resamples=n_resamples)
    for i in range(x.shape[0]):
        xi, yi = x[i, : nx[i]], row_y(y, ny, i)
        if min(len(xi), len(yi)) < 2:
            assert np.isnan(p[i])
            continue
        if len(np.unique(np.concatenate([xi, yi]))) == 1:
            assert (stat[i], p[i]) == (0.0, 1.0)  # identical constant samples
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            ref = st.brunnermunzel(xi, yi)
            if min(len(xi), len(yi)) < 10 or not np.isfinite(ref.statistic):
                ref = st.permutation_test(
                    (xi, yi), _bm_statistic, vectorized=True, n_resamples=n_resamples,
                    rng=seed,
                )  # fmt: skip
        expected = float(ref.pvalue)
        if min(len(xi), len(yi)) < 10:
            half = a12_half_pvalue(xi[None], [len(xi)], yi[None], [len(yi)])[0]
            expected = max(expected, float(half))
        if np.isfinite(ref.statistic):
            assert stat[i] == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
            assert _close(p[i], expected), (i, p[i], ref.pvalue, expected)
        else:  # completely separated: scipy's tolerance is NaN there, ours 0
            assert stat[i] == ref.statistic


def test_ks_rowwise_targets_across_row_chunks(monkeypatch):
    from sweepwalk.stats import _ks

    monkeypatch.setattr(_ks, "_ROWS", 5)  # 23 rows -> chunks of 5, the last one short
    rng = np.random.default_rng(7)
    m = 23
    x = rng.integers(0, 4, size=(m, 9)).astype(float)  # many ties, within and across rows
    y = rng.integers(0, 4, size=(m, 6)).astype(float)
    x[::4] = rng.normal(size=(len(x[::4]), 9))
    nx, ny = rng.integers(1, 10, size=m), rng.integers(1, 7, size=m)
    x[np.arange(9) >= nx[:, None]] = -5.0  # padding that is not NaN must still be ignored
    y[np.arange(6) >= ny[:, None]] = np.nan
    _check("ks", x, nx, y, ny)


def test_ks_large_samples_and_mannwhitney_exact_group():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(4, 300))
    y = rng.normal(size=(1, 299))
    _check("ks", x, np.array([300, 300, 250, 17]), y, np.array([299]))
    # small rows without ties (exact) mixed with small rows with ties (asymptotic)
    x = np.array([[1.0, 2.0, 3.0, np.nan], [1.0, 1.0, 2.0, 5.0], [0.5, 7.0, 8.0, 9.0]])
    _check("mannwhitney", x, np.array([3, 4, 4]), np.array([[4.0, 6.0, 9.5]]), np.array([3]))


def test_ks_cache_hit_gives_same_values():
    rng = np.random.default_rng(5)
    x = np.round(rng.normal(size=(30, 8)), 1)
    y = np.round(rng.normal(size=(1, 8)), 1)
    first = two_sample("ks", x, np.full(30, 8), y, [8])
    second = two_sample("ks", x, np.full(30, 8), y, [8])
    np.testing.assert_array_equal(first[1], second[1])
    _check("ks", x, np.full(30, 8), y, np.array([8]))


def test_ks_fallback_is_noted_once(monkeypatch):
    from sweepwalk.stats import _ks

    calls = []
    real = st.ks_2samp

    def fake(a, b):
        calls.append(1)
        warnings.warn("ks_2samp: Exact calculation unsuccessful.", RuntimeWarning, stacklevel=2)
        return real(a, b)

    _ks._P_CACHE.clear()
    monkeypatch.setattr(_ks.stats, "ks_2samp", fake)
    x = np.tile(np.arange(5.0), (50, 1))
    notes: list[str] = []
    two_sample("ks", x, np.full(50, 5), np.arange(1.0, 7.0)[None], [6], notes=notes)
    assert len(calls) == 1
    assert len(notes) == 1 and "(6, 5)" in notes[0]
    _ks._P_CACHE.clear()


def test_empty_rows_give_nan():
    x = np.full((2, 3), np.nan)
    for test in ("ks", "mannwhitney", "welch", "permutation"):
        stat, p = two_sample(test, x, [0, 0], np.ones((1, 3)), [3], random_state=0)
        assert np.isnan(p).all() and np.isnan(stat).all()


def test_unknown_test_lists_allowed():
    with pytest.raises(ValueError, match=r"`test` must be one of .*'ks'.*'wilcoxon'"):
        two_sample("t", np.ones((1, 2)), [2], np.ones((1, 2)), [2])


def test_paired_needs_seeds():
    with pytest.raises(ValueError, match="seed="):
        two_sample("wilcoxon", np.ones((1, 2)), [2], np.ones((1, 2)), [2])


def test_bad_shapes():
    with pytest.raises(ValueError, match="`nx`"):
        two_sample("ks", np.ones((2, 2)), [2], np.ones((1, 2)), [2])
    with pytest.raises(ValueError, match="`y`"):
        two_sample("ks", np.ones((2, 2)), [2, 2], np.ones((3, 2)), [2, 2, 2])


def test_all_tests_listed():
    assert set(TESTS) == {
        "ks",
        "mannwhitney",
        "welch",
        "permutation",
        "brunnermunzel",
        "wilcoxon",
        "ttest_rel",
    }
