"""sweepwalk.io imports no optional dependency until a reader needs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sweepwalk.io import from_ray_tune

OPTIONAL = ("optuna", "mlflow", "tensorboard", "polars", "duckdb", "yaml", "wandb", "ray")


def _optional_loaded_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(','.join(m for m in {OPTIONAL!r} if m in sys.modules))"
    src = Path(__file__).resolve().parents[2] / "python"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(src), "PATH": ""},
    )  # fmt: skip
    return set(filter(None, out.stdout.strip().split(",")))


def test_import_pulls_in_no_optional_dependency():
    # statsmodels, which the engine needs, loads polars itself when it is installed: what
    # counts is what sweepwalk.io adds to the engine.
    engine = _optional_loaded_after("import sweepwalk.sweep")  # `import sweepwalk` loads none
    assert _optional_loaded_after("import sweepwalk.io") == engine
    assert not engine - {"polars"}


def test_unknown_columns_are_named(tmp_path):
    trial = tmp_path / "t0"
    trial.mkdir()
    (trial / "params.json").write_text('{"lr": 0.1, "seed": 0}')
    (trial / "result.json").write_text('{"acc": 0.5}\n')
    with pytest.raises(
        ValueError, match=r"has no \['width'\]; its columns are \['lr', 'seed', 'acc'\]"
    ):
        from_ray_tune(tmp_path, params=["lr", "width"], min_runs=1)
