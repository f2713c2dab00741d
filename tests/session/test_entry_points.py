"""One entry point: explore (through as_sweep) reads what sweepwalk.io reads, with bins= and goal=.

Every way in gives the same sweep as Sweep.from_runs on the pandas frame, and records how it was
read in runs.attrs["source"].
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

import sweepwalk
from sweepwalk import Sweep
from sweepwalk.session.session import as_sweep

sys.path.insert(0, str(Path(__file__).parents[1] / "io"))
from io_helpers import assert_same_sweep, grid_runs


def _inputs(runs: pd.DataFrame, tmp_path: Path) -> dict[str, object]:
    folder = tmp_path / "runs"
    runs.to_parquet(folder, partition_cols=["opt"])
    return {
        "pandas": runs,
        "polars DataFrame": pl.from_pandas(runs),
        "polars LazyFrame": pl.from_pandas(runs).lazy(),
        "duckdb relation": duckdb.from_df(runs),
        "Parquet folder": folder,
    }


def test_every_frame_the_io_layer_reads_is_accepted_and_recorded(tmp_path):
    runs = grid_runs()
    want = Sweep.from_runs(runs, metric="acc", seed="seed", params=["lr", "opt"])
    for name, data in _inputs(runs, tmp_path).items():
        got = as_sweep(data, metric="acc", seed="seed", params=["lr", "opt"])
        assert_same_sweep(got, want)
        info = got.runs.attrs["source"]
        assert info.metric == "acc" and info.params == ("lr", "opt"), name
    assert "source" in want.runs.attrs  # Sweep.from_runs records its input too


def test_explore_takes_bins_and_the_goal_rule():
    rng = np.random.default_rng(0)
    runs = pd.DataFrame(
        {"lr": 10 ** rng.uniform(-5, -1, 60), "seed": np.arange(60), "val_loss": rng.random(60)}
    )
    w = sweepwalk.explore(runs, metric="val_loss", seed="seed", params=["lr"], bins={"lr": 4})
    sweep = w.session.sweep
    assert sweep.goal == "min"  # named like a loss, as the README says
    assert len(sweep) == 4 and sweep.binned == ("lr",)


def test_a_second_metric_is_still_refused_by_name_when_inferring():
    runs = grid_runs().assign(fit_seconds=lambda d: np.linspace(1, 2, len(d)))
    with pytest.raises(
        ValueError, match=r"'fit_seconds' looks like a second metric.*\['lr', 'opt'\]"
    ):
        as_sweep(runs, metric="acc", seed="seed")
