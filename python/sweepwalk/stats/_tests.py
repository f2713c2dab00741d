"""What a two-sample test is: one row per test, read by everything that asks.

Adding a test is one row here plus its function (dispatched in ``_batch``); the vocabulary, the
paired/unpaired split, importance's order-free set, the efficiencies of the power solves, the
estimand of the intervals and the cost model of the jobs are all read from this table.
"""

from __future__ import annotations

import math
from typing import NamedTuple

__all__ = ["TEST_TABLE", "TestSpec"]


class TestSpec(NamedTuple):
    """One two-sample test and its properties.

    Attributes
    ----------
    name : str
        The name passed as ``test=``.
    label : str
        How the test is shown to a user.
    paired : bool
        Whether it pairs the two samples by seed (it needs the seed codes).
    order_free : bool
        Whether its p-value depends on the sorted values only (so importance may hand it each
        configuration's sorted row): rank and moment tests are, resampling tests are not (the
        resamples are drawn in row order).
    estimand : str
        What its confidence interval (``Estimate.estimate``) is about.
    relative_efficiency : float
        Its asymptotic relative efficiency against the t-test at normal data, which the power
        solves use (``mde``, ``seeds_needed``): 1 for the t-tests, 3/pi for the rank tests,
        2/pi for Kolmogorov-Smirnov (the lower bounds of the normal-shift comparisons).
    seconds_per_score : float
        Measured seconds per score compared (both samples of every row) on a 2-core machine:
        an estimate, not a promise; it only decides whether work is worth a worker thread.
    resamples : bool
        Whether its p-value comes from random resamples (``random_state``, ``n_resamples``).
    """

    name: str
    label: str
    paired: bool
    order_free: bool
    estimand: str
    relative_efficiency: float
    seconds_per_score: float
    resamples: bool


#: the tests, in the order they are shown
TEST_TABLE: dict[str, TestSpec] = {
    spec.name: spec
    for spec in (
        TestSpec("ks", "Kolmogorov-Smirnov", False, True, "mean difference", 2 / math.pi,
                 1.5e-7, False),
        TestSpec("mannwhitney", "Mann-Whitney U", False, True, "A12", 3 / math.pi, 1.5e-7,
                 False),
        TestSpec("welch", "Welch t", False, True, "mean difference", 1.0, 1.5e-7, False),
        TestSpec("permutation", "permutation (means)", False, False, "mean difference", 1.0,
                 4e-6, True),
        TestSpec("brunnermunzel", "Brunner-Munzel (P(beat) = 1/2)", False, False, "A12",
                 3 / math.pi, 1.5e-7, True),
        TestSpec("wilcoxon", "Wilcoxon (paired)", True, False,
                 "Hodges-Lehmann paired difference", 3 / math.pi, 4e-7, False),
        TestSpec("ttest_rel", "paired t", True, False, "mean paired difference", 1.0, 1.5e-7,
                 False),
    )
}  # fmt: skip
