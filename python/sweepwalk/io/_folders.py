"""Read sweeps kept as folders of files: Ray Tune experiments and Hydra multiruns.

Neither reader needs Ray or Hydra installed: they read the files those tools write.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..sweep import Sweep
from ._common import (
    flatten,
    hashable,
    is_plain_number,
    named_faults,
    require,
    sweep_from_records,
)

#: Keys Ray Tune adds to every result; they are bookkeeping, not metrics.
RAY_RESULT_KEYS = frozenset(
    {"training_iteration", "time_this_iter_s", "time_total_s", "time_since_restore",
     "timesteps_since_restore", "iterations_since_restore", "timesteps_total", "episodes_total",
     "timestamp", "done", "pid", "hostname", "node_ip", "trial_id", "experiment_id", "date",
     "experiment_tag", "checkpoint_dir_name", "should_checkpoint", "config", "warmup_time"}
)  # fmt: skip


def _last_json_line(path: Path) -> tuple[dict[str, Any] | None, bool]:
    """Return the last complete line of a JSON-lines file, and whether a cut-off line followed it.

    A trial that is still running (or was killed mid-write) leaves its last line unfinished:
    that line is skipped and said, the one before it is the trial's last result. A broken line
    before that (more than a cut-off write) is an error naming the file and the line.
    """
    if not path.is_file():
        return None, False
    lines = [(k, line) for k, line in enumerate(path.read_bytes().splitlines(), 1) if line.strip()]
    for pos in range(len(lines) - 1, -1, -1):
        k, line = lines[pos]
        try:
            value = json.loads(line)
        except ValueError as exc:
            if pos == len(lines) - 1:
                continue  # the line being written
            raise ValueError(f"{str(path)!r}, line {k}: not JSON ({exc}).") from None
        if not isinstance(value, dict):
            raise ValueError(f"{str(path)!r}, line {k}: expected a JSON object of metrics.")
        return value, pos < len(lines) - 1
    return None, bool(lines)


def _json_file(path: Path) -> Any:
    """Return a JSON file's content, or raise an error naming the file."""
    try:
        return json.loads(path.read_bytes())
    except ValueError as exc:
        raise ValueError(f"{str(path)!r} is not valid JSON ({exc}).") from None


_Records = list[tuple[dict[str, Any], dict[str, Any]]]


