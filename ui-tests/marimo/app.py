"""A marimo app over the demo sweep, for the marimo UI test (ui-tests/tests/marimo.spec.ts).

The grid is ``mo.ui.anywidget``; the next cell depends on it, so a click in the grid re-runs it
and it shows what ``grid.value`` holds (as JSON, for the test to read).
"""

import marimo

app = marimo.App(width="full")


@app.cell
def _():
    import json

    import marimo as mo

    import sweepwalk
    from sweepwalk.datasets import DEMO, load_demo

    return DEMO, json, load_demo, mo, sweepwalk


@app.cell
def _(DEMO, load_demo, mo, sweepwalk):
    grid = mo.ui.anywidget(sweepwalk.explore(load_demo(), **DEMO, correction="holm"))
    grid  # noqa: B018 (marimo displays a cell's last expression)
    return (grid,)


@app.cell
def _(grid, json, mo):
    value = json.dumps(grid.value, sort_keys=True)
    mo.Html(
        f'<p>Target: <b data-testid="marimo-target">{grid.value["target"]}</b></p>'
        f'<pre data-testid="marimo-value">{value}</pre>'
    )
    return


if __name__ == "__main__":
    app.run()
