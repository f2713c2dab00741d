"""Checks of the frame a sweep is built from: its columns, their values, its rows.

The half of :mod:`sweepwalk.validation.arguments` about tables: that module checks the arguments and
re-exports every name here, so callers import it only. Messages name the column at fault and list
the columns there are.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from .. import _vocab

#: Columns of ``Sweep.configs`` after the parameters.
STAT_COLUMNS = ("n", "n_missing", "mean", "std", "median", "min", "max")
#: Columns that ``Comparison.to_frame()`` (hence the widget's ``results``/``selection`` and the
#: CLI's output) and ``plan()`` put next to the parameters.
RESULT_COLUMNS = (
    "statistic",
    "pvalue",
    "pvalue_adj",
    "significant",
    "effect",
    "diff_mean",
    "varied",
    "status",
    "n_shared",
    *_vocab.EVIDENCE_COLUMNS,
    "more_seeds",
    "more_seeds_target",
    "promising",
    "reason",
)
#: Every column sweepwalk adds next to a parameter (``runs`` adds ``config``); a parameter may not
#: use these names, since its values would be silently replaced by ours.
RESERVED = ("config", "pooled", *STAT_COLUMNS, *RESULT_COLUMNS)


# here rather than with the argument checks: a missing column raises it too, and this module
# may not import _validation (which re-exports it)
class SweepKeyError(KeyError):
    """A KeyError whose ``str()`` is its message as written (no quoting, real newlines)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def check_not_reserved(column: Any, argument: str) -> Any:
    """Refuse a seed or metric column named ``config`` (``runs`` adds that column)."""
    if isinstance(column, str) and column == "config":
        raise ValueError(
            f"`{argument}` column 'config' clashes with the column sweepwalk adds to `runs` "
            f"(the configuration id); rename it, e.g. df.rename(columns={{'config': 'config_'}})."
        )
    return column


def check_config_column(df: pd.DataFrame, row_cfg: np.ndarray) -> None:
    """Refuse a ``config`` column that ``runs`` would overwrite with different values.

    A frame that is a sweep's own ``runs`` (its ``config`` equals the ids) passes.
    """
    if "config" not in df.columns:
        return
    mine = pd.to_numeric(df["config"], errors="coerce").to_numpy(dtype=np.float64)
    if not np.array_equal(mine, row_cfg.astype(np.float64)):
        raise ValueError(
            "the frame's column 'config' would be replaced in `runs` by sweepwalk's "
            "configuration ids, and its values differ from them; rename it (e.g. "
            "df.rename(columns={'config': 'config_'})) and list it in `params` if it is a "
            "parameter."
        )


def _columns_text(columns: Iterable[Hashable]) -> str:
    return ", ".join(repr(c) for c in columns)


def is_arrow_stream(obj: Any) -> bool:
    """Whether ``obj`` exports the Arrow PyCapsule stream (polars, pyarrow, DuckDB results)."""
    return not isinstance(obj, pd.DataFrame) and hasattr(obj, "__arrow_c_stream__")


def arrow_to_pandas(obj: Any, name: str = "df") -> pd.DataFrame:
    """Read an object with ``__arrow_c_stream__`` into pandas through pyarrow.

    Decimals (DuckDB's literals) become float64, so that scores and parameters are numbers.
    """
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(
            f"`{name}` is an Arrow stream ({type(obj).__name__}); reading it needs pyarrow: "
            "pip install sweepwalk[arrow]"
        ) from exc
    table = pa.table(obj)
    for k, f in enumerate(table.schema):
        if pa.types.is_decimal(f.type):
            table = table.set_column(k, f.name, table.column(k).cast(pa.float64()))
    frame: pd.DataFrame = table.to_pandas()  # pyarrow has no type hints
    return frame


def check_frame(df: Any, name: str = "df") -> pd.DataFrame:
    """Check that ``df`` is a non-empty DataFrame with unique column names; return pandas.

    Anything with ``__arrow_c_stream__`` (a polars DataFrame, a pyarrow Table, a DuckDB
    result) is read into pandas first.
    """
    frame = arrow_to_pandas(df, name) if is_arrow_stream(df) else df
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be a pandas DataFrame or have __arrow_c_stream__ (polars, pyarrow, "
            f"DuckDB), got {type(frame).__name__}."
        )
    if len(frame) == 0:
        raise ValueError(
            f"`{name}` is empty (0 rows); a sweep needs at least one run. "
            f"Columns: [{_columns_text(frame.columns)}]."
        )
    if not frame.columns.is_unique:
        dupes = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise ValueError(f"`{name}` has duplicate column names: {dupes}.")
    if isinstance(frame.columns, pd.MultiIndex):  # one label per column: ('opt', 'lr'), tuples
        frame = frame.set_axis(frame.columns.to_flat_index(), axis=1)
    return frame


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
    found: Hashable = column  # a column label: hashable, or `in` had raised
    return found


