"""Batched statistics, exact to scipy and statsmodels: arrays in, arrays out.

Scores are one float per seed per configuration, held as (M, K) rows, left-aligned and NaN
padded, with a count per row.
"""

from ._batch import (
    PAIRED_TESTS,
    TESTS,
    UNPAIRED_TESTS,
    check_test,
    two_sample,
    two_sample_effect,
)
from ._bootstrap import BootstrapIntervals, bootstrap_intervals
from ._effect import a12
from ._ks import KsIndex, ks_against, ks_index
from ._multitest import METHODS as CORRECTIONS
from ._multitest import adjust, canonical_method
from ._online_fdr import LOND, LORDPlusPlus, OnlineDecision, gamma_sequence
from ._paired import paired, shared
from ._permutation import resolve_seed
from ._power import mde, pooled_std, seeds_needed
from ._tost import TostResult, ttost_ind

__all__ = [
    "CORRECTIONS",
    "LOND",
    "PAIRED_TESTS",
    "TESTS",
    "UNPAIRED_TESTS",
    "BootstrapIntervals",
    "KsIndex",
    "LORDPlusPlus",
    "OnlineDecision",
    "TostResult",
    "a12",
    "adjust",
    "bootstrap_intervals",
    "canonical_method",
    "check_test",
    "gamma_sequence",
    "ks_against",
    "ks_index",
    "mde",
    "paired",
    "pooled_std",
    "resolve_seed",
    "seeds_needed",
    "shared",
    "ttost_ind",
    "two_sample",
    "two_sample_effect",
]
