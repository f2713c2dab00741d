"""Example sweeps bundled with sweepwalk.

The bundled sweeps are in long format, one row per run.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import pandas as pd

__all__ = ["DEMO", "DEMO_PARAMS", "load_demo"]

#: The hyperparameter columns of the demo sweep, in grid order.
DEMO_PARAMS: tuple[str, ...] = ("solver", "momentum", "learning_rate_init", "alpha", "hidden_units")

#: Keyword arguments for :meth:`sweepwalk.Sweep.from_runs` on :func:`load_demo`'s frame:
#: ``Sweep.from_runs(load_demo(), **DEMO)``.
DEMO: dict[str, Any] = {
    "metric": "accuracy",
    "params": list(DEMO_PARAMS),
    "seed": "seed",
    "goal": "max",
}


def load_demo() -> pd.DataFrame:
    """Load the demo sweep: small neural networks really trained on handwritten digits.

    The sweep trains scikit-learn's ``MLPClassifier`` (one hidden layer, at most 30 epochs) on
    the 8x8 digits data (``sklearn.datasets.load_digits``: 1797 images, 10 classes) over a grid
    of five hyperparameters, each configuration with the same 12 seeds. The seed sets both the
    stratified 75/25 train/validation split and the network's ``random_state``, so runs with the
    same seed are paired across configurations. It was produced by
    ``scripts/make_demo_sweep.py`` in the sweepwalk repository.

    Returns
    -------
    pandas.DataFrame
        Long format, 1440 rows (120 configurations x 12 seeds), one row per run:

        - parameters ``solver`` (``"sgd"`` or ``"adam"``), ``momentum`` (0.0 or 0.9 for
          ``"sgd"``; NaN, i.e. *absent*, for ``"adam"``: a conditional hyperparameter),
          ``learning_rate_init`` (0.001, 0.003, 0.01, 0.03, 0.1), ``alpha`` (L2 penalty: 1e-05,
          0.001, 0.1, 1.0) and ``hidden_units`` (16 or 64);
        - ``seed`` (0..11);
        - ``accuracy``: validation accuracy, the metric (higher is better);
        - ``fit_time``: wall-clock seconds of the fit. A second float metric, not a
          parameter: pass ``params=`` explicitly (see :data:`DEMO`), because with
          ``params=None`` :meth:`~sweepwalk.Sweep.from_runs` refuses to guess.

    Notes
    -----
    ``accuracy`` is reproducible with the script (fixed seeds, single-threaded);
    ``fit_time`` is not.

    Examples
    --------
    >>> from sweepwalk import Sweep
    >>> from sweepwalk.datasets import DEMO, load_demo
    >>> runs = load_demo()
    >>> runs.shape
    (1440, 8)
    >>> sweep = Sweep.from_runs(runs, **DEMO)
    >>> len(sweep.configs)
    120
    """
    with resources.files(__name__).joinpath("demo_sweep.csv").open("rb") as f:
        return pd.read_csv(f)
