from __future__ import annotations

import io

import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.cli import app as cli
from sweepwalk.datasets import DEMO, DEMO_PARAMS, load_demo


@pytest.fixture(scope="module")
def runs_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "runs.csv"
    load_demo().to_csv(path, index=False)
    return str(path)


def _args(path, *extra):
    return ["importance", path, "--metric", "accuracy", "--params", ",".join(DEMO_PARAMS),
            "--seed", "seed", *extra]  # fmt: skip


def test_csv_equals_engine(runs_csv, capsys):
    assert cli.main(_args(runs_csv, "--format", "csv", "--margin", "0.01")) == 0
    got = pd.read_csv(io.StringIO(capsys.readouterr().out), index_col="param")
    want = Sweep.from_runs(load_demo(), **DEMO).importance(margin=0.01).to_frame()
    pd.testing.assert_series_equal(got["significant"], want["significant"], check_dtype=False)
    assert got["verdict"].tolist() == want["verdict"].tolist()


def test_progress_bar_on_stderr_when_forced(runs_csv, capsys):
    assert cli.main(_args(runs_csv, "--progress", "always")) == 0
    out = capsys.readouterr()
    assert "100%" in out.err and "verdict" in out.out


def test_no_progress_when_not_a_terminal(runs_csv, capsys):
    assert cli.main(_args(runs_csv)) == 0
    assert "%" not in capsys.readouterr().err


def test_bad_margin_is_one_line_exit_2(runs_csv, capsys):
    assert cli.main(_args(runs_csv, "--margin", "-1")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "`margin`" in err
