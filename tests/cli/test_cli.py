from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.cli.app import IMPORTANCE_TABLE, main
from sweepwalk.cli.inputs import parse_target, split_target
from sweepwalk.datasets import DEMO, load_demo

ANSI = re.compile(r"\x1b\[([0-9;]*)m")
PARAMS = ["lr", "solver", "momentum", "layers"]


def make_runs(seed: int = 0) -> pd.DataFrame:
    """A small sweep: lr (3 levels) x solver, momentum only for sgd, layers; 8 seeds each."""
    rng = np.random.default_rng(seed)
    rows = []
    for lr in (0.001, 0.01, 0.1):
        for solver, momentum in (("sgd", 0.0), ("sgd", 0.9), ("adam", np.nan)):
            for layers in (1, 2):
                base = {0.001: 0.5, 0.01: 0.7, 0.1: 0.72}[lr] + 0.05 * (solver == "adam")
                for s in range(8):
                    # Rounded so that some scores tie.
                    score = round(base + rng.normal(0, 0.03), 2)
                    rows.append((lr, solver, momentum, layers, s, score))
    return pd.DataFrame(rows, columns=[*PARAMS, "seed", "acc"])


@pytest.fixture
def runs_csv(tmp_path: Path) -> Path:
    path = tmp_path / "runs.csv"
    make_runs().to_csv(path, index=False)
    return path


