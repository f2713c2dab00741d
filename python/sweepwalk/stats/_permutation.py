"""Batched permutation test of the difference of means, exact to ``scipy.stats.permutation_test``.

With an integer seed, ``permutation_test`` draws the same permutations of the pooled indices
for every call with the same sample sizes, whatever the data. So rows grouped by (nx, ny) and
tested in one vectorised call (``axis=-1``) get exactly the p-values of per-row calls with the
same seed. When the number of distinct partitions is at most ``n_resamples`` scipy enumerates
them all (an exact test) and the seed does not matter.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from scipy import stats

from ._rows import FloatArray, IntArray, groups, quiet, take

# elements of one (rows, permutations, values) block handed to the statistic at a time
_BLOCK = 4_000_000
_ROWS_PER_CALL = 256
_HAS_RNG = "rng" in inspect.signature(stats.permutation_test).parameters


def mean_difference(x: FloatArray, y: FloatArray, axis: int = -1) -> FloatArray:
    """Difference of means ``mean(x) - mean(y)`` along ``axis`` (the permutation statistic)."""
    return np.asarray(np.mean(x, axis=axis) - np.mean(y, axis=axis))


def resolve_seed(random_state: Any) -> int:
    """Turn ``random_state`` (anything ``numpy.random.default_rng`` accepts) into one int seed.

    Every row is tested with this same seed, as a plain loop calling ``permutation_test`` with
    ``rng=seed`` would. An int is the seed itself; ``None`` draws a fresh seed (results are then
    not reproducible); a Generator, SeedSequence, BitGenerator or sequence of ints gives the
    first integer its generator draws.
    """
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"`random_state` must be a non-negative integer, got {random_state}.")
        return int(random_state)
    if isinstance(random_state, (bool, np.bool_, float, str, bytes)):
        raise TypeError(
            "`random_state` must be None, a non-negative int, a numpy Generator, SeedSequence, "
            f"BitGenerator or a sequence of ints, got {type(random_state).__name__}."
        )
    return int(np.random.default_rng(random_state).integers(2**63 - 1))


def _call(xg: FloatArray, yg: FloatArray, seed: int, n_resamples: int) -> Any:
    n = xg.shape[1] + yg.shape[1]
    batch = max(1, _BLOCK // (xg.shape[0] * n))
    kwargs: dict[str, Any] = (
        {"rng": seed} if _HAS_RNG else {"random_state": np.random.default_rng(seed)}
    )
    return stats.permutation_test(
        (xg, yg),
        mean_difference,
        vectorized=True,
        n_resamples=n_resamples,
        batch=batch,
        alternative="two-sided",
        axis=-1,
        **kwargs,
    )


def permutation(
    x: FloatArray,
    nx: IntArray,
    y: FloatArray,
    ny: IntArray,
    *,
    random_state: Any = None,
    n_resamples: int = 9999,
) -> tuple[FloatArray, FloatArray]:
    """Batched two-sided permutation test of ``mean(x_i) - mean(y_i)``.

    Each row equals ``permutation_test((x_i, y_i), mean_difference, n_resamples=n_resamples,
    rng=seed, alternative="two-sided")`` with ``seed = resolve_seed(random_state)``. Rows
    where a sample has fewer than two values give NaN (scipy cannot permute them).
    """
    m = x.shape[0]
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero((nx >= 2) & (ny >= 2))
    if len(ok) == 0:
        return statistic, pvalue
    seed = resolve_seed(random_state)
    for (n1, n2), idx in groups(nx[ok], ny[ok]):
        rows_all = ok[idx]
        for start in range(0, len(rows_all), _ROWS_PER_CALL):
            rows = rows_all[start : start + _ROWS_PER_CALL]
            with quiet():
                res = _call(take(x, rows, n1), take(y, rows, n2), seed, n_resamples)
            statistic[rows], pvalue[rows] = res.statistic, res.pvalue
    return statistic, pvalue
