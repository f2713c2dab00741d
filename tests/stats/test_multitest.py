"""adjust() equals statsmodels multipletests for every method it accepts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from statsmodels.stats.multitest import multipletests

from sweepwalk.stats import CORRECTIONS, adjust


@settings(max_examples=60, deadline=None)
@given(
    hst.integers(0, 2**32 - 1),
    hst.integers(0, 60),
    hst.sampled_from(sorted(CORRECTIONS)),
    hst.sampled_from([0.05, 0.1]),
)
def test_adjust_matches_statsmodels(seed, m, method, alpha):
    rng = np.random.default_rng(seed)
    p = rng.choice(
        [rng.uniform(size=m), rng.beta(0.3, 2, size=m), np.round(rng.uniform(size=m), 1)]
    )
    if m:
        p[rng.random(m) < 0.05] = 1.0
    nan = rng.random(m) < 0.2
    p[nan] = np.nan
    finite = ~nan
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            ref = multipletests(p[finite], alpha=alpha, method=method)[1] if finite.any() else None
    except ValueError:  # statsmodels itself cannot (lfdr on some inputs): so neither can we
        with pytest.raises(ValueError, match="multipletests"):
            adjust(p, method, alpha=alpha)
        return
    out = adjust(p, method, alpha=alpha)
    assert np.isnan(out[nan]).all()
    if ref is not None:
        np.testing.assert_allclose(out[finite], ref, rtol=0, atol=1e-12)


def test_none_is_identity():
    p = np.array([0.2, np.nan, 0.01])
    np.testing.assert_array_equal(adjust(p, "none"), p)


def test_unknown_method_lists_allowed():
    with pytest.raises(ValueError, match=r"`correction` must be 'none' or one of .*'holm'"):
        adjust([0.1], "bonferonni")


def test_all_nan_family():
    assert np.isnan(adjust([np.nan, np.nan], "holm")).all()
