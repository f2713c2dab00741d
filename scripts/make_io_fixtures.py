"""Produce the Ray Tune and Hydra fixtures of tests/io with the real tools.

Run it in a throwaway environment that has the tools, not the project's venv:

    python -m venv /tmp/fixvenv && /tmp/fixvenv/bin/pip install "ray[tune]" hydra-core
    /tmp/fixvenv/bin/python scripts/make_io_fixtures.py [ray] [hydra] [wandb]

It rewrites ``tests/fixtures/ray_tune_exp/`` (one folder per trial; only ``params.json``,
``result.json`` and ``error.txt`` are kept, the files sweepwalk reads) and
``tests/fixtures/hydra_multirun/`` (one folder per job with ``.hydra/overrides.yaml`` and
``metrics.json``). Both sweeps: lr in {0.01, 0.1, 1.0} x wd in {0, 0.001} x seed in {0, 1, 2};
one configuration x seed fails on purpose (Ray: the trial raises; Hydra: the job writes no
metrics) so that the readers' counts of dropped runs are exercised. ``hydra`` also writes
``tests/fixtures/hydra_grammar/`` (two multiruns of one app: Hydra's override grammar and a
default left untouched; see make_hydra_grammar). ``wandb`` writes
``tests/fixtures/wandb_export.csv`` and ``wandb_export_real.csv`` (the real export layout).
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


def grammar_score(lr: float, opt: str, dropout: float, seed: str) -> float:
    """The score of a job of the grammar sweep: best at lr=1e-3, opt=yes, dropout=0.1."""
    level = {0.0001: 0.0, 0.001: 0.05, 0.01: 0.02}[lr]
    noise = (int(str(seed)) * 37 % 11) / 200
    return round(0.7 + level + (0.03 if opt == "yes" else 0.0) - dropout / 10 + noise, 6)


HYDRA_GRAMMAR_APP = """
import json
import sys
sys.path.insert(0, %r)
from make_io_fixtures import grammar_score
import hydra
from hydra.core.config_store import ConfigStore
from hydra.core.hydra_config import HydraConfig
from pathlib import Path

ConfigStore.instance().store(
    name="config", node={"lr": 0.001, "opt": "adam", "dropout": 0.1, "seed": 0}
)

@hydra.main(version_base=None, config_name="config")
def main(cfg):
    # what the job received, to check the reader against: Hydra's own types
    assert isinstance(cfg.lr, float) and isinstance(cfg.opt, str), (cfg.lr, cfg.opt)
    assert isinstance(cfg.seed, str) or isinstance(cfg.seed, int), cfg.seed
    acc = grammar_score(cfg.lr, cfg.opt, cfg.dropout, cfg.seed)
    out = Path(HydraConfig.get().runtime.output_dir)
    (out / "metrics.json").write_text(json.dumps({"acc": acc}))

