"""The command line is safe with hostile data and starts where the widget starts.

Escape sequences (OSC 52 clipboard write, OSC 0 window title, CSI clear screen, a C1 CSI, a bidi
override) in a parameter name, a text value and the metric's name go through every command and
output format; none reaches the output raw, and CSV cells that a spreadsheet would run as formulas
come out neutralised.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.cli.app import main
from sweepwalk.session.session import default_target

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
TITLE = "\x1b]0;owned\x07"
CLEAR = "\x1b[2J"
C1 = "\x9b31m"
BIDI = "\u202e"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


def hostile_runs() -> pd.DataFrame:
    """3 lr x 2 solvers x 6 seeds; a parameter and a solver value named with escapes."""
    rng = np.random.default_rng(0)
    rows = []
    for lr in (0.001, 0.01, 0.1):
        for solver in ("adam" + OSC52, '=HYPERLINK("http://x")' + TITLE):
            for seed in range(6):
                base = {0.001: 0.5, 0.01: 0.7, 0.1: 0.65}[lr] + 0.05 * solver.startswith("adam")
                rows.append((lr, solver, seed, base + rng.normal(0, 0.02)))
    return pd.DataFrame(rows, columns=["lr", "solver" + CLEAR, "seed", "acc" + C1 + BIDI])


COMMANDS = {
    "report": ["--target", "best"],
    "importance": [],
    "walk": [],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
@pytest.mark.parametrize("color", ["never", "always"])
def test_no_control_character_or_formula_reaches_the_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, fmt: str, color: str
) -> None:
    path = tmp_path / "runs.csv"
    runs = hostile_runs()
    runs.to_csv(path, index=False)
    metric = runs.columns[-1]
    argv = [command, str(path), "--metric", metric, "--seed", "seed", "--format", fmt]
    argv += COMMANDS[command] + (["--color", color] if command == "report" else [])
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    if color == "always" and command == "report" and fmt == "table":
        out = re.sub(r"\x1b\[[0-9]{0,2}m", "", out)  # sweepwalk's own status colours
    assert not RAW.search(out.replace("\n", "").replace("\t", "")), repr(out[:400])
    assert not RAW.search(err.replace("\n", "")), repr(err)
    if fmt == "csv":
        for row in csv.reader(io.StringIO(out)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@", "\t", "\r")) or cell == "", cell
                assert not cell.startswith("-") or _is_number(cell), cell


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_error_lines_escape_what_the_user_typed(tmp_path, capsys):
    path = tmp_path / "runs.csv"
    hostile_runs().to_csv(path, index=False)
    code = main(["report", str(path), "--metric", "acc" + OSC52])
    _, err = capsys.readouterr()
    assert code == 2 and "\x1b" not in err and "\\x1b]52" in err


STORED = 9.999999999999999e-05  # an lr computed, e.g. 1e-3 / 10.000000000000002; typed 0.0001


@pytest.fixture
def runs_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    gammas = (0.01, 0.001, STORED)
    rows = [
        (gamma, s, 0.6 + 0.05 * (gamma == 0.001) + rng.normal(0, 0.01))
        for gamma in gammas
        for s in range(5)
    ]
    path = tmp_path / "runs.csv"
    pd.DataFrame(rows, columns=["gamma", "seed", "acc"]).to_csv(path, index=False)
    return path


def test_report_and_walk_start_at_the_best_mean_as_the_widget(runs_csv, capsys):
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    best = default_target(sweep)
    base = [str(runs_csv), "--metric", "acc", "--seed", "seed", "--format", "json"]
    for argv in (["report", *base], ["report", *base, "--target", "best"]):
        assert main(argv) == 0
        out, _ = capsys.readouterr()
        assert f'"target": {best},' in out
    for argv in (["walk", *base], ["walk", *base, "--start", "BEST"]):
        assert main(argv) == 0
        out, _ = capsys.readouterr()
        assert f'"start": {best},' in out


def test_target_tolerates_float_rounding_and_shows_the_closest_in_full(runs_csv, capsys):
    stored = STORED
    assert stored != 0.0001
    base = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--format", "json"]
    assert main([*base, "--target", "gamma=0.0001"]) == 0
    out, err = capsys.readouterr()
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    assert f'"target": {sweep.find(gamma=stored)},' in out
    assert main([*base, "--target", "gamma=0.0002"]) == 2
    _, err = capsys.readouterr()
    assert repr(stored) in err  # full precision, not 0.000100
