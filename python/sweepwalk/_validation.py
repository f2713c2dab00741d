"""Boundary validation for sweepwalk: one place, clear messages.

Every message names the argument or column at fault and lists the allowed values, in the
manner of scipy's ``_mwu_input_validation``. The data convention throughout is: scores are one
float per seed per configuration.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

GOALS = ("max", "min")
NEIGHBOR_MODES = ("adjacent", "axis")
#: Columns of ``Sweep.configs`` after the parameters; a parameter may not use these names.
STAT_COLUMNS = ("n", "n_missing", "mean", "std", "median", "min", "max")
RESERVED = ("config", *STAT_COLUMNS)


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"`{name}` must be one of {{{choices}}}, got {value!r}.")
    return value


def check_goal(goal: Any) -> str:
    """Validate ``goal`` ("max" or "min")."""
    return check_choice(goal, "goal", GOALS)


def check_min_runs(min_runs: Any) -> int:
    """Validate ``min_runs``: an integer >= 1 (bools are rejected)."""
    if isinstance(min_runs, (bool, np.bool_)) or not isinstance(min_runs, numbers.Integral):
        raise TypeError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    if min_runs < 1:
        raise ValueError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    return int(min_runs)


def check_mode(mode: Any, name: str = "mode") -> str:
    """Validate a neighbour mode ("adjacent" or "axis")."""
    return check_choice(mode, name, NEIGHBOR_MODES)


def _columns_text(columns: Iterable[Hashable]) -> str:
    return ", ".join(repr(c) for c in columns)


def check_frame(df: Any, name: str = "df") -> pd.DataFrame:
    """Check that ``df`` is a non-empty pandas DataFrame with unique column names."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame, got {type(df).__name__}.")
    if len(df) == 0:
        raise ValueError(
            f"`{name}` is empty (0 rows); a sweep needs at least one run. "
            f"Columns: [{_columns_text(df.columns)}]."
        )
    if not df.columns.is_unique:
        dupes = df.columns[df.columns.duplicated()].unique().tolist()
        raise ValueError(f"`{name}` has duplicate column names: {dupes}.")
    return df


def check_column(df: pd.DataFrame, column: Any, argument: str) -> Hashable:
    """Check that ``column`` (the value of ``argument``) names a column of ``df``."""
    try:
        present = column in df.columns
    except TypeError:  # unhashable column name
        present = False
    if not present:
        raise SweepKeyError(
            f"`{argument}`={column!r} is not a column of the frame; "
            f"the columns are [{_columns_text(df.columns)}]."
        )
    return column


def metric_array(df: pd.DataFrame, metric: Hashable, argument: str = "metric") -> np.ndarray:
    """Return the metric column as float64, with +-inf turned into NaN (missing).

    Raises a ValueError naming the column and an offending value if it is not numeric.
    """
    col = df[metric]
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_numeric_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        numeric = pd.to_numeric(col, errors="coerce")
        bad = numeric.isna() & col.notna()
        if bad.any():
            example = col[bad].iloc[0]
            raise ValueError(
                f"`{argument}` column {metric!r} must be numeric (one float per seed per "
                f"configuration); it holds {col.dtype} values such as {example!r}."
            )
        values = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.array(values, dtype=np.float64, copy=True)
    values[~np.isfinite(values)] = np.nan
    return values


