"""compare(target, against="all", test="permutation") vs a per-row scipy permutation_test loop.

The baseline is ``scipy.stats.permutation_test((row, target), mean(x) - mean(y), n_resamples=9999,
rng=seed, vectorized=True)`` once per configuration, timed on an evenly spaced subsample of rows and
extrapolated linearly (the output says so); its p-values are checked against ours on that subsample.

Usage: python benchmarks/bench_permutation.py [--configs 100000] [--seeds 100] [--sub 40]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from sweepwalk import Sweep
from sweepwalk.stats import TIE_RTOL, two_sample


def make_sweep(n_configs: int, n_seeds: int, random_state: int = 0) -> Sweep:
    """A synthetic sweep of ``n_configs`` configurations x ``n_seeds`` seeds (continuous)."""
    rng = np.random.default_rng(random_state)
    a = max(1, n_configs // 100)
    grid = np.stack(np.meshgrid(np.arange(a), np.arange(10), np.arange(10), indexing="ij"), -1)
    grid = grid.reshape(-1, 3)
    effect = rng.normal(0, 0.02, size=len(grid))
    scores = 0.8 + effect[:, None] + rng.normal(0, 0.02, size=(len(grid), n_seeds))
    runs = pd.DataFrame(
        {
            "width": np.repeat(grid[:, 0], n_seeds),
            "lr": np.repeat(grid[:, 1], n_seeds),
            "depth": np.repeat(grid[:, 2], n_seeds),
            "seed": np.tile(np.arange(n_seeds, dtype=np.int32), len(grid)),
            "acc": scores.ravel(),
        }
    )
    return Sweep.from_runs(runs, metric="acc", params=["width", "lr", "depth"], seed="seed")


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--sub", type=int, default=40, help="rows of the scipy loop")
    parser.add_argument("--workers", type=int, default=0, help="also run on a process pool")
    args = parser.parse_args()
    sweep = make_sweep(args.configs, args.seeds)
    n = len(sweep.configs)
    target, seed = 0, 1234
    done: list[float] = []
    t0 = time.perf_counter()
    res = sweep.compare(
        target, against="all", test="permutation", correction="holm", random_state=seed,
        ci=None, progress=done.append,
    )  # fmt: skip
    ours = time.perf_counter() - t0
    values, counts = sweep.score_matrix, sweep.counts
    t2 = time.perf_counter()
    two_sample(
        "permutation", values[res.ids], counts[res.ids], values[:1], counts[:1],
        random_state=seed, tie_rtol=TIE_RTOL,
    )  # fmt: skip
    engine = time.perf_counter() - t2
    rows = np.linspace(0, len(res.ids) - 1, args.sub).astype(int)
    t_scores = sweep.scores(target)
    p = np.empty(len(rows))
    t1 = time.perf_counter()
    for k, r in enumerate(rows):
        p[k] = stats.permutation_test(
            (sweep.scores(int(res.ids[r])), t_scores), _mean_difference, n_resamples=9999,
            rng=seed, vectorized=True,
        ).pvalue  # fmt: skip
    loop = (time.perf_counter() - t1) / len(rows) * len(res.ids)
    worst = float(np.max(np.abs(p - res.pvalue[rows])))
    print(f"compare(against='all', test='permutation', n_resamples=9999): {n} configs x "
          f"{args.seeds} seeds, {len(done)} progress calls")  # fmt: skip
    print(f"  sweepwalk compare: {ours:.1f} s wall ({ours / len(res.ids) * 1e3:.3f} ms a row)")
    print(f"  of which the test alone (stats.two_sample): {engine:.1f} s")
    print(f"  scipy permutation_test loop: {loop:.0f} s (timed on {len(rows)} rows, "
          f"extrapolated; {loop / len(res.ids) * 1e3:.2f} ms a row)")  # fmt: skip
    print(f"  ratio: {loop / ours:.0f}x (compare), {loop / engine:.0f}x (test alone); "
          f"max |p - scipy p| on the subsample: {worst:.1e}")  # fmt: skip
    if args.workers:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
            t3 = time.perf_counter()
            pooled = sweep.compare(
                target, against="all", test="permutation", correction="holm",
                random_state=seed, ci=None, executor=pool,
            )  # fmt: skip
            on_pool = time.perf_counter() - t3
        same = np.array_equal(pooled.pvalue, res.pvalue, equal_nan=True)
        print(f"  on a {args.workers}-process pool: {on_pool:.1f} s, identical p-values: {same}")


if __name__ == "__main__":
    main()
