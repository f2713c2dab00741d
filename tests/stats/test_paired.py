"""Paired tests on shared seeds equal a plain per-row scipy loop (1e-12)."""

from __future__ import annotations

import warnings

import numpy as np
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
