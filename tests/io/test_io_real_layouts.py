"""Readers against files as the tools really write them.

Hydra jobs were run by hydra-core (scripts/make_io_fixtures.py, committed under
tests/fixtures/hydra_grammar); hive folders are written here by pandas and pyarrow; the W&B
export has W&B's real column layout and quoting; the MLflow store is written by MLflow's client;
the Ray experiment is the fixture of test_io_folders.py with one trial still writing. Each reader
must give the same configurations as the equivalent long DataFrame.
"""

from __future__ import annotations

import importlib.util
import itertools
import shutil
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads
import pytest
from io_helpers import assert_same_sweep

from sweepwalk import Sweep
from sweepwalk.io import from_frame, from_hydra, from_mlflow, from_ray_tune, from_wandb
from sweepwalk.io._folders import hydra_value

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "make_io_fixtures", ROOT / "scripts/make_io_fixtures.py"
)
assert _spec is not None and _spec.loader is not None
maker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


# --- Hydra -----------------------------------------------------------------------------------


def hydra_grammar_runs() -> pd.DataFrame:
    """What the two multiruns ran, as the jobs received it (Hydra's types), with their scores."""
    rows = []
    seeds = ("007", "010", "013")  # zero-padded: Hydra passes the text, YAML would read 8 for 010
    for lr, opt, seed in itertools.product((1e-4, 1e-3, 1e-2), ("yes", "no"), seeds):
        rows.append({"lr": lr, "opt": opt, "dropout": 0.1, "seed": seed})
    for seed in seeds:  # the later multirun: opt=yes dropout=0.5, lr left at its default 1e-3
        rows.append({"lr": 1e-3, "opt": "yes", "dropout": 0.5, "seed": seed})
    for row in rows:
        row["acc"] = maker.grammar_score(row["lr"], row["opt"], row["dropout"], row["seed"])
    return pd.DataFrame(rows)


def test_hydra_reads_values_as_hydra_passed_them_and_defaults_as_values():
    sweep = from_hydra(FIXTURES / "hydra_grammar")
    want = Sweep.from_runs(
        hydra_grammar_runs(), metric="acc", params=["lr", "opt", "dropout"], seed="seed"
    )
    assert_same_sweep(sweep, want)
    # lr levels are numbers in numeric order (text would sort '0.0001' < '0.001' < '0.01' by
    # luck here, but '1e-4' would not), words stay words, the default lr is the 1e-3 level
    assert sweep.configs["lr"].tolist() == [1e-4, 1e-4, 1e-3, 1e-3, 1e-3, 1e-2, 1e-2]
    assert set(sweep.configs["opt"]) == {"yes", "no"}
    assert sorted(sweep.runs["seed"].unique()) == ["007", "010", "013"]
    info = sweep.runs.attrs["source"]
    assert any("2 sweeps" in n and "12-00-00" in n and "13-00-00" in n for n in info.notes)


# Each value's type and value as hydra-core 1.3's own OverridesParser returned them for
# `k=<text>` (checked when this table was written; Hydra is not a test dependency).
HYDRA_PARSED = {
    "1e-3": 0.001, "1e-4": 0.0001, "1.0e-10": 1e-10, "1E5": 100000.0, ".5": 0.5, "5.": 5.0,
    "1_000": 1000, "0": 0, "-5": -5, "+3": 3, "010": "010", "007": "007", "00": "00",
    "01.5": "01.5", "1__0": "1__0", "yes": "yes", "no": "no", "on": "on", "off": "off",
    "True": True, "FALSE": False, "null": None, "NULL": None, "abc": "abc", "a b": "a b",
    "'1e-3'": "1e-3", '"x"': "x", "[1,2]": (1, 2), "[a, 1e-3]": ("a", 0.001),
    "0x10": "0x10", "2024-05-01": "2024-05-01", "inf": float("inf"),
}  # fmt: skip


@pytest.mark.parametrize(("text", "want"), list(HYDRA_PARSED.items()))
def test_hydra_override_values_follow_hydras_grammar(text, want):
    got = hydra_value(text)
    assert type(got) is type(want) and got == want


