"""Exports of a plan: the runs to make, Optuna enqueue_trial dicts, a W&B sweep configuration."""

from __future__ import annotations

import numpy as np
import optuna
import pandas as pd
import pytest

from sweepwalk import Sweep, optuna_trials, plan_runs, wandb_sweep

optuna.logging.set_verbosity(optuna.logging.WARNING)


def test_plan_runs_are_the_plans_more_seeds_on_fresh_shared_seeds(demo):
    plan = demo.plan(0, max_seeds=40)
    runs = plan_runs(plan)
    assert list(runs.columns) == [*demo.params, "seed", "config", "reason"]
    used = set(demo.runs["seed"])
    assert not used & set(runs["seed"])  # fresh seeds only
    counts = runs.groupby("config").size()
    for config, row in plan.iloc[1:].iterrows():
        assert counts.get(config, 0) == (row["more_seeds"] if np.isfinite(row["more_seeds"]) else 0)
    target_runs = counts.get(0, 0)
    asked = plan["more_seeds_target"].iloc[1:].max() if len(plan) > 1 else 0
    assert target_runs == max(plan["more_seeds"].iloc[0], asked)
    # the same seed list for everyone: the new runs pair up by seed
    by_config = runs.groupby("config")["seed"].apply(list)
    longest = max(by_config, key=len)
    assert all(seeds == longest[: len(seeds)] for seeds in by_config)
    for config, group in runs.groupby("config"):  # the parameters are the configuration's
        want = demo.configs.loc[config, list(demo.params)]
        got = group[list(demo.params)].iloc[0]
        assert all((pd.isna(a) and pd.isna(b)) or a == b for a, b in zip(got, want, strict=True))


def test_explicit_seeds_and_too_few(demo):
    plan = demo.plan(0, max_seeds=40)
    need = int(plan_runs(plan).groupby("config").size().max())
    runs = plan_runs(plan, seeds=[f"s{k}" for k in range(need)])
    assert runs["seed"].iloc[0] == "s0"
    with pytest.raises(ValueError, match=f"needs up to {need} new seeds"):
        plan_runs(plan, seeds=range(need - 1))


def test_optuna_enqueue_trial_runs_exactly_the_plan(demo):
    plan = demo.plan(0, max_seeds=40)
    trials = optuna_trials(plan)
    runs = plan_runs(plan)
    assert len(trials) == len(runs)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(0))
    for params in trials:
        study.enqueue_trial(params)
    # Optuna wants plain Python choices
    levels = {
        p: [x.item() if hasattr(x, "item") else x for x in lv] for p, lv in demo.levels.items()
    }

    def objective(trial: optuna.Trial) -> float:
        solver = trial.suggest_categorical("solver", (levels["solver"]))
        if solver == "sgd":  # conditional: absent for adam, as in the sweep
            trial.suggest_categorical("momentum", (levels["momentum"]))
        trial.suggest_categorical("learning_rate_init", (levels["learning_rate_init"]))
        trial.suggest_categorical("alpha", (levels["alpha"]))
        trial.suggest_categorical("hidden_units", (levels["hidden_units"]))
        trial.suggest_int("seed", 0, 10_000)
        return 0.0

    study.optimize(objective, n_trials=len(trials))
    got = [t.params for t in study.trials]
    assert got == trials
    assert [t["seed"] for t in got] == runs["seed"].tolist()


def test_wandb_sweep_is_a_grid_over_the_planned_runs(demo):
    plan = demo.plan(0, max_seeds=40)
    config = wandb_sweep(plan, program="train.py")
    assert config["method"] == "grid" and config["program"] == "train.py"
    assert config["metric"] == {"name": "accuracy", "goal": "maximize"}
    assert config["parameters"]["sweepwalk_run"]["values"] == optuna_trials(plan)
    import json

    json.dumps(config)  # plain JSON values only (numpy scalars unwrapped)


def test_binned_plans_are_not_exported_as_values():
    from helpers import random_search

    sweep = Sweep.from_runs(random_search(60, 4), metric="acc", seed="seed",
                            bins={"lr": 4, "weight_decay": 3})  # fmt: skip
    plan = sweep.plan(int(sweep.configs["n"].idxmax()))
    with pytest.raises(ValueError, match=r"\['lr', 'weight_decay'\] are binned"):
        optuna_trials(plan)
    assert len(plan_runs(plan)) > 0  # the cells to run, as interval labels
