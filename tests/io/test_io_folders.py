"""from_ray_tune and from_hydra on folders made by the real tools (scripts/make_io_fixtures.py).

The expected runs come from the fixture script's own score formula, not from reading the files.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from io_helpers import assert_same_sweep

from sweepwalk import Sweep
from sweepwalk.io import from_hydra, from_ray_tune, open_source, source_info

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
_spec = importlib.util.spec_from_file_location(
    "make_io_fixtures", ROOT / "scripts/make_io_fixtures.py"
)
assert _spec is not None and _spec.loader is not None
maker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(maker)


def expected_runs(metric: str = "acc") -> pd.DataFrame:
    """What the fixture sweeps ran: 3 lr x 2 wd x 3 seeds, last step 2, one run failed."""
    rows = []
    for lr, wd, seed in itertools.product([0.01, 0.1, 1.0], [0.0, 0.001], [0, 1, 2]):
        if (lr, wd, seed) == (1.0, 0.001, 2):
            continue  # failed on purpose
        acc = maker.score(lr, wd, seed, 2)
        rows.append(
            {
                "lr": lr,
                "wd": wd,
                "seed": seed,
                metric: round(1 - acc, 6) if metric == "loss" else acc,
            }
        )
    return pd.DataFrame(rows)


def _want(metric: str = "acc", goal: str = "max") -> Sweep:
    return Sweep.from_runs(
        expected_runs(metric), metric=metric, params=["lr", "wd"], seed="seed", goal=goal
    )


def test_ray_tune_folder_last_result_without_ray():
    sweep = from_ray_tune(FIXTURES / "ray_tune_exp", params=["lr", "wd"])
    assert_same_sweep(sweep, _want())
    info = source_info(sweep)
    assert (info.metric, info.seed, info.dropped) == ("acc", "seed", {"errored": 1})
    assert "metric" in info.inferred  # Ray's own keys (training_iteration...) are not candidates
    assert "ray" not in sys.modules


def test_ray_tune_nested_config_flattened_and_open_source():
    sweep = open_source(str(FIXTURES / "ray_tune_exp"))
    assert sweep.params == ("lr", "model.width", "wd")
    assert sweep.configs["model.width"].unique().tolist() == [64]
    assert len(sweep) == 6 and sweep.configs["n"].sum() == 17


def test_ray_tune_result_grid_shaped_objects():
    results = [
        SimpleNamespace(config={"lr": r.lr, "wd": r.wd, "seed": r.seed}, error=None,
                        metrics={"acc": r.acc, "training_iteration": 3, "done": True})
        for r in expected_runs().itertuples()
    ]  # fmt: skip
    results.append(SimpleNamespace(config={"lr": 1.0, "wd": 0.001, "seed": 2}, metrics={},
                                   error=RuntimeError("diverged")))  # fmt: skip
    sweep = from_ray_tune(results)
    assert_same_sweep(sweep, _want())
    assert source_info(sweep).dropped == {"errored": 1}


def test_hydra_multirun_overrides_and_metrics_file():
    with pytest.raises(ValueError, match=r"several metrics: \['acc', 'loss'\]; pass `metric=`"):
        from_hydra(FIXTURES / "hydra_multirun")
    sweep = from_hydra(FIXTURES / "hydra_multirun", metric="acc", params=["lr", "wd"])
    assert_same_sweep(sweep, _want())
    assert source_info(sweep).dropped == {"without metrics.json": 1}
    loss = from_hydra(FIXTURES / "hydra_multirun", metric="loss", params=["lr", "wd"])
    assert_same_sweep(loss, _want("loss", goal="min"))  # goal read from the name
    assert "goal" in source_info(loss).inferred


def test_hydra_dated_folders_yaml_metrics_and_open_source(tmp_path):
    dated = tmp_path / "multirun" / "2024-05-01" / "12-00-00"
    shutil.copytree(FIXTURES / "hydra_multirun", dated)
    for job in dated.iterdir():
        metrics = job / "metrics.json"
        if metrics.exists():  # the same numbers as YAML, nested
            acc = json.loads(metrics.read_text())["acc"]
            (job / "eval.yaml").write_text(f"val:\n  acc: {float(acc)!r}\n")
    sweep = from_hydra(tmp_path / "multirun", metrics="*.yaml", params=["lr", "wd"])
    assert_same_sweep(sweep, _want("val.acc"))
    assert_same_sweep(open_source(str(dated), metric="acc", params=["lr", "wd"]), _want())


def test_folder_errors_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="no Ray Tune folder"):
        from_ray_tune(tmp_path / "nope")
    with pytest.raises(ValueError, match=r"no trial folders with a params.json"):
        from_ray_tune(tmp_path)
    with pytest.raises(ValueError, match=r"no Hydra job \(no .hydra/overrides.yaml\)"):
        from_hydra(tmp_path)
    with pytest.raises(ValueError, match="cannot tell what"):
        open_source(str(tmp_path))
