"""What a session accepts and what it hands out: targets by values (any parameter names), and
frames that the caller may change without changing the sweep."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Session, Sweep, explore


def tuple_named_runs() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [
        {("opt", "lr"): lr, ("opt", "wd"): wd, "seed": s, "acc": lr * 10 + rng.normal(0, 0.1)}
        for lr in (0.1, 0.2, 0.3)
        for wd in (0.0, 0.5)
        for s in range(5)
    ]
    return pd.DataFrame(rows)


def test_dict_targets_with_tuple_parameter_names() -> None:
    runs = tuple_named_runs()
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    want = sweep.find({("opt", "lr"): 0.2, ("opt", "wd"): 0.5})
    s = Session(sweep, target={("opt", "lr"): 0.2, ("opt", "wd"): 0.5})
    assert s.target == want
    s.target = {("opt", "lr"): 0.3, ("opt", "wd"): 0.0}
    assert s.target == sweep.find({("opt", "lr"): 0.3, ("opt", "wd"): 0.0})
    w = explore(sweep, target={("opt", "lr"): 0.2, ("opt", "wd"): 0.5})
    assert w.target == want and w.session.target == want
    w.session.target = {("opt", "lr"): 0.1, ("opt", "wd"): 0.0}
    assert w.target == sweep.find({("opt", "lr"): 0.1, ("opt", "wd"): 0.0})


def test_writing_into_configs_or_runs_cannot_change_a_comparison() -> None:
    runs = tuple_named_runs()
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    before = sweep.compare(0, against="all").to_frame()
    configs = sweep.configs
    configs["n"] = 1
    configs["mean"] = 0.0
    configs.loc[0, "std"] = 99.0
    configs.drop(index=[1, 2]).to_numpy()
    frame = sweep.runs
    frame["acc"] = -1.0
    assert (sweep.configs["n"] == 5).all() and sweep.configs.loc[0, "std"] != 99.0
    assert (sweep.runs["acc"] != -1.0).all()
    after = sweep.compare(0, against="all").to_frame()
    pd.testing.assert_frame_equal(before, after)
    assert len(sweep.configs) == 6


def test_configs_is_not_the_sweep_s_own_frame() -> None:
    sweep = Sweep.from_runs(tuple_named_runs(), metric="acc", seed="seed")
    assert sweep.configs is not sweep.configs
    with pytest.raises(AttributeError):
        sweep.configs = pd.DataFrame()  # type: ignore[misc]
