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
    # A sweep sent a window at a time (windowed.spec.ts): 20,000 configurations x 5 seeds above
    # a lowered window_rows, so the grid gets its rows from the kernel as it scrolls.
    "windowed.ipynb": [
        "import numpy as np\n"
        "import pandas as pd\n"
        "\n"
        "import sweepwalk\n"
        "\n"
        "shape = (20, 10, 10, 10)\n"
        'grids = np.meshgrid(*[np.arange(k, dtype=float) for k in shape], indexing="ij")\n'
        'params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}\n'
        "n, s = grids[0].size, 5\n"
        "rng = np.random.default_rng(0)\n"
        "drift = sum(0.03 * v for v in params.values())\n"
        "scores = rng.normal(drift[:, None], 0.5, size=(n, s))\n"
        "runs = pd.DataFrame({k: np.repeat(v, s) for k, v in params.items()})\n"
        'runs["seed"] = np.tile(np.arange(s), n)\n'
        'runs["score"] = scores.ravel()\n'
        'columns = {"metric": "score", "params": list(params), "seed": "seed"}\n'
        "w = sweepwalk.explore(runs, **columns, window_rows=5_000)\n"
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
    # The notes a person should see (notes.spec.ts): a dense axis with a trend, seeds that pair
    # up and diverged runs in the first widget; a binned random search in the second.
    "notes.ipynb": [
        "import numpy as np\n"
        "import pandas as pd\n"
        "\n"
        "import sweepwalk\n"
        "\n"
        "rng = np.random.default_rng(0)\n"
        "b = rng.normal(0, 1.5, 10)  # a seed moves every configuration's score alike\n"
        "rows = [\n"
        '    {"lr": lr, "seed": s, "acc": 3 * lr + b[s] + rng.normal()}\n'
        "    for lr in np.linspace(0, 1, 60)\n"
        "    for s in range(10)\n"
        "]\n"
        "runs = pd.DataFrame(rows)\n"
        'runs.loc[[5, 17, 301], "acc"] = np.nan  # three diverged runs\n'
        'w = sweepwalk.explore(runs, metric="acc", seed="seed")\n'
        "w",
        "rng = np.random.default_rng(0)\n"
        "lr, wd = 10 ** rng.uniform(-5, -1, 200), 10 ** rng.uniform(-6, -2, 200)\n"
        "rows = [\n"
        "    {\n"
        '        "lr": lr[i],\n'
        '        "weight_decay": wd[i],\n'
        '        "seed": s,\n'
        '        "acc": 0.8 - 0.05 * abs(np.log10(lr[i]) + 3) + rng.normal(0, 0.02),\n'
        "    }\n"
        "    for i in range(200)\n"
        "    for s in range(5)\n"
        "]\n"
        "binned = sweepwalk.Sweep.from_runs(\n"
        "    pd.DataFrame(rows),\n"
        '    metric="acc",\n'
        '    seed="seed",\n'
        '    bins={"lr": 8, "weight_decay": "auto"},\n'
        "    min_runs=2,\n"
        ")\n"
        "w2 = sweepwalk.explore(binned)\n"
        "w2",
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