def test_hydra_overrides_only_parsed_with_hydras_grammar(tmp_path):
    """Jobs without config.yaml: the overrides alone, read as Hydra reads them."""
    for k, (lr, seed) in enumerate(itertools.product(("1e-4", "1e-3", "1e-2"), range(3))):
        hydra_dir = tmp_path / str(k) / ".hydra"
        hydra_dir.mkdir(parents=True)
        (hydra_dir / "overrides.yaml").write_text(f"- lr={lr}\n- opt=yes\n- seed={seed}\n")
        (tmp_path / str(k) / "metrics.json").write_text(f'{{"acc": {0.5 + k / 100}}}')
    sweep = from_hydra(tmp_path)
    assert sweep.configs["lr"].tolist() == [1e-4, 1e-3, 1e-2]
    assert sweep.neighbors(0) == [1]  # numeric order: 1e-4 neighbours 1e-3 only
    assert sweep.runs["opt"].unique().tolist() == ["yes"]


def test_hydra_sweeps_of_different_configs_refused_by_name(tmp_path):
    root = tmp_path / "multirun"
    shutil.copytree(FIXTURES / "hydra_grammar", root)
    for config in (root / "2024-05-01" / "13-00-00").glob("*/.hydra/config.yaml"):
        config.write_text(config.read_text() + "width: 64\n")
    with pytest.raises(ValueError, match=r"2 Hydra sweeps of different configs.*12-00-00.*13-00"):
        from_hydra(root)
    one = from_hydra(root / "2024-05-01" / "12-00-00")  # each sweep alone reads
    assert one.runs.attrs["source"].n_runs == 18


# --- hive-partitioned Parquet ----------------------------------------------------------------

BIG = 2**62 + 1  # beyond 2**53: float64 would merge BIG and BIG + 1


def hive_runs() -> pd.DataFrame:
    rows = []
    for lr, bucket, opt, seed in itertools.product(
        (1e-5, 1e-4, 1e-3, 1e-2), (BIG, BIG + 1), ("adam", "sgd"), range(3)
    ):
        acc = 0.7 + 0.02 * np.log10(lr / 1e-5) + (bucket - BIG) * 0.01 + seed * 0.003
        rows.append({"lr": lr, "bucket": bucket, "opt": opt, "seed": seed, "acc": acc})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("writer", ["pandas", "pyarrow"])
def test_hive_partition_values_typed_as_data(tmp_path, writer):
    runs = hive_runs()
    folder = tmp_path / "runs"
    keys = ["lr", "bucket", "opt"]
    if writer == "pandas":
        runs.to_parquet(folder, partition_cols=keys)
    else:
        pads.write_dataset(
            pa.Table.from_pandas(runs, preserve_index=False), folder, format="parquet",
            partitioning=keys, partitioning_flavor="hive",
        )  # fmt: skip
    assert any(p.name.startswith("lr=") for p in folder.iterdir())
    sweep = from_frame(folder, metric="acc", seed="seed", params=keys)
    want = Sweep.from_runs(runs, metric="acc", params=keys, seed="seed")
    assert_same_sweep(sweep, want)
    assert sweep.configs["lr"].tolist()[::4] == [1e-5, 1e-4, 1e-3, 1e-2]
    assert sorted(set(sweep.runs["bucket"].tolist())) == [BIG, BIG + 1]  # exact, two levels
    assert sweep.runs.attrs["source"].source == f"Parquet {str(folder)!r}"


# --- W&B export --------------------------------------------------------------------------------


def wandb_long() -> pd.DataFrame:
    frame = pd.DataFrame(maker.wandb_real_runs())
    return frame.assign(lr=frame["lr"].astype(float), seed=frame["seed"].astype(int))


def test_wandb_real_export_takes_only_config_parameters():
    sweep = from_wandb(FIXTURES / "wandb_export_real.csv", metric="acc")
    want = Sweep.from_runs(wandb_long(), metric="acc", params=["lr", "opt"], seed="seed")
    assert_same_sweep(sweep, want)
    info = sweep.runs.attrs["source"]
    assert info.params == ("lr", "opt") and info.dropped == {"crashed": 1}
    notes = " ".join(info.notes)
    for name in ("wandb_run_name", "output_dir", "fit_seconds", "val_loss", "_runtime", "_step"):
        assert repr(name) in notes  # said, and why


