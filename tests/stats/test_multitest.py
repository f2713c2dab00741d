"""adjust() equals statsmodels multipletests for every method it accepts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst
from statsmodels.stats.multitest import multipletests

from sweepwalk.stats import CORRECTION_ALIASES, adjust, adjust_counts


@settings(max_examples=60, deadline=None)
@given(
    hst.integers(0, 2**32 - 1),
    hst.integers(0, 60),
    hst.sampled_from(sorted(CORRECTION_ALIASES)),
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


# ------------------------------------------------- adjust_counts: the family as values x counts


def _family(rng: np.random.Generator, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct-ish p-values with counts: few values (KS-like), ties with 1, and repeats."""
    kind = rng.integers(3)
    if kind == 0:  # a handful of values, as KS p-values of few seeds take
        values = rng.choice(np.round(rng.uniform(size=8), 3), size=m)
    elif kind == 1:
        values = rng.beta(0.3, 2, size=m)
    else:
        values = np.round(rng.uniform(size=m), 1)
    values[rng.random(m) < 0.1] = 1.0
    values[rng.random(m) < 0.1] = 0.0
    counts = rng.choice([1, 1, 2, 3, 17, 400], size=m)
    return values, counts


@settings(max_examples=150, deadline=None)
@given(
    hst.integers(0, 2**32 - 1),
    hst.integers(1, 40),
    hst.sampled_from(sorted(set(CORRECTION_ALIASES.values()) - {"lfdr"})),
    hst.sampled_from([0.05, 0.1, 0.5]),
)
def test_adjust_counts_equals_the_expanded_family(seed, m, method, alpha):
    rng = np.random.default_rng(seed)
    values, counts = _family(rng, m)
    if method == "ho":
        counts = np.minimum(counts, 3)  # statsmodels' hommel is quadratic in the family
    expanded = np.repeat(values, counts)
    got = adjust_counts(values, counts, method, alpha=alpha)
    first = np.cumsum(counts) - counts
    ours = adjust(expanded, method, alpha=alpha)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = multipletests(expanded, alpha=alpha, method=method)[1]
    for copy in range(int(counts.max())):  # every copy of a value got that value's adjustment
        at = first + np.minimum(copy, counts - 1)
        np.testing.assert_array_equal(got, ref[at])
        np.testing.assert_array_equal(got, ours[at])


def test_adjust_counts_lfdr_and_nan_and_none():
    rng = np.random.default_rng(3)
    values, counts = rng.uniform(size=30), rng.integers(1, 5, 30)
    expanded = np.repeat(values, counts)
    np.testing.assert_array_equal(
        adjust_counts(values, counts, "lfdr"), adjust(expanded, "lfdr")[np.cumsum(counts) - 1]
    )
    got = adjust_counts([0.01, np.nan, 0.02, 0.01], [1, 5, 2, 3], "fdr_bh")
    np.testing.assert_array_equal(got, adjust_counts([0.01, np.nan, 0.02], [4, 5, 2], "fdr_bh")[
        [0, 1, 2, 0]])  # fmt: skip
    np.testing.assert_array_equal(got[[0, 2]], adjust([0.01] * 4 + [0.02] * 2, "fdr_bh")[[0, 4]])
    np.testing.assert_array_equal(adjust_counts([0.2, 0.3], [4, 1], "none"), [0.2, 0.3])
    assert np.isnan(adjust_counts([np.nan], [2], "holm")).all()


def test_adjust_counts_checks_its_inputs():
    with pytest.raises(ValueError, match="`counts` must be integers >= 1"):
        adjust_counts([0.1, 0.2], [1, 0], "holm")
    with pytest.raises(ValueError, match="`counts` must be integers >= 1"):
        adjust_counts([0.1], [1.5], "holm")
    with pytest.raises(ValueError, match="one length"):
        adjust_counts([0.1, 0.2], [1], "holm")
    with pytest.raises(ValueError, match="`correction` must be 'none' or one of"):
        adjust_counts([0.1], [1], "bonferonni")


def test_fdr_by_harmonic_number_is_numpys_sum(monkeypatch):
    from sweepwalk.stats import _multitest

    monkeypatch.setattr(_multitest, "_HARMONIC_LEAF", 64)  # many leaves on a small family
    for n in (1, 7, 64, 65, 1000, 12_345, 100_003):
        assert _multitest._harmonic(0, n) == np.sum(1.0 / np.arange(1, n + 1))
