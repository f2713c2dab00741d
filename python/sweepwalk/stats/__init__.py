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
from ._effect import a12
from ._multitest import METHODS as CORRECTIONS
from ._multitest import adjust, canonical_method
from ._paired import paired, shared

__all__ = [
    "CORRECTIONS",
    "PAIRED_TESTS",
    "TESTS",
    "UNPAIRED_TESTS",
    "a12",
    "adjust",
    "canonical_method",
    "check_test",
    "paired",
    "shared",
    "two_sample",
    "two_sample_effect",
]
