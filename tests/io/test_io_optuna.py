"""from_optuna against real Optuna studies in SQLite storage."""

from __future__ import annotations

import sys

import numpy as np
import optuna
import pandas as pd
import pytest
from io_helpers import LRS, OPTS, SEEDS, assert_same_sweep, grid_runs

from sweepwalk import Sweep
from sweepwalk.io import from_optuna, open_source, source_info

optuna.logging.set_verbosity(optuna.logging.WARNING)
TrialState = optuna.trial.TrialState
FloatDist = optuna.distributions.FloatDistribution
CatDist = optuna.distributions.CategoricalDistribution
IntDist = optuna.distributions.IntDistribution


def _score_lookup(runs: pd.DataFrame) -> dict[tuple, float]:
    return {(r.lr, r.opt, r.seed): r.acc for r in runs.itertuples()}


def _grid_study(storage: str, runs: pd.DataFrame, direction: str = "maximize") -> None:
    """Run a real GridSampler study over lr x opt x seed; the objective looks the score up."""
    lookup = _score_lookup(runs)
    space = {"lr": list(LRS), "opt": list(OPTS), "seed": list(SEEDS)}
    study = optuna.create_study(
        study_name="grid", storage=storage, direction=direction,
        sampler=optuna.samplers.GridSampler(space, seed=0),
    )  # fmt: skip

    def objective(trial: optuna.Trial) -> float:
        lr = trial.suggest_float("lr", 1e-05, 0.01, log=True)
        opt = trial.suggest_categorical("opt", list(OPTS))
        seed = trial.suggest_int("seed", 0, 3)
        return lookup[(lr, opt, seed)]

    study.optimize(objective, n_trials=len(runs))


def test_round_trip_equals_the_dataframe_path(tmp_path, runs):
    storage = f"sqlite:///{tmp_path / 'grid.db'}"
    _grid_study(storage, runs)
    got = from_optuna(storage, "grid")
    want = Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed", goal="max")
    assert_same_sweep(got, want)
    info = source_info(got)
    assert info is not None
    assert (info.metric, info.seed, info.goal) == ("value", "seed", "max")
    assert set(info.inferred) >= {"metric", "seed", "goal", "params"}
    assert info.log_scale == ("lr",) == got.runs.attrs["log_scale"]
    assert "seed: 'seed' (inferred)" in str(info)


def test_study_object_storage_with_one_study_and_open_source(tmp_path, runs):
    storage = f"sqlite:///{tmp_path / 'grid.db'}"
    _grid_study(storage, runs, direction="minimize")
    want = Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed", goal="min")
    study = optuna.load_study(study_name="grid", storage=storage)
    assert_same_sweep(from_optuna(study), want)
    assert_same_sweep(from_optuna(storage), want)  # the only study in the storage
    assert_same_sweep(open_source(f"optuna:{storage}#grid"), want)
    assert source_info(from_optuna(study)).goal == "min"


def _add(study, params, dists, value=None, state=None, user_attrs=None):
    study.add_trial(
        optuna.trial.create_trial(
            params=params, distributions=dists, value=value,
            state=state or TrialState.COMPLETE, user_attrs=user_attrs or {},
        )
    )  # fmt: skip


DISTS = {"lr": FloatDist(1e-05, 0.01, log=True), "opt": CatDist(list(OPTS))}


def test_only_complete_trials_the_others_counted(tmp_path, runs):
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", direction="maximize")
    for r in runs.itertuples():
        _add(study, {"lr": r.lr, "opt": r.opt}, DISTS, r.acc, user_attrs={"seed": r.seed})
    _add(study, {"lr": 0.01, "opt": "sgd"}, DISTS, state=TrialState.FAIL)
    _add(study, {"lr": 0.01, "opt": "sgd"}, DISTS, state=TrialState.FAIL)
    _add(study, {"lr": 0.001, "opt": "sgd"}, DISTS, state=TrialState.PRUNED)
    sweep = from_optuna(study)
    assert source_info(sweep).dropped == {"fail": 2, "pruned": 1}
    assert sweep.seed == "seed"  # found among the user attributes
    want = Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed")
    assert_same_sweep(sweep, want)


