"""Every bad input that belongs to the data model gets a clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sweepwalk.sweep import Sweep
from sweepwalk.validation import arguments as v


@pytest.fixture
def runs() -> pd.DataFrame:
    return pd.DataFrame(
        {"lr": [0.1, 0.1, 0.01, 0.01], "seed": [0, 1, 0, 1], "acc": [0.5, 0.6, 0.7, 0.8]}
    )


def test_not_a_frame_and_empty_frame():
    with pytest.raises(TypeError, match="`df` must be a pandas DataFrame"):
        Sweep.from_runs({"acc": [1.0]}, metric="acc")
    with pytest.raises(ValueError, match=r"`df` is empty \(0 rows\).*'lr', 'acc'"):
        Sweep.from_runs(pd.DataFrame({"lr": [], "acc": []}), metric="acc")
    with pytest.raises(ValueError, match="empty"):
        Sweep.from_lists(pd.DataFrame({"lr": [], "s": []}), scores="s")


def test_missing_metric_lists_the_columns(runs):
    with pytest.raises(KeyError, match=r"`metric`='loss' is not a column.*'lr', 'seed', 'acc'"):
        Sweep.from_runs(runs, metric="loss")
    with pytest.raises(KeyError, match="`seed`='run'"):
        Sweep.from_runs(runs, metric="acc", seed="run")
    with pytest.raises(KeyError, match="`scores`='s'"):
        Sweep.from_lists(runs, scores="s")


def test_non_numeric_metric_names_a_value(runs):
    bad = runs.assign(acc=["0.5", "high", "0.7", "0.8"])
    with pytest.raises(ValueError, match=r"`metric` column 'acc' must be numeric.*'high'"):
        Sweep.from_runs(bad, metric="acc", seed="seed")
    # numbers stored as text are accepted
    ok = Sweep.from_runs(runs.assign(acc=runs["acc"].astype(str)), metric="acc", seed="seed")
    assert ok.configs["n"].tolist() == [2, 2]


def test_param_that_is_metric_or_seed(runs):
    with pytest.raises(ValueError, match="'acc' is both the metric and a parameter"):
        Sweep.from_runs(runs, metric="acc", params=["lr", "acc"])
    with pytest.raises(ValueError, match="'seed' is both the seed and a parameter"):
        Sweep.from_runs(runs, metric="acc", seed="seed", params=["lr", "seed"])
    with pytest.raises(ValueError, match="`seed` and `metric` are the same column"):
        Sweep.from_runs(runs, metric="acc", seed="acc")


def test_unknown_and_malformed_params(runs):
    with pytest.raises(KeyError, match=r"`params`='batch' is not a column.*'lr'"):
        Sweep.from_runs(runs, metric="acc", params=["lr", "batch"])
    with pytest.raises(TypeError, match="list of column names"):
        Sweep.from_runs(runs, metric="acc", params="lr")
    with pytest.raises(ValueError, match="more than once"):
        Sweep.from_runs(runs, metric="acc", params=["lr", "lr"])
    with pytest.raises(ValueError, match="at least one"):
        Sweep.from_runs(runs, metric="acc", params=[])
    with pytest.raises(ValueError, match="no parameter columns"):
        Sweep.from_runs(runs[["seed", "acc"]], metric="acc", seed="seed")


def test_reserved_parameter_names(runs):
    with pytest.raises(ValueError, match="'n' clashes with a column sweepwalk adds"):
        Sweep.from_runs(runs.rename(columns={"lr": "n"}), metric="acc", seed="seed")


@pytest.mark.parametrize("value", [[1, 2], {"a": 1}])
def test_unhashable_parameter_values(runs, value):
    bad = runs.assign(layers=[value, value, (1,), (1,)])
    with pytest.raises(TypeError, match="parameter column 'layers' holds unhashable values"):
        Sweep.from_runs(bad, metric="acc", seed="seed")


def test_tuples_are_fine(runs):
    sweep = Sweep.from_runs(
        runs.assign(layers=[(1, 2)] * 2 + [(3,)] * 2), metric="acc", seed="seed"
    )
    assert len(sweep) == 2


def test_duplicate_configuration_seed_rows_are_named(runs):
    bad = pd.concat([runs, runs.iloc[[2]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"1 duplicate run\(s\)") as err:
        Sweep.from_runs(bad, metric="acc", seed="seed")
    assert "0.01" in str(err.value) and "seed" in str(err.value)
    # rows that share (configuration, seed) collide even when the score is missing
    bad.loc[4, "acc"] = np.nan
    with pytest.raises(ValueError, match="duplicate"):
        Sweep.from_runs(bad, metric="acc", seed="seed")


def test_missing_seed_values(runs):
    with pytest.raises(ValueError, match="seed column 'seed' has missing values"):
        Sweep.from_runs(runs.assign(seed=[0, None, 0, 1]), metric="acc", seed="seed")


def test_second_metric_is_refused_when_inferring():
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "lr": np.repeat([0.1, 0.01, 0.001, 1.0], 10),
            "seed": np.tile(np.arange(10), 4),
            "acc": rng.normal(size=40),
            "loss": rng.normal(size=40),
        }
    )
    with pytest.raises(ValueError, match=r"'loss' looks like a second metric.*params=\['lr'\]"):
        Sweep.from_runs(df, metric="acc", seed="seed")
    assert Sweep.from_runs(df, metric="acc", seed="seed", params=["lr"]).params == ("lr",)


@pytest.mark.parametrize("goal", ["maximize", 1])
def test_bad_goal(runs, goal):
    with pytest.raises(ValueError, match=r"`goal` must be one of \{'max', 'min'\}"):
        Sweep.from_runs(runs, metric="acc", goal=goal)


@pytest.mark.parametrize(
    ("metric", "goal"),
    [("acc", "max"), ("val_loss", "min"), ("test/error", "min"), ("rmse", "min"), ("f1", "max")],
)
def test_goal_left_out_comes_from_the_metric_name(runs, metric, goal):
    """The README's rule, on every entry point: a loss or an error is minimised."""
    renamed = runs.rename(columns={"acc": metric})
    assert Sweep.from_runs(renamed, metric=metric).goal == goal
    lists = renamed.groupby("lr")[metric].agg(list).reset_index()
    assert Sweep.from_lists(lists, scores=metric).goal == goal


