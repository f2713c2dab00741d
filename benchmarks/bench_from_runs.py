"""Sweep.from_runs on a big long-format frame: time and peak memory.

One row per run (configuration x seed): 1M configurations x 5 seeds by default, four parameters
(ints, a float, a string), rows shuffled, a float score with 1% NaN. Time: best and median wall time
of ``--repeats`` builds and the best CPU time (the machine may be shared). Peak memory: what
``tracemalloc`` sees numpy and pandas allocate during one more build (the input frame not counted).

Usage: python benchmarks/bench_from_runs.py [--configs 1000000] [--seeds 5] [--repeats 3]
"""

from __future__ import annotations

import argparse
import time
import tracemalloc

import numpy as np
import pandas as pd

from sweepwalk import Sweep


def make_runs(n_configs: int, n_seeds: int, random_state: int = 0) -> pd.DataFrame:
    """Long-format runs in shuffled order: ``n_configs`` configurations x ``n_seeds`` seeds."""
    rng = np.random.default_rng(random_state)
    side = round(n_configs ** (1 / 3))
    cfg = np.arange(n_configs)
    width = cfg % side
    lr = 10.0 ** -(1 + (cfg // side) % side / side * 3)
    opt = np.array(["adam", "sgd", "rmsprop", "adamw"], dtype=object)[(cfg // side // side) % 4]
    depth = cfg // (side * side * 4)
    rows = rng.permutation(n_configs * n_seeds)
    c, s = rows // n_seeds, rows % n_seeds
    score = rng.normal(0.8, 0.02, size=len(rows))
    score[rng.random(len(rows)) < 0.01] = np.nan
    return pd.DataFrame(
        {
            "width": width[c],
            "lr": lr[c],
            "opt": opt[c],
            "depth": depth[c],
            "seed": s,
            "acc": score,
        }
    )


def build(runs: pd.DataFrame) -> Sweep:
    return Sweep.from_runs(runs, metric="acc", params=["width", "lr", "opt", "depth"], seed="seed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=1_000_000)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = make_runs(args.configs, args.seeds)
    times, cpu = [], []
    for _ in range(args.repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        sweep = build(runs)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        del sweep
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    sweep = build(runs)
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(
        f"from_runs {len(runs):,} runs ({len(sweep):,} configurations x {args.seeds} seeds): "
        f"best {min(times):.2f} s, median {np.median(times):.2f} s wall "
        f"(runs {', '.join(f'{t:.2f}' for t in times)}; CPU best {min(cpu):.2f} s), "
        f"peak traced memory {peak / 2**30:.2f} GB"
    )


if __name__ == "__main__":
    main()
