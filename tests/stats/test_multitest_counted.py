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
    # a value the sample missed sends the family to the sort as well
    q = np.full(10_000, 0.5)
    q[7] = 0.25
    assert _multitest._few_values(q) is None
    np.testing.assert_array_equal(adjust(q, "holm"), multipletests(q, method="holm")[1])
