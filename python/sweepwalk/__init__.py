"""sweepwalk: walk a hyperparameter sweep by significance.

Load a sweep with :meth:`Sweep.from_runs` (pandas, or anything with ``__arrow_c_stream__``) or from
where it lives (:func:`from_optuna`, :func:`from_mlflow`, :func:`from_ray_tune`, :func:`from_wandb`,
:func:`from_hydra`, :func:`from_tensorboard`), compare a target configuration with its neighbours
with :meth:`Sweep.compare`, walk it without a browser with :class:`Session`, or explore it
interactively in a notebook with :func:`explore`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import datasets
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
    from .widget.explore import explore
    from .widget.widget import SweepWidget

# Every name loads on first use: `sweepwalk --version` and `--help` import none of the
# statistics stack, and the engine never pulls in the widget (anywidget, traitlets).
_WHERE = {
    "Cancelled": ".analysis.jobs",
    "Comparison": ".analysis.compare",
    "Ledger": ".analysis.ledger",
    "Session": ".session.session",
    "Sweep": ".sweep",
    "SweepData": ".data.sweep_data",
    "SweepWidget": ".widget.widget",
    "Walk": ".analysis.walk",
    "explore": ".widget.explore",
    "from_hydra": ".io",
    "from_mlflow": ".io",
    "from_optuna": ".io",
    "from_ray_tune": ".io",
    "from_tensorboard": ".io",
    "from_wandb": ".io",
    "optuna_trials": ".analysis.plan",
    "plan_runs": ".analysis.plan",
    "wandb_sweep": ".analysis.plan",
}

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
    if name == "datasets":
        value: Any = importlib.import_module(".datasets", __name__)
    elif name in _WHERE:
        value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    else:
        raise AttributeError(f"module 'sweepwalk' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
