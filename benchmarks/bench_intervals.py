"""What a widget click costs as the seeds per configuration grow.

A click makes a neighbour the new target: the session compares it with its neighbours at the
widget's settings (each test in turn, KS the default; intervals at 95%: the estimate, its
interval and the power columns from the same analysis) and the results payload is serialised
for the frontend. This times exactly that (``Session.target = j``, ``Session.comparison``,
``results_payload``) on a 5 x 10 grid of configurations for each number of seeds, side by side
with the plain scipy work a user would do for the same click (one ``ks_2samp`` per neighbour,
no interval), in one run.

Usage: python benchmarks/bench_intervals.py [--seeds 100,1000,10000,20000] [--clicks 7]
       [--tests ks,mannwhitney,welch,ttest_rel,wilcoxon,permutation]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats

from sweepwalk import Sweep
from sweepwalk.session.session import Session
from sweepwalk.widget.serialization import results_payload


def make_sweep(n_seeds: int) -> Sweep:
    """A 5 x 10 grid (lr x width), ``n_seeds`` seeds each, a small real effect of width."""
    rng = np.random.default_rng(0)
    lr_grid, width_grid = np.meshgrid(np.arange(5), np.arange(10), indexing="ij")
    lr, width = lr_grid.ravel(), width_grid.ravel()
    runs = pd.DataFrame(
        {
            "lr": np.repeat(lr, n_seeds),
            "width": np.repeat(width, n_seeds),
            "seed": np.tile(np.arange(n_seeds), len(lr)),
        }
    )
    runs["acc"] = 0.8 + 0.001 * runs["width"] + rng.normal(0, 0.02, len(runs))
    return Sweep.from_runs(runs, metric="acc", params=["lr", "width"], seed="seed")


def time_clicks(sweep: Sweep, targets: list[int], test: str) -> tuple[float, float]:
    """Median wall and CPU ms of one click (compare + payload) over ``targets``."""
    session = Session(sweep, target=targets[0], test=test)
    _ = session.comparison  # the first comparison (sorted rows, caches) is not a click
    walls, cpus = [], []
    for j in targets[1:]:
        w0, c0 = time.perf_counter(), time.process_time()
        session.target = j
        comparison = session.comparison
        results_payload(comparison, sweep.params, state=session.settings)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return 1e3 * float(np.median(walls)), 1e3 * float(np.median(cpus))


def time_scipy(sweep: Sweep, targets: list[int]) -> float:
    """Median ms of one ``ks_2samp`` per neighbour of each target (no interval, no power)."""
    times = []
    for j in targets[1:]:
        t0 = time.perf_counter()
        y = sweep.scores(j)
        for i in sweep.neighbor_ids(j, "adjacent"):
            stats.ks_2samp(sweep.scores(int(i)), y)
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="100,1000,10000,20000")
    parser.add_argument("--clicks", type=int, default=7)
    parser.add_argument("--tests", default="ks,mannwhitney,welch,ttest_rel,wilcoxon,permutation")
    args = parser.parse_args()
    print(__doc__.splitlines()[0])
    print("(median of the clicks; the goal is <= 100 ms a click at 10k seeds per configuration)")
    head = f"{'seeds':>7} {'test':>12} {'click_ms':>9} {'click_cpu_ms':>13} {'scipy_ks_ms':>12}"
    print(f"{head} {'ratio':>7}")
    for n_seeds in (int(s) for s in args.seeds.split(",")):
        sweep = make_sweep(n_seeds)
        targets = [int(t) for t in np.linspace(0, len(sweep.configs) - 1, args.clicks + 1)]
        base = time_scipy(sweep, targets)
        for test in args.tests.split(","):
            wall, cpu = time_clicks(sweep, targets, test)
            row = f"{n_seeds:>7} {test:>12} {wall:>9.1f} {cpu:>13.1f} {base:>12.1f}"
            print(f"{row} {wall / base:>6.1f}x", flush=True)


if __name__ == "__main__":
    main()
