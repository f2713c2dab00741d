"""The rows that get seeds_needed: the k smallest p-values, found without a full sort."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as hst

from sweepwalk.analysis.evidence import _smallest


@settings(max_examples=100, deadline=None)
@given(
    size=hst.integers(1, 6000),
    k=hst.integers(1, 300),
    levels=hst.sampled_from([1, 2, 21, 1000, None]),
    layout=hst.sampled_from(["shuffled", "sorted", "reversed", "smallest on every 16th"]),
    seed=hst.integers(0, 2**32 - 1),
)
def test_smallest_is_a_stable_sorts_first_k_on_large_tied_families(size, k, levels, layout, seed):
    # families large enough for the subsampled bound (16 k values or more), with p-values
    # tied as a rank test's are (21 distinct KS p-values at 20 seeds), NaN sorted last, and
    # laid out so that the subsample holds the smallest values or none of them
    rng = np.random.default_rng(seed)
    if levels is None:
        pvalues = rng.random(size)
    else:
        pvalues = rng.choice(np.linspace(0.0, 1.0, levels), size)
    pvalues[rng.random(size) < 0.05] = np.nan
    key = np.where(np.isnan(pvalues), np.inf, pvalues)
    if layout != "shuffled":
        key = np.sort(key)[::-1] if layout == "reversed" else np.sort(key)
    if layout == "smallest on every 16th":
        stride = np.arange(0, size, 16)
        places = np.concatenate([stride, np.setdiff1d(np.arange(size), stride)])
        key[places] = key.copy()
    k = min(k, size)
    expected = np.sort(np.argsort(key, kind="stable")[:k])
    np.testing.assert_array_equal(_smallest(key, k), expected)