main()
"""


def make_hydra_grammar(out: Path) -> None:
    """Two multiruns of one app under one root, as hydra-core writes them.

    The first sweeps ``lr=1e-4,1e-3,1e-2`` (exponent floats: Hydra passes 0.0001...),
    ``opt=yes,no`` (words: text for Hydra, booleans for YAML) and ``seed=007,010,013``
    (zero-padded: Hydra keeps the text '010', YAML would read 8); the second runs
    ``opt=yes dropout=0.5`` and leaves ``lr`` at its default (1e-3, only in the job's composed
    config). Each job keeps ``.hydra/overrides.yaml``, ``.hydra/config.yaml`` and its metrics.
    """
    shutil.rmtree(out, ignore_errors=True)
    sweeps = {
        "2024-05-01/12-00-00": ["lr=1e-4,1e-3,1e-2", "opt=yes,no", "seed=007,010,013"],
        "2024-05-01/13-00-00": ["opt=yes", "dropout=0.5", "seed=007,010,013"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "app.py"
        app.write_text(HYDRA_GRAMMAR_APP % str(Path(__file__).resolve().parent))
        for folder, overrides in sweeps.items():
            subprocess.run(
                [sys.executable, str(app), "--multirun", *overrides,
                 f"hydra.sweep.dir={out / folder}", "hydra/job_logging=none",
                 "hydra/hydra_logging=none"],
                check=True,
                cwd=tmp,
            )  # fmt: skip
    for sweep in sweeps:
        for job in (out / sweep).iterdir():
            if job.is_dir():
                for f in (job / ".hydra").iterdir():
                    if f.name not in ("overrides.yaml", "config.yaml"):
                        f.unlink()
                for f in job.iterdir():
                    if f.is_file() and f.name != "metrics.json":
                        f.unlink()
            else:
                job.unlink()  # multirun.yaml: Hydra's record of the sweep, not read


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


def wandb_real_runs() -> list[dict]:
    """The runs of a 3 lr x 2 optimiser x 5 seed W&B sweep, as its runs table shows them."""
    runs = []
    for i, lr in enumerate(("0.0001", "0.001", "0.01")):
        for j, opt in enumerate(("adam", "sgd")):
            for seed in range(5):
                acc = 0.8 + (0.0, 0.04, 0.01)[i] + (0.02, 0.0)[j]
                acc += ((seed * 3 + i * 2 + j) % 7) / 300 + seed / 1000
                runs.append({"lr": lr, "opt": opt, "seed": str(seed), "acc": round(acc, 6)})
    return runs


def make_wandb_real_csv(out: Path) -> None:
    """A runs table as W&B's "Export CSV" writes it: every value quoted; W&B's own columns
    (Name, State, Notes, User, Tags, Created, Runtime, Sweep), then the config keys (with
    run-level ones: wandb_run_name, output_dir; a 'None' text value), then the summary keys
    (W&B's _runtime, _step, _timestamp, and epoch, val_loss, fit_seconds beside acc). Written
    by hand, as wandb cannot run offline; one run crashed."""
    import csv

    header = ["Name", "State", "Notes", "User", "Tags", "Created", "Runtime", "Sweep",
              "epochs", "lr", "opt", "scheduler", "seed", "wandb_run_name", "output_dir",
              "_runtime", "_step", "_timestamp", "acc", "epoch", "fit_seconds",
              "val_loss"]  # fmt: skip
    rows = []
    for k, run in enumerate(wandb_real_runs()):
        name = f"{['dainty', 'lively', 'noble', 'swift'][k % 4]}-sweep-{k + 1}"
        runtime = 600 + (k * 37) % 91
        rows.append(
            [name, "finished", "-", "me", "", f"2024-05-01T12:{k:02d}:07.000Z", str(runtime),
             "x7k2m9qa", "20", run["lr"], run["opt"], "None", run["seed"], name,
             f"/scratch/me/runs/{name}", str(runtime), "19", f"{1714565227 + 60 * k}.5",
             repr(run["acc"]), "19", f"{runtime - 1}.{k % 10}3",
             repr(round((1 - run["acc"]) * 1.3, 6))]
        )  # fmt: skip
    rows.append(["brave-sweep-31", "crashed", "-", "me", "", "2024-05-01T13:00:07.000Z", "12",
                 "x7k2m9qa", "20", "0.01", "sgd", "None", "5", "brave-sweep-31",
                 "/scratch/me/runs/brave-sweep-31", "12", "0", "1714567000.5", "", "0", "",
                 ""])  # fmt: skip
    with out.open("w", newline="") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    wanted = set(sys.argv[1:]) or {"ray", "hydra", "wandb"}
    if "ray" in wanted:
        make_ray_tune(FIXTURES / "ray_tune_exp")
    if "hydra" in wanted:
        make_hydra(FIXTURES / "hydra_multirun")
        make_hydra_grammar(FIXTURES / "hydra_grammar")
    if "wandb" in wanted:
        make_wandb_csv(FIXTURES / "wandb_export.csv")
        make_wandb_real_csv(FIXTURES / "wandb_export_real.csv")
    print(json.dumps({p.name: len(list(p.iterdir())) for p in FIXTURES.iterdir() if p.is_dir()}))
