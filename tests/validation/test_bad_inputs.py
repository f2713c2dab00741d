"""Bad inputs, the data families: hostile column names and column values.

Every bad input gets a clear error naming the culprit, or a correct answer; never a silent wrong
one. (Arguments: ``test_bad_inputs_args.py``; the command line: ``test_bad_inputs_cli.py``.)
"""

from __future__ import annotations

import datetime as dt
import decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk import Sweep, SweepWidget
from sweepwalk.validation import arguments as v


def grid_runs(n_seeds: int = 4, random_state: int = 0) -> pd.DataFrame:
    """Two parameters (lr numeric, bs numeric), a seed column and a score."""
    rng = np.random.default_rng(random_state)
    rows = [
        {"lr": lr, "bs": bs, "seed": s, "acc": float(rng.normal(10 * lr, 0.05))}
        for lr in (0.1, 0.2, 0.4)
        for bs in (16, 32)
        for s in range(n_seeds)
    ]
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ names we add ourselves


def _added_columns(sweep: Sweep) -> set:
    """Every column name sweepwalk puts next to a parameter, read off the outputs themselves."""
    params = set(sweep.params)
    cmp = sweep.compare(0, correction="holm")
    found = set(sweep.configs.columns) | set(cmp.to_frame().columns)
    found |= set(sweep.plan(0).columns) | {"config"}
    widget = SweepWidget(sweep)
    widget.selected = [0, 1]
    found |= set(widget.selection.columns)
    return found - params


def test_reserved_names_cover_every_column_we_add():
    paired = Sweep.from_runs(grid_runs(), metric="acc", seed="seed")
    added = _added_columns(paired)
    # the paired tests add n_shared
    added |= set(paired.compare(0, test="wilcoxon").to_frame().columns) - set(paired.params)
    assert added <= set(v.RESERVED), sorted(added - set(v.RESERVED))


@pytest.mark.parametrize("name", v.RESERVED)
def test_a_parameter_named_like_an_added_column_is_refused(name):
    runs = grid_runs().rename(columns={"lr": name})
    with pytest.raises(ValueError, match=rf"parameter column '{name}' clashes with a column"):
        Sweep.from_runs(runs, metric="acc", seed="seed", params=[name, "bs"])
    if name != "config":  # inferred parameters too (config is never inferred: see below)
        with pytest.raises(ValueError, match=rf"'{name}' clashes"):
            Sweep.from_runs(runs, metric="acc", seed="seed")


@pytest.mark.parametrize("argument", ["metric", "seed"])
def test_a_seed_or_metric_named_config_is_refused(argument):
    column = "acc" if argument == "metric" else "seed"
    runs = grid_runs().rename(columns={column: "config"})
    kwargs = {"metric": "acc", "seed": "seed", argument: "config"}
    with pytest.raises(ValueError, match=rf"`{argument}` column 'config' clashes"):
        Sweep.from_runs(runs, params=["lr", "bs"], **kwargs)


def test_a_foreign_config_column_is_refused_but_our_own_runs_load_again():
    runs = grid_runs().assign(config="mine")
    with pytest.raises(ValueError, match="column 'config' would be replaced"):
        Sweep.from_runs(runs, metric="acc", seed="seed")
    sweep = Sweep.from_runs(grid_runs(), metric="acc", seed="seed")
    again = Sweep.from_runs(sweep.runs, metric="acc", seed="seed")
    pd.testing.assert_frame_equal(again.configs, sweep.configs)


@pytest.mark.parametrize("name", ["status", "pvalue", "mean", "n_shared"])
def test_seed_and_metric_may_use_names_that_only_params_cannot(name):
    # runs keeps the seed and metric columns untouched; only `config` is added there
    seed_named = grid_runs().rename(columns={"seed": name})
    sweep = Sweep.from_runs(seed_named, metric="acc", seed=name)
    assert sweep.runs[name].tolist() == seed_named[name].tolist()
    metric_named = grid_runs().rename(columns={"acc": name})
    sweep = Sweep.from_runs(metric_named, metric=name, seed="seed")
    assert sweep.runs[name].tolist() == metric_named[name].tolist()


# ------------------------------------------------------------------ bools next to numbers


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from([True, False, 0, 1, 1.0, 0.0, 2, -1, 0.5, "1", "True", None]),
        min_size=1,
        max_size=12,
    )
)
def test_bools_and_numbers_never_merge(values):
    """One configuration per distinct value, where True != 1, False != 0, 1 == 1.0, "1" != 1."""
    df = pd.DataFrame({"x": pd.Series(values, dtype=object), "acc": np.arange(len(values), 0, -1)})
    sweep = Sweep.from_runs(df, metric="acc", params=["x"])

    def key(x):
        if x is None:
            return ("absent",)
        if isinstance(x, bool):
            return ("bool", x)
        if isinstance(x, str):
            return ("str", x)
        return ("number", float(x))

    expected = {}
    for x, score in zip(values, df["acc"], strict=True):
        expected.setdefault(key(x), []).append(float(score))
    got = {key(x): sorted(sweep.scores(i).tolist()) for i, x in enumerate(sweep.configs["x"])}
    assert got == {k: sorted(s) for k, s in expected.items()}


