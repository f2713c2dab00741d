"""Batched statistics, exact to scipy and statsmodels: arrays in, arrays out.

Scores are held as (M, K) rows, left-aligned and NaN padded, with a count per row. The table of
tests (:data:`TEST_TABLE`) loads at once; every other name loads with its module on first use, so
that reading the vocabulary (the command line's ``--help``) does not import scipy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._tests import TEST_TABLE, TestSpec

if TYPE_CHECKING:
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
    from ._estimate import (
        ESTIMANDS,
        AgainstParts,
        Estimate,
        against_parts,
        direction,
        estimate,
        estimate_against,
        estimate_from_parts,
    )
    from ._intervals import (
        a12_interval,
        hodges_lehmann,
        paired_effect,
        paired_t_interval,
        welch_interval,
    )
    from ._ks import KsIndex, ks_against, ks_index
    from ._multitest import METHODS as CORRECTION_ALIASES
    from ._multitest import adjust, adjust_counts, canonical_method
    from ._online_fdr import (
        LOND,
        LORDPlusPlus,
        OnlineDecision,
        finite_horizon_gamma,
        gamma_sequence,
    )
    from ._paired import paired, paired_differences, shared
    from ._permutation import ks_permutation, resolve_seed
    from ._power import pooled_std
    from ._resolution import RELATIVE_EFFICIENCY, mde, min_pvalue, reachable, seeds_needed
    from ._ties import TIE_RTOL
    from ._tost import TostResult, tost_ind_rejects, ttost_ind, ttost_paired

#: public name -> (module, attribute), imported on first use
_LAZY: dict[str, tuple[str, str]] = {
    "CORRECTION_ALIASES": ("._multitest", "METHODS"),
    "AgainstParts": ("._estimate", "AgainstParts"),
    "ESTIMANDS": ("._estimate", "ESTIMANDS"),
    "Estimate": ("._estimate", "Estimate"),
    "KS_METHODS": ("._batch", "KS_METHODS"),
    "KsIndex": ("._ks", "KsIndex"),
    "LOND": ("._online_fdr", "LOND"),
    "LORDPlusPlus": ("._online_fdr", "LORDPlusPlus"),
    "OnlineDecision": ("._online_fdr", "OnlineDecision"),
    "PAIRED_TESTS": ("._batch", "PAIRED_TESTS"),
    "RELATIVE_EFFICIENCY": ("._resolution", "RELATIVE_EFFICIENCY"),
    "TESTS": ("._batch", "TESTS"),
    "TIE_RTOL": ("._ties", "TIE_RTOL"),
    "TostResult": ("._tost", "TostResult"),
    "UNPAIRED_TESTS": ("._batch", "UNPAIRED_TESTS"),
    "a12": ("._effect", "a12"),
    "a12_interval": ("._intervals", "a12_interval"),
    "adjust": ("._multitest", "adjust"),
    "adjust_counts": ("._multitest", "adjust_counts"),
    "canonical_method": ("._multitest", "canonical_method"),
    "check_test": ("._batch", "check_test"),
    "direction": ("._estimate", "direction"),
    "estimate": ("._estimate", "estimate"),
    "against_parts": ("._estimate", "against_parts"),
    "estimate_against": ("._estimate", "estimate_against"),
    "estimate_from_parts": ("._estimate", "estimate_from_parts"),
    "finite_horizon_gamma": ("._online_fdr", "finite_horizon_gamma"),
    "gamma_sequence": ("._online_fdr", "gamma_sequence"),
    "hodges_lehmann": ("._intervals", "hodges_lehmann"),
    "ks_against": ("._ks", "ks_against"),
    "ks_index": ("._ks", "ks_index"),
    "ks_permutation": ("._permutation", "ks_permutation"),
    "mde": ("._resolution", "mde"),
    "min_pvalue": ("._resolution", "min_pvalue"),
    "paired": ("._paired", "paired"),
    "paired_differences": ("._paired", "paired_differences"),
    "paired_effect": ("._intervals", "paired_effect"),
    "paired_t_interval": ("._intervals", "paired_t_interval"),
    "pooled_std": ("._power", "pooled_std"),
    "reachable": ("._resolution", "reachable"),
    "resolve_seed": ("._permutation", "resolve_seed"),
    "seeds_needed": ("._resolution", "seeds_needed"),
    "shared": ("._paired", "shared"),
    "tost_ind_rejects": ("._tost", "tost_ind_rejects"),
    "ttost_ind": ("._tost", "ttost_ind"),
    "ttost_paired": ("._tost", "ttost_paired"),
    "two_sample": ("._batch", "two_sample"),
    "two_sample_effect": ("._batch", "two_sample_effect"),
    "welch_interval": ("._intervals", "welch_interval"),
}

__all__ = [
    "CORRECTION_ALIASES",
    "ESTIMANDS",
    "KS_METHODS",
    "LOND",
    "PAIRED_TESTS",
    "RELATIVE_EFFICIENCY",
    "TESTS",
    "TEST_TABLE",
    "TIE_RTOL",
    "UNPAIRED_TESTS",
    "AgainstParts",
    "Estimate",
    "KsIndex",
    "LORDPlusPlus",
    "OnlineDecision",
    "TestSpec",
    "TostResult",
    "a12",
    "a12_interval",
    "adjust",
    "adjust_counts",
    "against_parts",
    "canonical_method",
    "check_test",
    "direction",
    "estimate",
    "estimate_against",
    "estimate_from_parts",
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
    "tost_ind_rejects",
    "ttost_ind",
    "ttost_paired",
    "two_sample",
    "two_sample_effect",
    "welch_interval",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sweepwalk.stats' has no attribute {name!r}")
    module, attr = _LAZY[name]
    value = getattr(importlib.import_module(module, __name__), attr)
    globals()[name] = value  # once: later reads are plain module attributes
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