def _ray_tune_folder(root: Path) -> tuple[_Records, Counter[str], int]:
    """Read an experiment folder's trials: records, the trials left out, trials still writing.

    A record is (config, last result); a trial still writing has its unfinished last line of
    ``result.json`` skipped, and is counted.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"`path_or_result_grid`: no Ray Tune folder {str(root)!r}.")
    trials = sorted(p.parent for p in root.glob("*/params.json"))
    if not trials:
        raise ValueError(f"{str(root)!r} holds no trial folders with a params.json.")
    dropped: Counter[str] = Counter()
    records: _Records = []
    cut_lines = 0
    for trial in trials:
        result, cut = _last_json_line(trial / "result.json")
        if (trial / "error.txt").exists():
            dropped["errored"] += 1
        elif result is None:
            dropped["without a result"] += 1
        else:
            cut_lines += cut
            config = _json_file(trial / "params.json")
            if not isinstance(config, Mapping):
                raise ValueError(f"{str(trial / 'params.json')!r} must hold a JSON object.")
            records.append((flatten(config), result))
    return records, dropped, cut_lines


def _ray_tune_results(grid: Any) -> tuple[_Records, Counter[str]]:
    """Read a ResultGrid: (config, metrics) records and the trials left out, counted."""
    dropped: Counter[str] = Counter()
    records: _Records = []
    for result in grid:  # ray.tune.Result: .config, .metrics, .error
        if getattr(result, "error", None) is not None:
            dropped["errored"] += 1
        elif not result.metrics:
            dropped["without a result"] += 1
        else:
            records.append((flatten(result.config), dict(result.metrics)))
    return records, dropped


@named_faults("the Ray Tune experiment")
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

    From a folder, each trial folder's ``params.json`` gives the parameters (nested configs
    flattened with dots: ``model.width``) and the last line of its ``result.json`` the metrics; Ray
    is not needed. Trials that errored (an ``error.txt``) or reported nothing are left out and
    counted; a trial still writing (its last line of ``result.json`` unfinished) is read up to its
    last complete line, and counted in the notes.

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
    if isinstance(path_or_result_grid, (str, Path)):
        root = Path(path_or_result_grid).expanduser()
        records, dropped, cut_lines = _ray_tune_folder(root)
        source = f"ray tune experiment {str(root)!r}"
    else:
        (records, dropped), cut_lines = _ray_tune_results(path_or_result_grid), 0
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
        notes=[
            f"{cut_lines} trial(s) still writing: the unfinished last line of result.json "
            "skipped, the last complete result taken"
        ]
        if cut_lines
        else [],
    )


# Hydra's override grammar (hydra/grammar/OverrideLexer.g4): what a command-line value means.
_DIGITS = r"[0-9](?:_?[0-9])*"
_INT_PART = r"(?:0|[1-9](?:_?[0-9])*)"  # no leading zero: '010' is text
_HYDRA_INT = re.compile(rf"[+-]?{_INT_PART}")
_POINT = rf"(?:{_INT_PART}?\.{_DIGITS}|{_INT_PART}\.)"
_HYDRA_FLOAT = re.compile(
    rf"[+-]?(?:{_POINT}|(?:{_INT_PART}|{_POINT})[eE][+-]?{_DIGITS}|[Ii][Nn][Ff]|[Nn][Aa][Nn])"
)


def hydra_value(text: str) -> Any:
    """Return a command-line override value as Hydra passes it to the job.

    Follows Hydra's override grammar: ``1e-3`` is the float 0.001, ``010`` stays the text
    '010' (an int has no leading zero), ``yes``/``no``/``on``/``off`` are text, ``true``/
    ``false`` (any case) bools, ``null`` None, quoted values text, ``[a,b]`` a tuple.
    """
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text.startswith("[") and text.endswith("]"):
        inner = text[1:-1].strip()
        return tuple(hydra_value(x) for x in _split_top(inner)) if inner else ()
    lower = text.lower()
    if lower == "null":
        return None
    if lower in ("true", "false"):
        return lower == "true"
    if _HYDRA_INT.fullmatch(text):
        return int(text.replace("_", ""))
    if _HYDRA_FLOAT.fullmatch(text):
        return float(text.replace("_", ""))
    return text


def _split_top(text: str) -> list[str]:
    """Split a list's inside at its top-level commas (not inside brackets or quotes)."""
    parts, depth, quote, start = [], 0, "", 0
    for k, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "[{(":
            depth += 1
        elif ch in "]})":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:k])
            start = k + 1
    return [*parts, text[start:]]


def _override(text: str) -> tuple[str, Any, bool]:
    """``(key, value, deleted)`` of one override such as ``+model.width=64`` or ``~opt``."""
    key, _, value = str(text).partition("=")
    deleted = key.startswith("~")
    return key.lstrip("+~").split("@")[0], hydra_value(value) if value else None, deleted


def _omegaconf_loader(yaml: Any) -> Any:
    """PyYAML's SafeLoader as OmegaConf reads its own files: ``1e-3`` a float, no timestamps."""

    class Loader(yaml.SafeLoader):  # type: ignore[misc]  # PyYAML ships no type hints
        pass

    Loader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(
            r"""^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?
            |[-+]?[0-9][0-9_]*(?:[eE][-+]?[0-9]+)
            |\.[0-9_]+(?:[eE][-+][0-9]+)?
            |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
            re.X,
        ),
        list("-+0123456789."),
    )
    Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in Loader.yaml_implicit_resolvers.items()
    }
    return Loader


def _yaml_file(path: Path, yaml: Any, loader: Any) -> Any:
    """Return a YAML file's content, or raise an error naming the file."""
    try:
        return yaml.load(path.read_text(), Loader=loader)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"{str(path)!r} is not valid YAML ({first}).") from None


def _read_metrics(path: Path, yaml: Any, loader: Any) -> dict[str, Any]:
    data = _json_file(path) if path.suffix == ".json" else _yaml_file(path, yaml, loader)
    if not isinstance(data, Mapping):
        raise ValueError(f"{str(path)!r} must hold a mapping of metric names to values.")
    return flatten(data)