def metric_array(df: pd.DataFrame, metric: Hashable, argument: str = "metric") -> np.ndarray:
    """Return the metric column as float64, with +-inf turned into NaN (missing).

    Raises a ValueError naming the column and an offending value if it is not numeric.
    """
    col = df[metric]
    _check_metric_kind(col, metric, argument)
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


#: metric values that are not real numbers although pandas would turn them into floats
_NOT_SCORES = (complex, np.complexfloating, dt.date, dt.timedelta, np.datetime64, np.timedelta64)


def _check_metric_kind(col: pd.Series, metric: Hashable, argument: str) -> None:
    """Refuse complex, datetime and timedelta scores (pandas casts them to floats silently)."""
    kind = col.dtype.kind if isinstance(col.dtype, np.dtype) else ""
    temporal = pd.api.types.is_datetime64_any_dtype(col.dtype) or isinstance(
        col.dtype, (pd.PeriodDtype, pd.IntervalDtype)
    )
    example: Any = None
    if (kind and kind in "cmM") or temporal:
        present = col.dropna()
        example = present.iloc[0] if len(present) else col.dtype
    elif col.dtype == object:
        example = next((x for x in col if isinstance(x, _NOT_SCORES)), None)
    if example is None:
        return
    hint = (
        "for durations use e.g. df[col].dt.total_seconds()"
        if isinstance(example, (dt.timedelta, np.timedelta64)) or kind == "m"
        else "take the real part or abs() of complex scores"
        if isinstance(example, (complex, np.complexfloating)) or kind == "c"
        else "dates and times are not scores"
    )
    raise ValueError(
        f"`{argument}` column {metric!r} must hold real numbers (one float per seed per "
        f"configuration); it holds {type(example).__name__} values such as {example!r} "
        f"({hint})."
    )


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
    names: tuple[Hashable, ...] = tuple(params)
    if len(names) == 0:
        raise ValueError(f"`{argument}` must name at least one parameter column.")
    if len(set(names)) != len(names):
        seen: set[Hashable] = set()
        dupes = [p for p in names if p in seen or seen.add(p)]  # type: ignore[func-returns-value]
        raise ValueError(f"`{argument}` lists {dupes!r} more than once.")
    printed: dict[str, Hashable] = {}
    for p in names:  # 1 and '1' are two columns, but one name in every table and the grid
        if str(p) in printed:
            raise ValueError(
                f"`{argument}`: {printed[str(p)]!r} and {p!r} print alike ({str(p)!r}) and would "
                f"be one name in every view; rename one, e.g. df.rename(columns={{{p!r}: "
                f"'{p}_'}})."
            )
        printed[str(p)] = p
    for p in names:
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
    return names


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


def _distinct(col: pd.Series) -> int:
    """Distinct present values, lists counted as tuples (they are parameter values too)."""
    present = col.dropna()
    try:
        return int(present.nunique())
    except TypeError:
        return len({repr(x) for x in present})


def run_level_columns(
    df: pd.DataFrame, candidates: Iterable[Hashable], *, keep: Iterable[Hashable] = ()
) -> dict[Hashable, str]:
    """Columns that take a different value in (nearly) every run, each with why.

    Names, ids, folders, timestamps, durations and second metrics do; a hyperparameter repeats
    across the seeds of its configuration, so taking such a column for a parameter makes every
    configuration a single run. "Nearly every": at least 90 % of the present values distinct,
    or a float column with more than half distinct (:func:`looks_like_metric`). Columns in
    ``keep`` (given for binning) are never named; under 6 present values a column is too small
    to tell.
    """
    kept = set(keep)
    found: dict[Hashable, str] = {}
    for c in candidates:
        if c in kept:
            continue
        n = int(df[c].notna().sum())
        if n < 6:
            continue
        k = _distinct(df[c])
        if k >= 0.9 * n:
            found[c] = f"{k} different values in {n} runs"
        elif looks_like_metric(df[c]):
            found[c] = f"float values, {k} different in {n} runs (a second metric)"
    return found


