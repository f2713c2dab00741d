"""compare(target, against="all", test="permutation") vs a per-row scipy permutation_test loop.

The baseline is ``scipy.stats.permutation_test((row, target), mean(x) - mean(y), n_resamples=9999,
rng=seed, vectorized=True)`` once per configuration, timed on an evenly spaced subsample of rows and
extrapolated linearly (the output says so); its p-values are checked against ours on that subsample.

First, a widget click with test="permutation" at ``--click-seeds`` seeds per configuration (a 5 x 10
grid, the click compares with the 2-4 adjacent neighbours), in the kernel (the session and the
results payload; the browser's paint is not included): today's click (the test in the message
handler, the widget's path when the click is estimated under ``background_seconds``) beside the
two-phase click (``pending_seconds``): time to the first answer (the estimates, every row pending)
and time to the p-values (the job's comparison and its payload), for the same targets in one run,
with the load average, and whether the p-values are identical.

Usage: python benchmarks/bench_permutation.py [--configs 100000] [--seeds 100] [--sub 40]
       [--click-seeds 10000] [--clicks 5] [--click-only]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd
from scipy import stats

from sweepwalk import Sweep
from sweepwalk.session.session import Session
from sweepwalk.stats import TIE_RTOL, two_sample
from sweepwalk.widget.serialization import results_payload
from sweepwalk.widget.widget import BACKGROUND_SECONDS, PENDING_SECONDS


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


def make_grid(n_seeds: int) -> Sweep:
    """A 5 x 10 grid (lr x width), ``n_seeds`` seeds each, a small real effect of width."""
    rng = np.random.default_rng(0)
    lr, width = (g.ravel() for g in np.meshgrid(np.arange(5), np.arange(10), indexing="ij"))
    runs = pd.DataFrame(
        {
            "lr": np.repeat(lr, n_seeds),
            "width": np.repeat(width, n_seeds),
            "seed": np.tile(np.arange(n_seeds), len(lr)),
        }
    )
    runs["acc"] = 0.8 + 0.001 * runs["width"] + rng.normal(0, 0.02, len(runs))
    return Sweep.from_runs(runs, metric="acc", params=["lr", "width"], seed="seed")


def _load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def time_clicks(n_seeds: int, clicks: int) -> None:
    """Print today's click and the two-phase click at ``n_seeds`` seeds, same targets, one run."""
    sweep = make_grid(n_seeds)
    targets = [int(t) for t in np.linspace(11, 38, clicks + 1)]  # interior rows: 4 neighbours
    today = Session(sweep, target=targets[0], test="permutation")
    early = Session(sweep, target=targets[0], test="permutation", pending_seconds=PENDING_SECONDS,
                    background_seconds=BACKGROUND_SECONDS)  # fmt: skip
    w0 = time.perf_counter()
    _ = today.comparison  # the permutations of these sizes are drawn once (not a click)
    warm = time.perf_counter() - w0
    _ = early.comparison
    print(f"a widget click, test='permutation', {n_seeds} seeds per configuration (5 x 10 grid, "
          f"adjacent neighbours; kernel side: session + payload); {_load()}")  # fmt: skip
    print(f"  (the first comparison draws the permutations of these sizes: {warm:.2f} s)")
    rows: list[tuple[float, float, float, bool]] = []
    for j in targets[1:]:
        t0 = time.perf_counter()
        today.target = j
        want = today.comparison
        results_payload(want, sweep.params, state=today.results_state)
        sync = time.perf_counter() - t0

        t1 = time.perf_counter()
        early.target = j
        mode = early.comparison_in_background()
        shown = early.pending_comparison
        assert mode == "started" and shown is not None, "the click was not answered early"
        results_payload(shown, sweep.params, state=early.results_state)
        first = time.perf_counter() - t1
        assert early.runner.wait("compare", 600)
        final = early.comparison  # adopted by the job (computed now if it was not)
        results_payload(final, sweep.params, state=early.results_state)
        to_p = time.perf_counter() - t1
        same = np.array_equal(final.pvalue, want.pvalue, equal_nan=True)
        rows.append((sync, first, to_p, same))
    sync, first, to_p = (1e3 * float(np.median([r[k] for r in rows])) for k in range(3))
    print(f"  today's click (the test in the handler):      {sync:7.0f} ms  (median of {clicks})")
    print(f"  two-phase click, first answer (estimates):    {first:7.0f} ms  "
          f"({first / sync:.2f}x today's)")  # fmt: skip
    print(f"  two-phase click, p-values and verdicts shown: {to_p:7.0f} ms  "
          f"({to_p / sync:.2f}x today's)")  # fmt: skip
    print(f"  identical p-values on every click: {all(r[3] for r in rows)}; {_load()}")


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis) - np.mean(y, axis=axis)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--sub", type=int, default=40, help="rows of the scipy loop")
    parser.add_argument("--workers", type=int, default=0, help="also run on a process pool")
    parser.add_argument("--click-seeds", type=int, default=10_000, help="seeds of the click")
    parser.add_argument("--clicks", type=int, default=5, help="timed clicks")
    parser.add_argument("--click-only", action="store_true", help="only the widget click")
    args = parser.parse_args()
    time_clicks(args.click_seeds, args.clicks)
    if args.click_only:
        return
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
