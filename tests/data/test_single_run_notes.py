"""A sweep whose configurations hold one run each says so, and names the likely culprit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sweepwalk import Sweep


def runs() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "lr": np.repeat([0.1, 0.2, 0.3], 5),
            "seed": np.tile(range(5), 3),
            "acc": rng.normal(size=15),
        }
    )
    frame["run_dir"] = [f"/runs/{i}" for i in range(15)]
    return frame


def test_a_run_level_column_taken_for_a_parameter_is_named() -> None:
    sweep = Sweep.from_runs(runs(), metric="acc", params=["lr", "run_dir"])
    (note,) = [n for n in sweep.notes if "single run" in n]
    assert "'run_dir' (15 values in 15 runs)" in note and "leave it out of `params`" in note
    assert "'lr'" not in note


def test_a_seed_taken_for_a_parameter_is_named() -> None:
    sweep = Sweep.from_runs(runs(), metric="acc", params=["lr", "seed"])
    (note,) = [n for n in sweep.notes if "single run" in n]
    assert "without 'seed' the runs would pool 5 to a configuration" in note
    assert "`seed=`" in note


def test_no_note_when_configurations_have_seeds() -> None:
    sweep = Sweep.from_runs(runs(), metric="acc", params=["lr"], seed="seed")
    assert not [n for n in sweep.notes if "single run" in n]
    one_each = Sweep.from_runs(runs().iloc[[0, 5, 10]], metric="acc", params=["lr"])
    (note,) = [n for n in one_each.notes if "single run" in n]
    assert "at least 2 runs" in note  # three runs cannot tell a run-level column
