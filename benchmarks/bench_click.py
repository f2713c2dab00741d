"""Click -> repaint time of the widget in a real JupyterLab (headless Chromium).

Runs ``ui-tests/bench/click.bench.ts`` through Playwright: synthetic sweeps of 1k, 10k and 100k
configurations x 20 seeds; for each, the median time from a mouse click on a neighbour row until
that row is ``data-status="target"`` and every rendered row shows the kernel's new status.

Usage (after ``./scripts/setup.sh --ui``)::

    .venv/bin/python benchmarks/bench_click.py                 # 1k, 10k, 100k
    .venv/bin/python benchmarks/bench_click.py --sizes 1000,10000 --clicks 5
    .venv/bin/python benchmarks/bench_click.py --sizes 10000 --pause-ms 1000 [--no-prefetch]

Not part of ``./scripts/test.sh``. Results also go to ``ui-tests/artifacts/bench-click.json``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

UI_TESTS = Path(__file__).resolve().parents[1] / "ui-tests"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated N")
    parser.add_argument("--clicks", type=int, default=9, help="timed clicks per size")
    parser.add_argument("--pause-ms", type=int, default=0, help="think time before each click")
    parser.add_argument(
        "--no-prefetch", action="store_true", help="turn the kernel's neighbour prefetch off"
    )
    args = parser.parse_args()
    env = dict(
        os.environ,
        SWEEPWALK_BENCH_SIZES=args.sizes,
        SWEEPWALK_BENCH_CLICKS=str(args.clicks),
        SWEEPWALK_BENCH_PAUSE_MS=str(args.pause_ms),
        SWEEPWALK_BENCH_PREFETCH="0" if args.no_prefetch else "1",
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
    )
    cmd = ["npx", "playwright", "test", "-c", "playwright.bench.config.ts", "bench/click.bench.ts"]
    return subprocess.call(cmd, cwd=UI_TESTS, env=env)


if __name__ == "__main__":
    sys.exit(main())
