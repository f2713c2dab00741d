"""Memory that grows with the runs: skewed sweeps and a big uniform one, time and peak memory.

Each case runs in a fresh process (so that peak RSS is that case's own) and reports:

- ``load``: ``Sweep.from_runs`` on the long-format frame;
- ``compare`` from a configuration with few seeds: its neighbours (the defaults: KS, Holm,
  ``ci=0.95``), then every configuration with ``ci=None``; ``--slow`` adds every configuration
  with ``ci=0.95``, from it and from the baseline (minutes: scipy's exact Mann-Whitney and KS
  distributions at sample sizes (2, 100,000), the kernels' cost, not the layout's);
- peak memory seen by ``tracemalloc`` during those calls (the input frame not counted) and the
  process' peak RSS (input frame and interpreter included).

Cases: ``skew100k`` = 10,000 configurations x 2 seeds + one baseline configuration with 100,000
seeds; ``skew20k`` = 2,000 x 2 + 1 x 20,000; ``1m`` = 1,000,000 x 20 (``--big``; ~4 GB RSS).
Scores are one float per seed per configuration. The machine may be shared: the load average is
printed beside each case.

``--widget`` measures the notebook widget instead, at 10k, 100k and 1M configurations x 20
seeds (the sweeps of ``bench_click``: log10(N) parameters of 10 levels each), each in a fresh
process: the kernel's RSS after ``SweepWidget(sweep)`` once the user's frame is deleted (with
the scores' own size, and the frame's, beside it), and the kernel time of a click on a
neighbour: the frontend's ``target`` update handled as the comm delivers it, the comparison,
the payloads and their JSON (median of ``--clicks`` after a warm-up click).

Usage: python benchmarks/bench_memory.py [--case skew100k skew20k] [--big] [--widget]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

#: name -> (configurations with few seeds, their seeds, seeds of the one baseline configuration)
CASES = {
    "skew100k": (10_000, 2, 100_000),
    "skew20k": (2_000, 2, 20_000),
    "1m": (1_000_000, 20, 0),
}
#: configurations of the widget cases (x 20 seeds)
WIDGET_SIZES = (10_000, 100_000, 1_000_000)


def make_runs(n_small: int, small_seeds: int, big_seeds: int) -> pd.DataFrame:
    """Long-format runs: a grid ``a`` x ``b`` of ``n_small`` configurations, plus a baseline.

    The baseline (``a = b = -1``) has ``big_seeds`` seeds; the others ``small_seeds`` each.
    """
    rng = np.random.default_rng(0)
    side = int(np.ceil(np.sqrt(n_small)))
    cfg = np.repeat(np.arange(n_small), small_seeds)
    a, b = cfg // side, cfg % side
    seed = np.tile(np.arange(small_seeds), n_small)
    if big_seeds:
        a = np.append(a, np.full(big_seeds, -1))
        b = np.append(b, np.full(big_seeds, -1))
        seed = np.append(seed, np.arange(big_seeds))
    score = rng.normal(0.8, 0.02, size=len(a))
    return pd.DataFrame({"a": a, "b": b, "seed": seed, "acc": score})


def _timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = call()
    return out, time.perf_counter() - start


def run_case(name: str, slow: bool) -> dict[str, Any]:
    """One case in this process: times (s), traced peak (MB) and peak RSS (MB)."""
    from sweepwalk import Sweep

    runs = make_runs(*CASES[name])
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    out: dict[str, Any] = {"case": name, "runs": len(runs)}
    try:
        sweep, out["load_s"] = _timed(
            lambda: Sweep.from_runs(runs, metric="acc", params=["a", "b"], seed="seed")
        )
        out["load_mb"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
        small = sweep.find(a=0, b=0)
        calls = [("small neighbors", small, "neighbors", 0.95)]
        calls.append(("small all ci=None", small, "all", None))
        if slow:  # the kernels' own tails: scipy's exact KS and Mann-Whitney at (2, 100,000)
            calls += [("small all", small, "all", 0.95), ("baseline all", 0, "all", 0.95)]
        for label, target, against, ci in calls:
            _, out[label + " s"] = _timed(
                lambda t=target, g=against, c=ci: sweep.compare(t, against=g, ci=c).to_frame()
            )
    except MemoryError as exc:
        out["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
    out["peak_mb"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10
    return out


def _print(result: dict[str, Any]) -> None:
    load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    if "error" in result and "load_s" not in result:
        print(f"{result['case']}: {result['error']} ({load})")
        return
    times = ", ".join(f"{k[:-2]} {v:.3f} s" for k, v in result.items() if k.endswith(" s"))
    print(
        f"{result['case']} ({result['runs']:,} runs): load {result.get('load_s', float('nan')):.3f}"
        f" s, {result.get('load_mb', float('nan')):.0f} MB traced; {times}; peak traced "
        f"{result['peak_mb']:.0f} MB, peak RSS {result['rss_mb']:.0f} MB"
        + (f"; {result['error']}" if "error" in result else "")
        + f" ({load})"
    )


def grid_runs(n_configs: int, n_seeds: int = 20) -> pd.DataFrame:
    """``bench_click``'s sweep: log10(N) float parameters of 10 levels, a drift, 20 seeds."""
    shape = (10,) * round(np.log10(n_configs))
    grids = np.meshgrid(*[np.arange(k, dtype=float) for k in shape], indexing="ij")
    params = {f"p{j}": g.ravel() for j, g in enumerate(grids)}
    rng = np.random.default_rng(0)
    drift = sum(0.03 * v for v in params.values())
    scores = rng.normal(drift[:, None], 0.5, size=(len(drift), n_seeds))
    runs = pd.DataFrame({k: np.repeat(v, n_seeds) for k, v in params.items()})
    runs["seed"] = np.tile(np.arange(n_seeds), len(drift))
    runs["score"] = scores.ravel()
    return runs