def check_params(
    df: pd.DataFrame,
    params: Any,
    *,
    metric: Hashable,
    seed: Hashable | None,
    argument: str = "params",
) -> tuple[Hashable, ...]:
    """Validate an explicit ``params`` list against the frame, the metric and the seed."""
    if isinstance(params, (str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(
            f"`{argument}` must be a list of column names, got {params!r}; "
            f"e.g. {argument}=[{params!r}]."
        )
    params = tuple(params)
    if len(params) == 0:
        raise ValueError(f"`{argument}` must name at least one parameter column.")
    if len(set(params)) != len(params):
        seen: set[Hashable] = set()
        dupes = [p for p in params if p in seen or seen.add(p)]  # type: ignore[func-returns-value]
        raise ValueError(f"`{argument}` lists {dupes!r} more than once.")
    for p in params:
        if p == metric:
            raise ValueError(
                f"{p!r} is both the metric and a parameter; remove it from `{argument}`."
            )
        if seed is not None and p == seed:
            raise ValueError(
                f"{p!r} is both the seed and a parameter; remove it from `{argument}`."
            )
        check_column(df, p, argument)
        if p in RESERVED:
            raise ValueError(
                f"parameter column {p!r} clashes with a column sweepwalk adds "
                f"({_columns_text(RESERVED)}); rename it, e.g. df.rename(columns={{{p!r}: "
                f"'{p}_'}})."
            )
    return params


def looks_like_metric(col: pd.Series) -> bool:
    """Return True for a float column whose values are mostly unique (a second metric).

    A parameter repeats across the seeds of a configuration, a metric does not. Columns with
    fewer than 20 present values are too small to tell and are never flagged.
    """
    if not pd.api.types.is_float_dtype(col.dtype):
        return False
    present = col.dropna()
    if len(present) < 20:
        return False
    return bool(present.nunique() > 0.5 * len(present))


def infer_params(
    df: pd.DataFrame, *, exclude: Sequence[Hashable], argument: str = "params"
) -> tuple[Hashable, ...]:
    """Every column except ``exclude`` and ``"config"``; refuse columns that look like metrics."""
    params = tuple(c for c in df.columns if c not in exclude and c != "config")
    if not params:
        raise ValueError(
            f"no parameter columns: the frame has only [{_columns_text(df.columns)}]; "
            f"pass `{argument}=[...]`."
        )
    for p in params:
        if looks_like_metric(df[p]):
            others = [q for q in params if q != p]
            raise ValueError(
                f"column {p!r} looks like a second metric (float values, mostly unique), not a "
                f"parameter. Pass the parameters explicitly, e.g. {argument}={others!r}."
            )
    return params


def check_no_kwargs(kwargs: dict[str, Any], where: str) -> None:
    """Raise TypeError for unknown keyword arguments, like Python does."""
    if kwargs:
        names = ", ".join(repr(k) for k in kwargs)
        raise TypeError(f"{where}() got unexpected keyword argument(s): {names}.")


def check_config_id(i: Any, n_configs: int, argument: str = "i") -> int:
    """Validate a configuration id: an integer in 0..n_configs-1."""
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral):
        raise TypeError(f"`{argument}` must be an integer config id, got {i!r}.")
    if not 0 <= int(i) < n_configs:
        raise SweepKeyError(
            f"config id {int(i)} does not exist; `{argument}` must be in 0..{n_configs - 1}."
        )
    return int(i)


class SweepKeyError(KeyError):
    """A KeyError whose ``str()`` is its message as written (no quoting, real newlines)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def check_duplicate_runs(
    df: pd.DataFrame,
    params: Sequence[Hashable],
    seed: Hashable,
    row_cfg: np.ndarray,
    seed_code: np.ndarray,
    order: np.ndarray,
) -> None:
    """Refuse two rows for the same (configuration, seed); ``order`` sorts rows by both."""
    c, s = row_cfg[order], seed_code[order]
    same = (c[1:] == c[:-1]) & (s[1:] == s[:-1])
    if not same.any():
        return
    rows = np.unique(np.concatenate([order[1:][same], order[:-1][same]]))
    shown = df.iloc[rows[:10]].loc[:, [*params, seed]]
    raise ValueError(
        f"{int(same.sum())} duplicate run(s): two or more rows share the same configuration and "
        f"seed {seed!r}. Scores are one float per seed per configuration; drop or aggregate the "
        f"duplicates, or add the column that tells them apart to `params`. First duplicates:\n"
        f"{shown.to_string()}"
    )


def list_scores(x: Any, column: Hashable, row: int) -> np.ndarray:
    """One cell of ``from_lists``' scores column as float64 (a missing cell is no runs)."""
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return np.zeros(0)
    if isinstance(x, (str, bytes, dict)) or not hasattr(x, "__len__"):
        raise TypeError(
            f"`scores` column {column!r} must hold a list of per-seed scores in every row; "
            f"row {row} holds {x!r}."
        )
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.ndim == 1:
        return x
    try:
        values = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"`scores` column {column!r}, row {row}: scores must be numbers, got {x!r}."
        ) from exc
    if values.ndim != 1:
        raise ValueError(
            f"`scores` column {column!r}, row {row}: expected a flat list of per-seed scores, "
            f"got an array of shape {values.shape}."
        )
    return values


def is_number(x: Any) -> bool:
    """Return True for a real number that is not a bool (bools are not numeric)."""
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def match_values(col: pd.Series, want: Any) -> np.ndarray:
    """Rows of a parameter column equal to ``want`` (None/NaN match absent)."""
    absent = col.isna().to_numpy()
    if want is None or (isinstance(want, float) and np.isnan(want)):
        return absent
    if is_number(want) and pd.api.types.is_numeric_dtype(col.dtype):
        if pd.api.types.is_bool_dtype(col.dtype):
            return np.zeros(len(col), dtype=bool)
        return col.to_numpy(dtype=np.float64, na_value=np.nan) == float(want)
    values = col.tolist()
    exact = np.array(
        [(not a) and _same(x, want) for x, a in zip(values, absent, strict=False)], dtype=bool
    )
    if exact.any() or not isinstance(want, str):
        return exact
    return np.array(
        [(not a) and _loose(x, want) for x, a in zip(values, absent, strict=False)], dtype=bool
    )


def _same(x: Any, want: Any) -> bool:
    if isinstance(x, (bool, np.bool_)) != isinstance(want, (bool, np.bool_)):
        return False
    try:
        return bool(x == want)
    except (TypeError, ValueError):
        return False


def _loose(x: Any, want: str) -> bool:
    if str(x) == want:
        return True
    if isinstance(x, (bool, np.bool_)):
        return want.strip().lower() == str(bool(x)).lower()
    if is_number(x):
        try:
            return float(want) == float(x)
        except ValueError:
            return False
    return False
