"""Peak memory and time of importance() on one categorical parameter with many levels.

A categorical parameter with s levels has s (s - 1) / 2 neighbour pairs (every level
neighbours every other). Each size runs in a fresh process; peak RSS is the process's
``ru_maxrss`` (the sweep itself included). Scores are one float per seed per configuration.

Usage: python benchmarks/bench_importance_memory.py [--levels 5000,10000,20000] [--seeds 5]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = r"""
import json, resource, sys, time
import numpy as np, pandas as pd
from sweepwalk import Sweep
levels, seeds = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
runs = pd.DataFrame({
    "arch": np.repeat([f"a{i}" for i in range(levels)], seeds),
    "seed": np.tile(np.arange(seeds), levels),
    "acc": np.round(rng.normal(0.8, 0.02, levels * seeds), 3),
})
sweep = Sweep.from_runs(runs, metric="acc", params=["arch"], seed="seed")
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
try:
    frame = sweep.importance(test="ks", correction="fdr_bh")
    pairs, error = int(frame["pairs"].sum()), None
except MemoryError as exc:
    pairs, error = None, f"{type(exc).__name__}: {str(exc)[:120]}"
print(json.dumps({"levels": levels, "pairs": pairs, "seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mb": base / 1024, "error": error}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="5000,10000,20000")
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print("importance(test='ks', correction='fdr_bh') on one categorical parameter:")
    for levels in [int(x) for x in args.levels.split(",")]:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(levels), str(args.seeds)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            print(f"  {levels} levels: failed ({out.stderr.strip().splitlines()[-1:]})")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        what = f"{r['pairs']:,} pairs" if r["pairs"] is not None else r["error"]
        bytes_per_pair = (
            (r["peak_mb"] - r["before_mb"]) * 2**20 / r["pairs"] if r["pairs"] else float("nan")
        )
        print(f"  {levels:>6} levels: {what}, {r['seconds']:.1f} s, peak RSS "
              f"{r['peak_mb']:.0f} MB ({r['before_mb']:.0f} MB before importance; "
              f"{bytes_per_pair:.0f} B a pair)")  # fmt: skip


if __name__ == "__main__":
    main()
