from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from sweepwalk.datasets import DEMO, DEMO_PARAMS


def test_demo_columns_and_shape(demo_runs: pd.DataFrame) -> None:
    assert list(demo_runs.columns) == [*DEMO_PARAMS, "seed", "accuracy", "fit_time"]
    assert len(DEMO_PARAMS) >= 4
    assert DEMO["params"] == list(DEMO_PARAMS)
    assert DEMO["metric"] == "accuracy"
    assert DEMO["seed"] == "seed"
    n_configs = len(demo_runs[list(DEMO_PARAMS)].drop_duplicates())
    n_seeds = demo_runs["seed"].nunique()
    assert n_configs >= 100
    assert n_seeds >= 10
    assert demo_runs.shape == (n_configs * n_seeds, 8)


def test_every_configuration_has_every_seed_once(demo_runs: pd.DataFrame) -> None:
    per_config = demo_runs.groupby(list(DEMO_PARAMS), dropna=False)["seed"]
    assert (per_config.nunique() == demo_runs["seed"].nunique()).all()
    assert (per_config.size() == demo_runs["seed"].nunique()).all()


def test_demo_axes(demo_runs: pd.DataFrame) -> None:
    # A categorical axis, numeric axes with >= 3 levels, and a conditional parameter.
    assert set(demo_runs["solver"]) == {"sgd", "adam"}
    assert demo_runs["learning_rate_init"].nunique() >= 3
    assert demo_runs["alpha"].nunique() >= 3
    assert pd.api.types.is_integer_dtype(demo_runs["hidden_units"])
    absent = demo_runs["momentum"].isna()
    assert absent.equals(demo_runs["solver"] == "adam")
    assert demo_runs.loc[~absent, "momentum"].nunique() >= 2


def test_demo_scores(demo_runs: pd.DataFrame) -> None:
    assert demo_runs["accuracy"].between(0, 1).all()
    assert (demo_runs["fit_time"] > 0).all()
    # Real training: the grid spans badly and well trained networks.
    means = demo_runs.groupby(list(DEMO_PARAMS), dropna=False)["accuracy"].mean()
    assert means.min() < 0.5 < 0.95 < means.max()


def test_demo_csv_is_small() -> None:
    path = resources.files("sweepwalk.datasets").joinpath("demo_sweep.csv")
    assert len(path.read_bytes()) < 1_000_000


def test_demo_loads_into_a_sweep(demo_runs: pd.DataFrame) -> None:
    from sweepwalk import Sweep

    sweep = Sweep.from_runs(demo_runs, **DEMO)
    n_configs = len(demo_runs[list(DEMO_PARAMS)].drop_duplicates())
    assert len(sweep.configs) == n_configs
    assert (sweep.configs["n"] == demo_runs["seed"].nunique()).all()
    assert (sweep.configs["n_missing"] == 0).all()
    best = int(sweep.configs["mean"].idxmax())
    expected = demo_runs.groupby(list(DEMO_PARAMS), dropna=False)["accuracy"].mean().max()
    assert sweep.configs.loc[best, "mean"] == pytest.approx(expected, rel=1e-12)


def test_demo_needs_explicit_params(demo_runs: pd.DataFrame) -> None:
    # fit_time is a second metric: guessing the parameters must fail and name it.
    from sweepwalk import Sweep

    with pytest.raises(ValueError, match="fit_time"):
        Sweep.from_runs(demo_runs, metric="accuracy", seed="seed")


def test_demo_has_significant_and_insignificant_changes(demo_runs: pd.DataFrame) -> None:
    from sweepwalk import Sweep

    sweep = Sweep.from_runs(demo_runs, **DEMO)
    statuses: set[str] = set()
    for target in range(0, len(sweep.configs), 7):
        frame = sweep.compare(target, test="ks", correction="holm").to_frame()
        statuses |= set(frame["status"])
    assert {"better", "worse", "ns"} <= statuses


def test_demo_paired_seeds_are_shared(demo_runs: pd.DataFrame) -> None:
    seeds = demo_runs.groupby(list(DEMO_PARAMS), dropna=False)["seed"].apply(
        lambda s: tuple(sorted(s))
    )
    assert seeds.nunique() == 1
    assert np.array_equal(seeds.iloc[0], np.arange(demo_runs["seed"].nunique()))
