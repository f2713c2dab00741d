"""Helpers shared by the batched tests: row shapes, grouping by sample size, warnings.

Every batched test takes scores as rows: ``x`` is an (M, Kx) float64 array whose row ``i`` holds the
``nx[i]`` finite scores of one configuration, left-aligned and NaN-padded. ``y`` is (M, Ky) or (1,
Ky) (one target broadcast against every row), with counts ``ny`` of shape (M,) or (1,).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def as_rows(
    x: npt.ArrayLike, nx: npt.ArrayLike, y: npt.ArrayLike, ny: npt.ArrayLike
) -> tuple[FloatArray, IntArray, FloatArray, IntArray]:
    """Validate the row layout and return float64/int64 arrays with ``ny`` broadcast to (M,).

    ``y`` keeps its (1, Ky) shape when it is one broadcast row, so callers can take the fast
    one-target path.
    """
    xa = np.atleast_2d(np.asarray(x, dtype=np.float64))
    ya = np.atleast_2d(np.asarray(y, dtype=np.float64))
    nxa = np.atleast_1d(np.asarray(nx, dtype=np.int64))
    nya = np.atleast_1d(np.asarray(ny, dtype=np.int64))
    if xa.ndim != 2 or ya.ndim != 2:
        raise ValueError("`x` and `y` must be 2-D arrays of rows (M, K).")
    m = xa.shape[0]
    if nxa.shape != (m,):
        raise ValueError(f"`nx` must have shape ({m},), got {nxa.shape}.")
    if ya.shape[0] not in (1, m):
        raise ValueError(f"`y` must have 1 or {m} rows, got {ya.shape[0]}.")
    if nya.shape not in ((1,), (ya.shape[0],), (m,)):
        raise ValueError(f"`ny` must have shape ({ya.shape[0]},), got {nya.shape}.")
    if np.any(nxa > xa.shape[1]) or np.any(nya > ya.shape[1]) or np.any(nxa < 0) | np.any(nya < 0):
        raise ValueError("`nx`/`ny` must lie between 0 and the row width.")
    if ya.shape[0] == 1 and nya.size:
        if np.any(nya != nya[0]):
            raise ValueError("`ny` must hold one count when `y` is one row.")
        nya = np.broadcast_to(nya[:1], (m,))
    return xa, nxa, ya, np.ascontiguousarray(nya)


def valid_mask(values: FloatArray, counts: IntArray) -> npt.NDArray[np.bool_]:
    """Boolean (M, K) mask of the first ``counts[i]`` entries of every row."""
    return np.arange(values.shape[1]) < counts[:, None]


def groups(*keys: IntArray) -> Iterator[tuple[tuple[int, ...], IntArray]]:
    """Yield ``(key values, row indices)`` for every distinct combination of integer keys.

    Keys must be non-negative. Rows keep their order inside a group.
    """
    if len(keys[0]) == 0:
        return
    combined = np.zeros(len(keys[0]), dtype=np.int64)
    for key in keys:
        combined = combined * (int(key.max()) + 1) + key
    order = np.argsort(combined, kind="stable")
    bounds = np.flatnonzero(np.diff(combined[order])) + 1
    for idx in np.split(order, bounds):
        yield tuple(int(key[idx[0]]) for key in keys), idx


def distinct(*keys: IntArray) -> tuple[IntArray, IntArray]:
    """One row holding each distinct combination of non-negative integer keys, and each group.

    Returns ``(first, inverse)``: ``first[g]`` is a row whose keys are group ``g``'s (groups
    numbered in ascending order of the combined key) and ``inverse[i]`` row ``i``'s group.
    Sample sizes are small whole numbers, so a table over the key range replaces the sort of
    ``np.unique`` (used only for a sparse, wide range); all rows equal is one comparison.
    """
    combined = np.asarray(keys[0], dtype=np.int64)
    for key in keys[1:]:
        combined = combined * (int(key.max(initial=0)) + 1) + key
    n = len(combined)
    if n and bool((combined == combined[0]).all()):  # one group (equal seeds everywhere)
        return np.zeros(1, dtype=np.int64), np.zeros(n, dtype=np.int64)
    top = int(combined.max(initial=0)) + 1
    if top > 4 * n + 4096:
        _, first, inverse = np.unique(combined, return_index=True, return_inverse=True)
        return first, inverse.reshape(-1)
    holder = np.full(top, -1, dtype=np.int64)
    holder[combined] = np.arange(n)  # some row with that key (the last)
    present = np.flatnonzero(holder >= 0)
    group = np.empty(top, dtype=np.int64)
    group[present] = np.arange(len(present))
    return holder[present], group[combined]


def take(values: FloatArray, rows: IntArray, width: int) -> FloatArray:
    """Rows ``rows`` (or the single broadcast row) cut to their first ``width`` columns."""
    if values.shape[0] == 1:
        return np.broadcast_to(values[:, :width], (len(rows), width))
    return values[rows, :width]


def by_size(
    x: FloatArray,
    nx: IntArray,
    y: FloatArray,
    ny: IntArray,
    call: Callable[..., object],
    *,
    extra_key: Callable[[IntArray], IntArray] | None = None,
    with_key: bool = False,
) -> tuple[FloatArray, FloatArray]:
    """Run a batched scipy ``call(x_rows, y_rows)`` once per group of rows of equal sizes.

    Rows are grouped by ``(nx, ny)`` and, when given, by ``extra_key(rows)`` (an integer per
    row of ``rows``, the rows where both sides are non-empty); ``with_key``: ``call(key, x_rows,
    y_rows)`` receives the group's key ``(nx, ny[, extra])``. ``call`` returns an object with
    ``statistic`` and ``pvalue`` (as scipy's results do); its warnings are recorded, not shown.
    Rows with ``nx < 1`` or ``ny < 1`` give NaN.
    """
    m = x.shape[0]
    ny = np.broadcast_to(ny, (m,))
    statistic = np.full(m, np.nan)
    pvalue = np.full(m, np.nan)
    ok = np.flatnonzero((nx >= 1) & (ny >= 1))
    if len(ok) == 0:
        return statistic, pvalue
    keys = (nx[ok], ny[ok]) if extra_key is None else (nx[ok], ny[ok], extra_key(ok))
    for key, idx in groups(*keys):
        rows = ok[idx]
        with quiet():
            a, b = take(x, rows, key[0]), take(y, rows, key[1])
            res: Any = call(key, a, b) if with_key else call(a, b)
        statistic[rows], pvalue[rows] = res.statistic, res.pvalue
    return statistic, pvalue


def has_ties(values: FloatArray, counts: IntArray) -> npt.NDArray[np.bool_]:
    """Whether each left-aligned row holds a repeated value among its first ``counts`` entries."""
    if values.shape[1] < 2:
        return np.zeros(values.shape[0], dtype=bool)
    s = np.sort(np.where(valid_mask(values, counts), values, np.nan), axis=1)
    tied: npt.NDArray[np.bool_] = np.any(s[:, 1:] == s[:, :-1], axis=1)
    return tied


#: ``warnings.catch_warnings`` swaps the process-wide filters on entry and puts them back on
#: exit: two threads inside it at once (the prefetch and the kernel) would restore each
#: other's filters, and a warning meant to be recorded would escape (or one meant to be shown
#: would be swallowed for good). Every block that changes the filters holds this lock.
WARNINGS_LOCK = threading.RLock()


@contextmanager
def quiet() -> Iterator[list[warnings.WarningMessage]]:
    """Record (and do not print) warnings raised by scipy inside a batched call.

    The values returned are scipy's own (NaN where it cannot evaluate); the caller decides
    what to tell the user, once per call rather than once per row. Safe from several threads
    (:data:`WARNINGS_LOCK`).
    """
    with WARNINGS_LOCK, warnings.catch_warnings(record=True) as caught, np.errstate(all="ignore"):
        warnings.simplefilter("always")
        yield caught


@contextmanager
def ignoring(category: type[Warning] = Warning) -> Iterator[None]:
    """Ignore warnings of ``category`` (and numpy's floating-point ones) in a block.

    Safe from several threads (:data:`WARNINGS_LOCK`).
    """
    with WARNINGS_LOCK, warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", category)
        yield
