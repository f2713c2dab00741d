"""DataFrames beyond pandas: Arrow streams, polars LazyFrames, DuckDB relations, Parquet folders.

Eager inputs (anything with ``__arrow_c_stream__``: polars DataFrame, pyarrow Table, DuckDB
result) are read through pyarrow. Lazy inputs (polars LazyFrame, DuckDB relation) and Parquet
files or folders are first reduced by the engine that holds them to one row per configuration
with the list of its scores (and seeds): only the parameter, seed and metric columns are read,
and the grouping runs in the engine. The lists are then expanded back to one row per run in
Arrow, without Python objects, and the result converted to pandas once.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..sweep import Sweep
from ..validation import arguments as v
from ._common import build, named_faults, numbers_where_all_parse, require

_SCORES = "__sweepwalk_runs"


def _quote(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'


def _columns(names: Sequence[str], metric: str, seed: str | None, params: Sequence[str] | None
             ) -> list[str]:  # fmt: skip
    """Return the parameter columns: given, or all but the metric, the seed and ``config``."""
    if params is not None:
        return list(params)
    return [c for c in names if c not in (metric, seed, "config")]


def _check(names: Sequence[str], wanted: Sequence[str], argument: str) -> None:
    missing = [c for c in wanted if c not in names]
    if missing:
        raise ValueError(f"`{argument}`: no column(s) {missing}; the columns are {list(names)}.")


def _expand(table: Any, params: list[str], metric: str, seed: str | None) -> pd.DataFrame:
    """One row per configuration with list columns -> one row per run, in Arrow, then pandas.

    With a seed the list holds ``{seed, score}`` structs, so the two stay aligned whatever
    order the engine aggregated in.
    """
    pa = require("pyarrow", "arrow", "sweepwalk.io")
    pc = require("pyarrow.compute", "arrow", "sweepwalk.io")
    lists = table.column(_SCORES)
    parent = pc.list_parent_indices(lists)
    columns = {p: table.column(p).take(parent) for p in params}
    flat = pc.list_flatten(lists)
    if seed is not None:
        columns[seed] = pc.struct_field(flat, "s")
        columns[metric] = pc.struct_field(flat, "a")
    else:
        columns[metric] = flat
    return _to_pandas(pa.table(columns))


def _to_pandas(table: Any) -> pd.DataFrame:
    """Arrow -> pandas with decimals as floats (DuckDB literals are decimals)."""
    return v.arrow_to_pandas(table)


def _reduce_duckdb(relation: Any, params: list[str], metric: str, seed: str | None) -> Any:
    keys = ", ".join(_quote(p) for p in params)
    if seed is not None:  # unordered: the Sweep orders each configuration's runs by seed
        scores = f"list({{'s': {_quote(seed)}, 'a': {_quote(metric)}}})"
    else:  # runs without seeds have no order; by score keeps parallel runs deterministic
        scores = f"list({_quote(metric)} ORDER BY {_quote(metric)})"
    sql = f"SELECT {keys}, {scores} AS {_SCORES} FROM sweepwalk_source GROUP BY {keys}"
    return relation.query("sweepwalk_source", sql).arrow().read_all()


def _reduce_polars(lazy: Any, params: list[str], metric: str, seed: str | None) -> Any:
    pl = require("polars", "polars", "sweepwalk.io")
    if seed is not None:
        scores = pl.struct(pl.col(seed).alias("s"), pl.col(metric).alias("a"))
    else:
        scores = pl.col(metric).sort()
    return lazy.group_by(params).agg(scores.alias(_SCORES)).collect().to_arrow()


def _parquet_relation(path: Path) -> Any:
    duckdb = require("duckdb", "duckdb", "reading Parquet folders")
    pattern = str(path / "**" / "*.parquet") if path.is_dir() else str(path)
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    # partition values as text (no autocast), typed exactly by to_pandas_runs
    literal = "'" + pattern.replace("'", "''") + "'"
    hive = "true" if path.is_dir() else "false"
    return con.sql(
        f"SELECT * FROM read_parquet({literal}, hive_partitioning={hive}, "
        "hive_types_autocast=false)"
    )


@named_faults("the runs")
def to_pandas_runs(
    obj: Any,
    *,
    metric: str,
    seed: str | None = None,
    params: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Read runs from any frame-like source into a long pandas DataFrame, one row per run.

    Only the parameter, seed and metric columns are kept. Lazy sources are grouped by their own
    engine first (see the module doc).

    Parameters
    ----------
    obj : DataFrame-like, str or pathlib.Path
        A pandas DataFrame; anything with ``__arrow_c_stream__`` (polars DataFrame, pyarrow
        Table, DuckDB result); a polars LazyFrame; a DuckDB relation; a ``.parquet`` file or a
        folder of Parquet files (hive partitions such as ``lr=0.01/`` become columns, read by
        DuckDB; partition values typed as data: numbers where every value parses, integers
        exact).
    metric : str
        The score column.
    seed : str, optional
        The seed column.
    params : list of str, optional
        The parameter columns; by default every column but ``metric``, ``seed`` and ``config``.

    Returns
    -------
    pandas.DataFrame
        Columns ``params``, then ``seed``, then ``metric``. Rows from lazy sources come grouped
        by configuration; within one, with a seed in the engine's order (the Sweep orders them
        by seed), without one by score (such runs have no order; a fixed one keeps the result
        deterministic under parallel engines).

    Examples
    --------
    >>> import polars as pl  # doctest: +SKIP
    >>> runs = to_pandas_runs(pl.scan_parquet("runs/"), metric="acc", seed="seed")  # doctest: +SKIP
    """
    if isinstance(obj, (str, Path)):
        path = Path(obj).expanduser()
        runs = _runs(_parquet_relation(path), metric=metric, seed=seed, params=params)
        for key in _hive_keys(path) & set(runs.columns):
            runs[key] = numbers_where_all_parse(runs[key])
        return runs
    return _runs(obj, metric=metric, seed=seed, params=params)


