"""What a session starts from: the data as a Sweep, and the first target.

Scores are one float per seed per configuration.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..sweep import Sweep
from ..validation import arguments as v

__all__ = ["as_sweep", "default_target"]


def default_target(sweep: Sweep) -> int:
    """Return the config with the best mean (by ``goal``) among those with ``n >= min_runs``.

    Falls back to every configuration with a finite mean, then to config 0.
    """
    configs = sweep.configs
    means = configs["mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    if sweep.goal == "min":
        means = -means
    eligible = (configs["n"].to_numpy() >= sweep.min_runs) & np.isfinite(means)
    if not eligible.any():
        eligible = np.isfinite(means)
    if not eligible.any():
        return 0
    return int(np.argmax(np.where(eligible, means, -np.inf)))


def as_sweep(
    data: Any,
    *,
    metric: Hashable | None = None,
    params: Sequence[Hashable] | None = None,
    seed: Hashable | None = None,
    goal: str | None = None,
    bins: Mapping[Any, int | str] | None = None,
) -> Sweep:
    """Return ``data`` as a :class:`Sweep`: runs are loaded, a Sweep is kept.

    Scores are one float per seed per configuration. ``data`` is a Sweep or anything
    :func:`sweepwalk.io.from_frame` reads: a pandas DataFrame, anything with
    ``__arrow_c_stream__`` (polars, pyarrow, a DuckDB result), a polars LazyFrame, a DuckDB
    relation, a Parquet file or folder. ``metric`` (then required), ``params``, ``seed``,
    ``goal`` and ``bins`` go to it, and the runs record how they were read
    (``sweep.runs.attrs["source"]``); inferred parameters are those :meth:`Sweep.from_runs`
    would infer (a column that looks like a second metric is refused by name). A Sweep
    already defines them, so they are refused with one (except its own ``goal``).
    """
    from ..io import from_frame

    if isinstance(data, Sweep):
        given = {"metric": metric, "params": params, "seed": seed, "bins": bins}
        extra = [k for k, x in given.items() if x is not None]
        if extra:
            raise TypeError(
                f"{', '.join(f'`{k}`' for k in extra)} only apply when `data` is a DataFrame; "
                "the Sweep already defines them."
            )
        if goal is not None and goal != data.goal:
            raise ValueError(
                f"`goal`={goal!r} differs from the Sweep's goal {data.goal!r}; build the Sweep "
                f"with goal={goal!r} instead."
            )
        return data
    if not _frame_like(data):
        raise TypeError(
            "`data` must be a DataFrame of long-format runs (pandas; anything with "
            "__arrow_c_stream__: polars, pyarrow, DuckDB; a polars LazyFrame, a DuckDB "
            f"relation, a Parquet path) or a sweepwalk.Sweep, got {type(data).__name__}."
        )
    eager = isinstance(data, pd.DataFrame) or v.is_arrow_stream(data)
    if metric is None:
        shown = (
            f"; the columns are {[str(c) for c in v.check_frame(data).columns]}" if eager else ""
        )
        raise TypeError(
            "`metric` is required when `data` is a DataFrame: name the score column, e.g. "
            f"explore(df, metric=...){shown}."
        )
    kind = type(data)  # as from_frame names it, before a polars or Arrow frame becomes pandas
    source = f"{kind.__module__.split('.')[0]} {kind.__name__}" if eager else None
    if eager:  # the checks and messages of from_runs, the inferred parameters included
        frame = v.check_frame(data)
        v.check_column(frame, metric, "metric")
        if seed is not None:
            v.check_column(frame, seed, "seed")
        exclude = [metric] if seed is None else [metric, seed]
        if params is None:  # a second metric is refused by name, not left out
            params = v.infer_params(frame, exclude=exclude, allow=bins or ())
        params = v.check_params(frame, params, metric=metric, seed=seed)
        data = frame
    return from_frame(
        data, metric=metric, params=params, seed=seed,  # type: ignore[arg-type]
        goal=None if goal is None else v.check_goal(goal), bins=bins,  # type: ignore[arg-type]
        source=source,
    )  # fmt: skip


def _frame_like(data: Any) -> bool:
    """Whether ``data`` is something :func:`sweepwalk.io.from_frame` reads."""
    if isinstance(data, (pd.DataFrame, str, Path)) or v.is_arrow_stream(data):
        return True
    kind = type(data)
    module = kind.__module__.split(".")[0]
    return (module == "polars" and kind.__name__ == "LazyFrame") or (
        module in ("duckdb", "_duckdb") and hasattr(data, "query")
    )
