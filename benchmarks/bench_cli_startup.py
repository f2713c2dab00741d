"""Wall time of the command line, each run in a fresh process, against plain pandas + scipy.

- ``--version`` and ``--help``: what a user waits for before anything is read (goal: < 0.3 s).
- ``report`` on the bundled demo CSV (1,440 runs: 120 configurations x 12 seeds), against a plain
  script doing the same by hand: read the CSV with pandas, take the configuration with the best
  mean, KS-test it (``scipy.stats.ks_2samp``) against each neighbour (one parameter one level
  away), print the table (goal: within 1.2x).

Prints the median of ``--repeat`` runs each.

Usage: python benchmarks/bench_cli_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from sweepwalk.datasets import DEMO_PARAMS

ROOT = Path(__file__).resolve().parents[1]
DEMO_CSV = ROOT / "python" / "sweepwalk" / "datasets" / "demo_sweep.csv"

PLAIN = """
import sys
import pandas as pd
from scipy.stats import ks_2samp

params = sys.argv[2].split(",")
runs = pd.read_csv(sys.argv[1])
groups = runs.groupby(params, dropna=False)["accuracy"]
means = groups.mean()
best = means.idxmax()
levels = {p: sorted(runs[p].dropna().unique()) for p in params}
scores = {key: s.to_numpy() for key, s in groups}
rows = []
for k, p in enumerate(params):
    if pd.isna(best[k]):
        continue
    i = levels[p].index(best[k])
    for j in (i - 1, i + 1):
        if 0 <= j < len(levels[p]):
            other = best[:k] + (levels[p][j],) + best[k + 1:]
            if other in scores:
                res = ks_2samp(scores[best], scores[other])
                rows.append((*other, res.statistic, res.pvalue))
print(pd.DataFrame(rows, columns=[*params, "statistic", "pvalue"]).to_string())
"""


def timed(argv: list[str], repeat: int) -> float:
    """Median wall time of ``argv`` run ``repeat`` times, each in a fresh process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    cli = [sys.executable, "-m", "sweepwalk"]
    params = ",".join(DEMO_PARAMS)
    report = [*cli, "report", str(DEMO_CSV), "--metric", "accuracy", "--seed", "seed",
              "--params", params, "--color", "never"]  # fmt: skip
    plain = [sys.executable, "-c", PLAIN, str(DEMO_CSV), params]
    version = timed([*cli, "--version"], args.repeat)
    helps = timed([*cli, "--help"], args.repeat)
    ours = timed(report, args.repeat)
    theirs = timed(plain, args.repeat)
    print(f"sweepwalk --version        {version:6.2f} s")
    print(f"sweepwalk --help           {helps:6.2f} s")
    print(f"sweepwalk report (demo)    {ours:6.2f} s")
    print(f"pandas + scipy by hand     {theirs:6.2f} s")
    print(f"report / by hand           {ours / theirs:6.2f}x")


if __name__ == "__main__":
    main()
