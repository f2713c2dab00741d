"""Faulty stores: each is one line naming the culprit, CLI exit 2, within 10 s, no file created.

The stores are made here by the real libraries (Optuna, MLflow, pandas) and then broken as a crash,
a typo or another process would.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import mlflow
import numpy as np
import optuna
import pandas as pd
import pytest

from sweepwalk.cli.app import main
from sweepwalk.io import SourceError, from_hydra, from_mlflow, from_optuna, from_ray_tune

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
optuna.logging.set_verbosity(optuna.logging.WARNING)
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*")}


def cli_fault(argv: list[str], culprit: str, folder: Path, capsys) -> str:
    """Run the CLI on a faulty source: exit 2, one line naming ``culprit``, < 10 s, no new file."""
    capsys.readouterr()  # what making the store printed (MLflow logs its table creation)
    before = files_under(folder)
    start = time.monotonic()
    code = main(argv)
    took = time.monotonic() - start
    out, err = capsys.readouterr()
    assert out == ""
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sweepwalk: error: "), err
    assert culprit in lines[0], lines[0]
    assert took < 10, took
    assert files_under(folder) == before
    return lines[0]


def api_fault(read: Callable[[], object], culprit: str) -> None:
    with pytest.raises(ValueError) as info:
        read()
    message = str(info.value)
    assert "\n" not in message and culprit in message, message


@pytest.fixture
def optuna_db(tmp_path) -> Path:
    path = tmp_path / "optuna.db"
    study = optuna.create_study(study_name="s", storage=f"sqlite:///{path}")
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    return path


@pytest.fixture
def mlflow_db(tmp_path) -> Path:
    path = tmp_path / "mlflow.db"
    client = mlflow.MlflowClient(tracking_uri=f"sqlite:///{path}")
    client.create_experiment("e")
    return path


def test_typo_d_sqlite_stores_are_named_and_never_created(tmp_path, capsys):
    typo = tmp_path / "mlfow.db"
    api_fault(lambda: from_mlflow("e", tracking_uri=f"sqlite:///{typo}"), str(typo))
    api_fault(lambda: from_optuna(f"sqlite:///{typo}", "s"), str(typo))
    cli_fault(["importance", f"mlflow:sqlite:///{typo}#e"], str(typo), tmp_path, capsys)
    cli_fault(["importance", f"optuna:sqlite:///{typo}#s"], str(typo), tmp_path, capsys)
    assert not typo.exists()


@pytest.mark.parametrize("scheme", ["optuna", "mlflow"])
def test_corrupt_and_locked_sqlite_stores(tmp_path, capsys, scheme, request):
    path = request.getfixturevalue(f"{scheme}_db")
    spec = f"{scheme}:sqlite:///{path}#{'s' if scheme == 'optuna' else 'e'}"
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another process writing
    try:
        line = cli_fault(["importance", spec], str(path), tmp_path, capsys)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert "locked" in line
    path.write_bytes(b"\x00garbage, not SQLite" * 64)  # overwritten by a crash
    line = cli_fault(["importance", spec], str(path), tmp_path, capsys)
    assert "not readable" in line


def test_unreachable_mlflow_server_is_one_line_at_once(tmp_path, capsys):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    uri = f"http://127.0.0.1:{port}"
    api_fault(lambda: from_mlflow("e", tracking_uri=uri), uri)
    cli_fault(["importance", f"mlflow:{uri}#e"], uri, tmp_path, capsys)


def test_a_server_that_never_answers_is_one_line_within_seconds(tmp_path, capsys):
    # a loopback socket that takes connections and never says a word: MLflow's own HTTP
    # timeout (5 s during a read, no retries) ends the wait
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        uri = f"http://127.0.0.1:{server.getsockname()[1]}"
        api_fault(lambda: from_mlflow("e", tracking_uri=uri), uri)
        cli_fault(["importance", f"mlflow:{uri}#e"], uri, tmp_path, capsys)


def _runs() -> pd.DataFrame:
    return pd.DataFrame(
        {"lr": np.repeat([0.1, 0.01], 3), "seed": [0, 1, 2] * 2, "acc": np.arange(6.0)}
    )


@pytest.mark.parametrize("fault", ["stray", "half-written", "mismatched schema"])
def test_faulty_parquet_folders(tmp_path, capsys, fault):
    folder = tmp_path / "runs"
    folder.mkdir()
    _runs().to_parquet(folder / "a.parquet")
    if fault == "stray":
        (folder / "notes.parquet").write_text("not parquet")
        culprit = "notes.parquet"
    elif fault == "half-written":
        raw = (folder / "a.parquet").read_bytes()
        (folder / "b.parquet").write_bytes(raw[: len(raw) // 2])
        culprit = "b.parquet"
    else:
        _runs().rename(columns={"seed": "run"}).to_parquet(folder / "b.parquet")
        culprit = "b.parquet"
    cli_fault(["importance", str(folder), "--metric", "acc", "--seed", "seed"], culprit, tmp_path,
              capsys)  # fmt: skip


def test_broken_files_in_ray_and_hydra_folders(tmp_path, capsys):
    exp = tmp_path / "exp"
    shutil.copytree(FIXTURES / "ray_tune_exp", exp)
    result = sorted(exp.glob("*/result.json"))[0]
    lines = result.read_text().splitlines()
    result.write_text("\n".join([*lines, "{broken", '{"acc": 0.']) + "\n")  # not just cut off
    where = f"{str(result)!r}, line {len(lines) + 1}"
    api_fault(lambda: from_ray_tune(exp, params=["lr", "wd"]), where)
    cli_fault(["importance", str(exp), "--params", "lr,wd"], str(result), tmp_path, capsys)

    multirun = tmp_path / "multirun"
    shutil.copytree(FIXTURES / "hydra_grammar", multirun)
    overrides = sorted(multirun.rglob(".hydra/overrides.yaml"))[0]
    overrides.write_text("- lr=0.1\n- opt: [yes\n")  # cut off mid-write
    api_fault(lambda: from_hydra(multirun), str(overrides))
    cli_fault(["importance", str(multirun)], str(overrides), tmp_path, capsys)
    overrides.write_text("- lr=0.1\n")
    metrics = sorted(multirun.rglob("metrics.json"))[0]
    metrics.write_text('{"acc": 0.')
    api_fault(lambda: from_hydra(multirun), str(metrics))
    cli_fault(["importance", str(multirun)], str(metrics), tmp_path, capsys)


def test_root_and_home_folders_refused(tmp_path, capsys, monkeypatch):
    cli_fault(["importance", "/", "--metric", "acc"], "'/' is the filesystem's root", tmp_path,
              capsys)  # fmt: skip
    monkeypatch.setenv("HOME", str(tmp_path))
    cli_fault(["importance", "~", "--metric", "acc"], "is the home folder", tmp_path, capsys)


def test_source_error_is_a_value_error():
    assert issubclass(SourceError, ValueError)