@pytest.mark.parametrize(
    ("min_runs", "error"), [(0, ValueError), (-2, ValueError), (2.5, TypeError), (True, TypeError)]
)
def test_bad_min_runs(runs, min_runs, error):
    with pytest.raises(error, match="`min_runs` must be an integer >= 1"):
        Sweep.from_runs(runs, metric="acc", min_runs=min_runs)


def test_unknown_keyword_arguments_raise_type_error(runs):
    with pytest.raises(TypeError):
        Sweep.from_runs(runs, metric="acc", seeds="seed")
    with pytest.raises(TypeError):
        Sweep.from_lists(runs, scores="acc", seed="seed")
    with pytest.raises(TypeError):
        Sweep.from_runs(runs, "acc")  # metric is keyword-only


def test_from_lists_bad_cells_and_duplicate_rows():
    with pytest.raises(TypeError, match="row 1 holds 'x'"):
        Sweep.from_lists(pd.DataFrame({"k": [1, 2], "s": [[1.0], "x"]}), scores="s")
    with pytest.raises(ValueError, match="scores must be numbers"):
        Sweep.from_lists(pd.DataFrame({"k": [1, 2], "s": [[1.0], ["a", "b"]]}), scores="s")
    with pytest.raises(ValueError, match="flat list"):
        Sweep.from_lists(pd.DataFrame({"k": [1, 2], "s": [[[1.0]], [2.0, 3.0]]}), scores="s")
    with pytest.raises(ValueError, match="one row per configuration"):
        Sweep.from_lists(pd.DataFrame({"k": [1, 1], "s": [[1.0], [2.0]]}), scores="s")


def test_duplicate_column_names(runs):
    bad = pd.concat([runs, runs[["lr"]]], axis=1)
    with pytest.raises(ValueError, match="duplicate column names"):
        Sweep.from_runs(bad, metric="acc")


def test_scores_and_neighbors_bad_ids(runs):
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", min_runs=1)
    with pytest.raises(KeyError, match=r"config id 2 does not exist; `i` must be in 0..1"):
        sweep.scores(2)
    with pytest.raises(TypeError, match="integer config id"):
        sweep.scores(0.0)
    with pytest.raises(ValueError, match=r"`mode` must be one of \{'adjacent', 'axis'\}"):
        sweep.neighbors(0, mode="all")


def test_check_choice_lists_allowed():
    with pytest.raises(ValueError, match=r"`test` must be one of \{'ks', 'welch'\}, got 'kz'"):
        v.check_choice("kz", "test", ["ks", "welch"])
    assert v.check_choice("ks", "test", ["ks"]) == "ks"
    with pytest.raises(TypeError, match=r"f\(\) got unexpected keyword argument\(s\): 'x'"):
        v.check_no_kwargs({"x": 1}, "f")


def test_check_config_ids() -> None:
    assert v.check_config_ids([np.int32(3), 1, 3], 5, "selected") == [3, 1]
    assert v.check_config_ids((), 5) == []
    for bad, error in (("0,1", TypeError), (3, TypeError), ([True], TypeError), ([5], KeyError)):
        with pytest.raises(error, match="`selected`"):
            v.check_config_ids(bad, 5, "selected")
