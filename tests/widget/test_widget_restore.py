"""A view rebuilt from the kernel: ipywidgets' ``request_states``, as a page reload sends it.

JupyterLab and Notebook 7 after a page reload with the kernel running, Voilà, and a notebook
reopened on a running kernel all ask the kernel for every widget's state over ipywidgets'
control comm, and build the view from the reply alone. The reply is ``get_state()`` of each
widget, so it must hold what the frontend needs: the model and view names, the ESM bundle, the
sweep, the results and the user's state. The browser half is ``ui-tests/tests/restore.spec.ts``.
"""

from __future__ import annotations

from typing import Any

import pytest
from ipywidgets import Widget

from sweepwalk import explore
from sweepwalk.datasets import DEMO, load_demo
from sweepwalk.widget.widget import USER_STATE


class ControlComm:
    """The kernel side of ipywidgets' control comm: records what it sends to the frontend."""

    def __init__(self) -> None:
        self.sent: list[tuple[dict[str, Any], list[Any]]] = []

    def on_msg(self, callback: Any) -> None:
        self.callback = callback

    def send(self, data: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append((data, list(buffers or [])))


@pytest.fixture
def control() -> Any:
    comm = ControlComm()
    Widget.handle_control_comm_opened(comm, {"metadata": {"version": "1.0.0"}})
    yield comm
    Widget._control_comm = None


def request_states(control: ControlComm) -> tuple[dict[str, Any], list[Any]]:
    control.callback({"content": {"data": {"method": "request_states"}}})
    data, buffers = control.sent[-1]
    assert data["method"] == "update_states"
    return data, buffers


def test_request_states_rebuilds_the_view(control: ControlComm) -> None:
    w = explore(load_demo(), **DEMO, correction="holm")
    first = w.target
    neighbour = int(w.results.drop(index=first).index[0])
    w.target = neighbour
    w.selected = [first]
    data, buffers = request_states(control)
    entry = data["states"][w.model_id]
    assert entry["model_name"] == "AnyModel" and entry["model_module"] == "anywidget"
    state = entry["state"]
    assert state["_view_name"] == "AnyView" and state["_model_name"] == "AnyModel"
    assert "export default" in state["_esm"] or "render" in state["_esm"]
    assert {"_sweep", "_results", "_ledger", *USER_STATE} <= set(state)
    assert state["target"] == neighbour and state["path"] == [first, neighbour]
    assert state["selected"] == [first] and state["correction"] == "holm"
    # the score and result arrays travel as binary buffers, as in the open message
    paths = data["buffer_paths"]
    assert any(p[:3] == [w.model_id, "state", "_sweep"] for p in paths)
    assert any(p[:3] == [w.model_id, "state", "_results"] for p in paths)
    assert len(buffers) == len(paths)


def test_request_states_after_the_widget_was_shown_twice(control: ControlComm) -> None:
    w = explore(load_demo(), **DEMO)
    w._repr_mimebundle_()  # a display(w) ...
    w._repr_mimebundle_()  # ... and a second one of the same model
    state = request_states(control)[0]["states"][w.model_id]["state"]
    assert state["_view_name"] == "AnyView" and "_results" in state
