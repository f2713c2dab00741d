"""The demo notebook (``examples/demo.ipynb``) runs from top to bottom in a fresh kernel.

Executed headlessly with nbclient in a temporary copy of ``examples/`` (so nothing is written next
to the committed notebook). Every cell must run without an error; the widget cells must display
the widget (an anywidget view), and nothing may print a traceback.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO = EXAMPLES / "demo.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    assert DEMO.exists(), f"{DEMO} is missing: the demo notebook is part of the product"
    workdir = tmp_path_factory.mktemp("demo")
    shutil.copytree(EXAMPLES, workdir, dirs_exist_ok=True)
    nb = nbformat.read(workdir / DEMO.name, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    return nb


def test_demo_runs_without_errors(executed: nbformat.NotebookNode) -> None:
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert code_cells, "the demo notebook has no code cells"
    for i, cell in enumerate(code_cells):
        assert cell.get("execution_count") is not None, f"code cell {i} did not run"
        for output in cell.get("outputs", []):
            assert output.get("output_type") != "error", (
                f"code cell {i} raised {output.get('ename')}: {output.get('evalue')}"
            )
            if output.get("output_type") == "stream":
                assert output.get("name") != "stderr" or "Traceback" not in output.get("text", "")


def test_demo_displays_the_widget(executed: nbformat.NotebookNode) -> None:
    views = [
        output
        for cell in executed.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if WIDGET_MIME in output.get("data", {})
    ]
    assert views, "no cell of the demo notebook displays a widget"


def test_each_grid_still_shows_what_it_showed(executed: nbformat.NotebookNode) -> None:
    # After "Run All", every displayed widget must be in the state it was displayed in (its
    # static copy, the text/html output right after it, made at display time, names that
    # state): no later cell changes a grid that the text above it describes. The widget state
    # is nbclient's record of the comms.
    saved = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    shown = [
        (output.data, outputs[i + 1].data)
        for cell in executed.cells
        if cell.cell_type == "code"
        for outputs in [cell.get("outputs", [])]
        for i, output in enumerate(outputs)
        if WIDGET_MIME in output.get("data", {})
    ]
    models = [data[WIDGET_MIME]["model_id"] for data, _ in shown]
    assert len(shown) >= 4 and len(set(models)) == len(models), "one fresh widget per step"
    for (_, static), model in zip(shown, models, strict=True):
        state = saved[model]["state"]
        caption = f"target #{state['target']} · test={state['test']} · correction="
        assert caption in static["text/html"], f"grid {model} changed after it was shown"
