"""Produce the Ray Tune and Hydra fixtures of tests/io with the real tools.

Run it in a throwaway environment that has the tools, not the project's venv:

    python -m venv /tmp/fixvenv && /tmp/fixvenv/bin/pip install "ray[tune]" hydra-core
    /tmp/fixvenv/bin/python scripts/make_io_fixtures.py [ray] [hydra] [wandb]

It rewrites ``tests/fixtures/ray_tune_exp/`` (one folder per trial; only ``params.json``,
``result.json`` and ``error.txt`` are kept, the files sweepwalk reads) and
``tests/fixtures/hydra_multirun/`` (one folder per job with ``.hydra/overrides.yaml`` and
``metrics.json``). Both sweeps: lr in {0.01, 0.1, 1.0} x wd in {0, 0.001} x seed in {0, 1, 2};
one configuration x seed fails on purpose (Ray: the trial raises; Hydra: the job writes no
metrics) so that the readers' counts of dropped runs are exercised. ``wandb`` writes
``tests/fixtures/wandb_export.csv`` (needs only pandas).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
KEEP = {"params.json", "result.json", "error.txt"}


def score(lr: float, wd: float, seed: int, step: int) -> float:
    """A deterministic noisy score: best at lr=0.1, better with more steps."""
    noise = ((seed * 7919 + int(lr * 1000) * 31 + int(wd * 1e4) * 17) % 97) / 970.0
    return round(0.9 - abs(lr - 0.1) * 0.3 - wd * 10 + 0.01 * step + noise, 6)


def make_ray_tune(out: Path) -> None:
    import ray
    from ray import tune

    def trainable(config: dict) -> None:
        if config["lr"] == 1.0 and config["wd"] == 0.001 and config["seed"] == 2:
            raise RuntimeError("diverged (on purpose, for the fixture)")
        for step in range(3):
            tune.report({"acc": score(config["lr"], config["wd"], config["seed"], step)})

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    with tempfile.TemporaryDirectory() as tmp:
        tuner = tune.Tuner(
            trainable,
            param_space={
                "lr": tune.grid_search([0.01, 0.1, 1.0]),
                "wd": tune.grid_search([0.0, 0.001]),
                "seed": tune.grid_search([0, 1, 2]),
                "model": {"width": 64},
            },
            tune_config=tune.TuneConfig(metric="acc", mode="max"),
            run_config=tune.RunConfig(name="exp", storage_path=tmp),
        )
        tuner.fit()
        ray.shutdown()
        shutil.rmtree(out, ignore_errors=True)
        for trial in sorted(p for p in (Path(tmp) / "exp").iterdir() if p.is_dir()):
            (out / trial.name).mkdir(parents=True)
            for f in trial.iterdir():
                if f.name in KEEP:
                    shutil.copy(f, out / trial.name / f.name)


HYDRA_APP = """
import json
import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from pathlib import Path

ConfigStore.instance().store(name="config", node={"lr": 0.1, "wd": 0.0, "seed": 0,
                                                  "model": {"width": 64}})

def score(lr, wd, seed, step):
    noise = ((seed * 7919 + int(lr * 1000) * 31 + int(wd * 1e4) * 17) % 97) / 970.0
    return round(0.9 - abs(lr - 0.1) * 0.3 - wd * 10 + 0.01 * step + noise, 6)

@hydra.main(version_base=None, config_name="config")
def main(cfg):
    if cfg.lr == 1.0 and cfg.wd == 0.001 and cfg.seed == 2:
        return  # a job that died before writing its metrics
    out = Path(HydraConfig.get().runtime.output_dir)
    acc = score(cfg.lr, cfg.wd, cfg.seed, 2)
    (out / "metrics.json").write_text(json.dumps({"acc": acc, "loss": round(1 - acc, 6)}))

main()
"""


def make_hydra(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app.py"
        app.write_text(HYDRA_APP)
        subprocess.run(
            [
                sys.executable,
                str(app),
                "--multirun",
                "lr=0.01,0.1,1.0",
                "wd=0,0.001",
                "seed=0,1,2",
                "model.width=64",
                f"hydra.sweep.dir={out}",
                "hydra/job_logging=none",
                "hydra/hydra_logging=none",
            ],
            check=True,
            cwd=tmp,
        )
    for job in out.iterdir():  # keep what sweepwalk reads; the rest is Hydra's bookkeeping
        if job.is_dir():
            for f in (job / ".hydra").iterdir():
                if f.name != "overrides.yaml":
                    f.unlink()
            for f in job.iterdir():
                if f.is_file() and f.name != "metrics.json":
                    f.unlink()
    for f in out.iterdir():
        if f.is_file():
            f.unlink()


def make_wandb_csv(out: Path) -> None:
    """A runs table laid out as W&B's "Export CSV" writes it (W&B's columns first, then the
    visible config and summary columns); written by hand, wandb cannot run offline. The scores
    are tests/io/io_helpers.py's grid_runs(); two runs did not finish."""
    import pandas as pd

    sys.path.insert(0, str(FIXTURES.parent / "io"))
    from io_helpers import grid_runs

    runs = grid_runs()
    table = pd.DataFrame(
        {
            "Name": [f"run-{k}" for k in range(len(runs))],
            "State": "finished",
            "Notes": "-",
            "User": "me",
            "Tags": "",
            "Created": [f"2024-05-01T12:{k:02d}:00.000Z" for k in range(len(runs))],
            "Runtime": [60 + k for k in range(len(runs))],
            "Sweep": "abc123",
            "epochs": 10,
            "lr": runs["lr"],
            "opt": runs["opt"],
            "seed": runs["seed"],
            "acc": runs["acc"],
            "val_loss": (1 - runs["acc"]) * 1.1,
        }
    )
    unfinished = table.iloc[:2].assign(State=["crashed", "running"], acc=[0.1, None])
    pd.concat([table, unfinished]).to_csv(out, index=False)


if __name__ == "__main__":
    wanted = set(sys.argv[1:]) or {"ray", "hydra", "wandb"}
    if "ray" in wanted:
        make_ray_tune(FIXTURES / "ray_tune_exp")
    if "hydra" in wanted:
        make_hydra(FIXTURES / "hydra_multirun")
    if "wandb" in wanted:
        make_wandb_csv(FIXTURES / "wandb_export.csv")
    print(json.dumps({p.name: len(list(p.iterdir())) for p in FIXTURES.iterdir() if p.is_dir()}))
