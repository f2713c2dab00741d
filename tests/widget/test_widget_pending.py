"""A slow permutation test answers a click at once with its estimates, then with its verdicts.

The comparison job is held before it starts (an Event the test sets), so "the estimates are
shown while the test runs" is a fact of order, not of timing. No timing is asserted here:
benchmarks/bench_permutation.py times the two answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers import Wire
from sweepwalk import SweepWidget
from sweepwalk.widget.serialization import PENDING_CODE, STATUSES

WAIT = 60.0  # seconds: a bound for a hung thread, never a timing assertion
#: the columns that do not depend on the p-values: the early answer holds their final values
ESTIMATES = ("diff_mean", "effect", "estimate", "estimate_low", "estimate_high", "effect_low",
             "effect_high", "diff_mean_low", "diff_mean_high", "varied", "rows")  # fmt: skip


class Hold:
    """Hold every ``comparison_job`` of the session before it works, until ``go`` is set."""

    def __init__(self, w: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()
        self.calls = 0
        real = w.session.comparison_job

        def make() -> Any:
            key, job = real()

            def run(progress: Callable[[float], None], cancel: threading.Event) -> Any:
                self.calls += 1
                self.reached.set()
                assert self.go.wait(WAIT)
                return job(progress, cancel)

            return key, run

        monkeypatch.setattr(w.session, "comparison_job", make)


@pytest.fixture
def early(widget: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """A permutation widget where every comparison answers with its estimates first."""
    widget.test = "permutation"  # computed now: the threshold is not lowered yet
    monkeypatch.setattr(widget.session, "pending_seconds", -1.0, raising=False)
    hold = Hold(widget, monkeypatch)
    yield hold
    hold.go.set()
    widget._jobs.wait("compare", WAIT)


def click(widget: SweepWidget, target: int) -> None:
    update = {"method": "update", "state": {"target": target}, "buffer_paths": []}
    widget._handle_msg({"content": {"data": update}, "buffers": []})


def column(results: dict[str, Any], name: str) -> np.ndarray:
    dtype = {"rows": "<i4", "status": "u1", "varied": "<i2"}.get(name, "<f8")
    return np.frombuffer(results[name], dtype=dtype)


def neighbours(widget: SweepWidget, of: int) -> list[int]:
    return [int(i) for i in widget.sweep.neighbor_ids(of, "adjacent")]


def test_the_click_shows_the_estimates_at_once_and_the_verdicts_when_the_test_ends(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, early: Hold
) -> None:
    row = neighbours(widget, widget.target)[0]
    wire = Wire(widget, monkeypatch)
    click(widget, row)
    assert early.reached.wait(WAIT)
    # the click's own message carries the new target's rows, every test result pending
    (move,) = wire.updates
    assert move["state"]["_results"]["state"]["target"] == row
    assert move["state"]["_results"]["pending"] is True
    shown = widget._results  # the same value, its buffers whole
    status = column(shown, "status")
    rows = column(shown, "rows")
    assert status[rows == row].tolist() == [STATUSES.index("target")]
    tested = status[rows != row]
    assert set(tested.tolist()) <= {PENDING_CODE, STATUSES.index("na")}
    assert (tested == PENDING_CODE).any()
    assert np.isnan(column(shown, "pvalue")).all() and np.isnan(column(shown, "pvalue_adj")).all()
    assert "underpowered" not in shown and "reachable" not in shown  # no marks without a p
    assert any("being computed" in note for note in shown["notes"])

    early.go.set()
    assert widget._jobs.wait("compare", WAIT)
    assert "pending" not in wire.updates[-1]["state"]["_results"]
    final = widget._results
    assert final["state"]["target"] == row and "pending" not in final
    assert PENDING_CODE not in column(final, "status").tolist()
    for name in ESTIMATES:  # the early estimates are the final ones, byte for byte
        assert column(shown, name).tobytes() == column(final, name).tobytes(), name
    want = widget.sweep.compare(row, test="permutation", random_state=0)
    pvalue = column(final, "pvalue")[np.searchsorted(column(final, "rows"), want.ids)]
    np.testing.assert_array_equal(pvalue, want.pvalue)  # the synchronous compare's p-values
    pd.testing.assert_frame_equal(widget.results, want.to_frame())


def test_a_second_click_cancels_the_first_test(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, early: Hold
) -> None:
    start = widget.target
    first = neighbours(widget, start)[0]
    wire = Wire(widget, monkeypatch)
    click(widget, first)
    assert early.reached.wait(WAIT)
    job = widget._jobs.last("compare")
    second = next(i for i in neighbours(widget, first) if i != start)
    click(widget, second)
    # the first job is told to stop; the second click is answered with its own estimates
    assert job is not None and job.stop.is_set()
    assert wire.updates[-1]["state"]["_results"]["state"]["target"] == second
    early.go.set()
    assert widget._jobs.wait("compare", WAIT)
    ends = [m for m in wire.custom if m["kind"] != "progress"]
    assert [m["kind"] for m in ends] == ["cancelled", "compare-response"]
    assert ends[0]["replaced"] is True and ends[1]["target"] == second
    assert ends[1]["adopted"] is True and widget._error == ""
    final = widget._results
    assert final["state"]["target"] == second and "pending" not in final
    recorded = set(widget.ledger["target"])
    assert first not in recorded and second in recorded  # the replaced test was never shown


def test_python_never_reads_a_pending_verdict(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, early: Hold
) -> None:
    row = neighbours(widget, widget.target)[0]
    click(widget, row)
    assert early.reached.wait(WAIT)
    assert widget._results.get("pending") is True
    widget.selected = [int(i) for i in neighbours(widget, row)]
    # reading the results (or the selection) while the job runs tests now: real verdicts
    want = widget.sweep.compare(row, test="permutation", random_state=0).to_frame()
    pd.testing.assert_frame_equal(widget.results, want)
    selection = widget.selection
    assert "pending" not in set(selection["status"])
    pd.testing.assert_series_equal(selection["pvalue"], want["pvalue"].loc[selection.index])
    assert widget.session.pending_comparison is None


def test_cancelling_the_test_keeps_the_estimates_and_says_so(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, early: Hold
) -> None:
    row = neighbours(widget, widget.target)[0]
    wire = Wire(widget, monkeypatch)
    click(widget, row)
    assert early.reached.wait(WAIT)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": "c", "job": "compare"}, [])
    early.go.set()
    assert widget._jobs.wait("compare", WAIT)
    assert wire.custom[-1]["kind"] == "cancelled"
    assert f"p-values for target #{row} were cancelled" in widget._error
    assert widget._results["state"]["target"] == row and widget._results["pending"] is True


def test_a_quick_permutation_test_is_answered_whole(widget: SweepWidget) -> None:
    widget.test = "permutation"  # the demo's seeds: well under the widget's pending_seconds
    row = neighbours(widget, widget.target)[0]
    click(widget, row)
    assert widget._results["state"]["target"] == row and "pending" not in widget._results
    assert not widget._jobs.running("compare")
