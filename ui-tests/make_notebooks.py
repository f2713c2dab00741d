"""Write the notebooks the UI tests open (``ui-tests/notebooks/*.ipynb``).

The notebooks are committed; rerun this after editing the cells below:
``.venv/bin/python ui-tests/make_notebooks.py``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).parent / "notebooks"

NOTEBOOKS: dict[str, list[str]] = {
    # Infrastructure: JupyterLab loads, a kernel starts, a cell runs.
    "smoke.ipynb": ["print(1 + 1)"],
    # The click benchmark (bench/click.bench.ts) replaces this cell with a synthetic sweep.
    "bench.ipynb": ["# replaced by ui-tests/bench/click.bench.ts"],
    # The widget on the bundled demo sweep (120 configurations x 12 seeds).
    "widget.ipynb": [
        "import sweepwalk\n"
        "from sweepwalk.datasets import DEMO, load_demo\n"
        "\n"
        "w = sweepwalk.explore(load_demo(), **DEMO)\n"
        "w",
    ],
    # One widget displayed twice: two views of one model, which must stay in sync.
    "twice.ipynb": [
        "import sweepwalk\n"
        "from sweepwalk.datasets import DEMO, load_demo\n"
        "\n"
        "w = sweepwalk.explore(load_demo(), **DEMO)\n"
        "w",
        "display(w)",
    ],
    # Converted by `jupyter nbconvert --to html --execute` (nbconvert.spec.ts): the widget, then
    # the kernel's statuses, to compare with what the HTML shows.
    "nbconvert.ipynb": [
        "import json\n"
        "\n"
        "import sweepwalk\n"
        "from sweepwalk.datasets import DEMO, load_demo\n"
        "\n"
        "w = sweepwalk.explore(load_demo(), **DEMO)\n"
        "w",
        'print(json.dumps({str(i): s for i, s in w.results["status"].items()}))',
    ],
    # Text from the data must stay text: an HTML-looking parameter value and column name.
    "xss.ipynb": [
        "import numpy as np\n"
        "import pandas as pd\n"
        "\n"
        "import sweepwalk\n"
        "\n"
        "EVIL_VALUE = '<img src=x onerror=\"window.__sweepwalk_xss = 1\">'\n"
        "EVIL_NAME = '<img src=y onerror=\"window.__sweepwalk_xss = 2\">'\n"
        "rng = np.random.default_rng(0)\n"
        "rows = [\n"
        '    {"optimizer": opt, EVIL_NAME: lr, "seed": seed, "score": rng.normal(lr, 0.1)}\n'
        '    for opt in ["plain", EVIL_VALUE, "<b>bold</b>"]\n'
        "    for lr in [1.0, 2.0, 3.0]\n"
        "    for seed in range(6)\n"
        "]\n"
        "w = sweepwalk.explore(\n"
        '    pd.DataFrame(rows), metric="score", params=["optimizer", EVIL_NAME], seed="seed"\n'
        ")\n"
        "w",
    ],
}


def main() -> None:
    """Write every notebook of NOTEBOOKS into ui-tests/notebooks/."""
    HERE.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        for i, cell in enumerate(nb.cells):
            cell["id"] = f"cell-{i}"
        nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    main()
