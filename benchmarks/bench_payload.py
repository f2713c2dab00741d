"""Print the widget's wire payload sizes (goal: <= 10 MB for 100k configs x 20 seeds).

Builds a synthetic sweep (5 numeric parameters on a grid, ``--seeds`` seeds per configuration),
constructs the widget, and measures what ipywidgets sends: the JSON part of the state plus the
binary buffers it extracts, for ``_sweep`` (sent once, in the comm_open message) and
``_results`` (an update message after every recompute), for ``against="neighbors"`` and
``against="all"``; and the whole state, which a frontend that reconnects asks for at once.
The comparisons are computed in the message loop (``background_seconds=inf``): outside a
kernel a slow one would otherwise go to a worker thread and ``_results`` would still hold the
previous results when measured. ``window`` is what the grid gets a window at a time instead
(``sweepwalk.widget.window``): the first ``--window`` rows sorted by p-value, and the kernel
time of one such request. Each size is measured twice in one run: the whole payload
(``window_rows`` above the size: the path of small sweeps, the baseline) and the default
``window_rows`` (above 50,000 configurations the sweep is windowed: a slim ``_sweep``, and each
``_results`` and window carries its rows' sweep columns).

Usage::

    PYTHONPATH=python .venv/bin/python benchmarks/bench_payload.py            # 1k, 10k, 100k
    PYTHONPATH=python .venv/bin/python benchmarks/bench_payload.py --sizes 100000 --seeds 20
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
from ipywidgets.widgets.widget import _remove_buffers

from sweepwalk import Sweep
from sweepwalk.widget.widget import SweepWidget
from sweepwalk.widget.window import WINDOW_ROWS, window_reply

LIMIT_MB = 10.0


def synthetic_runs(n_configs: int, n_seeds: int, random_state: int = 0) -> pd.DataFrame:
    """Long-format runs: 5 parameters with levels**5 >= n_configs, the first n_configs kept."""
    rng = np.random.default_rng(random_state)
    levels = int(np.ceil(n_configs ** (1 / 5)))
    grid = np.stack(np.unravel_index(np.arange(n_configs), (levels,) * 5), axis=1).astype(
        np.float64
    )
    names = ["lr", "wd", "width", "depth", "dropout"]
    config = np.repeat(np.arange(n_configs), n_seeds)
    frame = pd.DataFrame({name: grid[config, k] / levels for k, name in enumerate(names)})
    frame["seed"] = np.tile(np.arange(n_seeds), n_configs)
    effect = grid.sum(axis=1) / (5 * levels)
    frame["score"] = effect[config] + rng.normal(0.0, 0.05, len(config))
    return frame


def state_size(state: dict) -> tuple[int, int]:
    """(JSON bytes, binary buffer bytes) of a widget state dict as ipywidgets sends it."""
    stripped, _, buffers = _remove_buffers(state)
    text = json.dumps(stripped, separators=(",", ":"), allow_nan=False)
    return len(text.encode()), sum(memoryview(b).nbytes for b in buffers)


def mb(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:7.2f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--window", type=int, default=200, help="rows per window request")
    args = parser.parse_args()
    print(f"{'configs':>8} {'seeds':>5} {'part':<26} {'json':>10} {'buffers':>10} {'total':>10}")
    for n_configs in args.sizes:
        runs = synthetic_runs(n_configs, args.seeds)
        sweep = Sweep.from_runs(
            runs, metric="score", seed="seed", params=["lr", "wd", "width", "depth", "dropout"]
        )
        for path, rows in (("whole", 10**12), ("windowed", WINDOW_ROWS)):
            measure(sweep, n_configs, args, path, rows)


def measure(sweep: Sweep, n_configs: int, args: argparse.Namespace, path: str, rows: int) -> None:
    """Print the messages of one widget on ``sweep`` with ``window_rows=rows``."""
    start = time.perf_counter()
    # measure the message the comparison sends, not the previous one (see the docstring)
    widget = SweepWidget(sweep, background_seconds=float("inf"), window_rows=rows)
    build = time.perf_counter() - start
    tag = f"{path}{' (sweep sent whole)' if not widget._windowed else ''}"
    # The comm is opened by the constructor before the first comparison, so _sweep travels in
    # the comm_open message and every _results in an update message of its own.
    parts = {"_sweep (comm_open)": widget.get_state("_sweep")}
    parts["_results neighbors"] = widget.get_state("_results")
    clicks = []
    for target in np.random.default_rng(1).choice(n_configs, 7, replace=False):
        start = time.perf_counter()
        widget.target = int(target)  # what a click does in the kernel
        clicks.append(time.perf_counter() - start)
    start = time.perf_counter()
    widget.against = "all"
    recompute = time.perf_counter() - start
    parts["_results all"] = widget.get_state("_results")
    assert widget.get_state("_results")["_results"]["state"]["against"] == "all"
    start = time.perf_counter()
    msg = {"offset": 0, "limit": args.window, "scope": "all", "sort": ["pvalue", "asc"]}
    columns = widget._sweep_rows if widget._windowed else None
    body, buffers = window_reply(sweep, widget._results, msg, rows=columns)
    windowed = time.perf_counter() - start
    parts[f"window all ({args.window} rows)"] = {"_results": body, "buffers": buffers}
    parts["full state, all (resync)"] = widget.get_state()
    print(f"-- {tag}")
    for name, state in parts.items():
        js, buf = state_size(state)
        print(f"{n_configs:>8} {args.seeds:>5} {name:<26} {mb(js)} {mb(buf)} {mb(js + buf)}")
    messages = {k: sum(state_size(parts[k])) for k in list(parts)[:4]}
    neighbours = max(messages[k] for k in list(parts)[:2])
    verdict = "OK" if neighbours <= LIMIT_MB * 1e6 else "OVER"
    print(
        f"{'':>8} {'':>5} largest message, neighbours = {mb(neighbours)} (limit {LIMIT_MB} MB: "
        f"{verdict}); with against='all' = {mb(max(messages.values()))}; widget built in "
        f"{build:.2f} s"
    )
    print(
        f"{'':>8} {'':>5} a window request (sort by p-value) takes {windowed * 1e3:.0f} ms; "
        f"kernel time per click (neighbours, median of 7) = {np.median(clicks) * 1e3:.1f} ms; "
        f"against='all' recompute + serialise {recompute * 1e3:.0f} ms"
    )
    widget.close()


if __name__ == "__main__":
    main()
