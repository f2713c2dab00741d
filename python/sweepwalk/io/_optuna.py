"""Read an Optuna study: one run per COMPLETE trial, or one per seed inside a trial."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..sweep import Sweep
from ._common import build, check_local_store, is_seed_name, named_faults, pick, require

_SEED_KEY = re.compile(r"^(?P<prefix>.*?seed_?)(?P<k>\d+)$")
_SCORES = "_scores"


def _load_study(study_or_storage: Any, study_name: str | None) -> tuple[Any, str]:
    optuna = require("optuna", "optuna", "from_optuna")
    if isinstance(study_or_storage, optuna.Study):
        return study_or_storage, f"optuna study {study_or_storage.study_name!r}"
    if not isinstance(study_or_storage, str) and not hasattr(study_or_storage, "get_all_studies"):
        raise TypeError(
            "`study_or_storage` must be an optuna.Study, a storage URL such as "
            f"'sqlite:///sweep.db' or an optuna storage, got {type(study_or_storage).__name__}."
        )
    if isinstance(study_or_storage, str):
        check_local_store(study_or_storage, "Optuna storage")
    if study_name is None:
        names = [s.study_name for s in optuna.get_all_study_summaries(study_or_storage)]
        study_name = pick(names, None, "studies in the storage", "study_name")
    study = optuna.load_study(study_name=study_name, storage=study_or_storage)
    where = study_or_storage if isinstance(study_or_storage, str) else "storage"
    return study, f"optuna study {study_name!r} ({where})"


def _objectives(study: Any, metric: str | int | None) -> tuple[int, str, str, bool]:
    """Which objective value is the metric: its index, name, goal, and whether inferred."""
    directions = list(study.directions)
    names = list(getattr(study, "metric_names", None) or [])
    if not names:
        names = (
            ["value"] if len(directions) == 1 else [f"values_{k}" for k in range(len(directions))]
        )
    if isinstance(metric, int) and not isinstance(metric, bool):
        if not 0 <= metric < len(names):
            raise ValueError(f"`metric`={metric} is not an objective index in 0..{len(names) - 1}.")
        k = metric
    elif metric is None and len(names) > 1:
        raise ValueError(
            f"the study has {len(names)} objectives {names}; pass `metric=` (a name or an index)."
        )
    else:
        k = names.index(
            pick(
                names,
                str(metric) if metric is not None else None,
                "objectives of the study",
                "metric",
            )
        )
    goal = "min" if directions[k].name == "MINIMIZE" else "max"
    return k, names[k], goal, metric is None


def _per_seed_key(trials: Sequence[Any], per_seed: str | None) -> str | None:
    """Find the user attribute with a list of per-seed scores, or the prefix of ``seed<k>`` keys."""
    attrs = [t.user_attrs for t in trials]
    if per_seed is not None:
        return per_seed
    lists = {  # named for it: a list such as a learning curve is not per-seed scores
        key
        for a in attrs
        for key, val in a.items()
        if ("seed" in key.lower() or "scores" in key.lower())
        and isinstance(val, (list, tuple))
        and val
        and all(isinstance(x, (int, float)) for x in val)
    }
    prefixes = {m["prefix"] for a in attrs for key in a if (m := _SEED_KEY.match(key))}
    found = sorted(lists | prefixes)
    if len(found) > 1:
        raise ValueError(
            f"several user attributes could hold per-seed scores: {found}; pass `per_seed=`."
        )
    return found[0] if found else None


def _per_seed_scores(attrs: dict[str, Any], key: str) -> list[tuple[int, float]]:
    value = attrs.get(key)
    if isinstance(value, (list, tuple)):
        return [(k, float(x)) for k, x in enumerate(value)]
    out = []
    for name, x in attrs.items():
        if name.startswith(key) and name[len(key) :].isdigit():
            out.append((int(name[len(key) :]), float(x)))
    return sorted(out)


def _inferred_seed(param_names: list[str], attr_names: list[str]) -> str | None:
    """Return the one parameter, else the one user attribute, named like a seed (or None)."""
    found = [n for n in param_names if is_seed_name(n)] or [
        n for n in attr_names if is_seed_name(n)
    ]
    return found[0] if len(found) == 1 else None


def _trial_row(
    row: dict[str, Any], trial: Any, seed: str | None, metric_name: str, k: int
) -> dict[str, Any]:
    """One run: the trial's parameters, its seed (a user attribute if not one) and its value."""
    if seed is not None and seed not in row:
        row[seed] = trial.user_attrs.get(seed)
    row[metric_name] = trial.values[k] if trial.values is not None else np.nan
    return row


