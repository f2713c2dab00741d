"""Facts about a sweep worth telling, in words: runs without a score, configurations of one run.

:attr:`SweepData.notes` gathers these with the binning notes (:mod:`sweepwalk.data.bins`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["missing_notes", "single_run_notes"]


def missing_notes(missing: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> list[str]:
    """One note on the runs without a finite score (``missing`` per configuration), if any."""
    total = int(missing.sum())
    if total == 0:
        return []
    worst = int(np.argmax(missing))
    runs = int(missing[worst] + counts[worst])
    return [
        f"{total} run{'s' if total > 1 else ''} without a finite score (diverged: NaN or "
        f"inf) in {int((missing > 0).sum())} of {len(missing)} configurations, left out "
        f"of every test (n counts the rest); most in configuration {worst} "
        f"({int(missing[worst])} of {runs} runs)."
    ]


def single_run_notes(
    params: Sequence[Any],
    levels: Mapping[Any, Sequence[Any]],
    codes: npt.NDArray[np.int64],
    runs: npt.NDArray[np.int64],
) -> list[str]:
    """One note when every configuration holds at most one run: nothing can be tested.

    ``levels`` are each parameter's values, ``codes`` the (N, P) level codes of the
    configurations and ``runs`` their runs (finite or not). The note names the likely culprit:
    a parameter with a different value in (nearly) every run, else the one whose removal pools
    the most runs (a seed taken for a parameter).
    """
    if len(runs) < 2 or runs.max(initial=0) > 1:
        return []
    total = int(runs.sum())
    distinct = {p: len(levels[p]) for p in params}
    culprits = [p for p, k in distinct.items() if total >= 10 and k >= 0.9 * total]
    if culprits:
        named = ", ".join(f"{p!r} ({distinct[p]} values in {total} runs)" for p in culprits)
        why = (
            f"{named} takes a different value in (nearly) every run: probably a run-level "
            "column (a name, id, folder, timestamp or second metric), not a hyperparameter; "
            "leave it out of `params`."
        )
    elif len(params) > 1:
        pooled = {
            p: len(runs) / len(np.unique(np.delete(codes, j, axis=1), axis=0))
            for j, p in enumerate(params)
        }
        best = max(pooled, key=lambda p: pooled[p])
        why = (
            f"without {best!r} the runs would pool {pooled[best]:.3g} to a configuration: "
            f"if it is a seed or a run-level column, pass it as `seed=` or leave it out of "
            f"`params`."
        )
    else:
        why = "each configuration needs at least 2 runs (seeds) to be compared."
    return [f"every configuration has a single run, so no two can be tested: {why}"]
