"""from_mlflow against a real MLflow SQLite tracking store."""

from __future__ import annotations

import sys

import mlflow
import pandas as pd
import pytest
from io_helpers import assert_same_sweep, grid_runs

from sweepwalk import Sweep
from sweepwalk.io import from_mlflow, open_source, source_info

# MLflow's SQL store uses a loader option SQLAlchemy 2.1 deprecates; theirs, not ours to fix.
Metric, Param = mlflow.entities.Metric, mlflow.entities.Param
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> str:
    """One tracking store (creating its tables takes seconds): experiment 'grid' holds the
    grid's runs (params as MLflow keeps them: text), a FAILED run, and a parent run whose nested
    children are two more seeds of one configuration; 'other' holds one run."""
    uri = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri)
    grid = client.create_experiment("grid")
    for r in grid_runs().itertuples():
        run = client.create_run(grid)
        params = [Param(k, str(x)) for k, x in {"lr": r.lr, "opt": r.opt, "seed": r.seed}.items()]
        metrics = [Metric("acc", 0.0, 0, 0), Metric("acc", r.acc, 1, 1)]  # the latest is read
        client.log_batch(run.info.run_id, metrics=metrics, params=params)
        client.set_terminated(run.info.run_id)
    failed = client.create_run(grid)
    client.log_param(failed.info.run_id, "lr", 0.01)
    client.set_terminated(failed.info.run_id, status="FAILED")
    parent = client.create_run(grid)
    client.log_param(parent.info.run_id, "lr", "search")
    for seed in (4, 5):
        child = client.create_run(grid, tags={"mlflow.parentRunId": parent.info.run_id})
        for key, value in {"lr": 0.01, "opt": "sgd", "seed": seed}.items():
            client.log_param(child.info.run_id, key, value)
        client.log_metric(child.info.run_id, "acc", {4: 0.94, 5: 0.95}[seed])
        client.set_terminated(child.info.run_id)
    client.set_terminated(parent.info.run_id)
    other = client.create_experiment("other")
    run = client.create_run(other)
    client.log_param(run.info.run_id, "lr", "0.1")
    client.log_metric(run.info.run_id, "loss", 1.0)
    client.set_terminated(run.info.run_id)
    return uri


def _want() -> Sweep:
    extra = pd.DataFrame({"lr": 0.01, "opt": "sgd", "seed": [4, 5], "acc": [0.94, 0.95]})
    runs = pd.concat([grid_runs(), extra], ignore_index=True)
    return Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed")


def test_numeric_text_params_become_numbers_with_numeric_neighbours(store):
    sweep = from_mlflow("grid", tracking_uri=store)
    assert sweep.configs["lr"].dtype == float
    assert sweep.runs["seed"].dtype == "int64"
    mid = sweep.find(lr=0.0001, opt="adam")
    neighbours = sweep.configs.loc[sweep.neighbors(mid), ["lr", "opt"]]
    # by value: 1e-05 and 0.001 along lr (as text, '1e-05' would sort last), sgd along opt
    assert set(neighbours.itertuples(index=False)) == {
        (1e-05, "adam"),
        (0.001, "adam"),
        (0.0001, "sgd"),
    }
    assert_same_sweep(sweep, _want())


def test_parents_and_unfinished_runs_dropped_and_said(store):
    info = source_info(from_mlflow("grid", tracking_uri=store))
    assert info.dropped == {"parent of nested runs": 1, "failed": 1}
    assert (info.metric, info.seed, info.goal) == ("acc", "seed", "max")
    assert any("read as numbers" in n and "'lr'" in n for n in info.notes)
    assert "left out: 1 parent of nested runs, 1 failed" in str(info)


def test_every_page_is_read(store):
    small_pages = from_mlflow("grid", tracking_uri=store, page_size=3)
    assert source_info(small_pages).n_runs == len(grid_runs()) + 2
    assert_same_sweep(small_pages, _want())


def test_by_id_by_open_source_and_unknown_names(store):
    client = mlflow.MlflowClient(tracking_uri=store)
    grid_id = client.get_experiment_by_name("grid").experiment_id
    assert_same_sweep(from_mlflow(grid_id, tracking_uri=store), _want())
    assert_same_sweep(from_mlflow(int(grid_id), tracking_uri=store), _want())
    assert_same_sweep(open_source(f"mlflow:{store}#grid"), _want())
    with pytest.raises(ValueError, match=r"no MLflow experiment named or numbered 'nope'.*'grid'"):
        from_mlflow("nope", tracking_uri=store)
    with pytest.raises(ValueError, match=r"`metric`='f1' is not among the metrics"):
        from_mlflow("grid", tracking_uri=store, metric="f1")


def test_goal_from_the_metric_name(store):
    sweep = from_mlflow("other", tracking_uri=store, min_runs=1)
    assert (sweep.goal, sweep.configs["lr"].tolist()) == ("min", [0.1])
    assert "goal" in source_info(sweep).inferred
    assert from_mlflow("other", tracking_uri=store, goal="max", min_runs=1).goal == "max"


def test_missing_extra_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)
    with pytest.raises(ImportError, match=r"pip install sweepwalk\[mlflow\]"):
        from_mlflow("grid")
