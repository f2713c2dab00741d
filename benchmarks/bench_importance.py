"""sweep.importance(test="ks") against same-run baselines, on a grid and on many categorical levels.

1. A grid of numeric parameters (default 10^5 configurations x 20 seeds, adjacent pairs) against a
   per-pair scipy loop (ks_2samp + A12 per pair, multipletests once), timed on a random subsample
   of the pairs and extrapolated linearly to all pairs (said so in the output).
2. One categorical parameter of many levels (default 20,000 x 5 seeds: 200M pairs, all in one
   context, worked as a triangle) against two baselines timed in the same run and extrapolated per
   pair: importance's pair batches (the path every pair took before) on a sweep of 2,000 levels,
   and the per-pair scipy loop (ks_2samp + A12 + ttost_ind) on 2,000 random pairs. Peak RSS is the
   process's (the sweep, the imports and the first part included).

The load average is printed before and after: the machine is shared, so read ratios, not seconds.

Usage: python benchmarks/bench_importance.py [--levels 10] [--categorical 20000] [--skip-grid]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttost_ind

from sweepwalk import Sweep
from sweepwalk.analysis.importance import pair_blocks


def make_sweep(levels: int = 10, n_params: int = 5, seeds: int = 20) -> Sweep:
    rng = np.random.default_rng(0)
    grid = np.stack(np.meshgrid(*[np.arange(levels)] * n_params, indexing="ij"), axis=-1).reshape(
        -1, n_params
    )
    n = len(grid)
    df = pd.DataFrame(np.repeat(grid, seeds, axis=0), columns=[f"p{i}" for i in range(n_params)])
    df["seed"] = np.tile(np.arange(seeds), n)
    df["score"] = np.round(rng.normal(size=n * seeds) + 0.05 * df["p0"].to_numpy(), 3)
    return Sweep.from_runs(df, metric="score", seed="seed")


def make_categorical(levels: int, seeds: int = 5) -> Sweep:
    """One categorical parameter (as bench_importance_memory.py): every level pairs with all."""
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({
        "arch": np.repeat([f"a{i}" for i in range(levels)], seeds),
        "seed": np.tile(np.arange(seeds), levels),
        "acc": np.round(rng.normal(0.8, 0.02, levels * seeds), 3),
    })  # fmt: skip
    return Sweep.from_runs(runs, metric="acc", params=["arch"], seed="seed")


def _load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _all_pairs(sweep: Sweep) -> tuple[np.ndarray, np.ndarray]:
    pairs = sweep.neighbor_pairs("adjacent")
    a = np.concatenate([p[0] for p in pairs.values()])
    b = np.concatenate([p[1] for p in pairs.values()])
    return a, b


def grid(levels: int) -> None:
    sweep = make_sweep(levels)
    sweep.importance()  # warm caches (sorted rows, ranks, KS p-value cache)
    t0, c0 = time.perf_counter(), time.process_time()
    sweep.importance(test="ks", correction="fdr_bh")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    a, b = _all_pairs(sweep)
    sub = np.random.default_rng(1).choice(len(a), size=min(2000, len(a)), replace=False)
    t1 = time.perf_counter()
    ps = []
    for k in sub:
        x, y = sweep.scores(int(a[k])), sweep.scores(int(b[k]))
        ps.append(stats.ks_2samp(y, x).pvalue)
        c = x[:, None] - y[None, :]
        _ = ((c > 0) + 0.5 * (c == 0)).mean()
    multipletests(ps, method="fdr_bh")
    loop = (time.perf_counter() - t1) * len(a) / len(sub)
    print(
        f"importance(test='ks', correction='fdr_bh'): {len(sweep)} configs x 20 seeds, "
        f"{len(a)} neighbour pairs"
    )
    print(f"  vectorised: {wall:.2f} s wall, {cpu:.2f} s CPU")
    print(f"  per-pair scipy loop: {loop:.1f} s (timed on {len(sub)} pairs, extrapolated)")
    print(f"  ratio: {loop / wall:.0f}x (wall)")


def _pair_batches_per_pair(levels: int = 2000) -> float:
    """Seconds per pair of importance's pair batches (triangles off) on ``levels`` levels."""
    sweep = make_categorical(levels)
    saved = pair_blocks.MIN_GROUP
    pair_blocks.MIN_GROUP = 1 << 62
    try:
        t0 = time.perf_counter()
        sweep.importance(test="ks", correction="fdr_bh")
        return (time.perf_counter() - t0) / (levels * (levels - 1) // 2)
    finally:
        pair_blocks.MIN_GROUP = saved


def _scipy_per_pair(sweep: Sweep, n_pairs: int = 2000) -> float:
    """Seconds per pair of ks_2samp + A12 + ttost_ind, one call each, on random pairs."""
    rng = np.random.default_rng(1)
    n = len(sweep)
    a = rng.integers(0, n, n_pairs)
    b = (a + rng.integers(1, n, n_pairs)) % n
    margin = 0.01
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            x, y = sweep.scores(min(i, j)), sweep.scores(max(i, j))
            stats.ks_2samp(y, x)
            c = x[:, None] - y[None, :]
            _ = ((c > 0) + 0.5 * (c == 0)).mean()
            ttost_ind(x, y, -margin, margin, usevar="unequal")
    return (time.perf_counter() - t0) / n_pairs


def categorical(levels: int, seeds: int = 5) -> None:
    print(f"\nimportance(test='ks', correction='fdr_bh') on one categorical parameter of "
          f"{levels:,} levels x {seeds} seeds ({_load()})")  # fmt: skip
    sweep = make_categorical(levels, seeds)
    pairs = levels * (levels - 1) // 2
    t0, c0 = time.perf_counter(), time.process_time()
    frame = sweep.importance(test="ks", correction="fdr_bh").to_frame()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert int(frame["pairs"].iloc[0]) == pairs
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batches = _pair_batches_per_pair() * pairs
    loop = _scipy_per_pair(sweep) * pairs
    print(f"  {pairs:,} pairs: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {peak:.0f} MB")
    print(f"  pair batches (the previous path; 2,000 levels, extrapolated per pair): "
          f"{batches:.0f} s -> {batches / wall:.1f}x")  # fmt: skip
    print(f"  per-pair scipy loop (ks_2samp + A12 + ttost_ind on 2,000 pairs, extrapolated): "
          f"{loop:.0f} s -> {loop / wall:.0f}x")  # fmt: skip
    print(f"  goal <= 60 s: {'met' if wall <= 60 else 'NOT met'} ({_load()})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, default=10, help="levels per grid parameter")
    parser.add_argument("--categorical", type=int, default=20000, help="categorical levels")
    parser.add_argument("--skip-grid", action="store_true")
    args = parser.parse_args()
    if not args.skip_grid:
        print(_load())
        grid(args.levels)
    if args.categorical:
        categorical(args.categorical)


if __name__ == "__main__":
    main()
