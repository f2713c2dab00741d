"""The widget's comm traffic: one kernel message per change, refusals, valid JSON replies.

Frontend messages are fed through ``_handle_msg`` exactly as the comm delivers them; every
message the kernel sends is captured at ``_send`` (the one exit to the comm) and counted.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers import Wire, other_row
from sweepwalk import SweepWidget


def test_one_message_per_click_carrying_its_state(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire = Wire(widget, monkeypatch)
    start, row = widget.target, other_row(widget)
    (msg,) = wire.update(target=row)  # no echo, no busy flag, no separate history message
    assert msg["method"] == "update"
    state = msg["state"]["_results"]["state"]
    assert state["target"] == row and state["history"] == [start, row] and state["cursor"] == 1
    assert msg["state"]["_history_index"] == 1 and "_ledger" in msg["state"]


@pytest.mark.parametrize(
    ("name", "value"),
    [("alpha", 0.1), ("test", "welch"), ("correction", "holm"), ("error_control", "walk")],
)
def test_one_message_per_setting(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, name: str, value: object
) -> None:
    wire = Wire(widget, monkeypatch)
    (msg,) = wire.update(**{name: value})
    assert msg["state"]["_results"]["state"][name] == value


def test_a_history_move_is_one_message(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = widget.target
    widget.target = other_row(widget)
    wire = Wire(widget, monkeypatch)
    (msg,) = wire.update(_history_index=0)  # the frontend sends the move, Python the target
    assert msg["state"]["target"] == start
    assert msg["state"]["_results"]["state"]["cursor"] == 0
    assert widget.session.history == [start, widget.session.history[1]]


def test_a_walk_is_one_state_message_then_its_reply(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    widget.target = int(widget.sweep.configs["mean"].idxmin())
    wire = Wire(widget, monkeypatch)
    wire.request({"kind": "walk", "id": "w"})
    assert widget._jobs.wait("walk", 60.0)  # the walk runs as a job, in a worker thread
    progress = [m for m in wire.sent if m.get("content", {}).get("kind") == "progress"]
    update, reply = (m for m in wire.sent if m not in progress)
    assert update["method"] == "update" and reply["method"] == "custom"
    assert reply["content"] == {"kind": "walk-response", "id": "w"} | {
        "seconds": reply["content"]["seconds"]
    }
    walk = update["state"]["_walk"]
    assert update["state"]["_results"]["state"]["history"][-len(walk["path"]) :] == walk["path"]


@pytest.mark.parametrize("name", ["_results", "_ledger", "_walk", "_sweep", "_error"])
def test_python_only_traits_are_refused_and_resent(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    before = getattr(widget, name)
    wire = Wire(widget, monkeypatch)
    sent = wire.update(**{name: {"forged": True}} if name != "_error" else {name: "forged"})
    assert getattr(widget, name) == before or name == "_error"
    assert "cannot write" in widget._error and name in widget._error
    assert any(name in m["state"] for m in sent)  # the kernel's value goes back


@pytest.mark.parametrize(
    "content",
    [
        None,
        "walk",
        [1, 2],
        {},
        {"kind": 7, "id": 1},
        {"kind": "detail", "id": "d"},
        {"kind": "detail", "id": "d", "config": "3"},
        {"kind": "detail", "id": {"nested": [1]}, "config": 10**9},
        {"kind": "importance", "id": 1, "margin": "wide"},
        {"kind": "importance", "id": 2, "correction": ["holm"]},
        {"kind": "walk", "id": 3, "start": -1},
        {"kind": "walk", "id": 4, "start": 1.5},
    ],
)
def test_malformed_messages_get_a_json_error_reply(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, content: Any
) -> None:
    wire = Wire(widget, monkeypatch)
    (msg,) = wire.request(content)
    reply = msg["content"]
    assert reply["kind"] == "error" and isinstance(reply["message"], str) and reply["message"]
    assert reply["id"] == (content.get("id") if isinstance(content, dict) else None) or (
        isinstance(reply["id"], str)  # a non-JSON-able id comes back as its repr
    )
    assert widget._error == ""  # a bad request does not disturb the grid
