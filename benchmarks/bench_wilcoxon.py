"""Wilcoxon against all: sweepwalk's batched test vs scipy's own vectorised call, same run.

Both on the same rows: ``stats.two_sample("wilcoxon", X, ..., y, ..., x_seeds=..., y_seeds=...)``
(rows paired with the target on their shared seeds, as ``compare(test="wilcoxon")`` runs it)
against ``scipy.stats.wilcoxon(X, y, axis=1)``. The p-values must be identical. Scores are one
float per seed per configuration (continuous: no zero or tied differences, scipy's exact
branch). Times are the median of repeats, wall and CPU, with the load average.

Usage: python benchmarks/bench_wilcoxon.py [--configs 10000] [--seeds 20] [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

from sweepwalk.stats import two_sample


def timed(func: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)) * 1e3, float(np.median(cpu)) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    m, k = args.configs, args.seeds
    x = rng.normal(0.8, 0.02, (m, k))
    y = rng.normal(0.8, 0.02, (1, k))
    seeds, y_seeds = np.tile(np.arange(k), (m, 1)), np.arange(k)[None]

    def ours() -> Any:
        return two_sample("wilcoxon", x, np.full(m, k), y, [k], x_seeds=seeds, y_seeds=y_seeds)

    def scipy_call() -> Any:
        return stats.wilcoxon(x, y, axis=1)

    load = "/".join(f"{v:.1f}" for v in os.getloadavg())
    (ours_ms, ours_cpu), (sc_ms, sc_cpu) = (
        timed(ours, args.repeats),
        timed(scipy_call, args.repeats),
    )
    same = np.array_equal(ours()[1], scipy_call().pvalue)
    print(
        f"wilcoxon against all, {m} x {k}: sweepwalk {ours_ms:.1f} ms (CPU {ours_cpu:.1f}) | "
        f"scipy wilcoxon(X, y, axis=1) {sc_ms:.1f} ms (CPU {sc_cpu:.1f}) | "
        f"scipy / sweepwalk {sc_ms / ours_ms:.2f}x (CPU {sc_cpu / ours_cpu:.2f}x) | "
        f"identical p-values: {same} | load {load}"
    )


if __name__ == "__main__":
    main()
