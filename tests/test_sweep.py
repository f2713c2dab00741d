"""Sweep: configurations, per-seed scores and lookups, checked against plain pandas/numpy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sweepwalk.sweep
from sweepwalk.sweep import Sweep

STATS = ["n", "n_missing", "mean", "std", "median", "min", "max"]


def expected_configs(df: pd.DataFrame, params: list[str], metric: str) -> pd.DataFrame:
    """Per-configuration statistics by a plain pandas groupby (absent as its own value)."""
    work = df.copy()
    work["_score"] = work[metric].replace([np.inf, -np.inf], np.nan)
    rows = []
    for key, g in work.groupby(params, dropna=False, sort=False):
        s = g["_score"].dropna().to_numpy()
        key = key if isinstance(key, tuple) else (key,)
        rows.append(
            {
                **dict(zip(params, key, strict=True)),
                "n": len(s),
                "n_missing": int(g["_score"].isna().sum()),
                "mean": np.mean(s) if len(s) else np.nan,
                "std": np.std(s, ddof=1) if len(s) > 1 else np.nan,
                "median": np.median(s) if len(s) else np.nan,
                "min": np.min(s) if len(s) else np.nan,
                "max": np.max(s) if len(s) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _key(row, params):
    return tuple("<absent>" if pd.isna(row[p]) else row[p] for p in params)


@st.composite
def long_runs(draw):
    grid = [(lr, opt) for lr in (0.1, 0.01, 1.0, np.nan) for opt in ("a", "b", None)]
    chosen = draw(st.lists(st.integers(0, len(grid) - 1), min_size=1, max_size=12, unique=True))
    rows = []
    for lr, opt in (grid[k] for k in chosen):
        n_seeds = draw(st.integers(0, 6))
        for seed in range(n_seeds):
            score = draw(
                st.one_of(
                    st.floats(-5, 5, allow_nan=False),
                    st.sampled_from([0.5, 0.5, np.nan, np.inf, -np.inf]),
                )
            )
            rows.append({"lr": lr, "opt": opt, "seed": seed, "acc": score})
    if not rows:
        rows.append({"lr": 0.1, "opt": "a", "seed": 0, "acc": 1.0})
    df = pd.DataFrame(rows)
    # shuffle so that neither config nor seed order comes for free
    return df.sample(frac=1.0, random_state=draw(st.integers(0, 1000))).reset_index(drop=True)


@settings(max_examples=80, deadline=None)
@given(long_runs())
def test_configs_match_pandas_groupby(df):
    sweep = Sweep.from_runs(df, metric="acc", seed="seed", params=["lr", "opt"])
    want = expected_configs(df, ["lr", "opt"], "acc")
    got = sweep.configs
    assert got.index.name == "config"
    assert list(got.index) == list(range(len(want)))
    assert list(got.columns) == ["lr", "opt", *STATS]
    by_key = {_key(r, ["lr", "opt"]): r for _, r in want.iterrows()}
    assert len(by_key) == len(got)
    for i, row in got.iterrows():
        ref = by_key[_key(row, ["lr", "opt"])]
        assert row["n"] == ref["n"] and row["n_missing"] == ref["n_missing"]
        for col in ["mean", "std", "median", "min", "max"]:
            np.testing.assert_allclose(row[col], ref[col], rtol=1e-12, atol=1e-15, equal_nan=True)
        # scores: the finite ones, ordered by seed
        mask = (df["lr"].isna() if pd.isna(row["lr"]) else df["lr"] == row["lr"]) & (
            df["opt"].isna() if pd.isna(row["opt"]) else df["opt"] == row["opt"]
        )
        runs = df[mask].sort_values("seed")
        finite = runs[np.isfinite(runs["acc"])]
        np.testing.assert_array_equal(sweep.scores(i), finite["acc"].to_numpy())
        np.testing.assert_array_equal(
            sweep.seed_matrix[i, : sweep._counts[i]], finite["seed"].to_numpy()
        )
    # internal arrays per the architecture contract
    n_cfg = len(got)
    k = max(int(got["n"].max()), 1)
    assert sweep.score_matrix.shape == (n_cfg, k) and sweep.score_matrix.dtype == np.float64
    assert sweep._counts.dtype == np.int64
    np.testing.assert_array_equal(sweep._counts, got["n"].to_numpy())
    assert sweep.seed_matrix.shape == (n_cfg, k)
    for i in range(n_cfg):
        assert np.isnan(sweep.score_matrix[i, sweep._counts[i] :]).all()
        assert (sweep.seed_matrix[i, sweep._counts[i] :] == -1).all()
    # runs: as given plus the config id
    assert len(sweep.runs) == len(df)
    pd.testing.assert_frame_equal(sweep.runs.drop(columns="config"), df)
    for i, row in got.iterrows():
        sub = sweep.runs[sweep.runs["config"] == i]
        assert len(sub) == row["n"] + row["n_missing"]


def test_config_order_is_sorted_with_absent_last():
    df = pd.DataFrame(
        {
            "opt": ["b", "a", None, "a", "b", 3],
            "lr": [0.1, np.nan, 0.1, 0.01, 0.01, 0.5],
            "acc": np.arange(6.0),
        }
    )
    sweep = Sweep.from_runs(df, metric="acc", min_runs=1)
    got = [
        (None if pd.isna(o) else o, None if pd.isna(lr) else lr)
        for o, lr in sweep.configs[["opt", "lr"]].itertuples(index=False)
    ]
    # numbers before strings within a mixed column, absent last
    assert got == [(3, 0.5), ("a", 0.01), ("a", None), ("b", 0.01), ("b", 0.1), (None, 0.1)]


def test_order_without_seed_is_input_order(solver_df):
    df = solver_df.drop(columns="seed")
    sweep = Sweep.from_runs(df, metric="acc", params=["solver", "momentum", "lr"])
    i = sweep.find(solver="adam", lr=0.1)
    want = df[(df.solver == "adam") & (df.lr == 0.1)]["acc"].to_numpy()
    np.testing.assert_array_equal(sweep.scores(i), want)
    assert sweep.seed_matrix is None
    assert sweep.seed is None


def test_params_inferred_and_attributes(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed", goal="min", min_runs=2)
    assert sweep.params == ("solver", "momentum", "lr")
    assert (sweep.metric, sweep.seed, sweep.goal, sweep.min_runs) == ("acc", "seed", "min", 2)
    assert len(sweep) == 9
    assert "9 configurations" in repr(sweep)


def test_scores_returns_a_copy(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    s = sweep.scores(0)
    s[:] = -1
    assert (sweep.scores(0) != -1).all()


def test_inf_and_nan_are_missing_and_n_zero_config():
    df = pd.DataFrame(
        {"lr": [1, 1, 1, 2, 2], "seed": [0, 1, 2, 0, 1], "acc": [1.0, np.inf, np.nan, -np.inf, 2]}
    )
    df.loc[4, "acc"] = np.nan
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    c = sweep.configs
    assert c["n"].tolist() == [1, 0] and c["n_missing"].tolist() == [2, 2]
    assert c.loc[1, ["mean", "std", "median", "min", "max"]].isna().all()
    assert np.isnan(c.loc[0, "std"]) and c.loc[0, "mean"] == 1.0
    assert sweep.scores(1).size == 0
    assert sweep.score_matrix.shape == (2, 1)


def test_from_lists_matches_from_runs(solver_df):
    runs = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    lists = (
        solver_df.sort_values("seed")
        .groupby(["solver", "momentum", "lr"], dropna=False, sort=False)["acc"]
        .agg(list)
        .reset_index()
        .sample(frac=1.0, random_state=3)
    )
    sweep = Sweep.from_lists(lists, scores="acc")
    assert sweep.params == ("solver", "momentum", "lr")
    assert sweep.metric == "acc" and sweep.seed is None and sweep.seed_matrix is None
    pd.testing.assert_frame_equal(sweep.configs, runs.configs)
    np.testing.assert_array_equal(sweep.score_matrix, runs.score_matrix)
    assert len(sweep.runs) == len(solver_df)


def test_from_lists_missing_cell_and_inf():
    df = pd.DataFrame({"k": [1, 2, 3], "s": [[1.0, np.inf, 3.0], None, []]})
    sweep = Sweep.from_lists(df, scores="s", min_runs=1)
    assert sweep.configs["n"].tolist() == [2, 0, 0]
    assert sweep.configs["n_missing"].tolist() == [1, 0, 0]
    assert len(sweep.runs) == 3 and sweep.runs["config"].tolist() == [0, 0, 0]


def test_find_exact_partial_absent_and_strings(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    c = sweep.configs
    i = sweep.find(solver="sgd", momentum=0.9, lr=0.1)
    assert tuple(c.loc[i, ["solver", "momentum", "lr"]]) == ("sgd", 0.9, 0.1)
    assert sweep.find(solver="adam", momentum=None, lr=1.0) == sweep.find(solver="adam", lr=1.0)
    assert sweep.find(solver="adam", momentum=np.nan, lr=1.0) == sweep.find(solver="adam", lr=1)
    assert sweep.find(solver="sgd", momentum="0.9", lr="0.1") == i  # text from a CLI


def test_find_errors_show_closest(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    with pytest.raises(KeyError) as err:
        sweep.find(solver="sgd", momentum=0.7, lr=0.1)
    text = str(err.value)
    assert "no configuration has" in text and "Closest configurations" in text
    assert "sgd" in text and "\n" in text  # a readable table, not an escaped repr
    with pytest.raises(ValueError, match="unknown parameter"):
        sweep.find(optimizer="sgd")
    with pytest.raises(ValueError, match="configurations match"):
        sweep.find(solver="sgd")


def test_resolve_target(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    assert sweep.resolve(3) == 3
    assert sweep.resolve(np.int64(4)) == 4
    assert sweep.resolve({"solver": "adam", "lr": 0.1}) == sweep.find(solver="adam", lr=0.1)
    with pytest.raises(KeyError, match="does not exist"):
        sweep.resolve(99)
    with pytest.raises(KeyError, match="does not exist"):
        sweep.resolve(-1)
    with pytest.raises(TypeError, match="config id"):
        sweep.resolve("3")
    with pytest.raises(TypeError, match="config id"):
        sweep.resolve(True)


def test_neighbors_returns_sorted_ints(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    for mode in ("adjacent", "axis"):
        for i in range(len(sweep)):
            got = sweep.neighbors(i, mode=mode)
            assert got == sorted(got) and all(type(j) is int for j in got)


def test_compare_is_a_thin_forwarder(solver_df, monkeypatch):
    calls = []

    def compare(sweep, target, **kwargs):
        calls.append((sweep, target, kwargs))
        return "result"

    monkeypatch.setattr(sweepwalk.sweep, "compare", compare)
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    assert sweep.compare(2, test="welch", random_state=1) == "result"
    assert calls[0][0] is sweep and calls[0][1] == 2
    assert calls[0][2] == {
        "against": "neighbors",
        "test": "welch",
        "correction": "none",
        "alpha": 0.05,
        "neighbors": "adjacent",
        "random_state": 1,
    }


def test_direct_construction_is_refused():
    with pytest.raises(TypeError, match="from_runs"):
        Sweep()


@pytest.mark.parametrize(
    ("method", "module", "args", "expected"),
    [
        (
            "importance",
            "importance",
            {"margin": 0.1, "random_state": 0},
            {
                "test": "ks",
                "correction": "fdr_bh",
                "alpha": 0.05,
                "neighbors": "adjacent",
                "margin": 0.1,
                "random_state": 0,
            },
        ),
        (
            "walk",
            "walk",
            {"max_steps": 2},
            {"test": "ks", "correction": "none", "alpha": 0.05, "max_steps": 2},
        ),
    ],
)
def test_importance_and_walk_forward(solver_df, monkeypatch, method, module, args, expected):
    calls = []

    def func(sweep, *pos, **kwargs):
        calls.append((sweep, pos, kwargs))
        return "result"

    monkeypatch.setattr(sweepwalk.sweep, module, func)
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    pos = (1,) if method == "walk" else ()
    assert getattr(sweep, method)(*pos, **args) == "result"
    assert calls == [(sweep, pos, expected)]


def test_categorical_order_and_row_order_independence(solver_df):
    df = solver_df.assign(
        size=pd.Categorical(
            ["large", "small"] * (len(solver_df) // 2) + ["small"] * (len(solver_df) % 2),
            categories=["small", "large"],
            ordered=True,
        )
    )
    sweep = Sweep.from_runs(
        df, metric="acc", seed="seed", params=["size", "solver", "momentum", "lr"]
    )
    assert sweep.configs["size"].tolist()[:3] == ["small"] * 3
    shuffled = df.sample(frac=1.0, random_state=7)
    shuffled.index = shuffled.index * 10 + 5  # a non-default index
    again = Sweep.from_runs(
        shuffled, metric="acc", seed="seed", params=["size", "solver", "momentum", "lr"]
    )
    pd.testing.assert_frame_equal(again.configs, sweep.configs)
    np.testing.assert_array_equal(again.score_matrix, sweep.score_matrix)
    assert (again.runs.index == shuffled.index).all()


def test_runs_do_not_follow_later_edits_of_the_input(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    before = sweep.runs["acc"].copy()
    solver_df.loc[0, "acc"] = 123.0
    pd.testing.assert_series_equal(sweep.runs["acc"], before)
    assert "config" not in solver_df.columns


def test_round_trip_through_runs_ignores_the_config_column(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    again = Sweep.from_runs(sweep.runs, metric="acc", seed="seed")
    assert again.params == sweep.params
    pd.testing.assert_frame_equal(again.configs, sweep.configs)
    pd.testing.assert_frame_equal(again.runs, sweep.runs)


@settings(max_examples=50, deadline=None)
@given(long_runs())
def test_from_lists_equals_from_runs_without_seed(df):
    runs = Sweep.from_runs(df.drop(columns="seed"), metric="acc", params=["lr", "opt"])
    lists = df.groupby(["lr", "opt"], dropna=False, sort=False)["acc"].agg(list).reset_index()
    sweep = Sweep.from_lists(lists, scores="acc", params=["lr", "opt"])
    pd.testing.assert_frame_equal(sweep.configs[STATS], runs.configs[STATS])
    # groupby may turn an all-None column into float NaN: compare values, absent as absent
    keys = [
        [_key(r, ["lr", "opt"]) for _, r in frame.iterrows()]
        for frame in (sweep.configs, runs.configs)  # copies: the sweeps' own stay as they are
    ]
    assert keys[0] == keys[1]
    np.testing.assert_array_equal(sweep.score_matrix, runs.score_matrix)


def test_distinct_seeds_per_run_are_ordered_and_checked():
    # every run its own seed: the (config, seed) table is sparse and the sort path is used
    rng = np.random.default_rng(5)
    df = pd.DataFrame(
        {
            "k": np.repeat(np.arange(50), 3),
            "seed": rng.permutation(10_000)[:150],
            "acc": rng.normal(size=150),
        }
    )
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    for i in range(50):
        runs = df[df["k"] == sweep.configs.loc[i, "k"]].sort_values("seed")
        np.testing.assert_array_equal(sweep.scores(i), runs["acc"].to_numpy())
    with pytest.raises(ValueError, match="duplicate run"):
        Sweep.from_runs(pd.concat([df, df.iloc[[7]]]), metric="acc", seed="seed")
