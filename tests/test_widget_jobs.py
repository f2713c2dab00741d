"""The widget's long requests run off the message loop: a worker thread, progress, cancel.

Requests are fed to ``_on_custom_msg`` / ``_handle_msg`` as the comm delivers them; every
message the kernel sends is captured at ``send`` (custom) and ``_send`` (state). A job is held
in the middle of its work deterministically: its progress hook waits on an Event the test
sets, so "the click is answered while the job runs" is a fact of order, not of timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd
import pytest

from sweepwalk import SweepWidget, explore
from sweepwalk._serialization import importance_reply
from sweepwalk.datasets import DEMO, load_demo

WAIT = 60.0  # seconds: a bound for a hung thread, never a timing assertion


@pytest.fixture(scope="module")
def demo_runs() -> pd.DataFrame:
    return load_demo()


@pytest.fixture
def widget(demo_runs: pd.DataFrame) -> SweepWidget:
    return explore(demo_runs, **DEMO)


class Wire:
    """Record every message the kernel sends: custom ones and state updates, from any thread."""

    def __init__(self, w: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.custom: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.threads: set[str] = set()

        def send(content: dict[str, Any], buffers: Any = None) -> None:
            self.threads.add(threading.current_thread().name)
            self.custom.append(content)

        monkeypatch.setattr(w, "send", send)
        monkeypatch.setattr(w, "_send", lambda msg, buffers=None: self.updates.append(msg))

    def kinds(self) -> list[str]:
        return [m["kind"] for m in self.custom]


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
    )
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
        "kind": "error", "id": "bad", "message": "RuntimeError: the pairs could not be tested",
    }  # fmt: skip
    assert not widget._jobs.running("importance")


@pytest.mark.parametrize("job", ["walk", ["importance"], None])
def test_cancel_names_a_job_kind(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, job: Any
) -> None:
    wire = Wire(widget, monkeypatch)
    widget._on_custom_msg(widget, {"kind": "cancel", "id": 9, "job": job}, [])
    (reply,) = wire.custom
    assert reply["kind"] == "error" and "`job` must be one of ['importance']" in reply["message"]


def test_a_host_without_thread_sends_runs_the_job_in_the_handler(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sweepwalk._widget.sends_from_threads", lambda comm: False)
    wire = Wire(widget, monkeypatch)
    start(widget, "sync")
    # the reply is there when the handler returns, sent from this thread
    assert wire.kinds()[-1] == "importance-response" and wire.threads == {
        threading.current_thread().name
    }
