"""marimo as a host: ``mo.ui.anywidget(w).value`` holds the user's state, not the sweep.

marimo's value is ``w.get_state()`` (minus ipywidgets' own traits). On marimo's comm the widget
keeps the big derived payloads out of it, yet still sends them to every frontend: in the comm's
open message, in a reply to ``request_state`` and in each update. Everywhere else ``get_state()``
is the whole state, which ipywidgets needs to rebuild a view from the kernel
(``tests/widget/test_widget_restore.py``). The real-browser half (a click re-runs a dependent
cell) is
``ui-tests/tests/marimo.spec.ts``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import marimo as mo
import pytest
from ipywidgets import Widget
from marimo._plugins.ui._impl.anywidget.init import init_marimo_widget

from sweepwalk import explore
from sweepwalk.datasets import DEMO, load_demo
from sweepwalk.widget.widget import PYTHON_ONLY, USER_STATE, SweepWidget


@pytest.fixture(scope="module")
def runs() -> Any:
    return load_demo()


@pytest.fixture
def on_marimo_comms() -> Iterator[None]:
    """Widgets constructed meanwhile get marimo's comm, as in a marimo kernel."""
    Widget.on_widget_constructed(init_marimo_widget)  # what marimo's formatters register
    try:
        yield
    finally:
        Widget.on_widget_constructed(None)


@pytest.fixture
def widget(runs: Any, on_marimo_comms: None) -> SweepWidget:
    return explore(runs, **DEMO, correction="holm")


def test_marimo_value_is_the_user_state(widget: SweepWidget) -> None:
    assert type(widget.comm).__name__ == "MarimoComm"
    element = mo.ui.anywidget(widget)
    value = element.value
    assert set(value) == set(USER_STATE)
    assert value["target"] == widget.target and value["path"] == [widget.target]
    assert value["correction"] == "holm" and value["selected"] == []
    neighbour = int(widget.results.drop(index=widget.target).index[0])
    first = widget.target
    widget.target = neighbour
    widget.selected = [first]
    value = element.value
    assert value["target"] == neighbour and value["path"] == [first, neighbour]
    assert value["selected"] == [first]
    assert not {"_sweep", "_results", "_ledger", "_walk"} & set(value)


def test_the_frontend_still_gets_everything(
    runs: Any, monkeypatch: pytest.MonkeyPatch, on_marimo_comms: None
) -> None:
    from marimo._plugins.ui._impl import comm as marimo_comm

    opened: list[dict[str, Any]] = []
    real = marimo_comm.MarimoComm.__init__

    def spy(self: Any, *args: Any, **kwargs: Any) -> None:
        opened.append(kwargs["data"]["state"])
        real(self, *args, **kwargs)

    monkeypatch.setattr(marimo_comm.MarimoComm, "__init__", spy)
    w = explore(runs, **DEMO)
    (state,) = [s for s in opened if s.get("_model_module") == "anywidget"]  # not its Layout
    assert {"_sweep", "_results", *USER_STATE} <= set(state)  # the open message has it all
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(w, "_send", lambda msg, buffers=None: sent.append(msg))
    w._handle_msg({"content": {"data": {"method": "request_state"}}})
    assert {"_sweep", "_results", "_ledger", *USER_STATE} <= set(sent[-1]["state"])
    sent.clear()
    w.target = int(w.results.drop(index=w.target).index[0])
    assert {"target", "path", "_results"} <= {k for msg in sent for k in msg["state"]}


def test_path_is_written_by_python_only(widget: SweepWidget) -> None:
    assert "path" in PYTHON_ONLY
    before = widget.path
    widget.set_state({"path": [1, 2, 3]})
    assert widget.path == before and "cannot write" in widget._error


def test_embedded_html_keeps_the_whole_state(widget: SweepWidget) -> None:
    from ipywidgets.embed import embed_data

    state = embed_data(views=[widget])["manager_state"]["state"][widget.model_id]["state"]
    assert {"_sweep", "_results", "target", "path"} <= set(state)  # (defaults are dropped)
    assert set(widget.get_state()) == set(USER_STATE)


def test_outside_marimo_get_state_is_everything(runs: Any) -> None:
    w = explore(runs, **DEMO)  # no marimo comm: ipywidgets' request_states reads get_state()
    assert type(w.comm).__module__ == "comm"
    assert {"_model_name", "_view_name", "_esm", "_sweep", "_results", *USER_STATE} <= set(
        w.get_state()
    )