@named_faults("the Optuna study")
def from_optuna(
    study_or_storage: Any,
    study_name: str | None = None,
    *,
    metric: str | int | None = None,
    seed: str | None = None,
    per_seed: str | None = None,
    params: Sequence[str] | None = None,
    goal: str | None = None,
    min_runs: int = 3,
    bins: dict[str, int | str] | None = None,
) -> Sweep:
    """Build a sweep from an Optuna study.

    Only COMPLETE trials are read; the others (FAIL, PRUNED, RUNNING, WAITING) are counted in
    ``sweep.runs.attrs["source"].dropped``.

    Parameters
    ----------
    study_or_storage : optuna.Study or str
        A study, or a storage URL (``"sqlite:///sweep.db"``) or storage object.
    study_name : str, optional
        The study in the storage; may be left out when the storage holds one study.
    metric : str or int, optional
        The objective: its name (``study.metric_names``, else ``"value"`` or ``"values_<k>"``)
        or index. Needed when the study has several objectives.
    seed : str, optional
        The parameter or user attribute holding the seed. By default a parameter, else a user
        attribute, named like a seed (``seed``, ``random_state``...).
    per_seed : str, optional
        For trials that ran every seed themselves: the user attribute holding the list of
        per-seed scores, or the prefix of ``<prefix><k>`` keys (``"score_seed"`` for
        ``score_seed0``, ``score_seed1``...). Each trial is then one configuration and the k-th
        score has seed k; ``trial.value`` (their aggregate) is not used. Found by itself when
        exactly one list of numbers named with ``seed`` or ``scores`` (``scores``,
        ``seed_scores``), or one ``...seed<k>`` family, exists.
    params : list of str, optional
        The parameter columns; by default every parameter of the trials except the seed.
    goal : {"max", "min"}, optional
        By default from the study's direction for the chosen objective.
    min_runs : int, default 3
        Fewest finite scores a configuration needs to be tested.

    bins : dict, optional
        Continuous parameters to bin into intervals, e.g. ``{"lr": 8, "weight_decay": "auto"}``
        (random or Bayesian search); see :meth:`Sweep.from_runs`. Parameters the source knows
        to be log-scaled get log-spaced bins.

    Returns
    -------
    Sweep
        ``sweep.runs.attrs["source"]`` says what was inferred; ``sweep.runs.attrs["log_scale"]``
        lists the parameters sampled with ``log=True``.

    Examples
    --------
    >>> import optuna  # doctest: +SKIP
    >>> sweep = from_optuna("sqlite:///sweep.db", "lr-sweep")  # doctest: +SKIP
    >>> print(sweep.runs.attrs["source"])  # doctest: +SKIP
    """
    study, source = _load_study(study_or_storage, study_name)
    optuna = require("optuna", "optuna", "from_optuna")
    trials = study.get_trials(deepcopy=False)
    is_complete = [t.state == optuna.trial.TrialState.COMPLETE for t in trials]
    complete = [t for t, ok in zip(trials, is_complete, strict=True) if ok]
    dropped = Counter(
        t.state.name.lower() for t, ok in zip(trials, is_complete, strict=True) if not ok
    )
    inferred: list[str] = []
    notes: list[str] = []
    k, metric_name, study_goal, metric_inferred = _objectives(study, metric)
    if metric_inferred:
        inferred.append("metric")
    if goal is None:
        goal = study_goal
        inferred.append("goal")
    log_scale = {
        name for t in complete for name, d in t.distributions.items() if getattr(d, "log", False)
    }
    apart = f"config.{metric_name}"

    def params_of(t: Any) -> dict[str, Any]:
        return {(apart if n == metric_name else n): x for n, x in t.params.items()}

    if any(metric_name in t.params for t in complete):
        notes.append(f"parameter {metric_name!r} renamed {apart!r}: the objective has that name")
    param_names = list(dict.fromkeys(name for t in complete for name in params_of(t)))
    attr_names = list(dict.fromkeys(name for t in complete for name in t.user_attrs))
    key = _per_seed_key(complete, per_seed) if seed is None else None
    rows: list[dict[str, Any]] = []
    if key is not None:
        seed = "seed" if "seed" not in param_names else "_seed"
        notes.append(f"per-seed scores from the user attribute(s) {key!r}; trial values unused")
        scored = [_per_seed_scores(t.user_attrs, key) for t in complete]
        if without := sum(not scores for scores in scored):
            dropped["complete without per-seed scores"] += without
        rows = [
            {**params_of(t), seed: s, metric_name: x}
            for t, scores in zip(complete, scored, strict=True)
            for s, x in scores
        ]
        inferred.append("seed")
    else:
        if seed is None:
            seed = _inferred_seed(param_names, attr_names)
            if seed is not None:
                inferred.append("seed")
        elif seed not in param_names and seed not in attr_names:
            raise ValueError(
                f"`seed`={seed!r} is neither a parameter {param_names} nor a user attribute "
                f"{attr_names} of the trials."
            )
        rows = [_trial_row(params_of(t), t, seed, metric_name, k) for t in complete]
    columns = [*(p for p in param_names if p != seed), *([seed] if seed else []), metric_name]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    return build(
        frame,
        source=source,
        metric=metric_name,
        params=params,
        seed=seed,
        goal=goal,
        min_runs=min_runs,
        bins=bins,
        inferred=inferred,
        dropped=dict(dropped),
        log_scale=log_scale,
        notes=notes,
    )
