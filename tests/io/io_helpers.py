"""Helpers of the source adapters' tests.

A module of its own, not conftest.py: ``tests/conftest.py`` is a ``conftest`` module too.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from sweepwalk import Sweep

LRS = (1e-05, 0.0001, 0.001, 0.01)  # text-sorting these ('0.0001' < ... < '1e-05') is wrong
OPTS = ("adam", "sgd")
SEEDS = (0, 1, 2, 3)


def grid_runs(random_state: int = 0) -> pd.DataFrame:
    """A 4 lr x 2 optimiser grid, 4 seeds each: columns lr, opt, seed, acc."""
    rng = np.random.default_rng(random_state)
    rows = []
    for lr, opt, seed in itertools.product(LRS, OPTS, SEEDS):
        base = 0.7 + 0.05 * np.log10(lr / 1e-05) + (0.02 if opt == "adam" else 0.0)
        rows.append({"lr": lr, "opt": opt, "seed": seed, "acc": float(base + rng.normal(0, 0.03))})
    return pd.DataFrame(rows)


def assert_same_sweep(got: Sweep, want: Sweep) -> None:
    """Same configurations, scores, seeds and comparisons (KS and paired Wilcoxon, all targets)."""
    assert got.params == want.params
    assert got.goal == want.goal
    assert (got.seed is None) == (want.seed is None)
    stats = ["n", "n_missing", "mean", "std", "median", "min", "max"]
    pd.testing.assert_frame_equal(
        got.configs[list(got.params)].reset_index(drop=True),
        want.configs[list(want.params)].reset_index(drop=True),
        check_dtype=False,
    )
    pd.testing.assert_frame_equal(got.configs[stats], want.configs[stats])
    tests = ["ks", "wilcoxon"] if want.seed is not None else ["ks"]
    for i in range(len(want)):
        np.testing.assert_array_equal(got.scores(i), want.scores(i))
        assert got.neighbors(i) == want.neighbors(i)
        for test in tests:
            pd.testing.assert_frame_equal(
                got.compare(i, test=test, random_state=0).to_frame(),
                want.compare(i, test=test, random_state=0).to_frame(),
            )
