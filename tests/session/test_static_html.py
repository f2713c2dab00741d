"""Static views: a widget cell shows the widget, then a coloured ``text/html`` table of the view.

A notebook is executed with nbclient in a fresh kernel (as nbconvert ``--execute`` does), then
converted to HTML with the widget state nbclient stored (nbconvert's default, where the widget's
own output becomes a placeholder) and without it (as JupyterLab saves a notebook by default).
The statuses in the static table must be the kernel's own ``w.results["status"]``.
"""

from __future__ import annotations

import copy
import json
import re

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from sweepwalk.session.html import STATUS_COLORS, format_num, format_p

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

CELLS = [
    "import json, sweepwalk\n"
    "from sweepwalk.datasets import DEMO, load_demo\n"
    "w = sweepwalk.explore(load_demo(), **DEMO, test='ks', correction='holm')",
    "w",
    "print(json.dumps({str(i): s for i, s in w.results['status'].items()}))",
]


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    workdir = tmp_path_factory.mktemp("static")
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()
    return nb


def _statuses_in(table: str) -> dict[str, str]:
    """Config id -> the status cell's text, read from a static table's rows."""
    rows = re.findall(r'class="row_heading[^>]*>(\d+)</th>\s*<td[^>]*>([^<]*)</td>', table)
    return {config: text.replace("◔", "").strip() for config, text in rows}


def test_widget_then_its_static_table(executed: nbformat.NotebookNode) -> None:
    view, static = executed.cells[1].outputs
    assert WIDGET_MIME in view.data, "the widget view comes first"
    assert "text/html" not in view.data, "the table is shown once, in its own output"
    assert view.data["text/plain"].startswith("sweepwalk widget: target #")
    assert list(static.data) == ["text/html"]
    table = static.data["text/html"]
    assert table.startswith('<div class="sweepwalk-fallback">')
    assert "<table" in table and 'class="sweepwalk-table"' in table
    want = json.loads(executed.cells[2].outputs[0].text)
    assert _statuses_in(table) == want
    assert set(want.values()) >= {"target", "worse"}
    for status in set(want.values()):  # each row coloured by its status
        assert STATUS_COLORS[status][1] in table
    headers = re.findall(r'class="col_heading level0 col\d+" >([^<]*)<', table)
    assert headers[:4] == ["status", "estimate", "pvalue_adj", "effect"]


@pytest.mark.parametrize("widget_state", ["stored", "dropped"])
def test_nbconvert_html_shows_the_table(executed: nbformat.NotebookNode, widget_state: str) -> None:
    # nbclient stores the widget state (nbconvert --execute's default); JupyterLab does not
    saved = copy.deepcopy(executed)
    assert "widgets" in saved.metadata
    if widget_state == "dropped":
        saved.metadata.pop("widgets")
    body, _ = HTMLExporter().from_notebook_node(saved)
    assert body.count('class="sweepwalk-table"') == 1
    want = json.loads(executed.cells[2].outputs[0].text)
    assert _statuses_in(body) == want


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (-0.001296, "-0.00130"),
        (0.976852, "0.977"),
        (123.4, "123"),
        (1234.5, "1234"),
        (2.04e-5, "2.0e-5"),
        (0.0, "0"),
        (float("nan"), "—"),
    ],
)
def test_numbers_have_three_significant_digits(x: float, text: str) -> None:
    assert format_num(x) == text


@pytest.mark.parametrize(
    ("p", "text"),
    [(7.44e-7, "7.4e-7"), (0.007859, "0.00786"), (0.9985, "0.999"), (1.0, "1.00"), (0.0, "0")],
)
def test_pvalues_read_like_the_grid(p: float, text: str) -> None:
    assert format_p(p) == text
