"""``sweepwalk walk``: the greedy walk from the command line, checked against Sweep.walk."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.cli.app import main

PARAMS = ["lr", "solver", "layers"]


def make_runs(seed: int = 0) -> pd.DataFrame:
    """lr (4 levels, better with larger lr) x solver x layers; 8 seeds each."""
    rng = np.random.default_rng(seed)
    rows = []
    for k, lr in enumerate((0.0001, 0.001, 0.01, 0.1)):
        for solver in ("sgd", "adam"):
            for layers in (1, 2):
                level = 0.5 + 0.08 * k + 0.04 * (solver == "adam")
                for s in range(8):
                    rows.append((lr, solver, layers, s, level + rng.normal(0, 0.02)))
    return pd.DataFrame(rows, columns=[*PARAMS, "seed", "acc"])


@pytest.fixture
def runs_csv(tmp_path: Path) -> Path:
    path = tmp_path / "runs.csv"
    make_runs().to_csv(path, index=False)
    return path


def engine_walk(path: Path, start: int, rule: str, **settings: object):
    sweep = Sweep.from_runs(pd.read_csv(path), metric="acc", seed="seed")
    ledger = Ledger(rule, alpha=float(settings.get("alpha", 0.05)))  # type: ignore[arg-type]
    walk = sweep.walk(start, ledger=ledger, random_state=0, **settings)  # type: ignore[arg-type]
    return sweep, walk, ledger


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


BASE = ["walk", "--metric", "acc", "--seed", "seed"]


@pytest.mark.parametrize("rule", ["per-target", "walk"])
@pytest.mark.parametrize(
    "settings",
    [{}, {"test": "mannwhitney", "correction": "holm"}, {"test": "welch", "alpha": 0.1}],
)
def test_csv_and_json_equal_sweep_walk_with_its_ledger(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], rule: str, settings: dict
) -> None:
    flags = [x for k, v in settings.items() for x in (f"--{k}", str(v))]
    argv = [*BASE[:1], str(runs_csv), *BASE[1:], "--start", "0", "--error-control", rule, *flags]
    _, want, ledger = engine_walk(runs_csv, 0, rule, **settings)
    assert len(want) > 0
    code, out, err = run([*argv, "--format", "csv"], capsys)
    assert (code, err) == (0, "")
    got = pd.read_csv(io.StringIO(out), index_col=0)
    expected = want.to_frame()
    assert got.index.tolist() == expected.index.tolist()
    for column in ("from", "to", "pvalue", "pvalue_adj", "effect"):
        np.testing.assert_array_equal(got[column].to_numpy(float), expected[column].to_numpy(float))
    assert got["varied"].tolist() == expected["varied"].tolist()

    code, out, err = run([*argv, "--format", "json"], capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["path"] == want.path and (data["start"], data["end"]) == (want.start, want.end)
    assert data["stopped"] == want.stopped and data["error_control"] == rule
    assert (data["n_tests"], data["n_discoveries"]) == (len(ledger), ledger.n_discoveries)
    assert data["rule"] == ledger.rule
    assert [r["to"] for r in data["rows"]] == want.path[1:]
    assert data["test"] == settings.get("test", "ks")


def test_the_walk_wide_rule_decides_the_moves(
    runs_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = {}
    for rule in ("per-target", "walk"):
        argv = ["walk", str(runs_csv), *BASE[1:], "--start", "0", "--error-control", rule]
        code, out, _ = run([*argv, "--format", "json", "--alpha", "0.01"], capsys)
        assert code == 0
        paths[rule] = json.loads(out)["path"]
        assert paths[rule] == engine_walk(runs_csv, 0, rule, alpha=0.01)[1].path
    assert len(paths["walk"]) <= len(paths["per-target"])  # walk-wide control is stricter


def test_table_output_and_start_by_values(
    runs_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["walk", str(runs_csv), *BASE[1:], "--start", "lr=0.0001,solver=sgd,layers=1"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    start = sweep.find(lr=0.0001, solver="sgd", layers=1)
    _, want, ledger = engine_walk(runs_csv, start, "per-target")
    assert want.start == start and len(want) > 0
    lines = out.rstrip("\n").split("\n")
    assert lines[0].split() == ["from", "to", "varied", "pvalue", "pvalue_adj", "effect"]
    steps = [line.split() for line in lines[2 : 2 + len(want)]]
    assert [int(s[2]) for s in steps] == want.path[1:]
    end = sweep.configs.loc[want.end]
    assert f"walk {' -> '.join(map(str, want.path))} ({len(want)} steps" in out
    assert f"lr={end['lr']}, solver={end['solver']}, layers={end['layers']}" in out
    assert f"{len(ledger)} tests, {ledger.n_discoveries} significant" in out


def test_a_walk_without_a_move(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    best = int(sweep.configs["mean"].idxmax())
    argv = ["walk", str(runs_csv), *BASE[1:], "--start", str(best)]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert f"walk {best} (0 steps, stopped: no better neighbour)" in out
    assert "from" not in out.split("\n")[0]
    code, out, _ = run([*argv, "--format", "csv"], capsys)
    assert code == 0 and pd.read_csv(io.StringIO(out)).empty


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--start", "0", "--error-control", "fwer"], "--error-control 'fwer': expected one of"),
        (["--start", "999"], "`--start` must be in 0..15"),
        (["--start", "lr=7"], "no configuration has"),
        (["--start", "0", "--test", "t"], "`test` must be one of"),
        (["--start", "0", "--alpha", "2"], "0 < alpha < 1"),
    ],
)
def test_errors_are_one_line(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    code, out, err = run(["walk", str(runs_csv), *BASE[1:], *extra], capsys)
    assert code == 2 and out == ""
    assert err.startswith("sweepwalk: error: ") and err.count("\n") == 1
    assert message in err
