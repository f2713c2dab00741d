"""Small shared fixtures."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep, SweepWidget, explore
from sweepwalk.datasets import DEMO


def solver_runs(n_seeds: int = 5, random_state: int = 0) -> pd.DataFrame:
    """A conditional sweep: sgd has a momentum, adam does not (absent)."""
    rng = np.random.default_rng(random_state)
    rows = []
    grid = [("sgd", 0.5), ("sgd", 0.9), ("adam", None)]
    for (solver, momentum), lr in itertools.product(grid, [0.01, 0.1, 1.0]):
        for seed in range(n_seeds):
            rows.append(
                {
                    "solver": solver,
                    "momentum": momentum,
                    "lr": lr,
                    "seed": seed,
                    "acc": float(rng.normal(0.8 if solver == "adam" else 0.7, 0.05)),
                }
            )
    return pd.DataFrame(rows)


@pytest.fixture(scope="session")
def demo_runs() -> pd.DataFrame:
    """The bundled demo sweep's runs (``sweepwalk.datasets.load_demo()``), read once."""
    from sweepwalk.datasets import load_demo

    return load_demo()


@pytest.fixture(scope="module")
def demo(demo_runs: pd.DataFrame) -> Sweep:
    """The demo sweep, one per test module (a module's tests may share what it caches)."""
    return Sweep.from_runs(demo_runs, **DEMO)


@pytest.fixture
def widget(demo_runs: pd.DataFrame) -> SweepWidget:
    """A fresh widget on the demo sweep with the default settings."""
    return explore(demo_runs, **DEMO)


@pytest.fixture
def solver_df() -> pd.DataFrame:
    return solver_runs()