def _hive_keys(path: Path) -> set[str]:
    """Return the hive partition keys of a Parquet folder (``lr=0.01/`` -> ``lr``)."""
    if not path.is_dir():
        return set()
    return {
        part.split("=", 1)[0]
        for file in path.rglob("*.parquet")
        for part in file.relative_to(path).parts[:-1]
        if "=" in part
    }


def _runs(obj: Any, *, metric: str, seed: str | None, params: Sequence[str] | None
          ) -> pd.DataFrame:  # fmt: skip
    keep = [seed] if seed is not None else []
    if isinstance(obj, pd.DataFrame):
        cols = _columns(list(obj.columns), metric, seed, params)
        _check(list(obj.columns), [*cols, *keep, metric], "metric/seed/params")
        runs: pd.DataFrame = obj.loc[:, [*cols, *keep, metric]]
        return runs
    kind = type(obj).__module__.split(".")[0]
    if kind == "polars" and type(obj).__name__ == "LazyFrame":
        names = list(obj.collect_schema().names())
        cols = _columns(names, metric, seed, params)
        _check(names, [*cols, *keep, metric], "metric/seed/params")
        return _expand(_reduce_polars(obj, cols, metric, seed), cols, metric, seed)
    if kind in ("duckdb", "_duckdb") and hasattr(obj, "query"):
        names = list(obj.columns)
        cols = _columns(names, metric, seed, params)
        _check(names, [*cols, *keep, metric], "metric/seed/params")
        return _expand(_reduce_duckdb(obj, cols, metric, seed), cols, metric, seed)
    if hasattr(obj, "__arrow_c_stream__"):
        pa = require("pyarrow", "arrow", "sweepwalk.io")
        table = pa.table(obj)
        cols = _columns(table.column_names, metric, seed, params)
        _check(table.column_names, [*cols, *keep, metric], "metric/seed/params")
        return _to_pandas(table.select([*cols, *keep, metric]))
    raise TypeError(
        "expected a pandas DataFrame, an object with __arrow_c_stream__ (polars, pyarrow, "
        "DuckDB), a polars LazyFrame, a DuckDB relation or a Parquet path; got "
        f"{type(obj).__name__}."
    )


def describe(obj: Any) -> str:
    """How a frame-like source is named in ``runs.attrs["source"]``."""
    if isinstance(obj, (str, Path)):
        return f"Parquet {str(obj)!r}"
    kind = type(obj)
    return f"{kind.__module__.split('.')[0]} {kind.__name__}"


def from_frame(
    obj: Any,
    *,
    metric: str,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
    source: str | None = None,
) -> Sweep:
    """Build a sweep from any frame-like source, as :meth:`Sweep.from_runs` does from pandas.

    ``obj`` is anything :func:`to_pandas_runs` reads (Arrow streams, polars, DuckDB, Parquet files
    and folders). Like every reader it records what it did in ``sweep.runs.attrs["source"]``:
    inferred parameters leave out run-level columns (a different value in nearly every run: names,
    times, other metrics) and say so; ``goal=None`` is read from the metric's name (a loss, error...
    is minimised). ``source`` names the input there (by default its kind).

    Examples
    --------
    >>> sweep = from_frame("runs/", metric="acc", seed="seed")  # a Parquet folder  # doctest: +SKIP
    """
    runs = to_pandas_runs(obj, metric=metric, seed=seed, params=params)
    return build(
        runs,
        source=source if source is not None else describe(obj),
        metric=metric,
        params=params,
        seed=seed,
        goal=v.check_goal(goal) if goal is not None else None,
        min_runs=min_runs,
        bins=bins,
    )
