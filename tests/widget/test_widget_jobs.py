"""The widget's long requests run off the message loop: a worker thread, progress, cancel.

Requests are fed to ``_on_custom_msg`` / ``_handle_msg`` as the comm delivers them; every
message the kernel sends is captured at ``_send`` (helpers.Wire). A job is held
in the middle of its work deterministically: its progress hook waits on an Event the test
sets, so "the click is answered while the job runs" is a fact of order, not of timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from helpers import Wire, other_row
from sweepwalk import SweepWidget, explore
from sweepwalk.datasets import DEMO
from sweepwalk.widget.serialization import importance_reply

WAIT = 60.0  # seconds: a bound for a hung thread, never a timing assertion


class Gate:
    """Hold an importance job at its first progress report until :meth:`release`."""

    def __init__(self, w: SweepWidget, monkeypatch: pytest.MonkeyPatch, fail: bool = False):
        self.reached = threading.Event()
        self.go = threading.Event()
        self.thread = ""
        real = w.session.importance_job

        def importance_job(**kwargs: Any) -> Callable[..., Any]:
            job = real(**kwargs)

            def run(progress: Callable[[float], None], cancel: threading.Event) -> Any:
                def hook(fraction: float) -> None:
                    progress(fraction)
                    if not self.reached.is_set():
                        self.thread = threading.current_thread().name
                        self.reached.set()
                        assert self.go.wait(WAIT)
                    if fail:
                        raise RuntimeError("the pairs could not be tested")

                return job(hook, cancel)

            return run

        monkeypatch.setattr(w.session, "importance_job", importance_job)

    def release(self) -> None:
        self.go.set()


@pytest.fixture
def held(widget: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gate]:
    gate = Gate(widget, monkeypatch)
    yield gate
    gate.release()  # never leave a thread waiting
    widget._jobs.wait("importance", WAIT)


def start(widget: SweepWidget, msg_id: str = "imp", **extra: Any) -> None:
    widget._on_custom_msg(widget, {"kind": "importance", "id": msg_id, **extra}, [])


def test_importance_runs_in_a_thread_and_streams_progress(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, held: Gate
) -> None:
    wire = Wire(widget, monkeypatch)
    start(widget, margin=0.01)
    assert held.reached.wait(WAIT)
    # the handler has returned while the job is in the middle of its work, in another thread
    assert widget._jobs.running("importance") and held.thread != threading.current_thread().name
    assert wire.kinds() and set(wire.kinds()) == {"progress"}
    held.release()
    assert widget._jobs.wait("importance", WAIT)
    *progress, reply = wire.custom
    assert [m["kind"] for m in progress] == ["progress"] * len(progress)
    fractions = [m["fraction"] for m in progress]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(m["id"] == "imp" and m["job"] == "importance" for m in progress)
    want = widget.sweep.importance(
        test=widget.test, alpha=widget.alpha, neighbors=widget.neighbors, margin=0.01
    ).to_frame()
    assert reply == {"kind": "importance-response", "id": "imp", **importance_reply(want, 0.0)} | {
        "seconds": reply["seconds"]
    }
    assert "MainThread" not in wire.threads  # every job message left from the worker thread
    assert not widget._jobs.running("importance")


def test_a_click_during_the_job_is_answered_before_it_ends(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, held: Gate
) -> None:
    wire = Wire(widget, monkeypatch)
    start(widget)
    assert held.reached.wait(WAIT)
    row = int(next(i for i in widget.results.index if i != widget.target))
    update = {"method": "update", "state": {"target": row}, "buffer_paths": []}
    widget._handle_msg({"content": {"data": update}, "buffers": []})
    (msg,) = wire.updates  # the click's one state message, sent while the job still runs
    assert msg["state"]["_results"]["state"]["target"] == row
    assert widget._jobs.running("importance") and "importance-response" not in wire.kinds()
    held.release()
    assert widget._jobs.wait("importance", WAIT)
    assert wire.kinds()[-1] == "importance-response"
    # the job kept the settings of its request; the click changed the target only
    assert wire.custom[-1]["settings"]["test"] == widget.test and widget.target == row


def test_cancel_from_the_widget_ends_the_job_with_a_cancelled_reply(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, held: Gate
) -> None:
    wire = Wire(widget, monkeypatch)
    start(widget)
    assert held.reached.wait(WAIT)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": "c1", "job": "importance"}, [])
    assert wire.custom[-1] == {
        "kind": "cancel-response", "id": "c1", "job": "importance", "cancelled": True,
    }  # fmt: skip
    held.release()
    assert widget._jobs.wait("importance", WAIT)
    last = wire.custom[-1]
    assert last["kind"] == "cancelled" and last["id"] == "imp" and last["job"] == "importance"
    assert "cancelled" in last["message"]
    assert "importance-response" not in wire.kinds()
    # nothing left to cancel: the answer says so
    widget._on_custom_msg(widget, {"kind": "cancel", "id": "c2", "job": "importance"}, [])
    assert wire.custom[-1]["cancelled"] is False


def test_a_second_request_replaces_the_running_one(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, held: Gate
) -> None:
    wire = Wire(widget, monkeypatch)
    start(widget, "first")
    assert held.reached.wait(WAIT)
    start(widget, "second")  # the gate holds the first job only (it is reached once)
    held.release()
    assert widget._jobs.wait("importance", WAIT)
    ends = [m for m in wire.custom if m["kind"] != "progress"]
    by_id = {m["id"]: m for m in ends}
    assert by_id["first"]["kind"] == "cancelled" and "newer" in by_id["first"]["message"]
    assert by_id["second"]["kind"] == "importance-response"


def test_an_error_in_the_thread_reaches_the_frontend(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(widget, monkeypatch, fail=True)
    wire = Wire(widget, monkeypatch)
    gate.release()
    start(widget, "bad")
    assert widget._jobs.wait("importance", WAIT) and gate.reached.is_set()
    last = wire.custom[-1]
    assert last == {
        "kind": "error", "id": "bad", "job": "importance",
        "message": "RuntimeError: the pairs could not be tested",
    }  # fmt: skip
    assert not widget._jobs.running("importance")


@pytest.mark.parametrize("job", ["detail", ["importance"], None])
def test_cancel_names_a_job_kind(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, job: Any
) -> None:
    wire = Wire(widget, monkeypatch)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": 9, "job": job}, [])
    (reply,) = wire.custom
    assert (
        reply["kind"] == "error"
        and "`job` must be one of ['importance', 'compare', 'walk']" in reply["message"]
    )


def test_a_host_without_thread_sends_runs_the_job_in_the_handler(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sweepwalk.widget.widget.sends_from_threads", lambda comm: False)
    wire = Wire(widget, monkeypatch)
    start(widget, "sync")
    # the reply is there when the handler returns, sent from this thread
    assert wire.kinds()[-1] == "importance-response" and wire.threads == {
        threading.current_thread().name
    }


# ----------------------------------------------------------- slow comparisons and walks as jobs
class Hold:
    """Hold the session's next ``comparison_job`` / ``walk_job`` before it starts working."""

    def __init__(self, w: SweepWidget, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
        self.reached = threading.Event()
        self.go = threading.Event()
        self.calls = 0
        real = getattr(w.session, method)

        def make(*args: Any, **kwargs: Any) -> Any:
            key, job = real(*args, **kwargs)

            def run(progress: Callable[[float], None], cancel: threading.Event) -> Any:
                self.calls += 1
                self.reached.set()
                assert self.go.wait(WAIT)
                return job(progress, cancel)

            return key, run

        monkeypatch.setattr(w.session, method, make)


@pytest.fixture
def slow(widget: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    """Every comparison counts as slow; each job waits for ``hold.go``."""
    widget.test = "mannwhitney"  # computed now: the threshold is not lowered yet
    monkeypatch.setattr(widget.session, "background_seconds", -1.0)
    hold = Hold(widget, monkeypatch, "comparison_job")
    yield hold
    hold.go.set()
    widget._jobs.wait("compare", WAIT)


def click(widget: SweepWidget, **state: Any) -> None:
    update = {"method": "update", "state": state, "buffer_paths": []}
    widget._handle_msg({"content": {"data": update}, "buffers": []})


def test_a_slow_comparison_is_a_job_and_its_results_follow_the_click(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow: Hold
) -> None:
    start, row = widget.target, other_row(widget)
    expected = widget.session.ledger.copy()
    wire = Wire(widget, monkeypatch)
    click(widget, target=row)
    assert slow.reached.wait(WAIT)
    # the click is answered at once: its move, and no results for it yet (the grid waits)
    (move,) = wire.updates
    assert move["state"]["_history_index"] == 1 and "_results" not in move["state"]
    assert widget._results["state"]["target"] == start and widget._jobs.running("compare")
    assert len(widget.session.ledger) == len(expected)  # nothing recorded before it is shown
    slow.go.set()
    assert widget._jobs.wait("compare", WAIT)
    shown = wire.updates[-1]["state"]
    assert shown["_results"]["state"]["target"] == row and "_ledger" in shown
    reply = wire.custom[-1]
    assert reply == {
        "kind": "compare-response", "id": None, "job": "compare", "target": row,
        "adopted": True, "seconds": reply["seconds"],
    }  # fmt: skip
    want = widget.sweep.compare(row, test="mannwhitney", random_state=0)
    pd.testing.assert_frame_equal(widget.results, want.to_frame())
    expected.record(want)
    pd.testing.assert_frame_equal(widget.ledger, expected.to_frame())  # recorded once


def test_a_click_during_a_slow_comparison_replaces_it(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow: Hold
) -> None:
    first = other_row(widget)
    wire = Wire(widget, monkeypatch)
    click(widget, target=first)
    assert slow.reached.wait(WAIT)
    monkeypatch.setattr(widget.session, "background_seconds", 1e9)  # the next one is quick
    second = int(next(i for i in widget.sweep.neighbors(first) if i != widget.session.history[0]))
    click(widget, target=second)
    # answered now, with its own results, while the first job still waits
    assert wire.updates[-1]["state"]["_results"]["state"]["target"] == second
    slow.go.set()
    assert widget._jobs.wait("compare", WAIT)
    (end,) = [m for m in wire.custom if m["kind"] != "progress"]
    assert end["kind"] == "cancelled" and end["replaced"] is True and end["id"] is None
    assert widget.results["status"].loc[second] == "target" and widget._error == ""
    recorded = set(widget.ledger["target"])
    assert first not in recorded and second in recorded  # the replaced one was never shown


def test_cancelling_a_slow_comparison_says_so_and_keeps_the_last_results(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow: Hold
) -> None:
    start, row = widget.target, other_row(widget)
    wire = Wire(widget, monkeypatch)
    click(widget, target=row)
    assert slow.reached.wait(WAIT)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": "c", "job": "compare"}, [])
    assert wire.custom[-1]["cancelled"] is True
    slow.go.set()
    assert widget._jobs.wait("compare", WAIT)
    end = wire.custom[-1]
    assert end["kind"] == "cancelled" and end["replaced"] is False
    assert f"target #{row} was cancelled" in widget._error and "previous results" in widget._error
    assert widget._results["state"]["target"] == start
    widget.selected = [row]  # a change that needs no comparison does not restart it
    assert slow.calls == 1 and not widget._jobs.running("compare")
    widget.alpha = 0.1  # a setting does
    assert widget._jobs.running("compare") and widget._error == ""


def test_an_error_in_a_slow_comparison_is_shown(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow: Hold
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("no scores today")

    monkeypatch.setattr(widget.sweep, "compare", broken)
    wire = Wire(widget, monkeypatch)
    click(widget, target=other_row(widget))
    slow.go.set()
    assert widget._jobs.wait("compare", WAIT)
    assert wire.custom[-1] == {
        "kind": "error",
        "id": None,
        "job": "compare",
        "message": "RuntimeError: no scores today",
    }
    assert widget._error == "RuntimeError: no scores today"


def test_only_slow_comparisons_leave_the_message_loop(demo_runs: pd.DataFrame) -> None:
    import numpy as np

    import sweepwalk
    from sweepwalk.widget.widget import BACKGROUND_SECONDS

    n, seeds = 2_000, 100
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"p": np.repeat(np.arange(n), seeds), "seed": np.tile(np.arange(seeds), n)})
    runs["score"] = rng.normal(size=len(runs))
    s = sweepwalk.Session(sweepwalk.Sweep.from_runs(runs, metric="score", seed="seed"))
    assert s.comparison_seconds() < BACKGROUND_SECONDS  # KS against the neighbours
    s.against = "all"
    assert s.comparison_seconds() < BACKGROUND_SECONDS  # KS against all: one merge pass
    s.test = "permutation"
    assert s.comparison_seconds() > BACKGROUND_SECONDS  # 9,999 resamples of 2,000 rows
    demo = sweepwalk.Session(sweepwalk.Sweep.from_runs(demo_runs, **DEMO), test="permutation")
    assert demo.comparison_seconds() < BACKGROUND_SECONDS  # the demo's neighbours


@pytest.fixture
def slow_walk(widget: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hold]:
    widget.target = int(widget.sweep.configs["mean"].idxmin())
    hold = Hold(widget, monkeypatch, "walk_job")
    yield hold
    hold.go.set()
    widget._jobs.wait("walk", WAIT)


def test_a_click_during_a_walk_is_answered_and_the_walk_discarded(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow_walk: Hold
) -> None:
    history, expected = widget.session.history, widget.session.ledger.copy()
    wire = Wire(widget, monkeypatch)
    widget._on_custom_msg(widget, {"kind": "walk", "id": "w"}, [])
    assert slow_walk.reached.wait(WAIT)
    row = other_row(widget)
    expected.record(widget.sweep.compare(row, random_state=0))
    click(widget, target=row)
    assert wire.updates[-1]["state"]["_results"]["state"]["target"] == row  # at once
    slow_walk.go.set()
    assert widget._jobs.wait("walk", WAIT)
    end = wire.custom[-1]
    assert end["kind"] == "cancelled" and end["id"] == "w" and "discarded" in end["message"]
    assert widget.session.history == [*history, row] and widget.last_walk is None
    pd.testing.assert_frame_equal(widget.ledger, expected.to_frame())  # the click's tests only


def test_a_walk_job_records_what_the_walk_in_the_handler_records(
    widget: SweepWidget, demo_runs: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = explore(demo_runs, **DEMO)
    start = int(widget.sweep.configs["mean"].idxmin())
    for w in (widget, twin):  # the same steps: the same ledger before the walk
        w.error_control = "walk"
        w.target = start
    monkeypatch.setattr("sweepwalk.widget.widget.sends_from_threads", lambda comm: False)
    twin._on_custom_msg(twin, {"kind": "walk", "id": 1}, [])  # synchronous, as in marimo
    monkeypatch.undo()
    widget._on_custom_msg(widget, {"kind": "walk", "id": 1}, [])
    assert widget._jobs.wait("walk", WAIT)
    assert widget.last_walk is not None and twin.last_walk is not None
    assert widget.last_walk.path == twin.last_walk.path and len(widget.last_walk.path) > 1
    pd.testing.assert_frame_equal(widget.ledger, twin.ledger)
    assert widget.session.history == twin.session.history


def test_cancelling_a_walk_leaves_the_session_as_it_was(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow_walk: Hold
) -> None:
    history, tests = widget.session.history, len(widget.session.ledger)
    wire = Wire(widget, monkeypatch)
    widget._on_custom_msg(widget, {"kind": "walk", "id": "w"}, [])
    assert slow_walk.reached.wait(WAIT)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": "c", "job": "walk"}, [])
    slow_walk.go.set()
    assert widget._jobs.wait("walk", WAIT)
    end = wire.custom[-1]
    assert end["kind"] == "cancelled" and end["id"] == "w" and end["replaced"] is False
    assert widget.session.history == history and len(widget.session.ledger) == tests


def test_a_comparison_read_meanwhile_still_reaches_the_frontend(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, slow: Hold
) -> None:
    row = other_row(widget)
    wire = Wire(widget, monkeypatch)
    click(widget, target=row)
    assert slow.reached.wait(WAIT)
    frame = widget.results  # computed now (as the cell's static table is), not pushed
    slow.go.set()
    assert widget._jobs.wait("compare", WAIT)
    assert wire.custom[-1]["adopted"] is False
    assert wire.updates[-1]["state"]["_results"]["state"]["target"] == row
    pd.testing.assert_frame_equal(widget.results, frame)


def prefetch_now(widget: SweepWidget) -> None:
    """Turn the prefetch (and the results sent ahead) on, without its delay."""
    widget.session.prefetch, widget.session.prefetch_delay = True, 0.0


def test_after_a_click_its_neighbours_are_computed_ahead_and_a_click_stops_that(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefetch_now(widget)
    row = other_row(widget)
    click(widget, target=row)
    job = widget._prefetch
    assert job is not None and job.result(WAIT) == len(widget.sweep.neighbors(row)) > 0
    calls: list[int] = []
    real = widget.sweep.compare
    monkeypatch.setattr(widget.sweep, "compare", lambda *a, **k: calls.append(1) or real(*a, **k))
    nxt = int(widget.sweep.neighbors(row)[0])
    monkeypatch.setattr(widget.session, "prefetch_delay", WAIT)  # the next one waits
    click(widget, target=nxt)
    assert calls == []  # served from what was computed ahead
    pd.testing.assert_frame_equal(widget.results, real(nxt, random_state=0).to_frame())
    # a state message stops a waiting or running prefetch (between two comparisons)
    waiting = widget._prefetch
    assert waiting is not None and waiting is not job and not waiting.done()
    click(widget, selected=[row])
    assert waiting.result(WAIT) == 0 and calls == []


def test_after_the_prefetch_the_frontend_is_sent_what_a_click_on_each_neighbour_shows(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefetch_now(widget)
    wire = Wire(widget, monkeypatch)
    row = other_row(widget)
    click(widget, target=row)
    job = widget._prefetch
    assert job is not None and job.result(WAIT) > 0
    sent = [(m, b) for m, b in zip(wire.custom, wire.buffers, strict=True) if m["kind"] == "ahead"]
    assert len(sent) == 1
    msg, buffers = sent[0]
    history = widget.session.history
    assert msg["from"] == {
        **widget.session.settings,
        "history": history,
        "cursor": len(history) - 1,
    }
    neighbours = [int(c) for c in widget.sweep.neighbors(row)]
    assert sorted(e["target"] for e in msg["entries"]) == neighbours
    entry = msg["entries"][-1]
    ahead = {
        name: buffers[value["buffer"]] if isinstance(value, dict) and "buffer" in value else value
        for name, value in entry["results"].items()
    }
    # exactly what the kernel pushes when that neighbour is clicked (state and every buffer)
    click(widget, target=entry["target"])
    assert widget._results == ahead
    assert ahead["state"]["history"] == [*history, entry["target"]]


def test_no_results_are_sent_ahead_when_the_statuses_depend_on_the_walk(
    demo_runs: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    # walk-wide FDR: a status depends on what the ledger decided before, not on the data alone
    widget = explore(demo_runs, **{**DEMO, "error_control": "walk"})
    prefetch_now(widget)
    wire = Wire(widget, monkeypatch)
    click(widget, target=other_row(widget))
    job = widget._prefetch
    assert job is not None and job.result(WAIT) > 0  # still computed ahead in the kernel
    assert "ahead" not in wire.kinds()
