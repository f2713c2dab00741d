"""Read sweeps from W&B (API runs or the UI's CSV export) and TensorBoard HParams logs."""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..sweep import Sweep
from ._common import (
    build,
    flatten,
    hashable,
    named_faults,
    numbers_where_all_parse,
    pick,
    require,
    seed_column,
    sweep_from_records,
)

#: Columns of the W&B runs-table CSV export that describe the run, not its config or metrics.
WANDB_CSV_META = frozenset(
    {"Name", "ID", "State", "Notes", "User", "Tags", "Created", "Updated", "Runtime", "End Time",
     "Sweep", "Group", "Job Type", "Hostname", "Description", "Commit", "GitHub", "GPU",
     "GPU Count", "Agent", "Command", "Python", "OS", "Heartbeat", "Start Time"}
)  # fmt: skip


def _wandb_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten a run's config, undo W&B's ``{"value": v, "desc": ...}``, drop ``_`` keys."""
    out = {}
    for key, value in config.items():
        if str(key).startswith("_"):
            continue
        if isinstance(value, Mapping) and set(value) <= {"value", "desc"} and "value" in value:
            value = value["value"]
        out[key] = value
    return flatten(out)


def _wandb_summary(summary: Any) -> dict[str, Any]:
    if hasattr(summary, "items"):
        items = summary.items()
    else:  # wandb's summary objects: keys() and [] only
        items = {k: summary[k] for k in summary.keys()}.items()
    return {
        k: x
        for k, x in flatten(dict(items)).items()
        if not k.startswith("_") and isinstance(x, (int, float)) and not isinstance(x, bool)
    }


def _read_export(path: Path) -> pd.DataFrame:
    """Read the export as text, only empty cells absent ('None', 'NA' stay values)."""
    if not path.is_file():
        raise FileNotFoundError(f"no W&B CSV export {str(path)!r}.")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    except pd.errors.EmptyDataError:
        raise ValueError(f"the W&B CSV export {str(path)!r} is empty (no header).") from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0]
        raise ValueError(f"the W&B CSV export {str(path)!r} is not a CSV ({first}).") from None
    if frame.empty:
        raise ValueError(f"the W&B CSV export {str(path)!r} holds no runs (a header only).")
    texts: pd.DataFrame = frame.astype(object).where(frame.notna(), None)
    return texts


def _wandb_csv(
    path: Path,
    *,
    metric: str | None,
    seed: str | None,
    params: Sequence[str] | None,
    goal: str | None,
    min_runs: int,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    frame = _read_export(path)
    dropped: Counter[str] = Counter()
    if "State" in frame.columns:
        finished = frame["State"].astype(str).str.lower() == "finished"
        dropped.update(frame.loc[~finished, "State"].astype(str).str.lower())
        frame = frame.loc[finished].reset_index(drop=True)
    own = [c for c in frame.columns if c in WANDB_CSV_META or str(c).startswith("_")]
    columns = [c for c in frame.columns if c not in own and frame[c].notna().any()]
    for name in columns:
        frame[name] = numbers_where_all_parse(frame[name])
    inferred: list[str] = []
    numeric = [c for c in columns if pd.api.types.is_float_dtype(frame[c])]
    if metric is None:
        raise ValueError(
            f"the W&B CSV export {str(path)!r} does not say which columns are config and which "
            f"are metrics; pass `metric=`, e.g. one of {numeric}."
        )
    metric = pick(columns, metric, "columns of the export", "metric")
    seed = seed_column([c for c in columns if c != metric], seed, inferred)
    notes = []
    if own:
        notes.append(f"W&B's own columns and '_' keys are not parameters: {own}")
    if params is None:
        rest = [c for c in columns if c not in (metric, seed)]
        given = bins or {}
        constant = [c for c in rest if frame[c].nunique(dropna=False) == 1 and c not in given]
        if constant and len(constant) < len(rest):
            notes.append(f"columns with one value in every run left out: {constant}")
            rest = [c for c in rest if c not in constant]
        params = rest
        inferred.append("params")
    return build(
        frame,
        source=f"W&B CSV export {str(path)!r}",
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


@named_faults("the W&B runs")
def from_wandb(
    runs_or_csv: str | Path | Iterable[Any],
    *,
    metric: str | None = None,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    """Build a sweep from W&B runs: ``wandb.Api().runs(...)`` or the UI's CSV export.

    Each finished run gives one score (the others, crashed, failed, running, are counted and left
    out). From API runs the parameters are the run's ``config`` (nested keys flattened with dots,
    ``_`` keys dropped) and the metric a key of its ``summary``. A CSV export does not say which
    columns are config: pass ``metric``; the parameters are then the other columns, except W&B's own
    (``Name``, ``State``, ``Runtime``...) and mostly-unique float columns (likely other metrics), or
    ``params``.

    Parameters
    ----------
    runs_or_csv : iterable of wandb runs, str or pathlib.Path
        Objects with ``.config``, ``.summary``, ``.state`` (as ``wandb.Api().runs("entity/
        project", filters={"sweep": "<id>"})`` yields), or the path of an exported CSV.
    metric : str, optional
        A summary key (needed when runs have several, and always for a CSV).
    seed : str, optional
        The seed; by default the one config key named like a seed.
    params : list of str, optional
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
    >>> import wandb  # doctest: +SKIP
    >>> runs = wandb.Api().runs("me/proj", filters={"sweep": "abc123"})  # doctest: +SKIP
    >>> sweep = from_wandb(runs, metric="val/acc")  # doctest: +SKIP
    """
    if isinstance(runs_or_csv, (str, Path)):
        return _wandb_csv(
            Path(runs_or_csv), metric=metric, seed=seed, params=params, goal=goal,
            min_runs=min_runs,
            bins=bins,
        )  # fmt: skip
    dropped: Counter[str] = Counter()
    records = []
    run: Any
    for run in runs_or_csv:
        state = str(getattr(run, "state", "finished")).lower()
        if state != "finished":
            dropped[state] += 1
            continue
        config = {k: hashable(x) for k, x in _wandb_config(run.config).items()}
        records.append((config, _wandb_summary(run.summary)))
    return sweep_from_records(
        records,
        source="W&B runs",
        metric=metric,
        seed=seed,
        params=params,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        dropped=dropped,
    )


def _hparam_value(value: Any) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        x = value.number_value
        return int(x) if float(x).is_integer() else x
    return {"string_value": value.string_value, "bool_value": value.bool_value}.get(kind)


def _record_fault(path: Path) -> str | None:
    """Why an event file cannot be trusted whole ("truncated", "corrupt"), or None.

    An event file is TFRecords: a little-endian uint64 length, its masked CRC-32C, the data,
    the data's masked CRC-32C. TensorBoard's loader stops quietly at a cut-off record (a run
    still writing, a killed job), so the last value read would be an older step's; it is
    checked here first, record by record.
    """
    from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

    data = path.read_bytes()
    pos = 0
    while pos < len(data):
        if len(data) - pos < 12:
            return "truncated"
        header = data[pos : pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8 : pos + 12])
        if masked_crc32c(header) != header_crc:
            return "corrupt"
        end = pos + 12 + length + 4
        if end > len(data):
            return "truncated"
        body = data[pos + 12 : pos + 12 + length]
        (body_crc,) = struct.unpack("<I", data[end - 4 : end])
        if masked_crc32c(body) != body_crc:
            return "corrupt"
        pos = end
    return None


def _read_sessions(
    root: Path, broken: dict[Path, str]
) -> tuple[dict[Path, dict[str, Any]], dict[Path, dict[str, Any]], set[str]]:
    """HParams sessions (folder -> hparams), last scalars (folder -> tag -> (step, value)).

    Folders with a truncated or corrupt event file are not read; they are put in ``broken``
    (folder -> "truncated" or "corrupt") for the caller to leave their sessions out, counted.
    """
    require("tensorboard", "tensorboard", "from_tensorboard")
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader
    from tensorboard.plugins.hparams import plugin_data_pb2
    from tensorboard.util import tensor_util

    sessions: dict[Path, dict[str, Any]] = {}
    scalars: dict[Path, dict[str, tuple[int, float]]] = {}
    metric_tags: set[str] = set()
    files = sorted(root.rglob("*tfevents*"))
    broken.update({file.parent: fault for file in files if (fault := _record_fault(file))})
    for file in files:
        folder = file.parent
        if folder in broken:
            continue
        for event in EventFileLoader(str(file)).Load():
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                if plugin == "hparams":
                    data = plugin_data_pb2.HParamsPluginData.FromString(
                        value.metadata.plugin_data.content
                    )
                    kind = data.WhichOneof("data")
                    if kind == "session_start_info":
                        hp = data.session_start_info.hparams
                        sessions[folder] = {k: _hparam_value(x) for k, x in hp.items()}
                    elif kind == "experiment":
                        metric_tags |= _metric_tags(data.experiment)
                    continue
                x = _scalar(value, plugin, tensor_util)
                if x is None:
                    continue
                tags = scalars.setdefault(folder, {})
                if value.tag not in tags or event.step >= tags[value.tag][0]:
                    tags[value.tag] = (event.step, x)
    return sessions, scalars, metric_tags


def _metric_tags(experiment: Any) -> set[str]:
    """Return the scalar tags an HParams experiment names as its metrics (``group/tag``)."""
    return {
        f"{m.name.group}/{m.name.tag}" if m.name.group else m.name.tag
        for m in experiment.metric_infos
    }


def _scalar(value: Any, plugin: str, tensor_util: Any) -> float | None:
    """Return a summary value's number if it is a scalar (simple or a one-number tensor)."""
    if value.HasField("simple_value"):
        return float(value.simple_value)
    if value.HasField("tensor") and plugin in ("scalars", ""):
        arr = tensor_util.make_ndarray(value.tensor)
        if arr.size == 1 and np.issubdtype(arr.dtype, np.number):
            return float(arr.reshape(-1)[0])
    return None


@named_faults("the TensorBoard logdir")
def from_tensorboard(
    logdir: str | Path,
    *,
    metric: str | None = None,
    seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    """Build a sweep from TensorBoard HParams logs: one run per session, its final scalar.

    A session is a folder whose event files hold an HParams ``session_start_info`` (written by
    ``hparams.hp.hparams``, Keras' ``hp.KerasCallback``, or ``SummaryWriter.add_hparams``); its
    parameters are those hparams, and its score the value at the last step of the ``metric`` scalar
    logged in that folder or below it (tags of sub-folders read ``<sub>/<tag>``, e.g.
    ``validation/epoch_accuracy``). Sessions without that scalar, and sessions with a cut-off (still
    writing) or corrupt event file, are left out and counted: never the value of an older step.

    Parameters
    ----------
    logdir : str or pathlib.Path
        The log folder, read recursively.
    metric : str, optional
        A scalar tag; by default the one metric the HParams experiment declares (its group
        prefixed: ``validation/epoch_accuracy``), or the one scalar tag logged.
    seed : str, optional
        The seed hparam; by default the one named like a seed.
    params : list of str, optional
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
    >>> sweep = from_tensorboard("logs/hparam_tuning", metric="accuracy")  # doctest: +SKIP
    """
    root = Path(logdir).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"`logdir`: no folder {str(root)!r}.")
    broken: dict[Path, str] = {}
    sessions, scalars, declared = _read_sessions(root, broken)
    if not sessions:
        bad = f" (event files cut off or corrupt in {sorted(map(str, broken))})" if broken else ""
        raise ValueError(f"{str(root)!r} holds no TensorBoard HParams session{bad}.")
    dropped = Counter[str]()
    for folder, fault in broken.items():  # never an older step's value: the session goes
        owner = next((f for f in sessions if f == folder or f in folder.parents), None)
        dropped[f"sessions with a {fault} event file"] += 1
        if owner is not None:
            sessions.pop(owner)
    records = []
    for folder, hparams in sessions.items():
        final: dict[str, float] = {}
        for sub, tags in scalars.items():
            if sub == folder or folder in sub.parents:
                prefix = sub.relative_to(folder).as_posix()
                for tag, (_, x) in tags.items():
                    final[tag if prefix == "." else f"{prefix}/{tag}"] = x
        records.append((hparams, final))
    candidates: set[str] = declared or {t for _, m in records for t in m}
    if metric is not None or len(candidates) == 1:
        chosen = pick(sorted(candidates), metric, "scalar tags", "metric")
        dropped[f"sessions without {chosen!r}"] = sum(chosen not in m for _, m in records)
        records = [r for r in records if chosen in r[1]]
    return sweep_from_records(
        records,
        source=f"tensorboard logdir {str(root)!r}",
        metric=metric,
        seed=seed,
        params=params,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        dropped=dropped,
        metric_keys=candidates,
    )
