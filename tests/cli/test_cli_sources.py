"""``sweepwalk report|importance|walk SOURCE``: sweeps read where they live, and ``--bins``.

Sources are real artefacts: an Optuna study and an MLflow experiment in SQLite made here, a
hive-partitioned Parquet folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import optuna
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.cli.app import main
from sweepwalk.io import SOURCE_FORMS, from_optuna

sys.path.insert(0, str(Path(__file__).parents[1] / "io"))
sys.path.insert(0, str(Path(__file__).parents[1] / "data"))
from io_helpers import grid_runs

from helpers import random_search

optuna.logging.set_verbosity(optuna.logging.WARNING)
# MLflow's SQLAlchemy store (not sweepwalk) uses a deprecated loader option
NOLOAD = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _optuna_random_search(storage: str, n_trials: int = 40) -> None:
    """A real TPE/random study: log-uniform lr, each trial runs 3 seeds (a user attr list)."""
    study = optuna.create_study(
        study_name="rs", storage=storage, direction="maximize",
        sampler=optuna.samplers.RandomSampler(seed=0),
    )  # fmt: skip
    rng = np.random.default_rng(0)

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-3, 1e-2, log=True)
        scores = [float(0.8 - 10 * abs(lr - 0.004) + rng.normal(0, 0.01)) for _ in range(3)]
        trial.set_user_attr("scores", scores)
        return float(np.mean(scores))

    study.optimize(objective, n_trials=n_trials)


@pytest.mark.parametrize("command", ["report", "importance", "walk"])
def test_help_lists_every_source_form_with_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "SOURCE is one of:" in out
    for form, what in SOURCE_FORMS:
        assert form in out and what in out


def test_report_on_an_optuna_study_with_bins(tmp_path, capsys):
    storage = f"sqlite:///{tmp_path / 'rs.db'}"
    _optuna_random_search(storage)
    source = f"optuna:{storage}#rs"
    code, out, err = run(["report", source, "--target", "0"], capsys)
    assert (code, err) == (0, "")
    assert "hardly repeat" not in out  # 'lr' alone: every configuration has neighbours
    # log-scaled from Optuna's distribution although lr spans one decade only
    code, out, err = run(["report", source, "--target", "1", "--bins", "lr=4"], capsys)
    assert (code, err) == (0, ""), err
    assert "log-spaced intervals (log-scaled)" in out
    want = from_optuna(storage, "rs", bins={"lr": 4}).compare(1, random_state=0).to_frame()
    for label, p in zip(want.index, want["pvalue"], strict=True):
        if np.isfinite(p):
            assert f"{p:.4g}" in out.split("\n")[list(want.index).index(label) + 2]


@NOLOAD
def test_importance_and_walk_on_a_parquet_folder_and_mlflow(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.dataset as pads

    runs = grid_runs()
    folder = tmp_path / "runs"
    pads.write_dataset(
        pa.Table.from_pandas(runs, preserve_index=False), folder, format="parquet",
        partitioning=["opt"], partitioning_flavor="hive",
    )  # fmt: skip
    code, out, err = run(
        ["importance", str(folder), "--metric", "acc", "--seed", "seed", "--progress", "never"],
        capsys,
    )
    assert (code, err) == (0, ""), err
    assert "lr" in out and "opt" in out
    code, out, err = run(["walk", str(folder), "--metric", "acc", "--seed", "seed",
                          "--start", "lr=1e-05,opt=sgd"], capsys)  # fmt: skip
    assert code == 0, err
    want = Sweep.from_runs(runs, metric="acc", seed="seed").walk({"lr": 1e-05, "opt": "sgd"})
    assert f"{len(want.path) - 1}" in out

    import mlflow

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("cli")
    for r in runs.itertuples():
        with mlflow.start_run():
            mlflow.log_params({"lr": r.lr, "opt": r.opt, "seed": r.seed})
            mlflow.log_metric("acc", r.acc)
    code, out, err = run(["report", f"mlflow:{uri}#cli", "--target", "lr=0.0001,opt=adam",
                          "--goal", "max"], capsys)  # fmt: skip
    assert code == 0, err
    # numeric neighbours: 1e-05 and 0.001 (text order would put '1e-05' last)
    rows = [line.split()[:3] for line in out.split("\n\n")[0].splitlines()[2:]]
    assert rows == [["0", "1e-05", "adam"], ["2", "0.0001", "adam"], ["3", "0.0001", "sgd"],
                    ["4", "0.001", "adam"]]  # fmt: skip


def test_random_search_csv_without_and_with_bins(tmp_path, capsys):
    path = tmp_path / "rs.csv"
    random_search().to_csv(path, index=False)
    base = ["report", str(path), "--metric", "acc", "--seed", "seed", "--target", "0"]
    code, out, err = run(base, capsys)
    assert (code, err) == (0, "")
    assert "hardly repeat" in out and "--bins lr=auto,weight_decay=auto" in out
    # pooled cells compare their configurations: min_runs=2 tests cells of two
    code, out, err = run([*base, "--bins", "lr=8,weight_decay=auto", "--min-runs", "2"], capsys)
    assert (code, err) == (0, ""), err
    assert "pooled" in out.splitlines()[0]
    assert "[1.03e-05, " in out
    assert "hardly repeat" not in out
    sweep = Sweep.from_runs(pd.read_csv(path), metric="acc", seed="seed",
                            bins={"lr": 8, "weight_decay": "auto"}, min_runs=2)  # fmt: skip
    tested = sweep.compare(0).to_frame()["pvalue"].notna().sum()
    assert tested >= 1 and out.count("\n") > tested
    # a binned target by its intervals, as the table shows them
    lr, wd = sweep.configs.loc[9, ["lr", "weight_decay"]]
    by_label = run([*base[:-1], f"lr={lr},weight_decay={wd}", "--bins", "lr=8,weight_decay=auto"],
                   capsys)  # fmt: skip
    by_id = run([*base[:-1], "9", "--bins", "lr=8,weight_decay=auto"], capsys)
    assert by_label == by_id and by_id[0] == 0 and "target" in by_id[1]


@pytest.mark.parametrize("bad", ["lr", "lr=one", "=3", ","])
def test_bad_bins_are_one_line_errors(bad, tmp_path, capsys):
    path = tmp_path / "rs.csv"
    random_search(20, 3).to_csv(path, index=False)
    code, out, err = run(["report", str(path), "--metric", "acc", "--target", "0",
                          "--bins", bad], capsys)  # fmt: skip
    assert code == 2 and out == ""
    assert err.startswith("sweepwalk: error: --bins") and err.count("\n") == 1


def test_a_table_needs_metric(tmp_path, capsys):
    path = tmp_path / "runs.csv"
    grid_runs().to_csv(path, index=False)
    code, _, err = run(["report", str(path), "--target", "0"], capsys)
    assert code == 2 and "--metric is required for a table of runs" in err
