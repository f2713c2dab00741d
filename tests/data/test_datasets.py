from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from sweepwalk.datasets import DEMO, DEMO_PARAMS, load_demo


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return load_demo()


def test_demo_columns_and_shape(demo: pd.DataFrame) -> None:
    assert list(demo.columns) == [*DEMO_PARAMS, "seed", "accuracy", "fit_time"]
    assert len(DEMO_PARAMS) >= 4
    assert DEMO["params"] == list(DEMO_PARAMS)
    assert DEMO["metric"] == "accuracy"
    assert DEMO["seed"] == "seed"
    n_configs = len(demo[list(DEMO_PARAMS)].drop_duplicates())
    n_seeds = demo["seed"].nunique()
    assert n_configs >= 100
    assert n_seeds >= 10
    assert demo.shape == (n_configs * n_seeds, 8)


def test_every_configuration_has_every_seed_once(demo: pd.DataFrame) -> None:
    per_config = demo.groupby(list(DEMO_PARAMS), dropna=False)["seed"]
    assert (per_config.nunique() == demo["seed"].nunique()).all()
    assert (per_config.size() == demo["seed"].nunique()).all()


def test_demo_axes(demo: pd.DataFrame) -> None:
    # A categorical axis, numeric axes with >= 3 levels, and a conditional parameter.
    assert set(demo["solver"]) == {"sgd", "adam"}
    assert demo["learning_rate_init"].nunique() >= 3
    assert demo["alpha"].nunique() >= 3
    assert pd.api.types.is_integer_dtype(demo["hidden_units"])
    absent = demo["momentum"].isna()
    assert absent.equals(demo["solver"] == "adam")
    assert demo.loc[~absent, "momentum"].nunique() >= 2


def test_demo_scores(demo: pd.DataFrame) -> None:
    assert demo["accuracy"].between(0, 1).all()
    assert (demo["fit_time"] > 0).all()
    # Real training: the grid spans badly and well trained networks.
    means = demo.groupby(list(DEMO_PARAMS), dropna=False)["accuracy"].mean()
    assert means.min() < 0.5 < 0.95 < means.max()


def test_demo_csv_is_small() -> None:
    path = resources.files("sweepwalk.datasets").joinpath("demo_sweep.csv")
    assert len(path.read_bytes()) < 1_000_000


def test_demo_loads_into_a_sweep(demo: pd.DataFrame) -> None:
    from sweepwalk import Sweep

    sweep = Sweep.from_runs(demo, **DEMO)
    n_configs = len(demo[list(DEMO_PARAMS)].drop_duplicates())
    assert len(sweep.configs) == n_configs
    assert (sweep.configs["n"] == demo["seed"].nunique()).all()
    assert (sweep.configs["n_missing"] == 0).all()
    best = int(sweep.configs["mean"].idxmax())
    expected = demo.groupby(list(DEMO_PARAMS), dropna=False)["accuracy"].mean().max()
    assert sweep.configs.loc[best, "mean"] == pytest.approx(expected, rel=1e-12)


def test_demo_needs_explicit_params(demo: pd.DataFrame) -> None:
    # fit_time is a second metric: guessing the parameters must fail and name it.
    from sweepwalk import Sweep

    with pytest.raises(ValueError, match="fit_time"):
        Sweep.from_runs(demo, metric="accuracy", seed="seed")


def test_demo_has_significant_and_insignificant_changes(demo: pd.DataFrame) -> None:
    from sweepwalk import Sweep

    sweep = Sweep.from_runs(demo, **DEMO)
    statuses: set[str] = set()
    for target in range(0, len(sweep.configs), 7):
        frame = sweep.compare(target, test="ks", correction="holm").to_frame()
        statuses |= set(frame["status"])
    assert {"better", "worse", "ns"} <= statuses


def test_demo_paired_seeds_are_shared(demo: pd.DataFrame) -> None:
    seeds = demo.groupby(list(DEMO_PARAMS), dropna=False)["seed"].apply(lambda s: tuple(sorted(s)))
    assert seeds.nunique() == 1
    assert np.array_equal(seeds.iloc[0], np.arange(demo["seed"].nunique()))
