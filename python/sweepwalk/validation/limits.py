"""Where float64, memory and time stop being enough: notes and refusals said before the work.

:func:`scale_note` tells when the scores'
scale makes float64 statistics degenerate (a note for ``Comparison.notes``, never a silent
verdict); :func:`check_pairs_fit` refuses, with its size, neighbour-pair work that would not
fit in memory, before numpy raises a bare ``MemoryError``; :func:`check_padded_fits` a score
matrix padded to the largest seed count; :func:`check_resamples` and :func:`check_plan_runs`
user-sized work that could not finish, each in one line with the size and what to pass instead.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "MAX_PLAN_RUNS",
    "MAX_RESAMPLES",
    "MAX_WORK_SECONDS",
    "SAFE_SCALE",
    "SweepMemoryError",
    "SweepWorkError",
    "available_memory",
    "check_padded_fits",
    "check_pairs_fit",
    "check_plan_runs",
    "check_resamples",
    "pair_counts",
    "scale_note",
]


#: score magnitudes and standard deviations within which float64 statistics stay exact: Welch's
#: degrees of freedom square the variances (fourth powers of the scores), which under- or
#: overflow beyond ~1e-77 / ~1e77 (scipy's ``ttest_ind`` too; measured, not guessed)
SAFE_SCALE = (1e-75, 1e75)


def scale_note(std: np.ndarray, low: np.ndarray, high: np.ndarray) -> str | None:
    """Return a note when the scores' scale makes float64 statistics degenerate, else None.

    ``std``, ``low`` and ``high`` are the compared configurations' standard deviations, minima
    and maxima (``configs`` columns; O(rows), no pass over the scores). A row's scale is its
    largest |score|. Fourth powers of numbers beyond ~1e-77 / ~1e77 under- or overflow (Welch's
    degrees of freedom), squares beyond ~1e-154 / ~1e154 (variances become 0 or inf), so t-based
    p-values drift or become 0 or 1 (scipy's too: right for the floats, not for the data).
    """
    safe_low, safe_high = SAFE_SCALE
    with np.errstate(invalid="ignore", over="ignore"):
        scale = np.fmax(np.abs(low), np.abs(high))
        scale = scale[np.isfinite(scale) & (scale > 0)]
        sd = std[np.isfinite(std) & (std > 0)]
        collapsed = int(np.sum((std == 0) & (high - low > 0)))
        blown = int(np.sum(np.isinf(std)))
    sizes = np.concatenate([scale, sd])
    smallest = float(sizes.min()) if len(sizes) else 1.0
    largest = float(sizes.max()) if len(sizes) else 1.0
    if collapsed == 0 and blown == 0 and safe_low <= smallest and largest <= safe_high:
        return None
    found = []
    if smallest < safe_low:
        found.append(f"magnitudes down to {smallest:.3g}")
    if largest > safe_high:
        found.append(f"magnitudes up to {largest:.3g}")
    if collapsed:
        found.append(f"{collapsed} standard deviation(s) underflowing to 0")
    if blown:
        found.append(f"{blown} standard deviation(s) overflowing to inf")
    return (
        f"degenerate score scale ({', '.join(found)}; safe: {safe_low:g}..{safe_high:g}): "
        "float64 "
        "powers of the scores under- or overflow, so welch, ttest_rel and permutation p-values, "
        "std, mde, seeds_needed and the t-based intervals may be meaningless; ks, "
        "mannwhitney and wilcoxon (ranks) are not affected. Rescale the metric (e.g. "
        "multiply it by a power of 10) and compare again."
    )


class SweepMemoryError(MemoryError):
    """Work too large for memory, said before it is attempted (the message gives the size)."""


def available_memory() -> int | None:
    """Bytes of memory available now (Linux ``MemAvailable``), or None when unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def pair_counts(
    levels: pd.DataFrame, numeric: Sequence[bool], adjacent: bool
) -> dict[Hashable, int]:
    """Estimated neighbour pairs per parameter, from the configurations' parameter values.

    ``levels`` has one row per configuration and one column per parameter. Along ``p`` the
    configurations that agree on every other parameter (absent counted as a value) form a group
    of ``s`` distinct levels of ``p``: ``s - 1`` adjacent pairs along a numeric parameter, else
    ``s (s - 1) / 2``. Exact without absent values (which add a few absent/present pairs).
    """
    codes = [pd.factorize(levels[c], use_na_sentinel=False)[0] for c in levels.columns]
    out: dict[Hashable, int] = {}
    for k, name in enumerate(levels.columns):
        others = [codes[q] for q in range(len(codes)) if q != k]
        group = (
            pd.DataFrame(dict(enumerate(others))).groupby(list(range(len(others)))).ngroup()
            if others
            else pd.Series(np.zeros(len(levels), dtype=np.int64))
        )
        sizes = np.bincount(group.to_numpy(dtype=np.int64)).astype(np.int64)
        sizes = sizes[sizes > 1]
        if adjacent and numeric[k]:
            out[name] = int((sizes - 1).sum())
        else:
            out[name] = int((sizes * (sizes - 1) // 2).sum())
    return out


def _size(n: float) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 / 10 else f"{n / 2**20:.1f} MiB"


def check_pairs_fit(
    counts: dict[Hashable, int], need: int, where: str, hint: str, why: str = ""
) -> int:
    """Refuse, with the sizes, neighbour-pair work needing ``need`` bytes that would not fit.

    ``counts`` are the pairs per parameter, ``why`` says (when not empty) what makes the
    memory grow with them, ``hint`` what to pass instead.
    """
    total = sum(counts.values())
    free = available_memory()
    if free is None or need <= free:
        return total
    worst = max(counts, key=lambda p: counts[p])
    because = f" ({why})" if why else ""
    raise SweepMemoryError(
        f"{where}: about {total:,} neighbour pairs ({counts[worst]:,} along {worst!r}) need "
        f"about {_size(need)}{because}, more than the {_size(free)} of memory available. {hint}"
    )


def check_padded_fits(what: str, n_rows: int, width: int, itemsize: int, n_runs: int) -> None:
    """Refuse, with its size, an (n_rows, width) matrix padded to the largest seed count.

    Allowed up to a quarter of the memory available now: what reads one reads its sorted and
    seed twins too (importance: all three and their ranks);
    ``what`` names the accessor, ``n_runs`` the scores it would hold.
    """
    need = n_rows * width * itemsize
    free = available_memory()
    if free is None or need <= free // 4:
        return
    raise SweepMemoryError(
        f"{what}: {n_rows:,} configurations x {width:,} seeds (padded to the largest seed "
        f"count, for {n_runs:,} scores) need {_size(need)}, more than a quarter of the "
        f"{_size(free)} memory available; read some rows with score_rows(ids), sorted_rows(ids), "
        "seed_rows(ids) or scores(i) instead."
    )


#: the most resamples a permutation p-value may ask for (resolution 1 / (n_resamples + 1))
MAX_RESAMPLES = 100_000_000
#: nanoseconds per (row x resample x seed) of the permutation kernels: 10-35 measured on two
#: shared cores (bench_permutation.py); the estimate takes the slow end
RESAMPLE_NS = 30
#: user-sized work estimated longer than this is refused before it starts (seconds); shorter
#: work runs with progress and Cancel (in the widget a job: it cannot pass `n_resamples`)
MAX_WORK_SECONDS = 3600
#: runs a run list (plan_runs) may hold: ~100 bytes a row as a DataFrame, ~1 GB
MAX_PLAN_RUNS = 10_000_000


class SweepWorkError(ValueError):
    """Work that could not finish, said before it starts (the message gives the size)."""


def _duration(seconds: float) -> str:
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:,.0f} h"
    return f"{seconds / 60:,.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _drawn(n_resamples: int, n1: int, n2: int) -> int:
    """Resamples actually drawn: every partition when there are at most ``n_resamples``."""
    if min(n1, n2) > 8 and n1 + n2 > 64:  # C(n, k) > 1e10: more than any n_resamples
        return n_resamples
    return min(n_resamples, math.comb(n1 + n2, n1))


def check_resamples(n_resamples: int, n_rows: int, n1: int, n2: int, where: str) -> float:
    """Refuse a permutation test that could not finish; return its estimated seconds.

    ``n_rows`` rows of up to ``n1`` scores are tested against ``n2``, each with
    ``n_resamples`` relabellings (every partition when fewer: the test is then exact). Refused
    when ``n_resamples`` exceeds :data:`MAX_RESAMPLES`, when one row's relabellings (two
    float64/int64 per score each) would take more than half the memory available, or when the
    estimate (:data:`RESAMPLE_NS` per row x resample x score) exceeds
    :data:`MAX_WORK_SECONDS`. ``where`` names the call in the message.
    """
    if n_resamples > MAX_RESAMPLES:
        raise SweepWorkError(
            f"`n_resamples` must be an integer in [1, {MAX_RESAMPLES:,}], got {n_resamples:,}."
        )
    n = max(n1 + n2, 1)
    drawn = _drawn(n_resamples, n1, n2)
    free = available_memory()
    need = 16 * n * drawn
    if free is not None and need > free // 2:
        most = max(free // 2 // (16 * n), 1)
        raise SweepMemoryError(
            f"{where}: n_resamples={n_resamples:,} relabellings of {n1:,} + {n2:,} scores need "
            f"about {_size(need)} per row, more than half the {_size(free)} of memory "
            f"available; pass `n_resamples` in [1, {most:,}]."
        )
    seconds = n_rows * drawn * n * RESAMPLE_NS * 1e-9
    if seconds > MAX_WORK_SECONDS:
        most = max(int(MAX_WORK_SECONDS / (max(n_rows, 1) * n * RESAMPLE_NS * 1e-9)), 1)
        raise SweepWorkError(
            f"{where}: n_resamples={n_resamples:,} for {n_rows:,} rows of up to {n1:,} + "
            f"{n2:,} scores is about {_duration(seconds)} (~{RESAMPLE_NS} ns per row x "
            f"resample x score), more than {_duration(MAX_WORK_SECONDS)}; pass `n_resamples` "
            f"in [1, {most:,}], or fewer rows (against='neighbors')."
        )
    return seconds


def check_plan_runs(n_runs: int, most_seeds: int, where: str) -> None:
    """Refuse a list of ``n_runs`` runs longer than :data:`MAX_PLAN_RUNS` (one row each).

    ``most_seeds`` is the most new seeds one configuration asks for.
    """
    if n_runs > MAX_PLAN_RUNS:
        raise SweepWorkError(
            f"{where}: the plan proposes {n_runs:,} runs (up to {most_seeds:,} new seeds for one "
            f"configuration), more than the {MAX_PLAN_RUNS:,} a run list may hold; plan with "
            "`max_seeds` (sweep.plan(target, max_seeds=...)) or a larger `effect_of_interest`, "
            "or read plan['more_seeds'] instead."
        )
