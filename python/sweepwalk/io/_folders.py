"""Read sweeps kept as folders of files: Ray Tune experiments and Hydra multiruns.

Neither reader needs Ray or Hydra installed: they read the files those tools write.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..sweep import Sweep
from ._common import flatten, is_plain_number, require, sweep_from_records

#: Keys Ray Tune adds to every result; they are bookkeeping, not metrics.
RAY_RESULT_KEYS = frozenset(
    {"training_iteration", "time_this_iter_s", "time_total_s", "time_since_restore",
     "timesteps_since_restore", "iterations_since_restore", "timesteps_total", "episodes_total",
     "timestamp", "done", "pid", "hostname", "node_ip", "trial_id", "experiment_id", "date",
     "experiment_tag", "checkpoint_dir_name", "should_checkpoint", "config", "warmup_time"}
)  # fmt: skip


def _last_json_line(path: Path) -> dict[str, Any] | None:
    """Parse the last non-empty line of a JSON-lines file; None if there is none."""
    if not path.is_file():
        return None
    last = None
    with path.open("rb") as f:
        for line in f:
            if line.strip():
                last = line
    return json.loads(last) if last is not None else None


def from_ray_tune(
    path_or_result_grid: str | Path | Any,
    *,
    metric: str | None = None,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    """Build a sweep from a Ray Tune experiment: one run per trial, its last reported result.

    Scores are one float per seed per configuration. From a folder, each trial folder's
    ``params.json`` gives the parameters (nested configs flattened with dots: ``model.width``)
    and the last line of its ``result.json`` the metrics; Ray is not needed. Trials that errored
    (an ``error.txt``) or reported nothing are left out and counted.

    Parameters
    ----------
    path_or_result_grid : str, pathlib.Path or ray.tune.ResultGrid
        The experiment folder (``~/ray_results/<name>``) or the grid ``Tuner.fit()`` returned.
    metric : str, optional
        A reported metric; needed when trials report several (Ray's own keys such as
        ``training_iteration`` are not candidates).
    seed : str, optional
        The seed parameter; by default the one named like a seed.
    params : list of str, optional
        By default every parameter except the seed.
    goal : {"max", "min"}, optional
        By default from the metric's name (loss, error... -> ``"min"``).
    min_runs : int, default 3

    bins : dict, optional
        Continuous parameters to bin into intervals, e.g. ``{"lr": 8, "weight_decay": "auto"}``
        (random or Bayesian search); see :meth:`Sweep.from_runs`. Parameters the source knows
        to be log-scaled get log-spaced bins.

    Returns
    -------
    Sweep

    Examples
    --------
    >>> sweep = from_ray_tune("~/ray_results/exp", metric="acc", goal="max")  # doctest: +SKIP
    """
    dropped: Counter[str] = Counter()
    records: list[tuple[dict[str, Any], dict[str, Any]]] = []
    if isinstance(path_or_result_grid, (str, Path)):
        root = Path(path_or_result_grid).expanduser()
        if not root.is_dir():
            raise FileNotFoundError(f"`path_or_result_grid`: no Ray Tune folder {str(root)!r}.")
        trials = sorted(p.parent for p in root.glob("*/params.json"))
        if not trials:
            raise ValueError(f"{str(root)!r} holds no trial folders with a params.json.")
        for trial in trials:
            result = _last_json_line(trial / "result.json")
            if (trial / "error.txt").exists():
                dropped["errored"] += 1
            elif result is None:
                dropped["without a result"] += 1
            else:
                config = json.loads((trial / "params.json").read_text())
                records.append((flatten(config), result))
        source = f"ray tune experiment {str(root)!r}"
    else:
        for result in path_or_result_grid:  # ray.tune.Result: .config, .metrics, .error
            if getattr(result, "error", None) is not None:
                dropped["errored"] += 1
            elif not result.metrics:
                dropped["without a result"] += 1
            else:
                records.append((flatten(result.config), dict(result.metrics)))
        source = "ray tune ResultGrid"
    metrics = {k for _, m in records for k, x in m.items() if is_plain_number(x)} - RAY_RESULT_KEYS
    return sweep_from_records(
        records,
        source=source,
        metric=metric,
        seed=seed,
        params=params,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        dropped=dropped,
        metric_keys=metrics,
    )


def _override(text: str, yaml: Any) -> tuple[str, Any]:
    key, _, value = text.partition("=")
    return key.lstrip("+~"), yaml.safe_load(value) if value else None


def _read_metrics(path: Path, yaml: Any) -> dict[str, Any]:
    text = path.read_text()
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    if not isinstance(data, Mapping):
        raise ValueError(f"{str(path)!r} must hold a mapping of metric names to values.")
    return flatten(data)


def from_hydra(
    multirun_dir: str | Path,
    *,
    metrics: str = "metrics.json",
    metric: str | None = None,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    """Build a sweep from a Hydra multirun folder: one run per job.

    Scores are one float per seed per configuration. A job is a folder holding
    ``.hydra/overrides.yaml`` (at any depth, so ``multirun/<date>/<time>/`` works too); its
    parameters are the overrides (``lr=0.01`` -> ``lr: 0.01``; ``+``/``~`` prefixes dropped) and
    its metrics the first file matching ``metrics`` in the job folder (JSON or YAML mapping,
    nested keys flattened with dots). Jobs without a metrics file are left out and counted.

    Parameters
    ----------
    multirun_dir : str or pathlib.Path
        The sweep folder (``hydra.sweep.dir``).
    metrics : str, default "metrics.json"
        A glob pattern relative to each job folder: the file the job wrote its metrics to.
    metric : str, optional
        A key of the metrics file; needed when it holds several.
    seed : str, optional
        The seed override; by default the one named like a seed (``seed``, ``trainer.seed``).
    params : list of str, optional
        By default every override except the seed.
    goal : {"max", "min"}, optional
        By default from the metric's name.
    min_runs : int, default 3

    bins : dict, optional
        Continuous parameters to bin into intervals, e.g. ``{"lr": 8, "weight_decay": "auto"}``
        (random or Bayesian search); see :meth:`Sweep.from_runs`. Parameters the source knows
        to be log-scaled get log-spaced bins.

    Returns
    -------
    Sweep

    Examples
    --------
    >>> sweep = from_hydra("multirun/2024-05-01/12-00-00", metric="acc")  # doctest: +SKIP
    """
    yaml = require("yaml", "hydra", "from_hydra")
    root = Path(multirun_dir).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"`multirun_dir`: no folder {str(root)!r}.")
    jobs = sorted(p.parent.parent for p in root.rglob(".hydra/overrides.yaml"))
    if not jobs:
        raise ValueError(f"{str(root)!r} holds no Hydra job (no .hydra/overrides.yaml).")
    dropped: Counter[str] = Counter()
    records = []
    for job in jobs:
        found = sorted(job.glob(metrics))
        if not found:
            dropped[f"without {metrics}"] += 1
            continue
        overrides = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text()) or []
        records.append((dict(_override(o, yaml) for o in overrides), _read_metrics(found[0], yaml)))
    return sweep_from_records(
        records,
        source=f"hydra multirun {str(root)!r}",
        metric=metric,
        seed=seed,
        params=params,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        dropped=dropped,
    )
