"""The package people take: one version, a licence in the metadata, no test tools as extras."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
import shutil
from pathlib import Path

import tomllib

import sweepwalk

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_one_version_read_from_package_json():
    """package.json holds it; the build writes _version.py from it; the metadata agrees."""
    npm = json.loads((ROOT / "package.json").read_text())["version"]
    assert sweepwalk.__version__ == npm
    assert importlib.metadata.version("sweepwalk") == npm
    assert PYPROJECT["tool"]["hatch"]["version"] == {"source": "nodejs"}
    hook = PYPROJECT["tool"]["hatch"]["build"]["hooks"]["version"]
    written = hook["template"].format(version=npm)  # what the build writes
    assert (ROOT / hook["path"]).read_text() == written


def test_licence_file_and_spdx_expression_in_the_metadata():
    meta = importlib.metadata.metadata("sweepwalk")
    assert meta["License-Expression"] == "BSD-3-Clause"
    assert meta.get_all("License-File") == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("BSD 3-Clause License")
    assert any(c.startswith("Topic :: Scientific") for c in meta.get_all("Classifier"))
    assert (ROOT / "CHANGELOG.md").is_file()


def test_development_tools_are_not_published_extras():
    extras = PYPROJECT["project"]["optional-dependencies"]
    published = {re.split(r"[\[<>=]", req)[0] for reqs in extras.values() for req in reqs}
    for tool in ("pytest", "ruff", "mypy", "pandas-stubs", "hypothesis"):
        assert tool not in published
    assert "test" not in extras
    wanted = (ROOT / "requirements-test.txt").read_text()
    assert "pytest>=8" in wanted and "ruff" in wanted
    assert "requirements-test.txt" in (ROOT / "scripts" / "setup.sh").read_text()


def test_a_checkout_without_npm_gets_one_line(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "scripts/hatch_build.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    message = hook.missing_npm_message(tmp_path)  # a checkout: no bundle built yet
    assert message is not None and "\n" not in message and "needs npm" in message
    (tmp_path / hook.BUNDLE).parent.mkdir(parents=True)
    (tmp_path / hook.BUNDLE).write_text("built")
    assert hook.missing_npm_message(tmp_path) is None  # an sdist with the bundle needs no npm
