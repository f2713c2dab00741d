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

Usage: python benchmarks/bench_memory.py [--case skew100k skew20k] [--big]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", nargs="*", choices=list(CASES), default=["skew100k", "skew20k"])
    parser.add_argument("--big", action="store_true", help="also the 1M x 20 case")
    parser.add_argument("--slow", action="store_true", help="also compare against all (default ci)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # the child process' own case
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(args.one, args.slow)))
        return
    cases = list(args.case) + (["1m"] if args.big and "1m" not in args.case else [])
    for name in cases:
        done = subprocess.run(
            [sys.executable, __file__, "--one", name, *(["--slow"] if args.slow else [])],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{name}: failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}")
            continue
        _print(json.loads(done.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
