"""What every source adapter shares: the record of what it inferred and the conventions.

Every adapter reduces its source to a long DataFrame, one row per run (configuration x seed):
the parameter columns, the seed column (if any) and the metric column, and builds the sweep with
:meth:`Sweep.from_runs`. The record of how it did so (:class:`SourceInfo`) travels with the
runs: ``sweep.runs.attrs["source"]``; the parameters the source knows to be log-scaled are in
``sweep.runs.attrs["log_scale"]``.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar
from urllib.parse import unquote, urlparse

import numpy as np
import pandas as pd

from .._vocab import MINIMIZE_WORDS, goal_from_name  # noqa: F401 (the names readers document)
from ..data.source import SourceInfo
from ..sweep import Sweep
from ..validation import arguments as v

logger = logging.getLogger("sweepwalk.io")

#: Parameter names taken to be the seed (compared lower-case, on the last dotted component).
SEED_NAMES = ("seed", "random_seed", "random_state", "rng_seed", "seed_value", "run_seed")


class SourceError(ValueError):
    """A source that cannot be read (missing, corrupt, locked, unreachable), named in one line."""


#: Libraries whose exceptions mean the store or file is at fault, not the caller's arguments.
_STORE_MODULES = frozenset(
    {"sqlalchemy", "alembic", "sqlite3", "duckdb", "_duckdb", "yaml", "json", "mlflow", "optuna",
     "requests", "urllib3", "http", "socket", "ssl", "google", "tensorboard", "pyarrow",
     "polars", "zlib", "struct", "pandas"}
)  # fmt: skip
_F = TypeVar("_F", bound=Callable[..., Any])


def one_line(exc: BaseException) -> str:
    """Return an exception as one line: its type and the first line of its message."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def named_faults(what: str) -> Callable[[_F], _F]:
    """Turn a store library's exception into one :class:`SourceError` naming the source.

    A corrupt, locked or unreachable store raises whatever its library raises (SQLAlchemy,
    DuckDB, YAML, MLflow...); the reader says instead which source it could not read.
    """

    def wrap(fn: _F) -> _F:
        @functools.wraps(fn)
        def read(*args: Any, **kwargs: Any) -> Any:
            try:
                return fn(*args, **kwargs)
            except SourceError:
                raise
            except Exception as exc:
                if type(exc).__module__.split(".")[0] not in _STORE_MODULES:
                    raise
                name = args[0] if args else next(iter(kwargs.values()), "")
                name = str(name) if isinstance(name, Path) else name
                where = kwargs.get("tracking_uri") or kwargs.get("storage")
                shown = f"{name!r}" + (f" at {where!r}" if where else "")
                raise SourceError(f"cannot read {what} {shown}: {one_line(exc)}") from None

        return read  # type: ignore[return-value]

    return wrap


def check_local_store(uri: str, what: str, *, folders: bool = False) -> None:
    """Refuse a local store that does not exist, which the library would create empty.

    ``sqlite:///path`` must name an existing file; with ``folders``, a plain path or
    ``file:`` URI (MLflow's file store) an existing folder. Servers are not checked here.
    """
    parsed = urlparse(uri)
    if parsed.scheme.startswith("sqlite"):
        # SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db; a query may follow
        _, sep, rest = uri.partition(":///")
        path = unquote(rest.split("?", 1)[0]) if sep else ""
        if ":memory:" in uri or not path:
            return
        if not Path(path).is_file():
            raise SourceError(
                f"no {what} at {uri!r}: the file {path!r} does not exist (a read never creates "
                "one; check the path)."
            )
        _probe_sqlite(Path(path), uri, what)
    elif folders and parsed.scheme in ("", "file"):
        path = unquote(parsed.path) if parsed.scheme == "file" else uri
        if not Path(path).expanduser().is_dir():
            raise SourceError(f"no {what} at {uri!r}: no folder {path!r}.")


#: Seconds a read waits for a SQLite store another process holds locked (MLflow's own retries
#: would wait 20 s and log a traceback).
SQLITE_WAIT = 2.0