def expected_frame(path: Path, target: Any, **compare: Any) -> pd.DataFrame:
    runs = pd.read_csv(path)
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    compare.setdefault("random_state", 0)  # the CLI's default seed
    return sweep.compare(target, **compare).to_frame()


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_same(parsed: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Every column of ``expected`` comes back from the text output exactly."""
    assert list(parsed.index) == list(expected.index)
    assert list(parsed.columns) == list(expected.columns)
    for name in expected.columns:
        want, got = expected[name], parsed[name]
        if pd.api.types.is_numeric_dtype(want) or pd.api.types.is_bool_dtype(want):
            np.testing.assert_array_equal(
                got.to_numpy(dtype=float), want.to_numpy(dtype=float), err_msg=name
            )
        else:  # CSV reads an empty text back as missing
            norm = [None if pd.isna(v) or v == "" else str(v) for v in want]
            assert [None if pd.isna(v) or v == "" else str(v) for v in got] == norm, name


def only_default_notes(err: str) -> bool:
    """True when stderr holds only the notes naming a default difference (one line each)."""
    return all("(default; pass " in line for line in err.splitlines())


# ---------------------------------------------------------------------------------------------
# Output formats


@pytest.mark.parametrize(
    ("test", "correction", "against"),
    [("ks", "none", "neighbors"), ("welch", "holm", "all"), ("mannwhitney", "fdr_bh", "all")],
)
def test_csv_output_matches_compare(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], test: str, correction: str, against: str
) -> None:
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed"]
    argv += ["--target", "lr=0.01,solver=sgd,momentum=0.9,layers=2", "--format", "csv"]
    argv += ["--test", test, "--correction", correction, "--against", against]
    code, out, err = run(argv, capsys)
    # stdout stays a clean table; stderr says only which difference seeds_needed is for
    assert code == 0 and err.startswith("note: seeds_needed and ◔ (underpowered) are for")
    assert err.count("\n") == 1 and "(default; pass effect_of_interest=)" in err
    target = {"lr": 0.01, "solver": "sgd", "momentum": 0.9, "layers": 2}
    expected = expected_frame(runs_csv, target, test=test, correction=correction, against=against)
    parsed = pd.read_csv(io.StringIO(out), index_col=0)
    assert_same(parsed, expected)


def test_json_output_matches_compare(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--format", "json"]
    argv += ["--target", "lr=0.1,solver=adam,momentum=absent,layers=1", "--alpha", "0.1"]
    argv += ["--correction", "holm", "--neighbors", "axis"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    target = {"lr": 0.1, "solver": "adam", "momentum": None, "layers": 1}
    expected = expected_frame(runs_csv, target, correction="holm", alpha=0.1, neighbors="axis")
    parsed = pd.DataFrame.from_records(data["rows"], index="config")
    assert_same(parsed, expected)
    assert data["target"] == int(expected.index[expected["status"] == "target"][0])
    assert data["metric"] == "acc"
    assert (data["test"], data["correction"], data["alpha"]) == ("ks", "holm", 0.1)


def test_table_output_matches_compare(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed"]
    argv += ["--target", "lr=0.01,solver=adam,momentum=absent,layers=1", "--against", "all"]
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    assert not ANSI.search(out)  # captured output is not a terminal
    target = {"lr": 0.01, "solver": "adam", "momentum": None, "layers": 1}
    expected = expected_frame(runs_csv, target, against="all")
    table_text, after = out.split("\n\n", 1)
    table, summary = table_text.split("\n"), after.split("\n")[0]
    assert "(default; pass effect_of_interest=)" in after  # the footer names the default
    header = table[0].split()
    body = [line.split() for line in table[len(table) - len(expected) :]]
    from sweepwalk.cli.output import TABLE_HIDDEN

    assert header == [c for c in expected.columns if c not in TABLE_HIDDEN]
    assert [int(row[0]) for row in body] == list(expected.index)
    for name in ("status", "pvalue", "effect", "momentum", "varied"):
        column = [row[1 + header.index(name)] for row in body]
        if name == "status":
            assert column == list(expected["status"])
        elif name == "momentum":
            assert column == ["absent" if pd.isna(v) else f"{v:.4g}" for v in expected["momentum"]]
        elif name == "varied":
            assert column == ["-" if v is None or pd.isna(v) else v for v in expected["varied"]]
        else:
            got = [np.nan if v in {"-", "NaN"} else float(v) for v in column]
            np.testing.assert_allclose(got, expected[name], rtol=1e-3)
    counts = expected["status"].value_counts()
    for status in ("better", "worse", "ns"):
        if status in counts:
            assert f"{counts[status]} {status}" in summary


def test_target_by_config_id(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "report",
            str(runs_csv),
            "--metric",
            "acc",
            "--seed",
            "seed",
            "--target",
            "4",
            "--format",
            "csv",
        ],
        capsys,
    )
    assert code == 0
    parsed = pd.read_csv(io.StringIO(out), index_col=0)
    assert parsed.loc[4, "status"] == "target"


def test_parquet_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "runs.parquet"
    make_runs().to_parquet(path)
    argv = ["report", str(path), "--metric", "acc", "--seed", "seed", "--format", "csv"]
    code, out, _ = run([*argv, "--target", "lr=0.001,solver=sgd,momentum=0,layers=1"], capsys)
    assert code == 0
    sweep = Sweep.from_runs(make_runs(), metric="acc", seed="seed")
    target = {"lr": 0.001, "solver": "sgd", "momentum": 0.0, "layers": 1}
    assert_same(
        pd.read_csv(io.StringIO(out), index_col=0), sweep.compare(target, random_state=0).to_frame()
    )


def test_demo_sweep_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "demo.csv"
    load_demo().to_csv(path, index=False)
    argv = ["report", str(path), "--metric", "accuracy", "--seed", "seed", "--format", "csv"]
    argv += ["--params", ",".join(DEMO["params"]), "--correction", "holm"]
    argv += ["--target", "solver=adam,momentum=absent,learning_rate_init=0.01,alpha=1e-5"]
    argv[-1] += ",hidden_units=64"
    code, out, err = run(argv, capsys)
    assert code == 0 and only_default_notes(err) and err
    target = {"solver": "adam", "momentum": None, "learning_rate_init": 0.01}
    target |= {"alpha": 1e-5, "hidden_units": 64}
    expected = (
        Sweep.from_runs(load_demo(), **DEMO)
        .compare(target, correction="holm", random_state=0)
        .to_frame()
    )
    assert_same(pd.read_csv(io.StringIO(out), index_col=0), expected)


# ---------------------------------------------------------------------------------------------
# Colour


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def report_to(stream: io.StringIO, runs_csv: Path, *extra: str) -> tuple[int, str]:
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--against", "all"]
    argv += ["--target", "lr=0.01,solver=adam,momentum=absent,layers=1", *extra]
    old = sys.stdout
    sys.stdout = stream
    try:
        code = main(argv)
    finally:
        sys.stdout = old
    return code, stream.getvalue()


def test_colour_on_a_terminal(runs_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out = report_to(FakeTTY(), runs_csv)
    assert code == 0
    expected = expected_frame(
        runs_csv, {"lr": 0.01, "solver": "adam", "momentum": None, "layers": 1}, against="all"
    )
    codes = {"target": "1", "better": "32", "worse": "31", "differs": "33", "na": "2"}
    coloured = [line for line in out.splitlines() if ANSI.search(line)]
    statuses = [s for s in expected["status"] if s in codes]
    assert len(coloured) == len(statuses) > 1
    for line, status in zip(coloured, statuses, strict=True):
        assert line.startswith(f"\x1b[{codes[status]}m") and line.endswith("\x1b[0m")
        assert ANSI.sub("", line).split()[-1] == status
    # ns rows stay plain.
    plain = [line for line in out.splitlines() if line[:1].isdigit() and line.endswith(" ns")]
    assert len(plain) == (expected["status"] == "ns").sum()


def test_no_colour_with_no_color(runs_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    code, out = report_to(FakeTTY(), runs_csv)
    assert code == 0 and not ANSI.search(out)


def test_no_colour_off_a_terminal(runs_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out = report_to(io.StringIO(), runs_csv)
    assert code == 0 and not ANSI.search(out)


def test_colour_flag_overrides(runs_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert ANSI.search(report_to(io.StringIO(), runs_csv, "--color", "always")[1])
    monkeypatch.delenv("NO_COLOR")
    assert not ANSI.search(report_to(FakeTTY(), runs_csv, "--color", "never")[1])


def test_no_colour_in_csv_or_json(runs_csv: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for fmt in ("csv", "json"):
        assert not ANSI.search(report_to(FakeTTY(), runs_csv, "--format", fmt)[1])


# ---------------------------------------------------------------------------------------------
# Errors: one line on stderr, exit code 2, nothing on stdout


def write_bad_files(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")
    runs = make_runs()
    pd.concat([runs, runs.iloc[:1]]).to_csv(tmp_path / "dup.csv", index=False)
    fit_time = np.random.default_rng(1).random(len(runs))
    runs.assign(fit_time=fit_time).to_csv(tmp_path / "two.csv", index=False)


def error_cases(tmp_path: Path, runs_csv: Path) -> dict[str, tuple[list[str], str]]:
    empty, dup, two_metrics = (tmp_path / f"{n}.csv" for n in ("empty", "dup", "two"))
    ok = ["--metric", "acc", "--seed", "seed"]
    ok += ["--target", "lr=0.01,solver=adam,momentum=absent,layers=1"]
    good = [str(runs_csv), *ok]
    no_seed = ["--params", ",".join(PARAMS), *ok[:2], *ok[4:]]
    return {
        "no command": ([], "COMMAND"),
        "unknown command": (["frobnicate"], "frobnicate"),
        "no metric": (["report", str(runs_csv), "--target", "lr=0.01"], "--metric"),
        "bad goal": (["report", *good, "--goal", "up"], "--goal"),
        "bad format": (["report", *good, "--format", "xml"], "--format"),
        "bad alpha type": (["report", *good, "--alpha", "x"], "--alpha"),
        "missing file": (["report", str(tmp_path / "nope.csv"), *ok], "nope.csv"),
        "unknown suffix": (["report", str(tmp_path / "runs.xlsx"), *ok], ".parquet"),
        "empty file": (["report", str(empty), *ok], ""),
        "missing metric column": (
            ["report", str(runs_csv), "--metric", "loss", "--target", "lr=0.01"],
            "loss",
        ),
        "unknown param in --params": (["report", *good, "--params", "lr,nope"], "nope"),
        "empty --params item": (["report", *good, "--params", "lr,,solver"], "--params"),
        "unknown target key": (
            ["report", str(runs_csv), "--metric", "acc", "--target", "lr=0.01,optimizer=adam"],
            "optimizer",
        ),
        "target not key=value": (
            ["report", str(runs_csv), "--metric", "acc", "--target", "adam"],
            "--target",
        ),
        "non-numeric target value": (
            ["report", str(runs_csv), "--metric", "acc", "--target", "lr=fast,solver=adam"],
            "lr",
        ),
        "target does not exist": (
            [
                "report",
                str(runs_csv),
                "--metric",
                "acc",
                "--target",
                "lr=0.5,solver=adam,momentum=absent,layers=1",
            ],
            "",
        ),
        "target id out of range": (
            ["report", str(runs_csv), "--metric", "acc", "--target", "999"],
            "",
        ),
        "unknown test": (["report", *good, "--test", "chisq"], "mannwhitney"),
        "unknown correction": (["report", *good, "--correction", "magic"], "holm"),
        "paired test without seed": (
            ["report", str(runs_csv), *no_seed, "--test", "wilcoxon"],
            "seed",
        ),
        "duplicate runs": (["report", str(dup), *ok], ""),
        "second metric column": (["report", str(two_metrics), *ok], "fit_time"),
    }


ERROR_NAMES = list(error_cases(Path("/x"), Path("/x/runs.csv")))


@pytest.mark.parametrize("name", ERROR_NAMES)
def test_errors_are_one_line_exit_2(
    name: str, tmp_path: Path, runs_csv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_bad_files(tmp_path)
    argv, needle = error_cases(tmp_path, runs_csv)[name]
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("sweepwalk: error: ")
    assert needle in err


# ---------------------------------------------------------------------------------------------
# Target parsing


def test_target_values_take_the_column_dtype() -> None:
    runs = make_runs()
    target = parse_target("lr=1e-2, solver=sgd ,momentum=0.9,layers=2", runs, PARAMS)
    assert target == {"lr": 0.01, "solver": "sgd", "momentum": 0.9, "layers": 2}
    assert type(target["layers"]) is int and type(target["lr"]) is float
    for word in ("absent", "NaN", "none", ""):
        assert parse_target(f"momentum={word}", runs, PARAMS)["momentum"] is None
    assert parse_target("12", runs, PARAMS) == 12


def test_target_values_may_contain_commas() -> None:
    pairs = split_target("layers=(64, 64),lr=0.1", ["layers", "lr"])
    assert pairs == [("layers", "(64, 64)"), ("lr", "0.1")]


def test_python_dash_m(runs_csv: Path) -> None:
    argv = [sys.executable, "-m", "sweepwalk", "report", str(runs_csv), "--metric", "acc"]
    argv += ["--seed", "seed"]
    argv += ["--target", "lr=0.01,solver=adam,momentum=absent,layers=1", "--format", "json"]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["metric"] == "acc"
    bad = subprocess.run(argv[:4], capture_output=True, text=True, check=False, timeout=60)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stdout == ""


# ---------------------------------------------------------------------------------------------
# sweepwalk importance


def importance_argv(runs_csv: Path, *extra: str) -> list[str]:
    return ["importance", str(runs_csv), "--metric", "acc", "--seed", "seed", *extra]


@pytest.mark.parametrize("extra", [[], ["--margin", "0.02", "--correction", "holm"]])
def test_importance_csv_matches_engine(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    code, out, err = run(importance_argv(runs_csv, "--format", "csv", *extra), capsys)
    assert code == 0 and only_default_notes(err) and bool(err) == (not extra)
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    kwargs: dict[str, Any] = {}
    if extra:
        kwargs = {"margin": 0.02, "correction": "holm"}
    expected = sweep.importance(**kwargs).to_frame()
    assert_same(pd.read_csv(io.StringIO(out), index_col=0), expected)


def test_importance_json_and_target(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target_text = "lr=0.01,solver=adam,momentum=absent,layers=1"
    argv = importance_argv(runs_csv, "--format", "json", "--target", target_text)
    code, out, err = run(argv, capsys)
    assert (code, err) == (0, "")
    data = json.loads(out)
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    target = sweep.find(lr=0.01, solver="adam", momentum=None, layers=1)
    expected = sweep.importance(target=target).to_frame()
    assert data["target"] == target
    assert_same(pd.DataFrame.from_records(data["rows"], index="param"), expected)


def test_importance_table(runs_csv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(importance_argv(runs_csv), capsys)
    assert (code, err) == (0, "")
    sweep = Sweep.from_runs(pd.read_csv(runs_csv), metric="acc", seed="seed")
    expected = sweep.importance().to_frame()
    lines = out.splitlines()
    shown = list(IMPORTANCE_TABLE)
    assert lines[0].split() == shown  # the terminal table: counts and verdict
    body = {line.split()[0]: line for line in lines if line.split()[:1] != []}
    for param in PARAMS:
        row = body[param]
        assert row.endswith(" " + expected.loc[param, "verdict"])
        assert int(row.split()[1 + shown.index("pairs")]) == expected.loc[param, "pairs"]
    assert f"margin={expected.attrs['margin']:.3g} (default" in out


def test_importance_progress_bar(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Off a terminal: no bar.
    code, _, err = run(importance_argv(runs_csv), capsys)
    assert (code, err) == (0, "")
    # On a terminal, once the work has taken PROGRESS_AFTER seconds: drawn, then erased.
    monkeypatch.setattr("sweepwalk.cli.app.PROGRESS_AFTER", 0.0)
    stderr = FakeTTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(importance_argv(runs_csv)) == 0
    drawn = stderr.getvalue()
    assert re.search(r"\r\[#+\.*\] +100% ", drawn), drawn
    assert drawn.endswith("\r\x1b[K")
    # --progress never: nothing even on a terminal.
    stderr = FakeTTY()
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main(importance_argv(runs_csv, "--progress", "never")) == 0
    assert stderr.getvalue() == ""


def test_progress_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    from sweepwalk.cli.app import Progress

    stream = io.StringIO()
    bar = Progress(stream, after=3600.0)
    bar(0.5)
    bar.close()
    assert stream.getvalue() == ""


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--test", "chisq"], "chisq"),
        (["--correction", "magic"], "magic"),
        (["--target", "lr=0.5,solver=adam,momentum=absent,layers=1"], "no configuration"),
        (["--margin", "wide"], "--margin"),
        (["--against", "all"], "--against"),
    ],
)
def test_importance_errors(
    runs_csv: Path, capsys: pytest.CaptureFixture[str], extra: list[str], needle: str
) -> None:
    code, out, err = run(importance_argv(runs_csv, *extra), capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("sweepwalk: error: ")
    assert needle in err


def readme_examples() -> list[tuple[str, str]]:
    """(command, shown output) of every `$ sweepwalk ...` example in the README's CLI section."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in section.split("```console\n")[1:]:
        lines = block.split("```", 1)[0].splitlines()
        k = next(i for i, line in enumerate(lines) if line.startswith("$ sweepwalk "))
        command = ""
        while True:
            command += lines[k].removeprefix("$ ").rstrip("\\").strip() + " "
            k += 1
            if not lines[k - 1].endswith("\\"):
                break
        examples.append((command, "\n".join(lines[k:]) + "\n"))
    return examples


def test_readme_examples_are_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The README's "Command line" examples show these commands' real output.
    import shlex

    path = tmp_path / "demo.csv"
    load_demo().to_csv(path, index=False)
    examples = readme_examples()
    assert [c.split()[1] for c, _ in examples] == ["report", "importance", "walk"]
    for command, shown in examples:
        argv = [str(path) if a == "demo.csv" else a for a in shlex.split(command)[1:]]
        code, out, err = run(argv, capsys)
        assert (code, err) == (0, ""), command
        assert out == shown, command


def test_target_values_for_bool_and_object_columns() -> None:
    from sweepwalk.cli.inputs import CLIError, parse_value

    flags = pd.Series([True, False, True])
    assert parse_value("true", flags, "flag") is True
    assert parse_value("0", flags, "flag") is False
    with pytest.raises(CLIError, match="boolean"):
        parse_value("maybe", flags, "flag")
    mixed = pd.Series([(64, 64), "wide", 3], dtype=object)
    assert parse_value("(64, 64)", mixed, "layers") == (64, 64)
    assert parse_value("wide", mixed, "layers") == "wide"
    assert parse_value("3", mixed, "layers") == 3
