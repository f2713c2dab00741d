"""Bad inputs on the command line: bad files, NA-like strings, odd ``--target`` text, flags.

Every bad input is one line on stderr (``sweepwalk: error: ...``, exit code 2) that names the
culprit; NA-like strings that would merge distinct values are reported, and keepable with
``--keep-na-strings``.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sweepwalk.cli.app import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("sweepwalk: error: "), err
    assert "Traceback" not in err
    return lines[0]


def solver_csv(path: Path, names: tuple[str, str]) -> Path:
    """Three solvers ('adam' and two NA-like spellings) x two lr, three seeds each."""
    rows = [
        f"{solver},{lr},{seed},{score + 0.01 * seed}"
        for (solver, score), lr, seed in itertools.product(
            [("adam", 0.7), (names[0], 0.5), (names[1], 0.9)], (0.1, 0.2), range(3)
        )
    ]
    path.write_text("solver,lr,seed,acc\n" + "\n".join(rows) + "\n")
    return path


NA_LIKE = ["None", "NA", "null", "N/A", "NaN", ""]


@pytest.mark.parametrize("names", list(itertools.combinations(NA_LIKE, 2)))
def test_na_like_strings_that_merge_are_reported_and_keepable(names, tmp_path, capsys):
    path = solver_csv(tmp_path / "runs.csv", names)
    base = [str(path), "--metric", "acc", "--seed", "seed", "--format", "json"]
    # merged: the two spellings become one 'absent' solver with duplicate runs -> an error,
    # preceded by a note naming the column and both spellings
    code, _, err = run(["report", *base, "--target", "solver=adam,lr=0.1"], capsys)
    note = next(line for line in err.splitlines() if "note:" in line)
    assert (
        f"RUNS {str(path)!r}" in note and "column 'solver'" in note and "--keep-na-strings" in note
    )
    for name in names:
        assert (repr(name) if name else "'' (empty)") in note
    assert code == 2
    # kept: three solvers, each spelling its own configuration (an empty cell stays missing)
    argv = ["report", *base, "--keep-na-strings", "--target", "solver=adam,lr=0.1"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    solvers = {row["solver"] for row in json.loads(out)["rows"]}
    assert solvers == {"adam", *(n if n else None for n in names)}
    present = [n for n in names if n]
    if present:  # a kept spelling can be the target itself
        argv = ["report", *base, "--keep-na-strings", "--target", f"solver={present[0]},lr=0.1"]
        code, out, err = run(argv, capsys)
        assert code == 0, err
        rows = json.loads(out)["rows"]
        assert [r["solver"] for r in rows if r["status"] == "target"] == [present[0]]


def test_one_na_spelling_is_not_a_merge(tmp_path, capsys):
    path = tmp_path / "runs.csv"
    pd.DataFrame(
        {"solver": ["adam"] * 3 + ["None"] * 3, "seed": [0, 1, 2] * 2, "acc": range(6)}
    ).to_csv(path, index=False)
    code, _, err = run(["report", str(path), "--metric", "acc", "--target", "0"], capsys)
    assert code == 0 and "note:" not in err


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty.csv": b"",
        "blank.csv": b"\n\n  \n",
        "header.csv": b"lr,seed,acc\n",
        "malformed.csv": b'lr,acc\n0.1,0.5\n"0.2,0.6\n',
        "binary.csv": bytes(range(128, 256)) * 4,
        "nul.csv": b"lr,acc\n0.1\x00,0.5\n",
        "latin1.csv": "lr,acc,note\n0.1,0.5,caf\u00e9\n".encode("latin-1"),
        "dupes.csv": b"lr,acc,acc\n0.1,0.5,0.6\n",
        "fake.parquet": b"PK\x03\x04 not parquet",
        "bad.csv.gz": b"not gzip at all",
    }
    out = {}
    for name, data in files.items():
        out[name] = tmp_path / name
        out[name].write_bytes(data)
    return out


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.csv", "the file is empty"),
        ("blank.csv", "the file is empty"),
        ("header.csv", "no rows, only the header (lr, seed, acc)"),
        ("malformed.csv", "malformed CSV"),
        ("binary.csv", "not UTF-8 text"),
        ("nul.csv", "binary data"),
        ("latin1.csv", "not UTF-8 text (byte 0xe9"),
        ("dupes.csv", "duplicate column names in the header: acc"),
        ("fake.parquet", "not a readable Parquet file"),
        ("bad.csv.gz", "cannot be read"),
    ],
)
def test_a_bad_file_is_one_line_naming_it(name, words, tmp_path, capsys):
    path = _bad_files(tmp_path)[name]
    for command in ("report", "importance"):
        argv = [command, str(path), "--metric", "acc", "--target", "0"]
        code, out, err = run(argv, capsys)
        line = one_error_line(err)
        assert code == 2 and out == ""
        assert f"RUNS {str(path)!r}: {words}" in line, line


def test_binary_stdin_is_one_line(monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(bytes(range(256))), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    code, _, err = run(["report", "-", "--metric", "acc", "--target", "0"], capsys)
    assert code == 2 and "RUNS - (stdin): " in one_error_line(err)


def test_gzipped_csv_still_reads(tmp_path, capsys):
    path = tmp_path / "runs.csv.gz"
    text = "lr,seed,acc\n" + "".join(
        f"{lr},{s},{lr + s / 100}\n" for lr in (1, 2) for s in range(3)
    )
    path.write_bytes(gzip.compress(text.encode()))
    argv = ["report", str(path), "--metric", "acc", "--seed", "seed", "--target", "lr=1"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert "lr" in out


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=200))
def test_any_bytes_give_a_result_or_one_line(data, tmp_path, capsys):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    code, _, err = run(["report", str(path), "--metric", "acc", "--target", "0"], capsys)
    assert code in (0, 2)
    if code == 2:
        one_error_line(err)


# ------------------------------------------------------------------ --target text


@pytest.fixture
def runs_csv(tmp_path: Path) -> Path:
    return solver_csv(tmp_path / "runs.csv", ("sgd", "rmsprop"))


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("\uff15", "expected name=value pairs"),  # fullwidth 5: str.isdigit() says yes
        ("\u00b2", "expected name=value pairs"),  # superscript 2, int() would fail
        ("-1", "a config id is an integer >= 0"),
        ("99999999999999999999", "config id 99999999999999999999 does not exist"),
        ("=", "'' is not a parameter"),
        (",,,", "expected name=value pairs"),
        ("solver=ad\x00am", "unprintable character '\\x00'"),
        ("solver=adam\x1b[31m", "unprintable character '\\x1b'"),
        ("lr=0.1,lr=0.2", "parameter 'lr' given twice"),
        ("LR=0.1", "'LR' is not a parameter; parameters: solver, lr"),
        ("lr=0x10", "column 'lr' is numeric"),
        ("lr=1e999", "no configuration has {'lr': inf}"),
    ],
)
def test_odd_targets_are_one_line(target, words, runs_csv, capsys):
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--target", target]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert words in one_error_line(err)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(target=st.text(max_size=30))
def test_any_target_text_gives_a_result_or_one_line(target, runs_csv, capsys):
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--target", target]
    code, _, err = run(argv, capsys)
    assert code in (0, 2)
    if code == 2:
        one_error_line(err)
    elif target.strip().isdigit():
        assert target.strip().isascii()  # only ASCII digits are config ids


# ------------------------------------------------------------------ flags use the same checkers


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (["--alpha", "nan"], "`alpha` must be a number strictly between 0 and 1, got nan"),
        (["--alpha", "1"], "`alpha` must be a number strictly between 0 and 1, got 1.0"),
        (["--random-state", "-1"], "`random_state` must be None, a non-negative integer"),
        (["--min-runs", "0"], "`min_runs` must be an integer >= 1, got 0"),
        (["--test", "t"], "`test` must be one of {'ks', 'mannwhitney'"),
        (["--correction", "bh"], "`correction` must be one of {'none', 'bonferroni'"),
        (["--goal", "up"], "--goal: `goal` must be one of {'max', 'min'}, got 'up'"),
        (["--neighbors", "near"], "--neighbors: `neighbors` must be one of {'adjacent', 'axis'}"),
        (["--alpha", "2"], "--alpha: `alpha` must be"),
    ],
)
def test_flags_fail_with_the_engines_message(flags, words, runs_csv, capsys):
    for command in ("report", "importance"):
        argv = [command, str(runs_csv), "--metric", "acc", "--seed", "seed", *flags]
        argv += ["--target", "0"]
        code, _, err = run(argv, capsys)
        assert code == 2
        assert words in one_error_line(err), (command, err)


def test_against_goes_through_the_engines_checker(runs_csv, capsys):
    argv = ["report", str(runs_csv), "--metric", "acc", "--target", "0", "--against", "some"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "--against: `against` must be one of {'neighbors', 'all'}" in one_error_line(err)


def test_correction_aliases_are_echoed_by_their_name(runs_csv, capsys):
    argv = ["report", str(runs_csv), "--metric", "acc", "--seed", "seed", "--target", "0"]
    code, out, _ = run([*argv, "--correction", "H", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["correction"] == "holm"
    code, out, _ = run([*argv, "--correction", "None", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["correction"] == "none"
