"""Load sweeps from where they live: Optuna, MLflow, W&B, Ray Tune, Hydra, TensorBoard, Arrow.

Scores are one float per seed per configuration. Every adapter reduces its source to long
runs (one row per run: parameters, seed, metric), builds the sweep with
:meth:`Sweep.from_runs`, and records what it inferred in ``sweep.runs.attrs["source"]`` (a
:class:`SourceInfo`; ``print`` it) and the log-scaled parameters it knows of in
``sweep.runs.attrs["log_scale"]``. Optional dependencies are imported only when used; install
them with the extras, e.g. ``pip install sweepwalk[optuna]``.
"""

from .._vocab import SOURCE_FORMS
from ..data.source import SourceInfo
from ._common import SourceError, source_info
from ._folders import from_hydra, from_ray_tune
from ._frames import from_frame, to_pandas_runs
from ._mlflow import from_mlflow
from ._open import open_source
from ._optuna import from_optuna
from ._trackers import from_tensorboard, from_wandb

__all__ = [
    "SOURCE_FORMS",
    "SourceError",
    "SourceInfo",
    "from_frame",
    "from_hydra",
    "from_mlflow",
    "from_optuna",
    "from_ray_tune",
    "from_tensorboard",
    "from_wandb",
    "open_source",
    "source_info",
    "to_pandas_runs",
]
