"""Batched statistics, exact to scipy and statsmodels: arrays in, arrays out.

Scores are one float per seed per configuration, held as (M, K) rows, left-aligned and NaN
padded, with a count per row.
"""

from ._batch import (
    KS_METHODS,
    PAIRED_TESTS,
    TESTS,
    UNPAIRED_TESTS,
    check_test,
    two_sample,
    two_sample_effect,
)
from ._effect import a12
from ._estimate import ESTIMANDS, Estimate, direction, estimate
from ._intervals import (
    a12_interval,
    hodges_lehmann,
    paired_effect,
    paired_t_interval,
    welch_interval,
)
from ._ks import KsIndex, ks_against, ks_index
from ._multitest import METHODS as CORRECTIONS
from ._multitest import adjust, adjust_counts, canonical_method
from ._online_fdr import LOND, LORDPlusPlus, OnlineDecision, finite_horizon_gamma, gamma_sequence
from ._paired import paired, paired_differences, shared
from ._permutation import ks_permutation, resolve_seed
from ._power import pooled_std
from ._resolution import RELATIVE_EFFICIENCY, mde, min_pvalue, reachable, seeds_needed
from ._ties import TIE_RTOL
from ._tost import TostResult, ttost_ind, ttost_paired

__all__ = [
    "CORRECTIONS",
    "ESTIMANDS",
    "KS_METHODS",
    "LOND",
    "PAIRED_TESTS",
    "RELATIVE_EFFICIENCY",
    "TESTS",
    "TIE_RTOL",
    "UNPAIRED_TESTS",
    "Estimate",
    "KsIndex",
    "LORDPlusPlus",
    "OnlineDecision",
    "TostResult",
    "a12",
    "a12_interval",
    "adjust",
    "adjust_counts",
    "canonical_method",
    "check_test",
    "direction",
    "estimate",
    "finite_horizon_gamma",
    "gamma_sequence",
    "hodges_lehmann",
    "ks_against",
    "ks_index",
    "ks_permutation",
    "mde",
    "min_pvalue",
    "paired",
    "paired_differences",
    "paired_effect",
    "paired_t_interval",
    "pooled_std",
    "reachable",
    "resolve_seed",
    "seeds_needed",
    "shared",
    "ttost_ind",
    "ttost_paired",
    "two_sample",
    "two_sample_effect",
    "welch_interval",
]
