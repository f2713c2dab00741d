"""compare(target, against="all", test="ks", correction="holm", ci=None).to_frame() vs a loop.

ci=None: the baseline computes no confidence intervals either, so neither side does.

The baseline is what a user would write without sweepwalk: one ``scipy.stats.ks_2samp`` per
configuration, then ``statsmodels`` ``multipletests(method="holm")``. Both run here, side by side,
on the same sweep. Where the full baseline loop would take minutes it is timed on an evenly spaced
subsample of rows and extrapolated linearly (the output says so).

sweepwalk's time is the median of warm calls, in wall and in CPU time (the machine may be
shared: CPU time is the steadier number); the first call also builds the sweep's sorted-rows KS
index (``sweep.ks_index``), once per sweep. ``--breakdown`` adds, at each size, what the parts
of one call cost (best of the repeats, CPU time).

Usage: python benchmarks/bench_compare.py [--sizes 1000,10000,100000] [--seeds 20,100]
       [--breakdown]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

from sweepwalk import Sweep
from sweepwalk._vocab import decide_status
from sweepwalk.analysis.evidence import evidence
from sweepwalk.stats import _ks, adjust

FULL_LOOP_MAX = 10_000  # rows timed in full; above this the loop is subsampled
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


def breakdown(sweep: Sweep, target: int, repeats: int) -> dict[str, float]:
    """CPU milliseconds (best of ``repeats``) of the parts of one compare(...).to_frame()."""
    from sweepwalk.stats import ks_against  # here: without --breakdown, older versions run too

    ids = np.delete(np.arange(len(sweep)), target)
    res = sweep.compare(target, against="all", test="ks", correction="holm", ci=None)
    na = np.isnan(res.pvalue)
    eoi = res.effect_of_interest
    parts = {
        "ks": lambda: ks_against(sweep.ks_index, sweep.scores(target)),
        "holm": lambda: adjust(res.pvalue, "holm"),
        "status": lambda: decide_status(res.significant, res.direction, na),
        "evidence": lambda: evidence(
            sweep,
            "ks",
            ids,
            target,
            res.pvalue,
            correction="holm",
            alpha=0.05,
            ci=None,
            effect_of_interest=eoi,
            tie_rtol=None,
            ks_method="auto",
            n_resamples=9999,
        ),
        "varied": lambda: sweep.varied(target, ids),
        "to_frame": res.to_frame,
    }
    out = {}
    for name, part in parts.items():
        best = np.inf
        for _ in range(repeats):
            start = time.process_time()
            part()
            best = min(best, time.process_time() - start)
        out[f"{name}_ms"] = best * 1e3
    return out


def measure(n_configs: int, n_seeds: int, repeats: int, parts: bool) -> dict[str, object]:
    sweep = make_sweep(n_configs, n_seeds)
    target = n_configs // 2
    others = np.delete(np.arange(len(sweep)), target)

    _ks._P_CACHE.clear()
    start = time.perf_counter()
    frame = sweep.compare(target, against="all", test="ks", correction="holm", ci=None).to_frame()
    cold = time.perf_counter() - start
    warm, warm_cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        frame = sweep.compare(
            target, against="all", test="ks", correction="holm", ci=None
        ).to_frame()
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - start_cpu)
    ours = float(np.median(warm))
    ours_cpu = float(np.median(warm_cpu))

    if len(others) <= FULL_LOOP_MAX:
        rows, note = others, "full loop"
    else:
        rows = others[np.linspace(0, len(others) - 1, SUBSAMPLE).astype(int)]
        note = f"loop timed on {len(rows)} rows, extrapolated x{len(others) / len(rows):.0f}"
    loop_s, loop_cpu, p_loop = baseline(sweep, target, rows)
    loop_s *= len(others) / len(rows)
    loop_cpu *= len(others) / len(rows)
    p_all = frame["pvalue"].drop(index=target).to_numpy()
    start, start_cpu = time.perf_counter(), time.process_time()
    adj = multipletests(p_all, method="holm")[1]
    mt_s = time.perf_counter() - start
    mt_cpu = time.process_time() - start_cpu
    base = loop_s + mt_s
    base_cpu = loop_cpu + mt_cpu

    # the numbers must agree, or the ratio means nothing
    assert np.allclose(frame["pvalue"].to_numpy()[rows], p_loop, rtol=0, atol=1e-12)
    assert np.allclose(frame["pvalue_adj"].drop(index=target).to_numpy(), adj, rtol=0, atol=1e-12)
    extra = breakdown(sweep, target, repeats) if parts else {}
    return {
        "configs": n_configs,
        "seeds": n_seeds,
        "sweepwalk_ms": ours * 1e3,
        "cpu_ms": ours_cpu * 1e3,
        "cold_ms": cold * 1e3,
        "baseline_s": base,
        "baseline_cpu_s": base_cpu,
        "ratio": base / ours,
        "cpu_ratio": base_cpu / ours_cpu,
        "baseline": note,
        **extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seeds", default="20,100")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--breakdown", action="store_true")
    args = parser.parse_args()
    results = []
    for n_seeds in [int(s) for s in args.seeds.split(",")]:
        for n in [int(s) for s in args.sizes.split(",")]:
            res = measure(n, n_seeds, args.repeats, args.breakdown)
            results.append(res)
            print(
                f"{res['configs']:>7} x {res['seeds']:>3}: sweepwalk {res['sweepwalk_ms']:8.1f} ms "
                f"(CPU {res['cpu_ms']:.1f} ms; first call {res['cold_ms']:.1f} ms) | "
                f"loop+multipletests {res['baseline_s']:8.2f} s | {res['ratio']:6.0f}x "
                f"(CPU {res['cpu_ratio']:.0f}x)  [{res['baseline']}]",
                flush=True,
            )
    table = pd.DataFrame(results)
    print()
    print(
        "KS + Holm, compare(t, against='all', ci=None).to_frame() vs ks_2samp loop + multipletests"
    )
    print("(sweepwalk_ms, cpu_ms: median of warm calls; p-values checked equal to 1e-12)")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.1f}"))


if __name__ == "__main__":
    main()