@pytest.mark.parametrize("layout", ["list", "keys"])
def test_per_seed_scores_inside_one_trial(tmp_path, runs, layout):
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", direction="maximize")
    for (lr, opt), group in runs.groupby(["lr", "opt"]):
        scores = group.sort_values("seed")["acc"].tolist()
        if layout == "list":
            attrs = {"scores": scores, "note": "x"}
        else:
            attrs = {f"score_seed{k}": x for k, x in enumerate(scores)}
        _add(study, {"lr": lr, "opt": opt}, DISTS, float(np.mean(scores)), user_attrs=attrs)
    sweep = from_optuna(study)
    want = Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed")
    assert_same_sweep(sweep, want)
    assert any("per-seed" in n for n in source_info(sweep).notes)


def test_multi_objective_by_name_or_index(tmp_path, runs):
    study = optuna.create_study(
        storage=f"sqlite:///{tmp_path / 's.db'}", directions=["maximize", "minimize"]
    )
    for r in runs.itertuples():
        study.add_trial(
            optuna.trial.create_trial(
                params={"lr": r.lr, "opt": r.opt, "seed": r.seed},
                distributions={**DISTS, "seed": IntDist(0, 3)},
                values=[r.acc, 1 - r.acc],
            )
        )
    with pytest.raises(ValueError, match=r"2 objectives \['values_0', 'values_1'\]"):
        from_optuna(study)
    loss = from_optuna(study, metric="values_1")
    assert (loss.goal, loss.metric) == ("min", "values_1")
    np.testing.assert_allclose(
        loss.configs["mean"], 1 - from_optuna(study, metric=0).configs["mean"]
    )
    with pytest.warns(optuna.exceptions.ExperimentalWarning):
        study.set_metric_names(["acc", "loss"])
    acc = from_optuna(study, metric="acc")
    assert_same_sweep(acc, Sweep.from_runs(runs, metric="acc", params=["lr", "opt"], seed="seed"))
    with pytest.raises(ValueError, match="not among the objectives"):
        from_optuna(study, metric="f1")


def test_without_a_seed_runs_are_unordered(tmp_path, runs):
    study = optuna.create_study(storage=f"sqlite:///{tmp_path / 's.db'}", direction="maximize")
    for r in runs.itertuples():  # a learning curve is a list, but not per-seed scores
        _add(study, {"lr": r.lr, "opt": r.opt}, DISTS, r.acc, user_attrs={"curve": [0.1, 0.2]})
    sweep = from_optuna(study)
    assert sweep.seed is None
    assert any("no seed" in n for n in source_info(sweep).notes)
    assert_same_sweep(sweep, Sweep.from_runs(runs.drop(columns="seed"), metric="acc"))


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(TypeError, match=r"`study_or_storage` must be an optuna.Study"):
        from_optuna(42)
    storage = f"sqlite:///{tmp_path / 's.db'}"
    optuna.create_study(study_name="a", storage=storage)
    optuna.create_study(study_name="b", storage=storage)
    with pytest.raises(ValueError, match=r"several studies in the storage: \['a', 'b'\]"):
        from_optuna(storage)


def test_missing_extra_names_the_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "optuna", None)
    with pytest.raises(ImportError, match=r"pip install sweepwalk\[optuna\]"):
        from_optuna("sqlite:///nothing.db")


def test_grid_runs_is_what_the_study_saw():
    assert len(grid_runs()) == len(LRS) * len(OPTS) * len(SEEDS)


def test_a_parameter_named_like_the_objective_keeps_its_values():
    """Optuna names a single objective 'value'; a parameter 'value' is kept as config.value."""
    study = optuna.create_study(direction="minimize")
    for k, (value, seed) in enumerate([(v, s) for v in ("a", "b") for s in range(3)]):
        study.enqueue_trial({"value": value, "seed": seed})
        trial = study.ask()
        trial.suggest_categorical("value", ["a", "b"])
        trial.suggest_int("seed", 0, 2)
        study.tell(trial, 0.1 * k)
    sweep = from_optuna(study)
    assert sweep.params == ("config.value",) and sweep.metric == "value"
    assert sweep.configs["config.value"].tolist() == ["a", "b"]
    assert sweep.configs["mean"].tolist() == pytest.approx([0.1, 0.4])