def _probe_sqlite(path: Path, uri: str, what: str) -> None:
    """Open the store read-only once: a locked or corrupt file is said in one line, quickly."""
    import sqlite3

    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_WAIT)
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error as exc:
        kind = "locked by another process" if "locked" in str(exc) else "not readable"
        raise SourceError(f"the {what} at {uri!r} is {kind}: {one_line(exc)}") from None


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import an optional dependency, or raise an ImportError naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{what} needs the optional dependency {module.split('.')[0]!r}, which is not "
            f"installed: pip install sweepwalk[{extra}]"
        ) from exc


def is_seed_name(name: Hashable) -> bool:
    """Whether a column name reads as a seed (``seed``, ``trainer.seed``, ``random_state``...)."""
    return str(name).lower().rsplit(".", 1)[-1].rsplit("/", 1)[-1] in SEED_NAMES


def flatten(mapping: Mapping[str, Any], sep: str = ".", prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings: ``{"model": {"width": 64}}`` -> ``{"model.width": 64}``."""
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{sep}{key}" if prefix else str(key)
        if isinstance(value, Mapping):
            out.update(flatten(value, sep, name))
        else:
            out[name] = value
    return out


def hashable(value: Any) -> Any:
    """Turn lists (e.g. ``layers=[64, 64]``) into tuples, which can be parameter values."""
    if isinstance(value, list):
        return tuple(hashable(x) for x in value)
    return value


_MISSING_TEXT = {"", "none", "null", "nan"}
_INT64 = (-(2**63), 2**63)


def exact_integers(texts: Sequence[str], index: pd.Index, absent: pd.Series) -> pd.Series:
    """Read integers written as text exactly.

    int64 (uint64, else Python ints) when none is absent; with absent values float64 only while
    every one is within 2**53, else object.
    """
    ints = [int(x) for x in texts]
    if not absent.any():
        if all(_INT64[0] <= i < _INT64[1] for i in ints):
            return pd.Series(ints, index=index, dtype=np.int64)
        if all(0 <= i < 2**64 for i in ints):
            return pd.Series(ints, index=index, dtype=np.uint64)
        big: pd.Series[Any] = pd.Series(ints, index=index, dtype=object)
        return big
    out = pd.Series([None] * len(index), index=index, dtype=object)
    out[~absent.to_numpy()] = ints
    if all(abs(i) <= 2**53 for i in ints):
        return out.astype(np.float64)
    return out


def numbers_where_all_parse(col: pd.Series) -> pd.Series:
    """Return a text column as numbers if every present value parses as one, else unchanged.

    Trackers such as MLflow store every parameter as text, and text sorts ``'0.0001' < '0.001' <
    '1e-05'``: the neighbours would be wrong. ``"None"``, ``"nan"`` and empty strings count as
    absent. Integers stay integers and exact (int64, or Python ints beyond 64 bits; float64 if
    some are absent and all are within 2**53); ``"True"``/``"False"`` become bools.
    """
    if col.dtype != object and not pd.api.types.is_string_dtype(col.dtype):
        return col
    present = col.map(lambda x: x is not None and not (isinstance(x, float) and np.isnan(x)))
    if not all(isinstance(x, str) for x in col[present]):
        return col
    text = col[present].str.strip()
    text = text[~text.str.lower().isin(_MISSING_TEXT)]
    if text.empty:
        return col
    if text.isin(["True", "False", "true", "false"]).all():
        return col.map(lambda x: {"true": True, "false": False}.get(str(x).strip().lower()))
    if text.str.fullmatch(r"[+-]?\d+").all():
        absent = pd.Series(True, index=col.index)
        absent[text.index] = False
        return exact_integers(text.tolist(), col.index, absent)
    parsed = pd.to_numeric(text, errors="coerce")
    if parsed.isna().any():
        return col
    out: pd.Series[Any] = pd.Series(np.nan, index=col.index, dtype=np.float64)
    out[text.index] = parsed.astype(np.float64)
    return out


def is_text_column(col: pd.Series) -> bool:
    """Whether a column holds text (object or pandas' string dtype), not numbers or bools."""
    return not (pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype))


def run_level_columns(
    frame: pd.DataFrame, candidates: Iterable[Hashable], *, keep: Iterable[Hashable] = ()
) -> dict[Hashable, str]:
    """Columns that take a different value in (nearly) every run, with why, by name.

    Names, ids, folders, timestamps, durations and second metrics do; a hyperparameter repeats
    across the seeds of its configuration, so taking one of these for a parameter would make
    every configuration a single run. Columns in ``keep`` (given for binning) are never named;
    under 6 present values a column is too small to tell.
    """
    return v.run_level_columns(frame, candidates, keep=keep)


def single_run_note(frame: pd.DataFrame, params: Sequence[Hashable]) -> str | None:
    """Return a note when every configuration holds one run, naming the likely culprit."""
    if len(frame) < 2 or not params:
        return None
    keys = frame.loc[:, list(params)].map(lambda x: repr(hashable(x)))
    if keys.duplicated().any():
        return None
    counts = {p: keys[p].nunique() for p in params}
    culprit = max(counts, key=lambda p: counts[p])
    return (
        f"every configuration has a single run ({len(frame)} runs): no test can compare them; "
        f"likely culprit: {culprit!r} ({counts[culprit]} different values), a run-level "
        "column rather than a hyperparameter; pass params= without it"
    )


def metric_apart(
    records: Sequence[tuple[dict[str, Any], dict[str, Any]]], metric: str, notes: list[str]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Rename a parameter named like the metric to ``config.<name>``, so both keep their values."""
    if not any(metric in p for p, _ in records):
        return list(records)
    renamed = f"config.{metric}"
    if any(renamed in p for p, _ in records):
        raise ValueError(
            f"the metric {metric!r} and the parameters {metric!r} and {renamed!r} share names; "
            "pass another `metric=` or rename the parameters at the source."
        )
    notes.append(f"parameter {metric!r} renamed {renamed!r}: the metric has that name (both kept)")
    return [({(renamed if k == metric else k): x for k, x in p.items()}, m) for p, m in records]


def pick(candidates: Sequence[str], given: str | None, what: str, argument: str) -> str:
    """Return the one candidate, or the given one if among them; else raise, listing them."""
    if given is not None:
        if given not in candidates:
            raise ValueError(
                f"`{argument}`={given!r} is not among the {what}: {sorted(candidates)}."
            )
        return given
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise ValueError(f"found no {what}; pass `{argument}=`.")
    raise ValueError(
        f"found several {what}: {sorted(candidates)}; pass `{argument}=` to choose one."
    )


def build(
    frame: pd.DataFrame,
    *,
    source: str,
    metric: str,
    params: Sequence[str] | None,
    seed: str | None,
    goal: str | None,
    min_runs: int,
    bins: dict[str, int | str] | None = None,
    inferred: Iterable[str] = (),
    dropped: Mapping[str, int] | None = None,
    log_scale: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> Sweep:
    """Build the sweep from an adapter's long frame and attach the :class:`SourceInfo`.

    ``params=None`` takes every column but the metric and the seed. ``goal=None`` is read from
    the metric's name (:func:`goal_from_name`) and noted as inferred.
    """
    inferred = list(inferred)
    notes = list(notes)
    if params is None:
        params = [c for c in frame.columns if c != metric and c != seed]
        inferred.append("params")
    if goal is None:
        goal = goal_from_name(metric)
        inferred.append("goal")
        notes.append(f"goal {goal!r} from the metric's name; pass goal= if that is wrong")
    if seed is None:
        notes.append("no seed found: runs of a configuration are unordered (no paired tests)")
    params = list(params)
    if "params" in inferred:
        params, left = leave_out_run_level(frame, params, bins)
        notes += left
    columns = [*params, *([seed] if seed is not None else []), metric]
    unknown = [c for c in columns if c not in frame.columns]
    if unknown:
        raise ValueError(
            f"{source} has no {unknown}; its columns are {list(frame.columns)} "
            "(check `params`, `seed` and `metric`)."
        )
    frame = frame.loc[:, list(dict.fromkeys(columns))]
    for name in params:
        frame[name] = frame[name].map(hashable) if frame[name].dtype == object else frame[name]
    single = single_run_note(frame, params)
    if single is not None:
        notes.append(single)
    info = SourceInfo(
        source=source,
        metric=metric,
        params=tuple(params),
        seed=seed,
        goal=goal,
        n_runs=len(frame),
        dropped={k: n for k, n in (dropped or {}).items() if n},
        inferred=tuple(dict.fromkeys(inferred)),
        log_scale=tuple(p for p in dict.fromkeys(log_scale) if p in params),
        notes=tuple(notes),
    )
    frame.attrs["source"] = info
    frame.attrs["log_scale"] = info.log_scale
    sweep = Sweep.from_runs(
        frame,
        metric=metric,
        params=params,
        seed=seed,
        goal=v.check_goal(goal),
        min_runs=min_runs,
        bins=bins,
    )
    logger.info("%s", info)
    return sweep


def leave_out_run_level(
    frame: pd.DataFrame, params: Sequence[str], bins: Mapping[str, Any] | None
) -> tuple[list[str], list[str]]:
    """Inferred parameters without the run-level columns, and the note that names them."""
    left = run_level_columns(frame, params, keep=bins or ())
    if not left:
        return list(params), []
    why = "; ".join(f"{c!r}: {reason}" for c, reason in left.items())
    note = (
        f"left out of the parameters as run-level columns (names, ids, times or other "
        f"metrics; a parameter repeats across seeds): {why}; pass params= or bins= to use one"
    )
    return [p for p in params if p not in left], [note]


def source_info(sweep: Sweep) -> SourceInfo | None:
    """Return the :class:`SourceInfo` of a sweep read by an adapter, or None."""
    info = sweep.runs_attrs.get("source")
    return info if isinstance(info, SourceInfo) else None


def seed_column(columns: Iterable[str], given: str | None, inferred: list[str]) -> str | None:
    """Return the given seed column, or the one column named like a seed (None if not one)."""
    if given is not None:
        return given
    found = [c for c in columns if is_seed_name(c)]
    if len(found) == 1:
        inferred.append("seed")
        return found[0]
    return None


def is_plain_number(x: Any) -> bool:
    """Whether ``x`` is an int or a float (bools are not scores)."""
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def sweep_from_records(
    records: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    *,
    source: str,
    metric: str | None,
    seed: str | None,
    params: Sequence[str] | None,
    goal: str | None,
    min_runs: int,
    bins: dict[str, int | str] | None = None,
    dropped: Mapping[str, int],
    metric_keys: Iterable[str] | None = None,
    notes: Iterable[str] = (),
    typed: bool = False,
) -> Sweep:
    """Build the sweep from (parameters, metrics) pairs, one per run.

    The metric is ``metric``, or the one numeric key of the metrics (of ``metric_keys`` if
    given); text parameters become numbers where every value parses, unless ``typed`` (the
    source already gave each value its type). A parameter named like the metric is renamed
    ``config.<name>`` (:func:`metric_apart`).
    """
    inferred: list[str] = []
    if metric is None:
        inferred.append("metric")
    candidates = sorted(
        set(metric_keys) if metric_keys is not None
        else {k for _, m in records for k, x in m.items() if is_plain_number(x)}
    )  # fmt: skip
    metric = pick(candidates, metric, "metrics", "metric")
    notes = list(notes)
    records = metric_apart(records, metric, notes)
    param_names = list(dict.fromkeys(k for p, _ in records for k in p))
    seed = seed_column(param_names, seed, inferred)
    rows = [{**p, metric: m.get(metric, np.nan)} for p, m in records]
    frame = pd.DataFrame.from_records(rows, columns=list(dict.fromkeys([*param_names, metric])))
    for name in param_names if not typed else ():
        frame[name] = numbers_where_all_parse(frame[name])
    if params is None:
        params = [p for p in param_names if p != seed and p != metric]
        inferred.append("params")
    return build(
        frame,
        source=source,
        metric=metric,
        params=params,
        seed=seed,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        inferred=inferred,
        dropped=dropped,
        notes=notes,
    )
