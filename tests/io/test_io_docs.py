"""The README's "Where your sweep lives" snippets run as written, in a fresh folder, in order.

Blocks that need a tool not installed here (Ray, Hydra, wandb with network) cannot run; the
Hydra and W&B loading blocks run on the committed fixtures those tools (or its layout) made.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "README.md"
pytestmark = pytest.mark.filterwarnings("ignore:The ``noload`` loader strategy:DeprecationWarning")


def _blocks() -> list[str]:
    section = DOC.read_text().split("\n## Where your sweep lives", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def _needs(block: str) -> list[str]:
    mods = re.findall(r"^(?:from|import) (\w+)", block, re.M)
    return [m for m in mods if importlib.util.find_spec(m) is None]


def test_snippets_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "tests/fixtures/hydra_multirun", tmp_path / "multirun")
    shutil.copy(ROOT / "tests/fixtures/wandb_export.csv", tmp_path / "wandb_export.csv")
    ran, missing = 0, set()
    for block in _blocks():
        if _needs(block):
            missing.update(_needs(block))
            continue
        exec(compile(block, str(DOC), "exec"), {})
        ran += 1
    assert missing <= {"ray", "hydra", "wandb"}
    # frames, optuna, mlflow, hydra loading, W&B CSV, tensorboard, bins, plan exports,
    # open_source
    assert ran >= 9
