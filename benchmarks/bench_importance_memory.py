"""Peak memory and time of importance() on one categorical parameter with many levels.

A categorical parameter with s levels has s (s - 1) / 2 neighbour pairs (every level neighbours
every other). Each size runs in a fresh process; peak RSS is the process's ``ru_maxrss`` (the sweep
itself included). importance() streams the pairs and keeps per parameter only distinct p-values and
effects with their counts, so peak memory should not grow with the number of pairs (target: under ~1
GB at 20k levels, ~200M pairs). ``--baseline DIR`` also runs the sweepwalk package found in ``DIR``
(e.g. a checkout of an older commit's ``python/`` folder) in the same run, side by side.

Usage: python benchmarks/bench_importance_memory.py [--levels 5000,10000,20000] [--seeds 5]
       [--baseline /path/to/old/python]
"""

from __future__ import annotations

import argparse
import json
import os
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
    frame = sweep.importance(test="ks", correction="fdr_bh").to_frame()
    pairs, error = int(frame["pairs"].sum()), None
except MemoryError as exc:
    pairs, error = None, f"{type(exc).__name__}: {str(exc)[:120]}"
print(json.dumps({"levels": levels, "pairs": pairs, "seconds": time.perf_counter() - t0,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "before_mb": base / 1024, "error": error}))
"""


def _run(levels: int, seeds: int, path: str | None) -> dict[str, object]:
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = path
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(levels), str(seeds)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    if out.returncode != 0:
        return {"levels": levels, "error": (out.stderr.strip().splitlines() or ["?"])[-1][:60]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _cells(r: dict[str, object]) -> str:
    if r.get("pairs") is None:
        return f"{str(r.get('error'))[:40]:>40}"
    peak, before = float(r["peak_mb"]), float(r["before_mb"])  # type: ignore[arg-type]
    return f"{r['seconds']:>10.1f} {peak:>14.0f} {peak - before:>14.0f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="5000,10000,20000")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--baseline", default=None, help="a python/ folder to compare with")
    args = parser.parse_args()
    print(f"importance(test='ks', correction='fdr_bh') on one categorical parameter, "
          f"{args.seeds} seeds (peak RSS includes the sweep and the imports):")  # fmt: skip
    runs = [("this tree", None)] + ([("baseline", args.baseline)] if args.baseline else [])
    print(f"{'':>21}" + "".join(f" | {name:^40}" for name, _ in runs))
    head = f"{'seconds':>10} {'peak RSS MB':>14} {'importance MB':>14}"
    print(f"{'levels':>7} {'pairs':>13}" + "".join(f" | {head}" for _ in runs))
    for levels in [int(x) for x in args.levels.split(",")]:
        results = [_run(levels, args.seeds, path) for _, path in runs]
        pairs = next((r["pairs"] for r in results if r.get("pairs") is not None), None)
        shown = f"{pairs:,}" if isinstance(pairs, int) else "?"
        print(f"{levels:>7} {shown:>13}" + "".join(f" | {_cells(r)}" for r in results),
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
