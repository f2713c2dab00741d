"""Paired tests on shared seeds equal a plain per-row scipy loop (1e-12)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst

from sweepwalk.stats import paired, two_sample


@hst.composite
def seeded_rows(draw):
    rng = np.random.default_rng(draw(hst.integers(0, 2**32 - 1)))
    m = draw(hst.integers(1, 10))
    k = draw(hst.integers(1, 18))
    n_seeds = draw(hst.integers(1, 25))
    decimals = draw(hst.sampled_from([0, 1, 4]))
    broadcast = draw(hst.booleans())

    def make(rows):
        vals = np.full((rows, k), np.nan)
        codes = np.full((rows, k), -1, dtype=np.int64)
        counts = np.zeros(rows, dtype=np.int64)
        for r in range(rows):
            n = int(rng.integers(0, min(k, n_seeds) + 1))
            codes[r, :n] = np.sort(rng.choice(n_seeds, size=n, replace=False))
            vals[r, :n] = np.round(rng.normal(size=n), decimals)
            counts[r] = n
        return vals, codes, counts

    x, xs, nx = make(m)
    y, ys, ny = make(1 if broadcast else m)
    # some rows equal to the target on a few seeds (zero differences)
    if broadcast and m > 1:
        x[0] = y[0]
        xs[0] = ys[0]
        nx[0] = ny[0]
    return x, xs, nx, y, ys, ny


def _ref(test, x, xs, nx, y, ys, ny, i):
    r = 0 if y.shape[0] == 1 else i
    xmap = dict(zip(xs[i, : nx[i]].tolist(), x[i, : nx[i]].tolist(), strict=True))
    ymap = dict(zip(ys[r, : ny[r]].tolist(), y[r, : ny[r]].tolist(), strict=True))
    common = sorted(set(xmap) & set(ymap))
    if not common:
        return np.nan, np.nan, 0
    a = np.array([xmap[c] for c in common])
    b = np.array([ymap[c] for c in common])
    if test == "ttest_rel" and len(a) >= 2 and np.array_equal(a, b):
        return 0.0, 1.0, len(a)  # identical: the limit t = 0, p = 1 (scipy: 0/0, NaN)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            res = st.wilcoxon(a, b) if test == "wilcoxon" else st.ttest_rel(a, b)
        except ValueError:  # scipy cannot evaluate it: NaN
            return np.nan, np.nan, len(common)
    return float(res.statistic), float(res.pvalue), len(common)


def _close(a, b):
    if np.isnan(a) or np.isnan(b):
        return np.isnan(a) and np.isnan(b)
    return a == b or abs(a - b) <= 1e-12


@settings(max_examples=80, deadline=None)
@given(seeded_rows(), hst.sampled_from(["wilcoxon", "ttest_rel"]))
def test_paired_matches_scipy(data, test):
    x, xs, nx, y, ys, ny = data
    stat, p, n = paired(test, x, xs, nx, y, ys, ny)
    _, p2 = two_sample(test, x, nx, y, ny, x_seeds=xs, y_seeds=ys)
    np.testing.assert_array_equal(p, p2)
    for i in range(x.shape[0]):
        rs, rp, rn = _ref(test, x, xs, nx, y, ys, ny, i)
        assert n[i] == rn
        assert _close(stat[i], rs), (i, stat[i], rs)
        assert _close(p[i], rp), (i, p[i], rp)


# --- wilcoxon, branch by branch -------------------------------------------------------------
# scipy's wilcoxon(method="auto") on n pairs: exact distribution when there are no zeros and no
# ties among |d| and n <= 50; with zeros or ties, an exact permutation test over all 2**n sign
# flips when n <= 13 (sweepwalk reproduces it vectorised), else the normal approximation;
# asymptotic for every n > 50.


def _has_zeros_or_ties(a, b):
    d = np.abs(a - b)
    return bool(np.any(d == 0) or len(np.unique(d)) < len(d))


def _check_rows(a, b):
    """``paired("wilcoxon", ...)`` on rows (all seeds shared) against scipy, row by row."""
    m, n = a.shape
    codes = np.broadcast_to(np.arange(n), (m, n)).copy()
    counts = np.full(m, n, dtype=np.int64)
    stat, p, n_shared = paired("wilcoxon", a, codes, counts, b, codes, counts)
    assert np.all(n_shared == n)
    for i in range(m):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                res = st.wilcoxon(a[i], b[i])
                rs, rp = float(res.statistic), float(res.pvalue)
            except ValueError:  # permutation_test needs two pairs
                rs, rp = np.nan, np.nan
        assert _close(stat[i], rs), (i, a[i] - b[i], stat[i], rs)
        assert _close(p[i], rp), (i, a[i] - b[i], p[i], rp)


@hst.composite
def tied_pairs(draw, n_min, n_max):
    """(m, n) paired rows where every row has zeros or ties among |x - y|."""
    rng = np.random.default_rng(draw(hst.integers(0, 2**32 - 1)))
    m = draw(hst.integers(1, 4))
    n = draw(hst.integers(n_min, n_max))
    step = draw(hst.sampled_from([1.0, 0.1, 0.01]))
    y = np.round(rng.normal(size=(m, n)), 3)
    # differences on a coarse grid (ties likely), some rows shifted (one-sided)
    d = rng.integers(-4, 5, size=(m, n)) * step + draw(hst.sampled_from([0.0, 2.0])) * step
    for i in range(m):
        kind = draw(hst.sampled_from(["zero", "tie", "both", "all-zero"]))
        if kind in ("zero", "both"):
            d[i, rng.integers(n)] = 0.0
        if kind in ("tie", "both") and n >= 2:
            j, k = rng.choice(n, size=2, replace=False)
            d[i, j] = -d[i, k] if d[i, k] != 0 else step
            d[i, k] = d[i, k] if d[i, k] != 0 else step
        if kind == "all-zero":
            d[i] = 0.0
        if not _has_zeros_or_ties(y[i] + d[i], y[i]):
            d[i, 0] = 0.0
    x = y + d
    for i in range(m):
        assert _has_zeros_or_ties(x[i], y[i])
    return x, y


# The reference costs about 2**n / 16000 s a row (scipy's unvectorised statistic), so the
# hypothesis test stays at n <= 8 and n = 9..13 is checked on fixed rows below (one per n).
@settings(max_examples=40, deadline=None)
@given(tied_pairs(1, 8))
def test_wilcoxon_permutation_branch_matches_scipy(data):
    _check_rows(*data)


@pytest.mark.parametrize(
    ("n", "kind"),
    [(9, "zeros"), (10, "ties"), (11, "zero"), (12, "zeros"), (13, "ties")],
)
def test_wilcoxon_permutation_branch_largest_n(n, kind):
    rng = np.random.default_rng(n)
    y = rng.integers(-40, 40, size=(1, n)) / 4  # quarters: x - y below is exact
    if kind == "zeros":  # several zeros, ties among the rest
        d = np.round(rng.normal(size=(1, n)), 1) + 0.3
        d[0, :3] = 0.0
    elif kind == "ties":  # ties across signs, no zero
        d = np.arange(1, n + 1)[None, :] * 0.25
        d[0, 1] = -d[0, 0]
        d[0, 4:7] = -0.25 * np.arange(5, 8)
    else:  # a single zero, otherwise distinct
        d = np.arange(n)[None, :] * 0.5 * (-1.0) ** np.arange(n)
    x = y + d
    assert _has_zeros_or_ties(x[0], y[0])
    assert kind != "ties" or np.all(x != y)
    _check_rows(x, y)


def test_wilcoxon_permutation_branch_is_vectorised(monkeypatch):
    """Tied/zero rows with n <= 13 never reach scipy's (slow) permutation_test."""

    def fail(*args, **kwargs):
        raise AssertionError("scipy.stats.permutation_test was called")

    monkeypatch.setattr(st, "permutation_test", fail)
    rng = np.random.default_rng(0)
    for n in range(1, 14):
        y = rng.integers(-9, 9, size=(5, n)).astype(np.float64)
        x = y + rng.integers(-2, 3, size=(5, n))
        if n >= 4:  # |d| takes at most 3 values: every row has zeros or ties
            assert all(_has_zeros_or_ties(x[i], y[i]) for i in range(5))
        codes = np.broadcast_to(np.arange(n), (5, n)).copy()
        counts = np.full(5, n, dtype=np.int64)
        _, p, _ = paired("wilcoxon", x, codes, counts, y, codes, counts)
        if n >= 2:  # (one pair with a zero: scipy raises, NaN)
            assert not np.any(np.isnan(p))


@settings(max_examples=60, deadline=None)
@given(
    hst.integers(0, 2**32 - 1),
    hst.sampled_from(["exact", "tied-asymptotic", "large"]),
)
def test_wilcoxon_other_branches_match_scipy(seed, branch):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 5))
    if branch == "exact":  # no zeros, no ties: scipy's exact null distribution, n <= 50
        n = int(rng.integers(1, 51))
        y = rng.normal(size=(m, n))
        x = y + rng.permuted(np.tile(np.arange(1, n + 1), (m, 1)), axis=1) * rng.choice(
            [-1, 1], size=(m, n)
        )
    elif branch == "tied-asymptotic":  # zeros or ties, 14 <= n <= 50: normal approximation
        n = int(rng.integers(14, 51))
        y = np.round(rng.normal(size=(m, n)), 3)
        x = y + rng.integers(-3, 4, size=(m, n)) * 0.5
        x[:, 0] = y[:, 0]
    else:  # n > 50: asymptotic with or without ties
        n = int(rng.integers(51, 70))
        y = rng.normal(size=(m, n))
        x = y + np.round(rng.normal(size=(m, n)), int(rng.integers(0, 4)))
    _check_rows(x, y)
