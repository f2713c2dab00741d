"""User-sized work is refused before it starts, in one line with its size and what to pass."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.analysis.plan import plan_runs
from sweepwalk.validation import limits


@pytest.fixture(scope="module")
def sweep() -> Sweep:
    """101 configurations x 20 seeds."""
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": np.repeat(np.arange(101), 20), "seed": np.tile(np.arange(20), 101)})
    df["acc"] = rng.normal(size=len(df))
    return Sweep.from_runs(df, metric="acc", seed="seed")


def test_n_resamples_out_of_range_is_refused_at_once(sweep: Sweep) -> None:
    with pytest.raises(
        limits.SweepWorkError,
        match=r"`n_resamples` must be an integer in \[1, 100,000,000\], got 1,000,000,000\.",
    ):
        sweep.compare(0, against="neighbors", test="permutation", n_resamples=10**9)


def test_permutations_too_long_are_refused_with_a_size_that_fits() -> None:
    # 2,001 configurations x 20 seeds: 2e6 relabellings against all is ~80 min of work
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": np.repeat(np.arange(2001), 20), "seed": np.tile(np.arange(20), 2001)})
    df["acc"] = rng.normal(size=len(df))
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    with pytest.raises(limits.SweepWorkError) as err:
        sweep.compare(0, against="all", test="permutation", n_resamples=2 * 10**6)
    message = str(err.value)
    assert "\n" not in message
    assert "n_resamples=2,000,000 for 2,000 rows of up to 20 + 20 scores is about 80 min" in message
    most = int(re.search(r"in \[1, ([\d,]+)\]", message).group(1).replace(",", ""))
    assert 1 <= most < 2 * 10**6
    limits.check_resamples(most, 2000, 20, 20, "again")  # what it proposes is not refused
    with pytest.raises(limits.SweepWorkError):
        limits.check_resamples(most * 2, 2000, 20, 20, "again")


def test_an_hour_of_permutations_runs_rather_than_being_refused() -> None:
    # ~20 min: long, but it runs with progress and Cancel (in the widget, a job)
    assert 1000 < limits.check_resamples(10**7, 100, 20, 20, "compare") < 3600


def test_exact_permutations_are_not_refused() -> None:
    # 3 + 3 scores have 20 partitions: any n_resamples enumerates those 20
    assert limits.check_resamples(10**8, 10**4, 3, 3, "exact") < 1.0


def test_permutations_beyond_memory_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "available_memory", lambda: 64 * 2**20)
    with pytest.raises(
        limits.SweepMemoryError,
        match=r"per row, more than half the 64\.0 MiB.*pass `n_resamples` in \[1, 52,428\]",
    ):
        limits.check_resamples(10**6, 1, 20, 20, "compare")


def test_a_plan_of_billions_of_seeds_is_refused_with_its_size(sweep: Sweep) -> None:
    plan = sweep.plan(0, effect_of_interest=1e-6)
    total = plan["more_seeds"].sum()
    assert total > limits.MAX_PLAN_RUNS  # the plan itself is fine: numbers, not rows
    with pytest.raises(
        limits.SweepWorkError, match=r"plan_runs: the plan proposes [\d,]+ runs .*max_seeds"
    ):
        plan_runs(plan)
    assert len(plan_runs(sweep.plan(0))) > 0  # an ordinary plan still lists its runs