def _vm_mb() -> tuple[float, float]:
    """This process' resident set and its peak (VmRSS, VmHWM), in MB."""
    gc.collect()
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def run_widget(n_configs: int, clicks: int, keep_frame: bool) -> dict[str, Any]:
    """One widget case in this process: kernel RSS after ``SweepWidget``, click kernel times."""
    from ipywidgets.widgets.widget import _remove_buffers

    from sweepwalk import Sweep, SweepWidget

    out: dict[str, Any] = {"configs": n_configs, "imports_mb": _vm_mb()[0]}
    runs = grid_runs(n_configs)
    params = [c for c in runs.columns if c.startswith("p")]
    out["frame_mb"] = runs.memory_usage(index=True).sum() / 2**20
    sweep = Sweep.from_runs(runs, metric="score", params=params, seed="seed")
    if not keep_frame:
        del runs  # the user's frame: the widget's memory is what stays without it
    out["scores_mb"] = int(sweep.counts.sum()) * 8 / 2**20
    widget = SweepWidget(sweep, prefetch=False, background_seconds=float("inf"))
    out["rss_mb"], out["peak_mb"] = _vm_mb()

    def send(msg: dict[str, Any], buffers: Any = None) -> None:  # what the comm does
        state, _, _ = _remove_buffers(msg.get("state", {}))
        json.dumps({**msg, "state": state}, allow_nan=False)

    widget._send = send  # type: ignore[method-assign]
    times, cpu = [], []
    target = widget.target
    for k in range(clicks + 1):  # the first click warms up
        around = sweep.neighbors(target)
        target = around[k % len(around)]
        message = {"method": "update", "state": {"target": target}, "buffer_paths": []}
        start, start_cpu = time.perf_counter(), time.process_time()
        widget._handle_msg({"content": {"data": message}, "buffers": []})
        times.append((time.perf_counter() - start) * 1e3)
        cpu.append((time.process_time() - start_cpu) * 1e3)
        assert widget.target == target and widget._error == ""
    out["click_ms"], out["click_cpu_ms"] = times[1:], cpu[1:]
    return out


def _print_widget(results: list[dict[str, Any]], keep_frame: bool) -> None:
    held = "held by the user" if keep_frame else "deleted after from_runs"
    print(f"widget, N x 20 seeds (log10(N) parameters x 10 levels; the user's frame {held}):")
    print(
        f"{'configs':>9} {'frame MB':>9} {'scores MB':>10} {'RSS MB':>8} {'peak MB':>8} "
        f"{'click ms: median':>17} {'min':>6} {'max':>6} {'CPU ms':>7}"
    )
    for r in results:
        ms = r["click_ms"]
        print(
            f"{r['configs']:>9,} {r['frame_mb']:>9.0f} {r['scores_mb']:>10.0f} {r['rss_mb']:>8.0f} "
            f"{r['peak_mb']:>8.0f} {statistics.median(ms):>17.1f} {min(ms):>6.1f} {max(ms):>6.1f} "
            f"{statistics.median(r['click_cpu_ms']):>7.1f}"
        )
    print("RSS: the kernel's after SweepWidget(sweep), imports (~200 MB) included; peak: VmHWM")
    print("click: wall time; CPU ms: the kernel process' CPU time (median), less load-bound")
    print("load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def _child(args: list[str]) -> dict[str, Any] | str:
    """Run this file with ``args`` in a fresh process; its last line of JSON, or the error."""
    done = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        return f"failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main_widget(clicks: int, keep_frame: bool) -> None:
    """Every widget size, each in a fresh process, then one table."""
    results = []
    for n in WIDGET_SIZES:
        extra = ["--keep-frame"] if keep_frame else []
        found = _child(["--one-widget", str(n), "--clicks", str(clicks), *extra])
        if isinstance(found, str):
            print(f"widget {n:,}: {found}")
        else:
            results.append(found)
    _print_widget(results, keep_frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="*", choices=list(CASES), default=["skew100k", "skew20k"])
    parser.add_argument("--big", action="store_true", help="also the 1M x 20 case")
    parser.add_argument("--slow", action="store_true", help="also compare against all (default ci)")
    parser.add_argument(
        "--widget", action="store_true", help="the widget: RSS at 1M x 20, clicks at 10k-1M"
    )
    parser.add_argument("--clicks", type=int, default=9, help="timed clicks per widget size")
    parser.add_argument("--keep-frame", action="store_true", help="the user keeps the frame")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process' own case
    parser.add_argument("--one-widget", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one, args.slow)))
        return
    if args.one_widget:
        print(json.dumps(run_widget(args.one_widget, args.clicks, args.keep_frame)))
        return
    if args.widget:
        main_widget(args.clicks, args.keep_frame)
        return
    cases = list(args.case) + (["1m"] if args.big and "1m" not in args.case else [])
    for name in cases:
        found = _child(["--one", name, *(["--slow"] if args.slow else [])])
        if isinstance(found, str):
            print(f"{name}: {found}")
            continue
        _print(found)


if __name__ == "__main__":
    main()