def _hydra_job(
    job: Path, yaml: Any, loader: Any
) -> tuple[list[tuple[str, Any, bool]], dict[str, Any], dict[str, Any]]:
    """Return a job's overrides, composed config (flattened) and config-group choices.

    The config is ``.hydra/config.yaml`` (every value the job ran with, defaults included),
    the choices ``hydra.runtime.choices`` of ``.hydra/hydra.yaml`` (``optimizer: adam``, the
    group options, which the config holds only as their content); either may be absent.
    """
    hydra_dir = job / ".hydra"
    found = _yaml_file(hydra_dir / "overrides.yaml", yaml, loader) or []
    if not isinstance(found, list):
        raise ValueError(f"{str(hydra_dir / 'overrides.yaml')!r} must hold a list.")
    overrides = [_override(o) for o in found]
    overrides = [o for o in overrides if not o[0].startswith(("hydra.", "hydra/"))]
    config = (
        _yaml_file(hydra_dir / "config.yaml", yaml, loader)
        if (hydra_dir / "config.yaml").is_file()
        else {}
    )
    meta = (
        _yaml_file(hydra_dir / "hydra.yaml", yaml, loader)
        if (hydra_dir / "hydra.yaml").is_file()
        else {}
    )
    choices = ((meta or {}).get("hydra") or {}).get("runtime", {}).get("choices") or {}
    flat = flatten(config) if isinstance(config, Mapping) else {}
    return overrides, flat, dict(choices) if isinstance(choices, Mapping) else {}


def _sweeps_apart(jobs: list[Path], configs: list[dict[str, Any]], root: Path) -> list[str]:
    """Several sweeps under one root: combined (noted) when they run one config, else refused."""
    sweeps: dict[Path, list[int]] = {}
    for k, job in enumerate(jobs):
        sweeps.setdefault(job.parent, []).append(k)
    if len(sweeps) < 2:
        return []
    shapes = {tuple(sorted(configs[ks[0]])) for ks in sweeps.values()}
    named = [f"{str(d.relative_to(root)) or '.'!r} ({len(ks)} jobs)" for d, ks in sweeps.items()]
    if len(shapes) > 1:
        raise ValueError(
            f"{str(root)!r} holds {len(sweeps)} Hydra sweeps of different configs: "
            f"{', '.join(named)}; pass one sweep folder."
        )
    return [f"{len(sweeps)} sweeps of one config read together: {', '.join(named)}"]


@named_faults("the Hydra multirun")
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

    A job is a folder holding ``.hydra/overrides.yaml`` (at any depth, so
    ``multirun/<date>/<time>/`` works too); its parameters are the overrides (``lr=0.01`` -> ``lr:
    0.01``; ``+``/``~`` prefixes dropped) and its metrics the first file matching ``metrics`` in the
    job folder (JSON or YAML mapping, nested keys flattened with dots). Jobs without a metrics file
    are left out and counted.

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
    loader = _omegaconf_loader(yaml)
    root = Path(multirun_dir).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"`multirun_dir`: no folder {str(root)!r}.")
    jobs = sorted(p.parent.parent for p in root.rglob(".hydra/overrides.yaml"))
    if not jobs:
        raise ValueError(f"{str(root)!r} holds no Hydra job (no .hydra/overrides.yaml).")
    read = [_hydra_job(job, yaml, loader) for job in jobs]
    notes = _sweeps_apart(jobs, [config for _, config, _ in read], root)
    swept = list(dict.fromkeys(key for overrides, _, _ in read for key, _, _ in overrides))
    dropped: Counter[str] = Counter()
    records = []
    for job, (overrides, config, choices) in zip(jobs, read, strict=True):
        found = sorted(job.glob(metrics))
        if not found:
            dropped[f"without {metrics}"] += 1
            continue
        given = {key: (None if deleted else value) for key, value, deleted in overrides}
        # the composed config holds every value the job ran with, defaults included; a config
        # group's choice (``optimizer=adam``) is only in the overrides
        values = {
            key: config[key] if key in config else given.get(key, choices.get(key)) for key in swept
        }
        records.append(
            ({k: hashable(x) for k, x in values.items()}, _read_metrics(found[0], yaml, loader))
        )
    if any(config for _, config, _ in read):
        notes.append("parameters: the swept keys, valued from each job's .hydra/config.yaml")
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
        notes=notes,
        typed=True,
    )
