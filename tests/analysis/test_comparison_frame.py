"""Comparison.to_frame() equals the frame built the plain way, column by column, from the public
per-row arrays: one full array per column, the compared rows put at their positions and the
target's row filled in."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from helpers import random_search
from sweepwalk import Comparison, Sweep
from sweepwalk._vocab import EVIDENCE_COLUMNS
from sweepwalk.analysis.pending import pending_comparison


def plain_frame(cmp: Comparison) -> pd.DataFrame:
    """``cmp.to_frame()`` the straightforward way: ``configs.loc`` and one ``np.full`` a column."""
    sweep = cmp.sweep
    rows = np.sort(np.append(cmp.ids, cmp.target))
    at = np.searchsorted(rows, cmp.ids)
    configs = sweep.configs
    pooled = ["pooled"] if "pooled" in configs.columns else []
    frame = configs.loc[rows, [*sweep.params, "n", *pooled, "mean", "median"]]
    frame.index = pd.Index(rows, name=configs.index.name)  # int64, also when every row

    def column(values, fill, dtype):
        out = np.full(len(rows), fill, dtype=dtype)
        out[at] = values
        return out

    def words(values, fill):  # plain str / None objects, not pandas' string dtype
        return pd.Series(column(values, fill, object), index=frame.index, dtype=object)

    for name in ("statistic", "pvalue", "pvalue_adj"):
        frame[name] = column(getattr(cmp, name), np.nan, np.float64)
    frame["significant"] = column(cmp.significant, False, bool)
    frame["effect"] = column(cmp.effect, np.nan, np.float64)
    frame["diff_mean"] = column(cmp.diff_mean, 0.0, np.float64)  # the target: 0
    varied = np.empty(len(cmp.varied), dtype=object)
    for k, name in enumerate(cmp.varied):  # one by one: a tuple name stays one object
        varied[k] = name
    frame["varied"] = words(varied, None)
    for name in EVIDENCE_COLUMNS:
        values = getattr(cmp, name)
        fill = False if values.dtype == bool else np.nan
        frame[name] = column(values, fill, values.dtype)
    if cmp.n_shared is not None:
        frame["n_shared"] = column(cmp.n_shared, sweep.counts[cmp.target], np.int64)
    frame["status"] = words(cmp.status, "target")
    frame.attrs = {
        "estimand": cmp.estimand,
        "effect_of_interest": cmp.effect_of_interest,
        "test": cmp.test,
        "effect_of_interest_source": cmp.effect_of_interest_source,
    }
    return frame


def assert_same_frame(cmp: Comparison) -> None:
    got, want = cmp.to_frame(), plain_frame(cmp)
    pd.testing.assert_frame_equal(got, want, check_exact=True, check_index_type=True)
    assert got.attrs == want.attrs
    for name in ("varied", "status"):  # the objects themselves, not only equal-looking ones
        assert [type(x) for x in got[name]] == [type(x) for x in want[name]], name
    # the fields read as they always have, whether given as codes or as values
    assert type(cmp.varied) is list and cmp.varied == cmp.sweep.varied(cmp.target, cmp.ids)
    assert isinstance(cmp.status, np.ndarray) and cmp.status.dtype == object
    pd.testing.assert_frame_equal(cmp.to_frame(), got, check_exact=True)  # after the reads


def missing_runs(seed: int) -> pd.DataFrame:
    """A 3 x 3 x 2 grid: momentum absent for adam, runs missing, crashed runs (NaN scores)."""
    rng = np.random.default_rng(seed)
    rows = []
    grid = [("sgd", 0.5), ("sgd", 0.9), ("adam", None)]
    for (solver, momentum), lr, depth in itertools.product(grid, [0.01, 0.1, 1.0], [2, 4]):
        level = rng.normal(0.7, 0.03)
        for s in range(int(rng.integers(2, 8))):  # 2..7 seeds: some rows are "na"
            score = round(float(rng.normal(level, 0.03)), 2)
            rows.append((solver, momentum, lr, depth, s, np.nan if s == 5 else score))
    return pd.DataFrame(rows, columns=["solver", "momentum", "lr", "depth", "seed", "acc"])


@pytest.fixture(scope="module")
def missing() -> Sweep:
    sweep = Sweep.from_runs(missing_runs(4), metric="acc", seed="seed", min_runs=3)
    assert len(sweep) == 18
    return sweep


@pytest.mark.parametrize("against", ["all", "neighbors"])
@pytest.mark.parametrize("test", ["ks", "welch", "ttest_rel"])
@pytest.mark.parametrize("target", [0, 9, 17])  # first, middle, last configuration
def test_frame_with_missing_values(missing: Sweep, against: str, test: str, target: int) -> None:
    cmp = missing.compare(target, against=against, test=test, correction="holm")
    if against == "all":
        assert (cmp.status == "na").any() and (cmp.status != "na").any()
    assert_same_frame(cmp)


@pytest.mark.parametrize("against", ["all", "neighbors"])
def test_frame_of_a_binned_sweep(against: str) -> None:
    sweep = Sweep.from_runs(
        random_search(), metric="acc", seed="seed", bins={"lr": 8, "weight_decay": "auto"}
    )
    target = int(sweep.configs["n"].idxmax())
    cmp = sweep.compare(target, against=against, correction="fdr_bh")
    assert "pooled" in cmp.to_frame().columns
    assert_same_frame(cmp)


def test_frame_of_tuple_named_parameters() -> None:
    rng = np.random.default_rng(1)
    runs = pd.DataFrame(
        [(lr, bs, s, float(rng.normal(10 * lr, 0.05)))
         for lr in (0.1, 0.2, 0.4) for bs in (16, 32) for s in range(4)],
        columns=[("opt", "lr"), ("opt", "bs"), ("run", "seed"), ("m", "acc")],
    )  # fmt: skip
    sweep = Sweep.from_runs(runs, metric=("m", "acc"), seed=("run", "seed"))
    for against in ("all", "neighbors"):
        cmp = sweep.compare(2, against=against)
        assert {("opt", "lr"), ("opt", "bs")} <= set(cmp.varied)
        assert_same_frame(cmp)


def test_frame_after_a_walk_decides_and_while_pending(missing: Sweep) -> None:
    cmp = missing.compare(7, against="all", correction="holm")
    m = len(cmp.ids)
    words = np.array(["ns", "better", "worse", "na"], dtype=object)[np.arange(m) % 4]
    decided = cmp.with_decisions(words, np.full(m, 0.01), np.full(m, 0.02))
    assert_same_frame(decided)
    assert decided.varied == cmp.varied
    assert_same_frame(pending_comparison(missing, 7, against="all", test="permutation"))


def test_frame_of_a_large_sweep_against_all() -> None:
    rng = np.random.default_rng(2)
    a, b, seeds = 60, 100, 5
    runs = pd.DataFrame(
        {
            "a": np.repeat(np.arange(a), b * seeds),
            "b": np.tile(np.repeat(np.arange(b) / 10, seeds), a),
            "seed": np.tile(np.arange(seeds), a * b),
            "acc": np.round(rng.normal(0.8, 0.02, a * b * seeds), 3),
        }
    )
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    for target in (0, 2345, len(sweep) - 1):
        assert_same_frame(sweep.compare(target, against="all", correction="holm"))


@pytest.mark.parametrize("against", ["all", "neighbors"])
def test_writing_into_the_frame_leaves_the_sweep(missing: Sweep, against: str) -> None:
    cmp = missing.compare(4, against=against)
    before = missing.configs.copy(deep=True)
    frame = cmp.to_frame()
    frame.loc[:, "lr"] = -1.0
    frame.iloc[0, frame.columns.get_loc("mean")] = 99.0
    frame["n"] += 1
    pd.testing.assert_frame_equal(missing.configs, before, check_exact=True)
    assert_same_frame(cmp)  # the next frame is as if nothing had been written