def infer_params(
    df: pd.DataFrame,
    *,
    exclude: Sequence[Hashable],
    argument: str = "params",
    allow: Iterable[Hashable] = (),
) -> tuple[Hashable, ...]:
    """Every column except ``exclude`` and ``"config"``; refuse run-level columns by name.

    A column with a different value in (nearly) every run (:func:`run_level_columns`) is a
    name, a time or another metric, not a parameter: the error names every such column and
    suggests only the others. Columns in ``allow`` (parameters to be binned) are kept.
    """
    params = tuple(c for c in df.columns if c not in exclude and c != "config")
    if not params:
        own = " ('config' is the column sweepwalk adds; rename yours)" if "config" in df else ""
        raise ValueError(
            f"no parameter columns: the frame has only [{_columns_text(df.columns)}]; "
            f"pass `{argument}=[...]`{own}."
        )
    bad = run_level_columns(df, params, keep=allow)
    if bad:
        others = [q for q in params if q not in bad]
        why = "; ".join(f"{c!r}: {reason}" for c, reason in bad.items())
        hint = (
            f"pass the parameters explicitly, e.g. {argument}={others!r}"
            if others
            else (f"pass `{argument}=[...]`")
        )
        shown = ", ".join(repr(c) for c in bad)
        verb = "looks" if len(bad) == 1 else "look"
        numeric = [c for c in bad if pd.api.types.is_numeric_dtype(df[c].dtype)]
        binning = ""
        if numeric:  # never a name or a folder: only numbers can be a continuous parameter
            more = f" (likewise {', '.join(repr(c) for c in numeric[1:])})" if numeric[1:] else ""
            binning = (
                f" If it is a continuous parameter (random search), bin it: "
                f"bins={{{numeric[0]!r}: 'auto'}}{more}."
            )
        raise ValueError(
            f"{shown} {verb} like a second metric or a run-level column (a different value in "
            f"nearly every run: {why}), not a parameter; {hint}.{binning}"
        )
    return params


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


@dataclasses.dataclass(frozen=True)
class _Bool:
    """A bool that is not equal to 1 or 0 (Python's ``True == 1`` merges them in a hash)."""

    value: bool


def bools_apart(col: pd.Series) -> pd.Series:
    """Return ``col`` with its bools wrapped when it also holds numbers, else ``col`` itself.

    ``True == 1`` and ``hash(True) == hash(1)`` in Python, so ``pandas.factorize`` would merge a
    bool with the number it equals and silently fuse two configurations. Undo the wrapping of
    factorize's uniques with :func:`bools_back`.
    """
    if col.dtype != object:
        return col
    values = col.tolist()
    is_bool = [isinstance(x, (bool, np.bool_)) for x in values]
    if not any(is_bool) or not any(is_number(x) for x in values):
        return col
    keyed = [_Bool(bool(x)) if b else x for x, b in zip(values, is_bool, strict=True)]
    return pd.Series(keyed, index=col.index, dtype=object)


def bools_back(uniques: Any) -> np.ndarray:
    """Unwrap the bools :func:`bools_apart` wrapped."""
    return np.array([x.value if isinstance(x, _Bool) else x for x in uniques], dtype=object)


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
        return _same_number(col.to_numpy(dtype=np.float64, na_value=np.nan), float(want))
    values = col.tolist()
    exact = np.array(
        [(not a) and _same(x, want) for x, a in zip(values, absent, strict=False)], dtype=bool
    )
    if exact.any() or not isinstance(want, str):
        return exact
    return np.array(
        [(not a) and _loose(x, want) for x, a in zip(values, absent, strict=False)], dtype=bool
    )


#: Relative tolerance of a value match when no value is exactly equal: a typed 0.0001 finds a
#: stored 9.999999999999999e-05 (an lr computed as 10**-4), never a distinct level of a sweep.
MATCH_RTOL = 1e-9


def _same_number(values: np.ndarray, want: float) -> np.ndarray:
    """Rows equal to ``want``; if none is, rows equal up to float rounding (``MATCH_RTOL``)."""
    exact: npt.NDArray[np.bool_] = values == want
    if exact.any():
        return exact
    close: npt.NDArray[np.bool_] = np.isclose(values, want, rtol=MATCH_RTOL, atol=0.0)
    return close


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
            return bool(_same_number(np.array([float(x)]), float(want))[0])
        except ValueError:
            return False
    return False
