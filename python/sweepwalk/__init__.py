"""sweepwalk: walk a hyperparameter sweep by significance.

Scores are one float per seed per configuration. Load a sweep with
:meth:`Sweep.from_runs` (pandas, or anything with ``__arrow_c_stream__``) or from where it
lives (:func:`from_optuna`, :func:`from_mlflow`, :func:`from_ray_tune`, :func:`from_wandb`,
:func:`from_hydra`, :func:`from_tensorboard`), compare a target configuration with its
neighbours with :meth:`Sweep.compare`, walk it without a browser with :class:`Session`, or
explore it interactively in a notebook with :func:`explore`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from . import datasets
from ._version import __version__
from .analysis.compare import Comparison
from .analysis.jobs import Cancelled
from .analysis.ledger import Ledger
from .analysis.plan import optuna_trials, plan_runs, wandb_sweep
from .analysis.walk import Walk
from .data.sweep_data import SweepData
from .io import (
    from_hydra,
    from_mlflow,
    from_optuna,
    from_ray_tune,
    from_tensorboard,
    from_wandb,
)
from .session.session import Session
from .sweep import Sweep

if TYPE_CHECKING:
    from .widget.widget import SweepWidget, explore

# The widget (anywidget, traitlets) loads on first use, so that the engine never pulls it in.
_WIDGET_NAMES = ("SweepWidget", "explore")

__all__ = [
    "Cancelled",
    "Comparison",
    "Ledger",
    "Session",
    "Sweep",
    "SweepData",
    "SweepWidget",
    "Walk",
    "__version__",
    "datasets",
    "explore",
    "from_hydra",
    "from_mlflow",
    "from_optuna",
    "from_ray_tune",
    "from_tensorboard",
    "from_wandb",
    "optuna_trials",
    "plan_runs",
    "wandb_sweep",
]


def __getattr__(name: str) -> Any:
    if name in _WIDGET_NAMES:
        return getattr(importlib.import_module("sweepwalk.widget.widget"), name)
    raise AttributeError(f"module 'sweepwalk' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