def test_wandb_id_layout_none_and_na_kept_apart(tmp_path):
    frame = pd.read_csv(FIXTURES / "wandb_export_real.csv", dtype=str, keep_default_na=False)
    frame = frame.rename(columns={"Name": "ID"})
    frame.insert(6, "Updated", frame["Created"])
    frame.insert(7, "End Time", frame["Created"])
    frame["scheduler"] = np.where(frame["seed"].isin(["0", "1", "2"]), "None", "NA")
    frame = frame[frame["seed"] != "5"]
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False, quoting=1)
    sweep = from_wandb(path, metric="acc")
    assert sweep.params == ("lr", "opt", "scheduler")
    assert set(sweep.runs["scheduler"]) == {"None", "NA"}  # two values, not one "missing"


def test_wandb_empty_export_is_named(tmp_path):
    empty = tmp_path / "export.csv"
    empty.write_text("")
    with pytest.raises(ValueError, match=r"W&B CSV export .*export\.csv' is empty"):
        from_wandb(empty, metric="acc")


# --- MLflow ------------------------------------------------------------------------------------


def test_mlflow_run_level_text_param_left_out_and_64_bit_params_exact(tmp_path):
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = mlflow.MlflowClient(tracking_uri=uri)
    exp = client.create_experiment("big")
    rows = []
    for k, (bucket, seed) in enumerate(itertools.product((2**63 + 1, 2**63 + 2, 2**62), range(3))):
        run = client.create_run(exp)
        acc = 0.5 + (bucket % 7) / 10 + seed / 100
        params = {"bucket": bucket, "seed": seed, "run_dir": f"/scratch/run-{k}"}
        for key, x in params.items():
            client.log_param(run.info.run_id, key, x)
        client.log_metric(run.info.run_id, "acc", acc)
        client.set_terminated(run.info.run_id)
        rows.append({"bucket": bucket, "seed": seed, "acc": acc})
    sweep = from_mlflow("big", tracking_uri=uri)
    info = sweep.runs.attrs["source"]
    assert info.params == ("bucket",)
    assert "'run_dir'" in " ".join(info.notes)
    assert not any("every configuration has a single run" in n for n in info.notes)
    assert sorted(sweep.runs["bucket"].unique().tolist()) == [2**62, 2**63 + 1, 2**63 + 2]
    assert sweep.configs["n"].tolist() == [3, 3, 3]
    assert "parameters read as numbers: ['bucket', 'seed']" in info.notes


# --- Ray Tune ----------------------------------------------------------------------------------


def test_ray_trial_still_writing_read_to_its_last_complete_line(tmp_path):
    exp = tmp_path / "exp"
    shutil.copytree(FIXTURES / "ray_tune_exp", exp)
    before = from_ray_tune(FIXTURES / "ray_tune_exp", params=["lr", "wd"])
    trial = sorted(p for p in exp.iterdir() if (p / "result.json").is_file())[0]
    with (trial / "result.json").open("a") as f:
        f.write('{"acc": 0.2, "training_iter')  # the line being written
    sweep = from_ray_tune(exp, params=["lr", "wd"])
    assert_same_sweep(sweep, before)
    assert any(n.startswith("1 trial(s) still writing") for n in sweep.runs.attrs["source"].notes)


# --- a key named like the metric ---------------------------------------------------------------


def test_parameter_named_like_the_metric_keeps_its_values(tmp_path):
    exp = tmp_path / "exp"
    for k, (kind, seed) in enumerate(itertools.product(("mse", "huber"), range(3))):
        trial = exp / f"trial_{k}"
        trial.mkdir(parents=True)
        (trial / "params.json").write_text(f'{{"loss": "{kind}", "seed": {seed}}}')
        score = (0.2 if kind == "mse" else 0.1) + seed / 100
        (trial / "result.json").write_text(f'{{"loss": {score}}}\n')
    sweep = from_ray_tune(exp, metric="loss")
    assert sweep.params == ("config.loss",)
    assert sorted(sweep.configs["config.loss"]) == ["huber", "mse"]
    assert sweep.goal == "min"
    assert any("renamed 'config.loss'" in n for n in sweep.runs.attrs["source"].notes)
