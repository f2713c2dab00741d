"""Read an MLflow experiment: one run per FINISHED run that is not the parent of nested runs."""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..sweep import Sweep
from ._common import (
    build,
    check_local_store,
    is_text_column,
    named_faults,
    numbers_where_all_parse,
    pick,
    require,
    seed_column,
)

_PARENT_TAG = "mlflow.parentRunId"


#: How long one request to a tracking server may take, and how often it is retried, unless the
#: environment says otherwise: MLflow's own defaults retry an unreachable server for minutes.
_HTTP_LIMITS = {"MLFLOW_HTTP_REQUEST_TIMEOUT": "5", "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"}


@contextlib.contextmanager
def _quick_http() -> Iterator[None]:
    """Lower MLflow's HTTP timeout and retries for the read, unless the user set them."""
    added = {k: x for k, x in _HTTP_LIMITS.items() if k not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def _experiment_ids(client: Any, experiment: Any) -> list[str]:
    wanted = experiment if isinstance(experiment, (list, tuple)) else [experiment]
    ids = []
    for x in wanted:
        found = client.get_experiment_by_name(str(x))
        if found is None and str(x).isdigit():
            try:
                found = client.get_experiment(str(x))
            except Exception:  # MlflowException: no such id
                found = None
        if found is None:
            names = sorted(e.name for e in client.search_experiments())
            raise ValueError(f"no MLflow experiment named or numbered {x!r}; there are {names}.")
        ids.append(found.experiment_id)
    return ids


def _all_runs(client: Any, ids: list[str], page_size: int) -> list[Any]:
    """Every run of the experiments, page after page (search_runs caps one page)."""
    runs: list[Any] = []
    token = None
    while True:
        page = client.search_runs(ids, max_results=page_size, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            return runs


def _finished(runs: list[Any]) -> tuple[list[Any], Counter[str]]:
    """Return the FINISHED runs that are not parents of nested runs, and the others counted."""
    parents = {r.data.tags.get(_PARENT_TAG) for r in runs} - {None}
    dropped: Counter[str] = Counter()
    kept = []
    for r in runs:
        if r.info.run_id in parents:
            dropped["parent of nested runs"] += 1
        elif r.info.status != "FINISHED":
            dropped[r.info.status.lower()] += 1
        else:
            kept.append(r)
    return kept, dropped


def _as_numbers(frame: pd.DataFrame, names: list[str]) -> list[str]:
    """Make numeric (in place) each column whose every value parses; return their names."""
    converted = []
    for name in names:
        frame[name] = numbers_where_all_parse(frame[name])
        if not is_text_column(frame[name]):
            converted.append(name)
    return converted


@named_faults("the MLflow experiment")
def from_mlflow(
    experiment: str | int | Sequence[str | int],
    *,
    tracking_uri: str | None = None,
    metric: str | None = None,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
    page_size: int = 1000,
) -> Sweep:
    """Build a sweep from the runs of an MLflow experiment.

    Each FINISHED run gives one score, the latest value of ``metric``. Runs that are not FINISHED,
    and parent runs of nested runs (their children are the runs), are left out and counted in
    ``sweep.runs.attrs["source"].dropped``. MLflow stores parameters as text; a parameter whose
    every value parses as a number becomes numeric (else ``'0.0001' < '0.001' < '1e-05'`` would
    order the neighbours wrongly).

    Parameters
    ----------
    experiment : str, int or list of them
        Experiment names or ids.
    tracking_uri : str, optional
        E.g. ``"sqlite:///mlflow.db"``, ``"http://localhost:5000"``; by default MLflow's own
        (``MLFLOW_TRACKING_URI``).
    metric : str, optional
        The metric; needed when the runs log several.
    seed : str, optional
        The seed parameter; by default the one parameter named like a seed (``seed``...).
    params : list of str, optional
        The parameter columns; by default every parameter except the seed.
    goal : {"max", "min"}, optional
        By default ``"min"`` if the metric's name says loss/error/..., else ``"max"``.
    min_runs : int, default 3
    page_size : int, default 1000
        Runs asked per search request; every page is read.

    bins : dict, optional
        Continuous parameters to bin into intervals, e.g. ``{"lr": 8, "weight_decay": "auto"}``
        (random or Bayesian search); see :meth:`Sweep.from_runs`. Parameters the source knows
        to be log-scaled get log-spaced bins.

    Returns
    -------
    Sweep
        ``sweep.runs.attrs["source"]`` says what was inferred.

    Examples
    --------
    >>> sweep = from_mlflow("lr-sweep", tracking_uri="sqlite:///mlflow.db")  # doctest: +SKIP
    """
    mlflow = require("mlflow", "mlflow", "from_mlflow")
    uri = tracking_uri if tracking_uri is not None else mlflow.get_tracking_uri()
    check_local_store(str(uri), "MLflow store", folders=True)
    with _quick_http():
        client = mlflow.MlflowClient(tracking_uri=uri)
        ids = _experiment_ids(client, experiment)
        runs = _all_runs(client, ids, page_size)
    kept, dropped = _finished(runs)
    inferred: list[str] = []
    metric_names = sorted({m for r in kept for m in r.data.metrics})
    if metric is None:
        inferred.append("metric")
    metric = pick(metric_names, metric, "metrics of the runs", "metric")
    notes = []
    renamed = f"config.{metric}"
    param_of = {p: (renamed if p == metric else p) for r in kept for p in r.data.params}
    if metric in param_of:
        if renamed in param_of:
            raise ValueError(
                f"the metric {metric!r} and the parameters {metric!r} and {renamed!r} share "
                "names; pass another `metric=`."
            )
        notes.append(f"parameter {metric!r} renamed {renamed!r}: the metric has that name")
    param_names = list(dict.fromkeys(param_of[p] for r in kept for p in sorted(r.data.params)))
    seed = seed_column(param_names, seed, inferred)
    if seed is not None and seed not in param_names:
        raise ValueError(f"`seed`={seed!r} is not a parameter of the runs: {param_names}.")
    rows = [
        {**{param_of[p]: x for p, x in r.data.params.items()},
         metric: r.data.metrics.get(metric, np.nan)}
        for r in kept
    ]  # fmt: skip
    frame = pd.DataFrame.from_records(rows, columns=[*param_names, metric])
    converted = _as_numbers(frame, param_names)
    if converted:
        notes.append(f"parameters read as numbers: {converted}")
    if params is None:
        params = [p for p in param_names if p != seed]
        inferred.append("params")
    shown = list(experiment) if isinstance(experiment, (list, tuple)) else experiment
    return build(
        frame,
        source=f"mlflow experiment {shown!r}",
        metric=metric,
        params=params,
        seed=seed,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        inferred=inferred,
        dropped=dict(dropped),
        notes=notes,
    )