def test_bools_and_numbers_in_one_column_are_found_apart():
    df = pd.DataFrame(
        {"flag": pd.Series([True, 1, False, 0] * 3, dtype=object), "acc": np.arange(12.0)}
    )
    sweep = Sweep.from_runs(df, metric="acc", params=["flag"])
    assert len(sweep) == 4
    one, true = sweep.find(flag=1), sweep.find(flag=True)
    assert one != true
    assert sweep.scores(true).tolist() == [0.0, 4.0, 8.0]
    assert sweep.scores(one).tolist() == [1.0, 5.0, 9.0]


def test_bool_and_int_seeds_are_different_seeds():
    df = pd.DataFrame(
        {
            "lr": [0.1] * 4 + [0.2] * 4,
            "seed": pd.Series([True, 1, False, 0] * 2, dtype=object),
            "acc": np.arange(8.0),
        }
    )
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")  # no "duplicate run" error
    assert sweep.configs["n"].tolist() == [4, 4]


# ------------------------------------------------------------------ metric values


@pytest.mark.parametrize(
    ("values", "kind"),
    [
        ([1 + 2j, 3 + 0j], "complex"),
        (np.array([1 + 2j, 3 + 0j]), "complex"),
        ([dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 2)], "Timestamp"),
        (pd.to_datetime(["2020-01-01", "2020-01-02"]).tz_localize("UTC"), "Timestamp"),
        ([dt.timedelta(seconds=1), dt.timedelta(seconds=2)], "Timedelta"),
        (pd.Series([dt.date(2020, 1, 1), dt.date(2020, 1, 2)], dtype=object), "date"),
        (pd.period_range("2020-01", periods=2, freq="M"), "Period"),
    ],
)
def test_complex_datetime_timedelta_metrics_are_refused(values, kind):
    df = pd.DataFrame({"lr": [0.1, 0.2], "acc": list(values)})
    if not isinstance(values, list):
        df["acc"] = pd.Series(values).to_numpy() if kind == "complex" else pd.Series(values)
    with pytest.raises(ValueError, match=rf"`metric` column 'acc' must hold real numbers.*{kind}"):
        Sweep.from_runs(df, metric="acc", params=["lr"])


def test_decimal_metric_is_read_exactly_as_floats():
    scores = ["0.5", "0.25", "0.125", "0.75"]
    df = pd.DataFrame({"lr": [0.1, 0.1, 0.2, 0.2], "acc": [decimal.Decimal(s) for s in scores]})
    sweep = Sweep.from_runs(df, metric="acc", params=["lr"], min_runs=1)
    assert sweep.scores(0).tolist() == [0.5, 0.25]
    assert sweep.configs["mean"].tolist() == [0.375, 0.4375]


# ------------------------------------------------------------------ tuple and MultiIndex names


def _tuple_runs() -> pd.DataFrame:
    runs = grid_runs()
    return runs.set_axis([("opt", "lr"), ("opt", "bs"), ("run", "seed"), ("m", "acc")], axis=1)


@pytest.mark.parametrize("multi", [False, True])
def test_tuple_and_multiindex_names_work_in_every_entry_point(multi):
    runs = _tuple_runs()
    if multi:
        runs.columns = pd.MultiIndex.from_tuples(runs.columns)
    sweep = Sweep.from_runs(runs, metric=("m", "acc"), seed=("run", "seed"))
    plain = Sweep.from_runs(grid_runs(), metric="acc", seed="seed")
    assert sweep.params == (("opt", "lr"), ("opt", "bs"))
    # same numbers as the plain-named sweep, same column names after the parameters
    assert sweep.configs.columns.tolist()[2:] == plain.configs.columns.tolist()[2:]
    np.testing.assert_array_equal(sweep.configs["mean"], plain.configs["mean"])
    target = {("opt", "lr"): 0.2, ("opt", "bs"): 16}
    cmp, plain_cmp = sweep.compare(target), plain.compare({"lr": 0.2, "bs": 16})
    assert cmp.target == plain_cmp.target
    assert cmp.varied == [(("opt", "lr") if p == "lr" else ("opt", "bs")) for p in plain_cmp.varied]
    frame = cmp.to_frame()
    assert frame.columns.tolist()[:2] == [("opt", "lr"), ("opt", "bs")]
    imp = sweep.importance().to_frame()
    assert imp.index.tolist() == [("opt", "lr"), ("opt", "bs")]
    assert not isinstance(imp.index, pd.MultiIndex)
    np.testing.assert_array_equal(imp["pairs"], plain.importance().to_frame()["pairs"])
    assert sweep.plan(target).columns.tolist()[:2] == [("opt", "lr"), ("opt", "bs")]
    assert sweep.walk(target).path == plain.walk({"lr": 0.2, "bs": 16}).path
    widget = SweepWidget(sweep)
    widget.selected = [0, 1]
    assert widget.selection.columns.tolist()[:2] == [("opt", "lr"), ("opt", "bs")]
    assert len(widget.selected_runs) == 8


def test_a_multiindex_level_name_is_not_a_column():
    runs = _tuple_runs()
    runs.columns = pd.MultiIndex.from_tuples(runs.columns)
    with pytest.raises(KeyError, match=r"`metric`='m' is not a column.*\('m', 'acc'\)"):
        Sweep.from_runs(runs, metric="m")
