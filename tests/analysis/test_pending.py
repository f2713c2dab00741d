"""pending_comparison(): compare()'s rows and estimates before any p-value, never a verdict."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk._vocab import PENDING, UNPAIRED_TESTS
from sweepwalk.analysis.pending import pending_comparison


def make_runs(seed: int) -> pd.DataFrame:
    """A 3 x 3 x 2 grid, 6 seeds, with runs missing (so some rows have too few to test)."""
    rng = np.random.default_rng(seed)
    rows = []
    for lr, depth, width in itertools.product([0.01, 0.1, 1.0], [2, 4, 8], [16, 32]):
        level = rng.normal(0.7, 0.03)
        kept = rng.integers(1, 7)  # 1..6 seeds: the rows below min_runs are "na"
        rows += [(lr, depth, width, s, round(float(rng.normal(level, 0.03)), 2))
                 for s in range(kept)]  # fmt: skip
    return pd.DataFrame(rows, columns=["lr", "depth", "width", "seed", "acc"])


#: the columns that do not depend on the p-values (the early answer holds their final values)
ESTIMATES = ("ids", "effect", "diff_mean", "estimate", "estimate_low", "estimate_high",
             "effect_low", "effect_high", "diff_mean_low", "diff_mean_high")  # fmt: skip
#: the columns that follow from the p-values: none has a value yet
UNDECIDED = ("statistic", "pvalue", "pvalue_adj", "level", "min_pvalue", "mde", "seeds_needed")


@pytest.mark.parametrize("test", UNPAIRED_TESTS)
@pytest.mark.parametrize("against", ["neighbors", "all"])
@pytest.mark.parametrize("goal", ["max", "min"])
def test_the_estimates_are_compares_and_nothing_is_decided(
    test: str, against: str, goal: str
) -> None:
    sweep = Sweep.from_runs(make_runs(3), metric="acc", seed="seed", goal=goal, min_runs=4)
    target = int(np.argmax(sweep.counts))
    kwargs = {"against": against, "test": test, "correction": "holm", "random_state": 7}
    early = pending_comparison(sweep, target, **kwargs)
    final = sweep.compare(target, **kwargs)
    for name in ESTIMATES:
        np.testing.assert_array_equal(getattr(early, name), getattr(final, name), err_msg=name)
    assert early.varied == final.varied and early.estimand == final.estimand
    # the rows with too few runs are "na" before any test; every other one is pending
    na = final.status == "na"
    assert na.any() and (~na).any()
    assert early.status[na].tolist() == ["na"] * int(na.sum())
    assert set(early.status[~na].tolist()) == {PENDING}
    for name in UNDECIDED:
        assert np.isnan(getattr(early, name)).all(), name
    assert not early.significant.any() and not early.underpowered.any()
    assert not early.direction.any()
    assert set(early.to_frame()["status"]) <= {"target", "na", PENDING}


def test_a_paired_test_is_refused_by_name() -> None:
    sweep = Sweep.from_runs(make_runs(3), metric="acc", seed="seed")
    with pytest.raises(ValueError, match=r"`test` must be one of the unpaired tests .*'wilcoxon'"):
        pending_comparison(sweep, 0, test="wilcoxon")


def test_the_arguments_are_checked_as_compare_checks_them() -> None:
    sweep = Sweep.from_runs(make_runs(3), metric="acc", seed="seed")
    with pytest.raises(ValueError, match="alpha"):
        pending_comparison(sweep, 0, test="permutation", alpha=2.0)
