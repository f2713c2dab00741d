"""sweepwalk: walk a hyperparameter sweep by significance.

Scores are one float per seed per configuration. Load a sweep with
:meth:`Sweep.from_runs`, compare a target configuration with its neighbours with
:meth:`Sweep.compare`, or explore it interactively in a notebook with :func:`explore`.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

# Lazy so that `import sweepwalk` stays light and the engine never pulls in the widget.
_LAZY = {
    "Sweep": ("sweepwalk.sweep", "Sweep"),
    "Comparison": ("sweepwalk.compare", "Comparison"),
    "Walk": ("sweepwalk.walk", "Walk"),
    "Session": ("sweepwalk.session", "Session"),
    "explore": ("sweepwalk._widget", "explore"),
    "SweepWidget": ("sweepwalk._widget", "SweepWidget"),
    "datasets": ("sweepwalk.datasets", None),
}

__all__ = [
    "Comparison",
    "Session",
    "Sweep",
    "SweepWidget",
    "Walk",
    "__version__",
    "datasets",
    "explore",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'sweepwalk' has no attribute {name!r}")
    module_name, attr = _LAZY[name]
    module = importlib.import_module(module_name)
    return module if attr is None else getattr(module, attr)


def __dir__() -> list[str]:
    return sorted(__all__)
