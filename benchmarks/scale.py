"""Every figure of the scale goals in one run, each beside its same-run baseline.

Runs the benchmarks below one after the other, in this order, and prints what each prints (each
line carries its own load average; the machine may be shared, so compare ratios measured in one
run, not times across runs):

1. ``bench_compare``: the default ``compare(t, against="all")`` at 100k x 20 and 100k x 100, the
   first call on a fresh sweep, the ``ks_2samp`` loop and one read pass over the scores;
2. ``bench_wilcoxon``: Wilcoxon against all at 10k x 20 vs scipy's ``wilcoxon(X, y, axis=1)``;
3. ``bench_memory``: the skewed sweeps (10,000 x 2 + 1 x 100,000; 2,000 x 2 + 1 x 20,000), and
   with ``--big`` the widget's kernel RSS at 1M x 20 and its click time by size;
4. ``bench_importance``: importance on 20k categorical levels vs the pair batches and a scipy loop;
5. ``bench_permutation --click-only``: a permutation click at 10k seeds, today's and two-phase;
6. ``bench_payload``: the widget's largest message at 100k (1M with ``--big``);
7. with ``--browser``: first paint in JupyterLab (``ui-tests/bench/firstpaint.bench.ts``) and
   the click benchmark (``bench_click.py``), in headless Chromium.

Usage::

    .venv/bin/python benchmarks/scale.py [--big] [--browser] [--only compare,wilcoxon,...]

Not part of ``./scripts/test.sh`` (minutes; the 1M cases need ~4 GB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
UI_TESTS = HERE.parent / "ui-tests"


def _steps(big: bool, browser: bool) -> dict[str, list[list[str]]]:
    def bench(name: str, *flags: str) -> list[str]:
        return [sys.executable, str(HERE / f"bench_{name}.py"), *flags]

    steps = {
        "compare": [bench("compare", "--sizes", "100000", "--seeds", "20,100")],
        "wilcoxon": [bench("wilcoxon")],
        "memory": [bench("memory"), *([bench("memory", "--widget")] if big else [])],
        "importance": [bench("importance", "--skip-grid")],
        "permutation": [bench("permutation", "--click-only")],
        "payload": [bench("payload", "--sizes", "100000", *(["1000000"] if big else []))],
    }
    if browser:
        steps["browser"] = [
            ["npx", "playwright", "test", "-c", "playwright.bench.config.ts",
             "bench/firstpaint.bench.ts"],
            bench("click", "--sizes", "1000,10000,100000"),
        ]  # fmt: skip
    return steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also the 1M x 20 cases")
    parser.add_argument("--browser", action="store_true", help="also first paint and clicks")
    parser.add_argument("--only", default="", help="comma-separated steps to run")
    args = parser.parse_args()
    steps = _steps(args.big, args.browser)
    chosen = [s for s in args.only.split(",") if s] or list(steps)
    unknown = sorted(set(chosen) - set(steps))
    if unknown:
        parser.error(f"unknown step(s) {unknown}; choose from {sorted(steps)}")
    failed = []
    for name in chosen:
        for command in steps[name]:
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"\n=== {name}: {' '.join(Path(c).name for c in command)} (load {load})",
                  flush=True)  # fmt: skip
            start = time.perf_counter()
            cwd = UI_TESTS if command[0] == "npx" else HERE.parent
            code = subprocess.call(command, cwd=cwd)
            print(f"=== {name}: exit {code} after {time.perf_counter() - start:.0f} s", flush=True)
            if code:
                failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
