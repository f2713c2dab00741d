"""A large family with few distinct p-values is adjusted from their counts, as statsmodels does."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from sweepwalk.stats import _multitest, adjust


@pytest.mark.parametrize("method", ["bonferroni", "sidak", "holm", "holm-sidak",
                                    "simes-hochberg", "fdr_bh", "fdr_by"])  # fmt: skip
@pytest.mark.parametrize("seed", range(3))
def test_counted_path_equals_multipletests(method, seed):
    rng = np.random.default_rng(seed)
    values = np.sort(rng.uniform(0, 1e-3 if seed == 0 else 1, size=21))
    values[-1] = 1.0
    p = rng.choice(values, size=20_000)
    p[rng.random(len(p)) < 0.01] = np.nan  # untested rows stay out of the family
    assert _multitest._few_values(p[~np.isnan(p)]) is not None  # the counted path is taken
    got = adjust(p, method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = multipletests(p[~np.isnan(p)], method=method)[1]
    np.testing.assert_array_equal(got[~np.isnan(p)], want)
    assert np.isnan(got[np.isnan(p)]).all()


def test_many_distinct_values_take_the_sorted_path():
    p = np.random.default_rng(0).uniform(size=10_000)
    assert _multitest._few_values(p) is None
    # values the sample missed are added when they are few (the counted path) ...
    q = np.full(10_000, 0.5)
    q[7] = 0.25
    few = _multitest._few_values(q)
    assert few is not None and few[0].tolist() == [0.25, 0.5]
    np.testing.assert_array_equal(adjust(q, "holm"), multipletests(q, method="holm")[1])
    # ... and more distinct values than the counted path takes send the family to the sort
    r = np.full(10_000, 0.5)
    unseen = np.flatnonzero(np.arange(10_000) % 9 != 0)[:6_000]  # the sample reads every 9th
    r[unseen] = np.random.default_rng(1).uniform(size=6_000)
    assert np.unique(r[::9]).tolist() == [0.5]
    assert _multitest._few_values(r) is None
    np.testing.assert_array_equal(adjust(r, "holm"), multipletests(r, method="holm")[1])


@pytest.mark.parametrize("method", ["holm", "fdr_bh", "fdr_by", "bonferroni"])
@pytest.mark.parametrize("seed", range(3))
def test_values_the_sample_missed_are_counted_too(method, seed):
    # KS at 100 seeds: 101 possible p-values, the rare ones in the tails missed by the sample
    rng = np.random.default_rng(seed)
    values = np.sort(rng.uniform(0, 1, size=101))
    weights = np.exp(-0.5 * ((np.arange(101) - 50) / 6.0) ** 2)
    p = rng.choice(values, size=100_000, p=weights / weights.sum())
    sample = np.unique(p[:: len(p) // 1024])
    assert not np.isin(p, sample).all()  # the sample misses some values
    assert _multitest._few_values(p) is not None  # the counted path is taken all the same
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = multipletests(p, method=method)[1]
    np.testing.assert_array_equal(adjust(p, method), want)


def test_signed_zeros_take_the_sorted_path():
    # -0.0 and 0.0 are equal p-values with unequal bits: not hashed apart
    p = np.full(5_000, 0.5)
    p[:10], p[10:20], p[20:30] = -0.0, 0.0, 0.01
    assert _multitest._few_values(p) is None
    np.testing.assert_array_equal(adjust(p, "holm"), multipletests(p, method="holm")[1])
