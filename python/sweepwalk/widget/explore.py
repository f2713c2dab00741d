"""The one call a notebook user makes: :func:`explore` a sweep as a :class:`SweepWidget`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..analysis.settings import DEFAULTS
from ..session.inputs import as_sweep
from ..sweep import Sweep
from .widget import BACKGROUND_SECONDS, PENDING_SECONDS, SweepWidget
from .window import WINDOW_ROWS

__all__ = ["explore"]


def explore(
    data: pd.DataFrame | Sweep,
    *,
    metric: str | None = None,
    params: list[str] | None = None,
    seed: str | None = None,
    goal: str | None = None,
    bins: dict[Any, int | str] | None = None,
    test: str = DEFAULTS.test,
    correction: str = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    against: str = DEFAULTS.against,
    neighbors: str = DEFAULTS.neighbors,
    target: int | dict[Any, Any] | None = None,
    error_control: str = DEFAULTS.error_control,
    prefetch: bool | None = None,
    background_seconds: float = BACKGROUND_SECONDS,
    pending_seconds: float = PENDING_SECONDS,
    window_rows: int = WINDOW_ROWS,
) -> SweepWidget:
    """Explore a sweep in a notebook: a grid where a click makes a row the target.

    Scores are one float per seed per configuration. Each change of target, test, correction,
    alpha or scope recomputes :meth:`Sweep.compare` in the kernel and repaints the grid.

    Parameters
    ----------
    data : DataFrame-like, Parquet path or Sweep
        Long-format runs (one row per run; then ``metric`` is required): pandas, anything with
        ``__arrow_c_stream__`` (polars, pyarrow, DuckDB), a polars LazyFrame, a DuckDB
        relation, a Parquet file or folder; or a :class:`Sweep`.
    metric, params, seed, goal, bins
        Passed to :func:`sweepwalk.io.from_frame` (as :meth:`Sweep.from_runs` takes them; the
        goal by default from the metric's name) when ``data`` is runs; a :class:`Sweep` keeps
        its own (an explicit ``goal="min"`` on a ``"max"`` sweep is an error).
    test, correction, alpha, against, neighbors
        The initial comparison settings, as in :meth:`Sweep.compare`.
    target : int or dict, optional
        Config id or parameter values of the first target; default: the configuration with the
        best mean (by ``goal``) among those with at least ``min_runs`` scores.
    error_control : {"per-target", "walk"}, default "per-target"
        The rule that decides the statuses shown (see :class:`SweepWidget`).
    prefetch, background_seconds, pending_seconds
        The widget's work in worker threads (see :class:`SweepWidget`).
    window_rows : int, default 50,000
        Above this many configurations the grid gets its rows a window at a time, as it
        scrolls (see :class:`SweepWidget`).

    Returns
    -------
    SweepWidget
        Display it (last expression of a cell); read ``w.target``, ``w.path``, ``w.results``,
        ``w.selection`` back in Python, or walk on without the widget with ``w.session``.

    Examples
    --------
    >>> import sweepwalk
    >>> runs = sweepwalk.datasets.load_demo()
    >>> w = sweepwalk.explore(runs, metric="accuracy", seed="seed",
    ...                       params=["solver", "momentum", "learning_rate_init"])  # doctest: +SKIP
    """
    sweep = as_sweep(data, metric=metric, params=params, seed=seed, goal=goal, bins=bins)
    return SweepWidget(
        sweep, target=target, test=test, correction=correction, alpha=alpha, against=against,
        neighbors=neighbors, error_control=error_control, prefetch=prefetch,
        background_seconds=background_seconds, pending_seconds=pending_seconds,
        window_rows=window_rows,
    )  # fmt: skip
