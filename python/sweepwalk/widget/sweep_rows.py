"""The per-configuration columns of a sweep for some of its configurations, as buffers.

A sweep small enough is sent whole (``_sweep``: every configuration's parameter codes, counts,
mean, std and quantised scores). Above the widget's ``window_rows`` the ``_sweep`` payload is
slim (labels, sizes, vocabulary) and these columns travel with the rows that need them: the
rows of each grid window and the rows of each ``_results`` payload (``sweep_rows``).

Scores are one float per seed per configuration. They cross ragged: each configuration's
``n`` finite scores, configuration by configuration, quantised to uint16 on the sweep's whole
score range (so that a row reads the same whichever message brought it). A configuration with
20,000 seeds among thousands with 2 then costs its own scores, not a padded matrix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ..sweep import Sweep

__all__ = ["SCORE_LEVELS", "quantize_on", "ragged_scores", "score_range", "sweep_rows"]

SCORE_LEVELS = 65535
"""Largest quantised score; ``0`` means "no score"."""


def score_range(sweep: Sweep) -> tuple[float, float]:
    """Return the smallest and largest finite score of the sweep ((0.0, 0.0) when none).

    A dense sweep reads each configuration's smallest and largest score from its sorted
    scores (O(configurations)); a ragged one is read in the sweep's row pieces, never padded to
    its largest seed count.
    """
    counts = np.asarray(sweep.counts, dtype=np.int64)
    has = np.flatnonzero(counts > 0)
    if sweep.is_dense:
        if not has.size:
            return 0.0, 0.0
        ordered = sweep.sorted_scores  # each row ascending, NaN padding last
        return float(ordered[has, 0].min()), float(ordered[has, counts[has] - 1].max())
    lo, hi = np.inf, -np.inf
    ids = np.arange(len(sweep), dtype=np.int64)
    for piece in sweep.row_chunks(ids):
        block = sweep.score_rows(ids[piece])
        finite = block[np.isfinite(block)]
        if finite.size:
            lo, hi = min(lo, float(finite.min())), max(hi, float(finite.max()))
    return (0.0, 0.0) if lo > hi else (lo, hi)


def quantize_on(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """Quantise ``values`` to uint16 on ``[lo, hi]``: 0 = not finite, ``q`` in 1..65535.

    ``q`` stands for ``lo + (q - 1) / 65534 * (hi - lo)``; the rounding error is at most
    ``(hi - lo) / 131068``.
    """
    finite = np.isfinite(values)
    scaled = np.zeros(values.shape, dtype=np.float64)
    span = hi - lo
    if span > 0:
        np.divide(values - lo, span, out=scaled, where=finite)
    codes = np.where(finite, 1 + np.rint(np.clip(scaled, 0.0, 1.0) * (SCORE_LEVELS - 1)), 0)
    return codes.astype(np.uint16)


def ragged_scores(sweep: Sweep, ids: np.ndarray) -> np.ndarray:
    """Return the finite scores of configurations ``ids``, one after the other (float64).

    Configuration ``ids[j]`` contributes its ``n`` scores (``sweep.counts``), in the order of
    its row of :attr:`~sweepwalk.Sweep.score_matrix`; read in the sweep's row pieces, so no
    block is padded to a far larger seed count.
    """
    ids = np.asarray(ids, dtype=np.int64)
    counts = np.asarray(sweep.counts, dtype=np.int64)[ids]
    starts = np.cumsum(counts) - counts
    out = np.empty(int(counts.sum()), dtype=np.float64)
    for piece in sweep.row_chunks(ids):
        block = sweep.score_rows(ids[piece])
        width = block.shape[1]
        mask = np.arange(width) < np.minimum(counts[piece], width)[:, None]
        out[(starts[piece][:, None] + np.arange(width))[mask]] = block[mask]
    return out


def _le(values: Any, dtype: str) -> bytes:
    return np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def sweep_rows(sweep: Sweep, ids: Any, score_min: float, score_max: float) -> dict[str, Any]:
    """Return the sweep's per-configuration columns for configurations ``ids``.

    Parameters
    ----------
    sweep : Sweep
        The sweep; scores are one float per seed per configuration.
    ids : array-like of int
        Config ids, in any order (repeats allowed).
    score_min, score_max : float
        The range the scores are quantised on: the sweep's (:func:`score_range`), as in
        ``_sweep``.

    Returns
    -------
    dict
        ``ids`` (Int32), ``codes`` (one Int32 buffer per parameter, in ``sweep.params`` order;
        -1 = absent), ``n``, ``n_missing``, ``pooled`` (Int32), ``mean``, ``std`` (Float64) and
        ``scores`` (Uint16, ragged: ``n[j]`` quantised scores per configuration, in ``ids``
        order), each entry ``bytes`` of a little-endian array.
    """
    ids = np.asarray(ids, dtype=np.int64).reshape(-1)
    configs = sweep.configs
    codes = sweep.level_codes
    pooled = configs["pooled"].to_numpy()[ids] if "pooled" in configs else np.ones(ids.size)
    return {
        "ids": _le(ids, "i4"),
        "codes": [_le(codes[ids, k], "i4") for k in range(len(sweep.params))],
        "n": _le(configs["n"].to_numpy()[ids], "i4"),
        "n_missing": _le(configs["n_missing"].to_numpy()[ids], "i4"),
        "pooled": _le(pooled, "i4"),
        "mean": _le(configs["mean"].to_numpy(dtype=np.float64)[ids], "f8"),
        "std": _le(configs["std"].to_numpy(dtype=np.float64)[ids], "f8"),
        "scores": _le(quantize_on(ragged_scores(sweep, ids), score_min, score_max), "u2"),
    }
