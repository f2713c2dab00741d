"""Where float64 and memory stop being enough: the score-scale note and the pair-count limit.

:func:`scale_note` tells when the scores' scale makes float64 statistics degenerate (a note for
``Comparison.notes``, never a silent verdict); :func:`check_pairs_fit` refuses, with its size,
neighbour-pair work that would not fit in memory, before numpy raises a bare ``MemoryError``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "SAFE_SCALE",
    "SweepMemoryError",
    "available_memory",
    "check_padded_fits",
    "check_pairs_fit",
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

    Allowed up to half the memory available now (a padded matrix is copied by what reads it);
    ``what`` names the accessor, ``n_runs`` the scores it would hold.
    """
    need = n_rows * width * itemsize
    free = available_memory()
    if free is None or need <= free // 2:
        return
    raise SweepMemoryError(
        f"{what}: {n_rows:,} configurations x {width:,} seeds (padded to the largest seed "
        f"count, for {n_runs:,} scores) need {_size(need)}, more than half the {_size(free)} of "
        "memory available; read some rows with score_rows(ids), sorted_rows(ids), "
        "seed_rows(ids) or scores(i) instead."
    )
