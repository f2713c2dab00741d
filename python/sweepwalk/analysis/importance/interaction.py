"""Where a parameter matters: its significant pairs by the levels of the other parameters.

Scores are one float per seed per configuration. A pair along parameter p holds every other
parameter fixed, so its *context* is their levels. ``importance`` tallies, per context level
of each other parameter, how many of p's pairs were tested and the p-values of those not shown
equivalent (:class:`Contexts`, merged batch by batch like :mod:`.pair_tally`). Once the family's
correction is done, the pairs that matter are those whose p-value is at most the largest
p-value the correction rejected (every ``multipletests`` method rejects a set closed downwards
in p), so counting them per context needs no per-pair record. :func:`where` names the
parameter whose levels hold all of them when that is fewer than all its levels: an interaction
reported as such ("6 of 6 pairs where momentum = 0.9, 0 of 14 elsewhere").
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .pair_tally import Tally, counted

__all__ = ["MAX_LEVELS", "Contexts", "context_counts", "where"]

#: other parameters with more levels than this are not tallied (too many contexts to name)
MAX_LEVELS = 64

#: one batch's contexts: per other parameter (its index), tested pairs per level and the
#: p-values of the pairs not shown equivalent, per level, as (level, distinct values, counts)
BatchContexts = list[tuple[int, npt.NDArray[np.int64], list[tuple[int, Any, Any]]]]


def context_counts(
    codes: npt.NDArray[np.int64],
    tested: npt.NDArray[np.bool_],
    differ: npt.NDArray[np.bool_],
    pvalue: npt.NDArray[np.float64],
    others: Sequence[tuple[int, int]],
) -> BatchContexts:
    """Tally one batch's pairs by context: ``codes`` (pairs, P) are side a's level codes.

    Level ``c`` of a column is tallied at ``c + 1``; 0 holds the pairs where the parameter is
    absent (code -1), a context of its own.

    ``others`` lists ``(column, n_levels)`` of the other parameters tallied; ``tested`` flags
    the tested pairs, ``differ`` those tested and not shown equivalent.
    """
    out: BatchContexts = []
    for col, n_levels in others:
        level = codes[:, col] + 1  # 0: the parameter is absent there (its own context)
        per_level = np.bincount(level[tested], minlength=n_levels + 1).astype(np.int64)
        pieces = [(int(lv), *counted(pvalue[differ & (level == lv)]))
                  for lv in np.unique(level[differ])]  # fmt: skip
        out.append((col, per_level, pieces))
    return out


class Contexts:
    """One parameter's pairs by context: tested counts and p-value tallies per level."""

    __slots__ = ("pvalues", "tested")

    def __init__(self) -> None:
        self.tested: dict[int, npt.NDArray[np.int64]] = {}
        self.pvalues: dict[tuple[int, int], Tally] = {}

    def add(self, batch: BatchContexts) -> None:
        """Merge one batch (from :func:`context_counts`)."""
        for col, per_level, pieces in batch:
            have = self.tested.get(col)
            self.tested[col] = per_level if have is None else have + per_level
            for level, values, counts in pieces:
                self.pvalues.setdefault((col, level), Tally()).add(values, counts)

    def matters(self, col: int, threshold: float) -> npt.NDArray[np.int64]:
        """Pairs that matter (p at most ``threshold``) per level of column ``col``."""
        out = np.zeros(len(self.tested[col]), dtype=np.int64)
        for (c, level), tally in self.pvalues.items():
            if c == col:
                values, counts = tally.distinct()
                out[level] = int(counts[values <= threshold].sum())
        return out


def where(
    contexts: Contexts,
    threshold: float,
    params: Sequence[Hashable],
    levels: dict[Any, tuple[Any, ...]],
) -> str:
    """Name the levels of one other parameter that hold every pair that matters, or "".

    Among the other parameters whose levels holding a pair that matters are fewer than the
    levels tested, the one with the fewest such levels (then the first) is named with the
    counts: "where momentum = 0.9: 6 of 8 pairs; 0 of 12 elsewhere".
    """
    best: tuple[int, int, npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None
    for col, tested in contexts.tested.items():
        hits = contexts.matters(col, threshold)
        holding, present = int((hits > 0).sum()), int((tested > 0).sum())
        if 0 < holding < present and (best is None or holding < best[1]):
            best = (col, holding, hits, tested)
    if best is None:
        return ""
    col, _, hits, tested = best
    name = params[col]
    at = np.flatnonzero(hits > 0)
    values = ", ".join("(absent)" if i == 0 else _fmt(levels[name][i - 1]) for i in at)
    inside, there = int(hits[at].sum()), int(tested[at].sum())
    rest = int(tested.sum()) - there
    sign = "=" if len(at) == 1 else "in"
    braces = values if len(at) == 1 else "{" + values + "}"
    return f"where {name} {sign} {braces}: {inside} of {there} pairs; 0 of {rest} elsewhere"


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return str(value)
