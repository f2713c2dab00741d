"""``sweep.runs`` is the frame as given plus ``config``, though the sweep keeps less of it.

Scores are one float per seed per configuration. The parameter and seed columns the sweep's own
codes rebuild bit for bit are not kept twice (``sweepwalk.data.runs.KeptRuns``): the frame read
back must be the one given (values, dtypes, index, column order, attrs), whatever the columns
hold, and must not hold on to the user's arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk import Sweep


def _expected(df: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """The frame given plus the config id of each run, found from its values (``find``)."""
    ids = [
        sweep.find({p: (None if pd.isna(row[p]) else row[p]) for p in sweep.params})
        for _, row in df.iterrows()
    ]
    return df.assign(config=np.asarray(ids, dtype=np.int64))


def _same_bits(got: pd.DataFrame, want: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for name in want.columns:  # -0.0 is not 0.0, nor one NaN another, for an exact copy
        a, b = got[name].to_numpy(), want[name].to_numpy()
        if a.dtype.kind == "f":
            assert a.tobytes() == b.tobytes(), name
    assert got.attrs == want.attrs


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    """Runs with float, int, text and categorical parameters, absent values, extra columns."""
    n_cfg = draw(st.integers(1, 12))
    seeds = draw(st.integers(1, 4))
    pick = st.sampled_from
    lr = [draw(pick([0.1, 0.01, -0.0, 0.0, np.nan, 1e300])) for _ in range(n_cfg)]
    depth = [draw(st.integers(0, 6)) for _ in range(n_cfg)]
    opt = [draw(pick(["adam", "sgd", None])) for _ in range(n_cfg)]
    rows = np.repeat(np.arange(n_cfg), seeds)
    df = pd.DataFrame(
        {
            "lr": np.asarray(lr)[rows],
            "depth": np.asarray(depth, dtype=draw(pick(["int64", "int8", "uint16"])))[rows],
            "opt": np.asarray(opt, dtype=object)[rows],
            "seed": np.tile(np.arange(seeds) * draw(pick([1, 7])), n_cfg).astype(
                draw(pick(["int64", "int32", "float64"]))
            ),
            "acc": np.arange(len(rows), dtype=np.float64) / 7,
            "note": [f"run {k}" for k in range(len(rows))],
        }
    )
    bad = draw(st.lists(st.sampled_from([np.nan, np.inf, -np.inf]), max_size=len(df)))
    df.loc[: len(bad) - 1, "acc"] = bad  # diverged runs: kept as given, left out of the scores
    if draw(st.booleans()):
        df["opt"] = df["opt"].astype("category")
    if draw(st.booleans()):  # an index of its own
        df.index = pd.Index(np.arange(len(df))[::-1] * 3, name="run")
    df.attrs["origin"] = "test"
    return df.drop_duplicates(["lr", "depth", "opt", "seed"]).sample(
        frac=1.0, random_state=draw(st.integers(0, 9))
    )


@settings(max_examples=60, deadline=None)
@given(frames(), st.booleans())
def test_runs_are_the_frame_given(df: pd.DataFrame, by_seed: bool) -> None:
    seed = "seed" if by_seed else None
    sweep = Sweep.from_runs(df, metric="acc", params=["lr", "depth", "opt"], seed=seed)
    want = _expected(df, sweep)
    want.attrs = sweep.runs.attrs  # from_runs adds how it was read ("source")
    _same_bits(sweep.runs, want)
    assert sweep.runs.attrs["origin"] == "test"
    for name in [*df.columns, "config"]:  # one column, built alone
        pd.testing.assert_series_equal(sweep.runs_column(name), want[name], check_exact=True)
    picked = list(range(0, len(sweep), 2))  # the runs of some configurations, built alone
    _same_bits(sweep.runs_of(picked), want[want["config"].isin(picked)])


def test_runs_do_not_hold_the_frame_given() -> None:
    """A parameter or seed column rebuilt from the codes shares no memory with the input."""
    rng = np.random.default_rng(0)
    n, seeds = 50, 4
    df = pd.DataFrame(
        {
            "a": np.repeat(np.arange(n) % 10 / 10, seeds),
            "b": np.repeat(np.arange(n) // 10, seeds),
            "seed": np.tile(np.arange(seeds), n),
            "acc": rng.normal(size=n * seeds),
        }
    )
    sweep = Sweep.from_runs(df, metric="acc", params=["a", "b"], seed="seed")
    held = [x for x in vars(sweep._runs).values() if isinstance(x, np.ndarray)]
    held += [a for recipe in sweep._runs._recipes.values() for a in recipe[:2]]
    held += [s.to_numpy() for s in sweep._runs._kept.values()]
    for name in df.columns:
        column = df[name].to_numpy()
        assert not any(np.shares_memory(column, x) for x in held), name
    pd.testing.assert_frame_equal(sweep.runs, _expected(df, sweep).set_axis(df.index))


@pytest.mark.parametrize("bins", [None, {"lr": 2}])
def test_runs_of_lists_and_bins(bins: dict[str, int] | None) -> None:
    """from_lists and bins= build their own long frames: read back as built."""
    df = pd.DataFrame({"lr": [0.1, 0.2, 0.3, 0.4], "s": [[1.0, 2.0], [3.0], [], [4.0, np.inf]]})
    sweep = Sweep.from_lists(df, scores="s")
    assert sweep.runs["s"].tolist() == [1.0, 2.0, 3.0, 4.0, np.inf]
    assert sweep.runs["lr"].tolist() == [0.1, 0.1, 0.2, 0.4, 0.4]
    assert sweep.runs["config"].tolist() == [0, 0, 1, 3, 3]
    long = sweep.runs.drop(columns="config").rename(columns={"s": "acc"})
    binned = Sweep.from_runs(long, metric="acc", params=["lr"], bins=bins)
    assert binned.runs.drop(columns="config").equals(long) or bins is not None
    assert binned.runs["config"].dtype == np.int64


def test_runs_attrs_are_those_of_runs_without_building_them(monkeypatch) -> None:
    df = pd.DataFrame({"lr": [0.1, 0.1, 0.2, 0.2], "seed": [0, 1, 0, 1], "acc": [1.0, 2, 3, 4]})
    df.attrs["log_scale"] = ["lr"]
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    expected = sweep.runs.attrs
    monkeypatch.setattr(type(sweep._runs), "frame", lambda self: pytest.fail("runs built"))
    got = sweep.runs_attrs
    assert got == expected and got["source"].n_runs == 4 and got["log_scale"] == ["lr"]
    got["log_scale"].append("seed")  # a copy: the sweep's own are unchanged
    assert sweep.runs_attrs["log_scale"] == ["lr"]
