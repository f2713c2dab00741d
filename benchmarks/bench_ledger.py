"""Time and memory of the Ledger when every configuration is compared with each target.

Ten ``record_tests`` calls of N rows each (targets 0, 997, ...; 20% small p-values, 5% NaN), for
each rule: the time of the first and the tenth call, of ``first_tests`` over all N rows after the
ten calls, of ``to_frame``, and the memory per recorded test (tracemalloc, including the online
procedure's own state with ``"walk"``).

Usage::

    .venv/bin/python benchmarks/bench_ledger.py            # N = 100000
    .venv/bin/python benchmarks/bench_ledger.py --n 1000000

Not part of ``./scripts/test.sh``; the machine's load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
import tracemalloc

import numpy as np

from sweepwalk.analysis.ledger import Ledger

Call = tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def make_calls(n: int, k: int = 10, random_state: int = 0) -> list[Call]:
    """Return ``k`` calls (target, rows, p, p_adj, effect): the target against all other rows."""
    rng = np.random.default_rng(random_state)
    out = []
    for j in range(k):
        target = j * 997 % n
        rows = np.delete(np.arange(n, dtype=np.int64), target)
        p = np.where(rng.random(n - 1) < 0.2, rng.random(n - 1) * 1e-4, rng.random(n - 1))
        p[rng.random(n - 1) < 0.05] = np.nan
        out.append((target, rows, p, np.minimum(p * 20, 1.0), rng.random(n - 1)))
    return out


def record(error_control: str, calls: list[Call]) -> tuple[Ledger, list[float]]:
    """Record ``calls`` into a fresh ledger; return it and each call's time (ms)."""
    ledger = Ledger(error_control)  # type: ignore[arg-type]
    times = []
    for target, rows, p, p_adj, effect in calls:
        t0 = time.perf_counter()
        ledger.record_tests(target, rows, p, effect, test="ks", pvalue_adj=p_adj, alpha=0.05)
        times.append(1e3 * (time.perf_counter() - t0))
    return ledger, times


def run(error_control: str, calls: list[Call]) -> dict[str, float]:
    """Return the times (ms) of :func:`record` and the readings, and the bytes per test."""
    ledger, times = record(error_control, calls)
    t0 = time.perf_counter()
    ledger.first_tests(calls[3][0], calls[0][1], "ks")
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    ledger.to_frame()
    frame = time.perf_counter() - t0
    del ledger
    gc.collect()
    tracemalloc.start()  # a second ledger: tracemalloc slows what it traces
    ledger, _ = record(error_control, calls)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return {
        "first call": times[0],
        "tenth call": times[-1],
        "first_tests": 1e3 * first,
        "to_frame": 1e3 * frame,
        "bytes/test": size / len(ledger),
        "tests": len(ledger),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="rows per record_tests call")
    args = parser.parse_args()
    calls = make_calls(args.n)
    print(f"load average {os.getloadavg()}; 10 calls of {args.n} rows")
    for error_control in ("per-target", "walk"):
        r = run(error_control, calls)
        print(
            f"{error_control:>10}: record_tests 1st {r['first call']:.1f} ms, "
            f"10th {r['tenth call']:.1f} ms; first_tests {r['first_tests']:.1f} ms; "
            f"to_frame {r['to_frame']:.0f} ms; {r['bytes/test']:.0f} bytes/test "
            f"({r['tests']:.0f} tests)"
        )


if __name__ == "__main__":
    main()
