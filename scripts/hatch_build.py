"""Hatch build hook: a checkout without npm fails with one line that says what to do.

The widget's JavaScript bundle (python/sweepwalk/static/widget.js) is built by npm from src/
when it is missing (hatch-jupyter-builder, the next hook). Without npm that hook dies with
``CalledProcessError`` and exit 127; this hook runs first and says instead what is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLE = Path("python") / "sweepwalk" / "static" / "widget.js"


def missing_npm_message(root: Path) -> str | None:
    """The one line to stop the build with, or None when the bundle or npm is there."""
    if (root / BUNDLE).is_file() or shutil.which("npm") is not None:
        return None
    return (
        f"sweepwalk: building from a checkout needs npm (Node.js >= 20) to build {BUNDLE} "
        "from src/; install Node.js and retry, or install a released wheel (pip install sweepwalk)"
    )


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    """Stop a build that would need npm where there is none, in one line."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        message = missing_npm_message(Path(self.root))
        if message is not None:
            raise SystemExit(message)
