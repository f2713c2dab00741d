"""Rewrite the output of every ``$ sweepwalk ...`` example in README.md by running it.

Run after a change to what the CLI prints; ``tests/cli/test_cli.py`` checks the README is current.
Usage: python scripts/update_readme_examples.py
"""

from __future__ import annotations

import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from sweepwalk.datasets import load_demo

README = Path(__file__).resolve().parent.parent / "README.md"


def _rewrite(block: str, demo: Path) -> str:
    """One ```console block: keep the command lines, replace what follows by its output."""
    lines = block.splitlines()
    k = next((i for i, line in enumerate(lines) if line.startswith("$ sweepwalk ")), None)
    if k is None:
        return block
    command = ""
    while True:
        command += lines[k].removeprefix("$ ").rstrip("\\").strip() + " "
        k += 1
        if not lines[k - 1].endswith("\\"):
            break
    argv = [str(demo) if a == "demo.csv" else a for a in shlex.split(command)[1:]]
    cmd = [sys.executable, "-m", "sweepwalk", *argv]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return "\n".join(lines[:k]) + "\n" + out


def main() -> None:
    text = README.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo.csv"
        load_demo().to_csv(demo, index=False)
        head, *blocks = text.split("```console\n")
        parts = [head]
        for block in blocks:
            body, rest = block.split("```", 1)
            parts.append(_rewrite(body, demo) + "```" + rest)
        README.write_text("```console\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
