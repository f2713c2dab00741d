"""Boundary validation for sweepwalk: one place, clear messages.

Every argument of every public function, constructor, CLI flag and trait is checked here, so
the same argument accepts the same values everywhere (numpy scalars included). Every message
names the argument or column at fault and lists the allowed values, in the manner of scipy's
``_mwu_input_validation``. The data convention throughout is: scores are one float per seed per
configuration.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import numbers
from collections.abc import Hashable, Iterable, Sequence
from typing import Any, Literal, cast, overload

import numpy as np
import pandas as pd

from . import _vocab
from ._vocab import Against, Correction, ErrorControl, Goal, Neighbors, Test

GOALS = _vocab.GOALS
NEIGHBOR_MODES = _vocab.NEIGHBORS
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
RESERVED = ("config", *STAT_COLUMNS, *RESULT_COLUMNS)

#: statsmodels' ``multipletests`` aliases (lower case) -> the vocabulary's name of the method
_CORRECTION_ALIASES: dict[str, str] = {
    **{name: name for name in _vocab.CORRECTIONS},
    "b": "bonferroni",
    "bonf": "bonferroni",
    "s": "sidak",
    "h": "holm",
    "hs": "holm-sidak",
    "sh": "simes-hochberg",
    "ho": "hommel",
    "fdr_i": "fdr_bh",
    "fdr_p": "fdr_bh",
    "fdri": "fdr_bh",
    "fdrp": "fdr_bh",
    "fdr_n": "fdr_by",
    "fdr_c": "fdr_by",
    "fdrn": "fdr_by",
    "fdrcorr": "fdr_by",
    "fdr_2sbh": "fdr_tsbh",
    "fdr_2sbky": "fdr_tsbky",
    "fdr_twostage": "fdr_tsbky",
    "lfdr_sl": "lfdr",
}


def _allowed_text(allowed: Iterable[Any]) -> str:
    return "{" + ", ".join(repr(a) for a in allowed) + "}"


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"`{name}` must be one of {_allowed_text(allowed)}, got {value!r}.")
    return str(value)


def check_test(test: Any, name: str = "test") -> Test:
    """Validate a two-sample test name (one of :data:`sweepwalk._vocab.TESTS`)."""
    return cast(Test, check_choice(test, name, _vocab.TESTS))


def check_against(against: Any, name: str = "against") -> Against:
    """Validate ``against`` ("neighbors" or "all")."""
    return cast(Against, check_choice(against, name, _vocab.AGAINST))


def check_neighbors(mode: Any, name: str = "neighbors") -> Neighbors:
    """Validate a neighbour mode ("adjacent" or "axis")."""
    return cast(Neighbors, check_choice(mode, name, _vocab.NEIGHBORS))


def check_goal(goal: Any, name: str = "goal") -> Goal:
    """Validate ``goal`` ("max" or "min")."""
    return cast(Goal, check_choice(goal, name, _vocab.GOALS))


def check_error_control(error_control: Any, name: str = "error_control") -> ErrorControl:
    """Validate ``error_control`` ("per-target" or "walk")."""
    return cast(ErrorControl, check_choice(error_control, name, _vocab.ERROR_CONTROLS))


def check_correction(correction: Any, name: str = "correction") -> Correction:
    """Return the vocabulary's name of a correction.

    Accepts ``"none"`` (any case) and every name or alias of statsmodels' ``multipletests``
    (``"h"`` gives ``"holm"``, ``"fdr_i"`` gives ``"fdr_bh"``), case-insensitively.
    """
    if isinstance(correction, str):
        found = _CORRECTION_ALIASES.get(correction.strip().lower())
        if found is not None:
            return cast(Correction, found)
    raise ValueError(
        f"`{name}` must be one of {_allowed_text(_vocab.CORRECTIONS)} (or a statsmodels "
        f"multipletests alias), got {correction!r}."
    )


def check_alpha(alpha: Any, name: str = "alpha") -> float:
    """Validate a significance level: a real number strictly between 0 and 1.

    numpy scalars are accepted; bools, NaN and strings are not.
    """
    ok = isinstance(alpha, numbers.Real) and not isinstance(alpha, (bool, np.bool_))
    if not ok or not math.isfinite(float(alpha)) or not 0 < float(alpha) < 1:
        raise ValueError(
            f"`{name}` must be a number strictly between 0 and 1, got {alpha!r} "
            f"(0 < {name} < 1 is required)."
        )
    return float(alpha)


def check_level(level: Any, name: str = "ci") -> float | None:
    """Validate a confidence level: None, or a number strictly between 0 and 1."""
    if level is None:
        return None
    return check_alpha(level, name)


@overload
def check_int(
    value: Any, name: str, *, minimum: int = 0, allow_none: Literal[False] = False
) -> int: ...
@overload
def check_int(value: Any, name: str, *, minimum: int = 0, allow_none: bool) -> int | None: ...
def check_int(value: Any, name: str, *, minimum: int = 0, allow_none: bool = False) -> int | None:
    """Validate an integer argument ``>= minimum`` (numpy integers accepted, bools refused)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if not ok or int(value) < minimum:
        none = "None or " if allow_none else ""
        raise ValueError(f"`{name}` must be {none}an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_positive(value: Any, name: str, *, allow_none: bool = True) -> float | None:
    """Validate a positive finite number (a margin in metric units); None when allowed."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not ok or not math.isfinite(float(value)) or float(value) <= 0:
        none = "None or " if allow_none else ""
        raise ValueError(f"`{name}` must be {none}a positive finite number, got {value!r}.")
    return float(value)


def check_random_state(random_state: Any, name: str = "random_state") -> Any:
    """Validate ``random_state``: anything ``numpy.random.default_rng`` accepts.

    None, a non-negative int (numpy integers too), a sequence of them, a ``SeedSequence``, a
    ``BitGenerator`` or a ``Generator``. Returns it unchanged.

    Raises
    ------
    TypeError
        Not of a kind ``default_rng`` accepts (a float, a string, a bool, ...).
    ValueError
        Of the right kind but refused by ``default_rng`` (a negative integer).
    """
    error: type[Exception] | None = None
    if isinstance(random_state, (bool, np.bool_, float, np.floating, complex, str, bytes)):
        error = TypeError
    else:
        try:
            flat = np.asarray(random_state, dtype=object).ravel()
        except (TypeError, ValueError):  # ragged: let default_rng judge it
            flat = np.zeros(0, dtype=object)
        if any(isinstance(x, (bool, np.bool_)) for x in flat):
            error = TypeError  # default_rng takes [True] as [1]: a bool is not a seed
        else:
            try:
                np.random.default_rng(random_state)
            except TypeError:
                error = TypeError
            except ValueError:
                error = ValueError  # the right type, out of range (a negative int)
    if error is not None:
        raise error(
            f"`{name}` must be None, a non-negative integer, a sequence of them, a "
            f"numpy.random.SeedSequence, BitGenerator or Generator (anything "
            f"numpy.random.default_rng accepts), got {random_state!r}."
        )
    return random_state


def one_seed(random_state: Any, name: str = "random_state") -> int:
    """One integer seed from anything ``numpy.random.default_rng`` accepts (checked first).

    An int is its own seed (a test with ``rng=seed`` gives the same numbers); anything else
    seeds a generator that draws one (``None``: a fresh, unreproducible seed).
    """
    random_state = check_random_state(random_state, name)
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(np.random.default_rng(random_state).integers(2**63 - 1))


def check_callable(value: Any, name: str, takes: str = "a fraction") -> Any:
    """Validate an optional callback: None or a callable."""
    if value is not None and not callable(value):
        raise TypeError(f"`{name}` must be None or a callable taking {takes}, got {value!r}.")
    return value


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


def check_min_runs(min_runs: Any) -> int:
    """Validate ``min_runs``: an integer >= 1 (bools are rejected)."""
    if isinstance(min_runs, (bool, np.bool_)) or not isinstance(min_runs, numbers.Integral):
        raise TypeError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    if min_runs < 1:
        raise ValueError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    return int(min_runs)


def check_mode(mode: Any, name: str = "mode") -> Neighbors:
    """Validate a neighbour mode ("adjacent" or "axis")."""
    return check_neighbors(mode, name)


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
    return table.to_pandas()


def check_frame(df: Any, name: str = "df") -> pd.DataFrame:
    """Check that ``df`` is a non-empty DataFrame with unique column names; return pandas.

    Anything with ``__arrow_c_stream__`` (a polars DataFrame, a pyarrow Table, a DuckDB
    result) is read into pandas first.
    """
    if is_arrow_stream(df):
        df = arrow_to_pandas(df, name)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be a pandas DataFrame or have __arrow_c_stream__ (polars, pyarrow, "
            f"DuckDB), got {type(df).__name__}."
        )
    if len(df) == 0:
        raise ValueError(
            f"`{name}` is empty (0 rows); a sweep needs at least one run. "
            f"Columns: [{_columns_text(df.columns)}]."
        )
    if not df.columns.is_unique:
        dupes = df.columns[df.columns.duplicated()].unique().tolist()
        raise ValueError(f"`{name}` has duplicate column names: {dupes}.")
    if isinstance(df.columns, pd.MultiIndex):  # one label per column: ('opt', 'lr'), as tuples
        df = df.set_axis(df.columns.to_flat_index(), axis=1)
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
    df: pd.DataFrame,
    *,
    exclude: Sequence[Hashable],
    argument: str = "params",
    allow: Iterable[Hashable] = (),
) -> tuple[Hashable, ...]:
    """Every column except ``exclude`` and ``"config"``; refuse columns that look like metrics.

    Columns in ``allow`` (parameters to be binned) are never taken for metrics.
    """
    allowed = set(allow)
    params = tuple(c for c in df.columns if c not in exclude and c != "config")
    if not params:
        own = " ('config' is the column sweepwalk adds; rename yours)" if "config" in df else ""
        raise ValueError(
            f"no parameter columns: the frame has only [{_columns_text(df.columns)}]; "
            f"pass `{argument}=[...]`{own}."
        )
    for p in params:
        if p not in allowed and looks_like_metric(df[p]):
            others = [q for q in params if q != p]
            raise ValueError(
                f"column {p!r} looks like a second metric (float values, mostly unique), not a "
                f"parameter. Pass the parameters explicitly, e.g. {argument}={others!r}; if it "
                f"is a continuous parameter (random search), bin it: bins={{{p!r}: 'auto'}}."
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


def check_config_ids(ids: Any, n_configs: int, argument: str = "ids") -> list[int]:
    """Validate a list of configuration ids; return them as ints, duplicates dropped, in order."""
    if isinstance(ids, (str, bytes, dict)) or not isinstance(ids, Iterable):
        raise TypeError(f"`{argument}` must be a list of config ids, got {ids!r}.")
    return list(dict.fromkeys(check_config_id(i, n_configs, argument) for i in ids))


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
