"""Value codes and row statistics of the data model: how runs become configurations.

A parameter column becomes integer codes in the order of its sorted values (numbers by value, then
other types by name and text, categoricals by category order, absent last); a configuration is a
unique combination of codes.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..validation import arguments as v


def _sort_key(x: Any) -> tuple[int, float, str, str]:
    """Order values of mixed types: numbers by value, then other types by name and text."""
    if v.is_number(x):
        return (0, float(x), "", "")
    return (1, 0.0, type(x).__name__, str(x))


def _numeric_order(uniques: Any) -> np.ndarray:
    """Positions of numeric values in sorted order; integers by their exact value.

    Through float64, integers beyond 2**53 that differ (2**62 + 1, 2**62 + 2) compare equal,
    and their order would be the order they were met in.
    """
    values = np.asarray(uniques)
    if values.dtype.kind in "iu":
        return np.argsort(values, kind="stable")
    if values.dtype == object and all(isinstance(x, (int, np.integer)) for x in values):
        return np.asarray(sorted(range(len(values)), key=lambda k: int(values[k])), dtype=int)
    return np.argsort(values.astype(np.float64), kind="stable")


def ordered_codes(
    col: pd.Series, name: Hashable, with_levels: bool = True
) -> tuple[np.ndarray, bool, list[Any]]:
    """Codes of a parameter column: rank of the value in sorted order, -1 for absent.

    Returns the codes (one per row), whether the column is numeric (all present values real
    numbers, bools excluded), and the present values in that order (the levels; empty without
    ``with_levels``: a seed column of 100,000 values needs only its codes).
    """
    keyed = v.bools_apart(col)  # True and 1 are different parameter values
    try:
        raw, found = pd.factorize(keyed, use_na_sentinel=True)
        uniques: Any = v.bools_back(found) if keyed is not col else found
    except TypeError as exc:
        bad = next((x for x in col if not isinstance(x, Hashable)), None)
        raise TypeError(
            f"parameter column {name!r} holds unhashable values such as {bad!r} "
            f"({type(bad).__name__}); parameter values must be hashable (numbers, strings, "
            f"bools, tuples). Convert them, e.g. df[{name!r}].map(tuple) or .map(str)."
        ) from exc
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        numeric = False
    elif pd.api.types.is_numeric_dtype(dtype):
        numeric = True
    else:
        numeric = all(v.is_number(x) for x in uniques)
    if isinstance(dtype, pd.CategoricalDtype):  # the categories' own order
        order = np.argsort(np.asarray(pd.Categorical(uniques).codes), kind="stable")
    elif numeric:
        order = _numeric_order(uniques)
    else:
        uniq = list(uniques)
        order = np.asarray(sorted(range(len(uniq)), key=lambda k: _sort_key(uniq[k])), dtype=int)
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order] = np.arange(len(uniques), dtype=np.int64)
    rank[-1] = -1  # factorize's -1 (absent) indexes the last slot
    levels = [uniques[k] for k in order] if with_levels else []
    return rank[raw], numeric, levels


def config_codes(
    df: pd.DataFrame, params: Sequence[Hashable]
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, list[bool], list[list[Any]]]]:
    """Config id per row, and per config: first row, value codes (N, P), numeric flags, levels."""
    cols = []
    numeric = []
    levels = []
    for p in params:
        c, is_num, lv = ordered_codes(df[p], p)
        cols.append(c)
        numeric.append(is_num)
        levels.append(lv)
    # Absent sorts last: shift it above every present code before combining.
    key = np.zeros(len(df), dtype=np.int64)
    top = 1  # key < top
    for c in cols:
        card = int(c.max(initial=-1)) + 2
        if top >= (2**62) // card:
            key = dense(key)[0]
            top = int(key.max(initial=0)) + 1
        key *= card
        key += np.where(c < 0, card - 1, c) if int(c.min(initial=0)) < 0 else c
        top *= card
    row_cfg, first_row = dense(key)
    codes = np.empty((len(first_row), len(cols)), dtype=np.int64)
    for k, c in enumerate(cols):
        codes[:, k] = c[first_row]
    return row_cfg, (first_row, codes, numeric, levels)


def dense(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense sorted ranks of ``key`` (non-negative) and the first row holding each rank."""
    n = len(key)
    top = int(key.max(initial=-1)) + 1
    if 0 < top <= 4 * n + 1024:  # keys of a grid: a table over their range, no hash, no sort
        present = np.zeros(top, dtype=bool)
        present[key] = True
        rank = np.cumsum(present, dtype=np.int64)
        rank -= 1
        first = np.full(top, n, dtype=np.int64)
        np.minimum.at(first, key, np.arange(n, dtype=np.int64))  # each key's first row
        return rank[key], first[present]
    codes, uniques = pd.factorize(key)
    n = len(codes)
    is_new = np.empty(n, dtype=bool)
    if n:
        is_new[0] = True
        np.greater(codes[1:], np.maximum.accumulate(codes)[:-1], out=is_new[1:])
    first = np.flatnonzero(is_new)  # factorize numbers codes by first appearance
    order = np.argsort(uniques, kind="stable")
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(uniques), dtype=np.int64)
    return rank[codes], first[order]


def rectangular(cells: list[Any]) -> tuple[np.ndarray | None, np.ndarray]:
    """Fast path for from_lists: every cell a list of the same length (one C-level copy)."""
    try:
        with np.errstate(all="ignore"):
            block = np.array(cells, dtype=np.float64)
    except (TypeError, ValueError):
        return None, np.zeros(0, dtype=np.int64)
    if block.ndim != 2:
        return None, np.zeros(0, dtype=np.int64)
    return block.reshape(-1), np.full(block.shape[0], block.shape[1], dtype=np.int64)


def order_by_config_and_seed(
    row_cfg: np.ndarray, seed_code: np.ndarray, n_cfg: int
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Rows sorted by (config, seed) without a sort: each pair has its own slot.

    Returns the order, each ordered row's slot ``config * n_seeds + seed`` and ``n_seeds``, or
    None when two rows share a (configuration, seed) slot.
    """
    n_seeds = int(seed_code.max(initial=0)) + 1
    slots = row_cfg * n_seeds + seed_code
    size = n_cfg * n_seeds
    if size > 8 * len(slots) + 1024:  # sparse slots: sorting is cheaper than a big table
        order = np.argsort(slots, kind="stable")
        taken = slots[order]
        return None if bool((taken[1:] == taken[:-1]).any()) else (order, taken, n_seeds)
    table = np.full(size, -1, dtype=np.int64)
    table[slots] = np.arange(len(slots), dtype=np.int64)
    used = np.flatnonzero(table >= 0)
    if len(used) < len(slots):  # two rows wrote to one slot
        return None
    return table[used], used, n_seeds


def seed_column_codes(col: pd.Series, seed: Hashable) -> np.ndarray:
    """Integer codes of the seed column ``col`` (named ``seed``); missing seeds are refused."""
    if col.isna().any():
        rows = np.flatnonzero(col.isna().to_numpy())[:5].tolist()
        raise ValueError(f"seed column {seed!r} has missing values (rows {rows}).")
    codes, _, _ = ordered_codes(col, seed, with_levels=False)
    return codes


def narrow_ints(values: np.ndarray) -> np.ndarray:
    """Return integer ``values`` in the narrowest signed type that holds them exactly."""
    low = int(values.min(initial=0))
    high = int(values.max(initial=0))
    for dtype in (np.int8, np.int16, np.int32):
        info = np.iinfo(dtype)
        if info.min <= low and high <= info.max:
            return values.astype(dtype)
    return values.astype(np.int64, copy=False)
