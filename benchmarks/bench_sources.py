"""Load time and peak memory of a 10-million-run hive-partitioned Parquet folder.

100,000 configurations (lr: 100 values x wd: 100 x opt: 10, the folder partitioned by ``opt``) x 100
seeds. Each way of loading runs in its own fresh process, so that its peak RSS (``ru_maxrss`` of the
child) is its own:

- ``sweepwalk``: ``sweepwalk.io.from_frame(folder, ...)``: DuckDB reads only the needed
  columns and groups by configuration, Arrow expands the lists, then ``Sweep.from_runs``.
- ``pandas``: what a user would write without it: ``pd.read_parquet(folder)`` then
  ``Sweep.from_runs``.

Usage: python benchmarks/bench_sources.py [--configs 100000] [--seeds 100] [--dir /tmp/...]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def make(folder: Path, n_configs: int, n_seeds: int) -> None:
    import pyarrow as pa
    import pyarrow.dataset as pads

    n_opt = 10
    side = round((n_configs / n_opt) ** 0.5)
    lr = np.repeat(np.logspace(-5, -1, side), side * n_opt)
    wd = np.tile(np.repeat(np.logspace(-6, -2, side), n_opt), side)
    opt = np.tile(np.array([f"opt{k}" for k in range(n_opt)]), side * side)
    cfg = np.repeat(np.arange(len(lr)), n_seeds)
    rng = np.random.default_rng(0)
    table = pa.table(
        {
            "lr": lr[cfg],
            "wd": wd[cfg],
            "opt": opt[cfg],
            "seed": np.tile(np.arange(n_seeds), len(lr)),
            "acc": rng.normal(0.8, 0.05, len(cfg)),
            "wall_time": rng.uniform(0, 100, len(cfg)),  # a column neither side needs
        }
    )
    pads.write_dataset(
        table, folder, format="parquet", partitioning=["opt"], partitioning_flavor="hive",
        max_rows_per_file=1_000_000, max_rows_per_group=250_000,
    )  # fmt: skip


def load(way: str, folder: Path) -> dict[str, float]:
    import pandas as pd

    from sweepwalk import Sweep
    from sweepwalk.io import to_pandas_runs

    params = ["lr", "wd", "opt"]
    t0 = time.perf_counter()
    if way == "sweepwalk":  # what from_frame(folder, ...) does, timed in two steps
        runs = to_pandas_runs(folder, metric="acc", seed="seed", params=params)
    else:
        runs = pd.read_parquet(folder)
    t1 = time.perf_counter()
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", params=params)
    t2 = time.perf_counter()
    return {"seconds": t2 - t0, "read": t1 - t0, "from_runs": t2 - t1, "configs": len(sweep),
            "runs": int(sweep.configs["n"].sum())}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/sweepwalk_bench_parquet"))
    parser.add_argument("--child", choices=["sweepwalk", "pandas"])
    args = parser.parse_args()
    if args.child:
        out = load(args.child, args.dir)
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return
    if not args.dir.exists():
        t0 = time.perf_counter()
        make(args.dir, args.configs, args.seeds)
        print(f"wrote {args.dir} in {time.perf_counter() - t0:.1f} s")
    size = sum(f.stat().st_size for f in args.dir.rglob("*.parquet")) / 2**20
    print(f"{args.configs} configurations x {args.seeds} seeds, {size:.0f} MiB of Parquet")
    for way in ("sweepwalk", "pandas"):
        cmd = [sys.executable, __file__, "--child", way, "--dir", str(args.dir)]
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True).stdout)
        print(
            f"{way:9}  load {result['seconds']:6.2f} s (read {result['read']:.2f} s, from_runs "
            f"{result['from_runs']:.2f} s)  peak RSS {result['peak_rss_mb']:7.0f} MB"
            f"  ({result['configs']} configurations, {result['runs']} runs)"
        )


if __name__ == "__main__":
    main()
