"""sweep.importance(test="ks") vs a per-pair scipy loop, and its time at 100k configs x 20 seeds.

The per-pair loop (ks_2samp + A12 per pair, multipletests once) is timed on a random subsample
of the pairs and extrapolated linearly to all pairs (said so in the output).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from sweepwalk import Sweep


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


def main(levels: int = 10) -> None:
    sweep = make_sweep(levels)
    sweep.importance()  # warm caches (sorted rows, ranks, KS p-value cache)
    t0, c0 = time.perf_counter(), time.process_time()
    sweep.importance(test="ks", correction="fdr_bh")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    pairs = sweep._neighbors.pairs("adjacent")
    a = np.concatenate([p[0] for p in pairs.values()])
    b = np.concatenate([p[1] for p in pairs.values()])
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
