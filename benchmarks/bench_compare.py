"""The default compare(target, against="all").to_frame() vs a ks_2samp loop and one read pass.

The call timed is the one users and the widget make: ``compare(t, against="all", test="ks",
correction="holm").to_frame()`` with its default ``ci=0.95`` (intervals included). Beside it,
in the same run: the first call on a fresh sweep (median of 3; it builds the sweep's KS index,
``sweep.ks_index``, and fills the KS p-value cache; the process is warmed first by one call on
a small sweep, as a session would be), one read pass over the scores (the
physical limit: ``score_matrix.sum()``), the KS statistics and p-values alone on the index
(``ks_against``: the floor of the call in numpy, with no interval, power or frame), and what a
user would write without sweepwalk: one
``scipy.stats.ks_2samp`` per configuration, then ``statsmodels`` ``multipletests(method="holm")``
(no intervals). Where the full loop would take minutes it is timed on an evenly spaced subsample
of rows and extrapolated linearly (the output says so). Every line carries the load average
(the machine may be shared: ratios measured in one run are the numbers to compare; CPU times
are steadier than wall times).

``--breakdown`` times the parts of one real default call from inside it (each part wrapped
while the call runs), so the parts add up to at most the call.

Usage: python benchmarks/bench_compare.py [--sizes 1000,10000,100000] [--seeds 20,100]
       [--breakdown]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from sweepwalk import Sweep
from sweepwalk.stats import _ks

FULL_LOOP_MAX = 10_000  # rows timed in full; above this the loop is subsampled
FIRST_CALLS = 3  # fresh sweeps whose first call is timed (the median is reported)
SUBSAMPLE = 4_000


def make_sweep(n_configs: int, n_seeds: int, random_state: int = 0) -> Sweep:
    """A synthetic sweep: 3 parameters, ``n_configs`` configurations x ``n_seeds`` seeds."""
    rng = np.random.default_rng(random_state)
    a = n_configs // 100
    grid = np.stack(np.meshgrid(np.arange(a), np.arange(10), np.arange(10), indexing="ij"), -1)
    grid = grid.reshape(-1, 3)
    effect = rng.normal(0, 0.02, size=len(grid))
    scores = 0.8 + effect[:, None] + rng.normal(0, 0.02, size=(len(grid), n_seeds))
    runs = pd.DataFrame(
        {
            "width": np.repeat(grid[:, 0], n_seeds),
            "lr": np.repeat(0.001 * (1 + grid[:, 1]), n_seeds),
            "depth": np.repeat(grid[:, 2], n_seeds),
            "seed": np.tile(np.arange(n_seeds), len(grid)),
            "acc": np.round(scores.ravel(), 4),  # rounded, as logged metrics are: ties happen
        }
    )
    return Sweep.from_runs(runs, metric="acc", params=["width", "lr", "depth"], seed="seed")


def baseline(sweep: Sweep, target: int, rows: np.ndarray) -> tuple[float, float, np.ndarray]:
    """Wall and CPU seconds of the plain per-row ks_2samp loop over ``rows``, and its p-values."""
    t_scores = sweep.scores(target)
    p = np.empty(len(rows))
    start, start_cpu = time.perf_counter(), time.process_time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for k, j in enumerate(rows):
            p[k] = stats.ks_2samp(t_scores, sweep.scores(int(j))).pvalue
    return time.perf_counter() - start, time.process_time() - start_cpu, p


def breakdown(sweep: Sweep, target: int) -> dict[str, float]:
    """CPU milliseconds of the parts of one default compare(...).to_frame(), timed inside it."""
    import sweepwalk.analysis.compare as compare_module
    from sweepwalk.analysis.comparison import Comparison
    from sweepwalk.data.sweep_data import SweepData

    spent: dict[str, float] = {}

    def timed(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + (time.process_time() - start) * 1e3

        return wrapper

    patches = [
        (compare_module, "ks_against", "ks"),
        (compare_module, "adjust", "correction"),
        (compare_module, "evidence", "evidence"),
        (compare_module, "status_codes", "status"),
        (SweepData, "varied_codes", "varied"),
        (Comparison, "to_frame", "to_frame"),
    ]
    saved = [(owner, attr, getattr(owner, attr)) for owner, attr, _ in patches]
    try:
        for (owner, attr, name), (_, _, func) in zip(patches, saved, strict=True):
            setattr(owner, attr, timed(name, func))
        start = time.process_time()
        default_call(sweep, target)
        total = (time.process_time() - start) * 1e3
    finally:
        for owner, attr, func in saved:
            setattr(owner, attr, func)
    spent["other"] = total - sum(spent.values())
    return {f"{k}_ms": v for k, v in spent.items()}


def first_call(sweep: Sweep, target: int, n_configs: int, n_seeds: int) -> tuple[float, float]:
    """Median wall and CPU ms of the first call on ``FIRST_CALLS`` fresh sweeps of this size.

    Each builds its KS index; the p-value cache is cleared before each. ``sweep`` is the last.
    """
    wall, cpu = [], []
    for k in range(FIRST_CALLS):
        fresh = sweep if k == FIRST_CALLS - 1 else make_sweep(n_configs, n_seeds, 10 + k)
        _ks._P_CACHE.clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        default_call(fresh, target)  # builds the KS index and fills the p-value cache
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)) * 1e3, float(np.median(cpu)) * 1e3


def warm_up(n_seeds: int) -> None:
    """One default call on a small sweep: the imports and caches of a running session."""
    small = make_sweep(1000, n_seeds, random_state=1)
    default_call(small, 500)


def default_call(sweep: Sweep, target: int) -> pd.DataFrame:
    """The call users make: against all, KS, Holm, default ci=0.95, as a frame."""
    return sweep.compare(target, against="all", test="ks", correction="holm").to_frame()


def timed_runs(func: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """Median wall and CPU milliseconds of ``repeats`` calls."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        func()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return float(np.median(wall)) * 1e3, float(np.median(cpu)) * 1e3


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def measure(n_configs: int, n_seeds: int, repeats: int, parts: bool) -> dict[str, object]:
    sweep = make_sweep(n_configs, n_seeds)
    target = n_configs // 2
    others = np.delete(np.arange(len(sweep)), target)
    load_before = load()

    warm_up(n_seeds)  # imports and one-time set-up belong to no sweep
    cold, cold_cpu = first_call(sweep, target, n_configs, n_seeds)
    ours, ours_cpu = timed_runs(lambda: default_call(sweep, target), repeats)
    frame = default_call(sweep, target)
    tuned, _ = timed_runs(
        lambda: sweep.compare(
            target, against="all", test="ks", correction="holm", ci=None
        ).to_frame(),
        repeats,
    )
    scores = sweep.score_matrix
    one_pass, one_pass_cpu = timed_runs(lambda: scores.sum(), max(repeats, 20))
    # the KS statistics and p-values alone (no interval, power or frame): the floor of the
    # call in numpy, with every score read once per seed position
    index, t_scores = sweep.ks_index, sweep.scores(target)
    kernel, _ = timed_runs(lambda: _ks.ks_against(index, t_scores), repeats)  # as compare()

    if len(others) <= FULL_LOOP_MAX:
        rows, note = others, "full loop"
    else:
        rows = others[np.linspace(0, len(others) - 1, SUBSAMPLE).astype(int)]
        note = f"loop on {len(rows)} rows, x{len(others) / len(rows):.0f}"
    loop_s, loop_cpu_s, p_loop = baseline(sweep, target, rows)
    loop_s *= len(others) / len(rows)
    loop_cpu_s *= len(others) / len(rows)
    p_all = frame["pvalue"].drop(index=target).to_numpy()
    start, start_cpu = time.perf_counter(), time.process_time()
    adj = multipletests(p_all, method="holm")[1]
    base_ms = (loop_s + time.perf_counter() - start) * 1e3
    base_cpu_ms = (loop_cpu_s + time.process_time() - start_cpu) * 1e3

    # the numbers must agree, or the ratio means nothing
    assert np.allclose(frame["pvalue"].to_numpy()[rows], p_loop, rtol=0, atol=1e-12)
    assert np.allclose(frame["pvalue_adj"].drop(index=target).to_numpy(), adj, rtol=0, atol=1e-12)
    extra = breakdown(sweep, target) if parts else {}
    return {
        "configs": n_configs,
        "seeds": n_seeds,
        "default_ms": ours,
        "cpu_ms": ours_cpu,
        "first_ms": cold,
        "first_cpu_ms": cold_cpu,
        "ci_none_ms": tuned,
        "one_pass_ms": one_pass,
        "one_pass_cpu_ms": one_pass_cpu,
        "ks_kernel_ms": kernel,
        "x_one_pass_kernel": kernel / one_pass,
        "x_one_pass": ours / one_pass,
        "x_one_pass_cpu": ours_cpu / max(one_pass_cpu, 1e-3),
        "loop_s": base_ms / 1e3,
        "x_loop": base_ms / ours,
        "x_loop_cpu": base_cpu_ms / ours_cpu,
        "load": f"{load_before} -> {load()}",
        "baseline": note,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seeds", default="20,100")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()
    results = []
    for n_seeds in [int(s) for s in args.seeds.split(",")]:
        for n in [int(s) for s in args.sizes.split(",")]:
            res = measure(n, n_seeds, args.repeats, args.breakdown)
            results.append(res)
            print(
                f"{res['configs']:>7} x {res['seeds']:>3}: default {res['default_ms']:7.1f} ms "
                f"(CPU {res['cpu_ms']:.1f}) = {res['x_one_pass']:.0f}x one pass "
                f"(CPU {res['x_one_pass_cpu']:.0f}x) "
                f"({res['one_pass_ms']:.2f} ms), {res['x_loop']:.0f}x the loop "
                f"(CPU {res['x_loop_cpu']:.0f}x) ({res['loop_s']:.2f} s) | "
                f"first call {res['first_ms']:.1f} ms (CPU {res['first_cpu_ms']:.1f}) | "
                f"ci=None {res['ci_none_ms']:.1f} ms | KS kernel alone "
                f"{res['ks_kernel_ms']:.1f} ms = {res['x_one_pass_kernel']:.0f}x one pass | "
                f"load {res['load']}",
                flush=True,
            )
            if args.breakdown:
                parts = {k: v for k, v in res.items() if k.endswith("_ms") and k not in COLUMNS}
                print("    parts (ms): " + ", ".join(f"{k[:-3]} {v:.1f}" for k, v in parts.items()))
    table = pd.DataFrame(results)[[c for c in COLUMNS if c in results[0]] + ["load", "baseline"]]
    print()
    print(
        "compare(t, against='all', test='ks', correction='holm').to_frame(), default ci=0.95; "
        "p-values checked equal to 1e-12"
    )
    print(
        "(default/first/ci_none/one_pass: median wall ms, *_cpu_ms: CPU ms; x_one_pass, x_loop: "
        "same-run ratios of wall times, *_cpu of CPU times: steadier on a shared machine)"
    )
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))


#: columns of the summary table, in order
COLUMNS = ("configs", "seeds", "default_ms", "cpu_ms", "first_ms", "first_cpu_ms", "ci_none_ms",
           "one_pass_ms", "one_pass_cpu_ms", "x_one_pass", "x_one_pass_cpu", "ks_kernel_ms",
           "x_one_pass_kernel", "loop_s", "x_loop", "x_loop_cpu")  # fmt: skip


if __name__ == "__main__":
    main()
