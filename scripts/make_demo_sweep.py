"""Generate sweepwalk's bundled demo sweep by really training small neural networks.

The sweep: scikit-learn's ``MLPClassifier`` (one hidden layer) on the 8x8 handwritten digits
(``sklearn.datasets.load_digits``, 1797 images, 10 classes), over a grid of five hyperparameters:

- ``solver`` (categorical): ``"sgd"`` or ``"adam"``;
- ``momentum`` (conditional): 0.0 or 0.9 for ``solver="sgd"``; absent (NaN) for ``"adam"``,
  which has no momentum parameter;
- ``learning_rate_init`` (numeric, 5 levels, log-spaced 0.001 .. 0.1);
- ``alpha`` (numeric, L2 penalty, 4 levels 1e-5 .. 1);
- ``hidden_units`` (int, 2 levels): width of the hidden layer.

That is 3 solver/momentum combinations x 5 x 4 x 2 = 120 configurations. Every configuration is
run with the same seeds 0..S-1; the seed sets both the stratified 75/25 train/validation split and
the network's ``random_state`` (weight init and batch shuffling), so runs with the same seed are
paired across configurations. Training is capped at ``max_iter`` epochs (the sweep deliberately
includes under-trained settings: a low learning rate without momentum has not converged).

Output, long format, one row per run: the five hyperparameter columns, ``seed``, ``accuracy``
(validation accuracy, the metric; higher is better) and ``fit_time`` (wall-clock seconds of
``fit``, a second float metric: it is NOT reproducible and must not be read as a parameter, so
``Sweep.from_runs`` needs an explicit ``params=``).

Usage::

    python scripts/make_demo_sweep.py                     # writes the packaged CSV
    python scripts/make_demo_sweep.py --seeds 3 --out /tmp/quick.csv

Needs scikit-learn (``pip install -e ".[make-demo]"``).
Runs single-threaded (BLAS limited to one thread). The full sweep (1440 fits) took 4 min 13 s
of CPU (7 min 22 s wall-clock on a busy shared 2-core machine).
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

DEFAULT_OUT = (
    Path(__file__).resolve().parent.parent / "python" / "sweepwalk" / "datasets" / "demo_sweep.csv"
)

SOLVERS: list[tuple[str, float | None]] = [("sgd", 0.0), ("sgd", 0.9), ("adam", None)]
LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1]
ALPHAS = [1e-5, 1e-3, 1e-1, 1.0]
HIDDEN_UNITS = [16, 64]
MAX_ITER = 30


def grid() -> list[dict[str, object]]:
    """Every configuration of the sweep, in a fixed order."""
    configs = []
    for (solver, momentum), lr, alpha, hidden in itertools.product(
        SOLVERS, LEARNING_RATES, ALPHAS, HIDDEN_UNITS
    ):
        configs.append(
            {
                "solver": solver,
                "momentum": np.nan if momentum is None else momentum,
                "learning_rate_init": lr,
                "alpha": alpha,
                "hidden_units": hidden,
            }
        )
    return configs


def run_one(config: dict[str, object], seed: int, X: np.ndarray, y: np.ndarray) -> dict:
    """Train one network with one seed; return the run's row."""
    X_train, X_val, y_train, y_val = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    kwargs: dict[str, object] = {}
    if config["solver"] == "sgd":
        kwargs["momentum"] = config["momentum"]
    model = MLPClassifier(
        hidden_layer_sizes=(int(config["hidden_units"]),),  # type: ignore[call-overload]
        solver=config["solver"],
        learning_rate_init=config["learning_rate_init"],
        alpha=config["alpha"],
        max_iter=MAX_ITER,
        random_state=seed,
        **kwargs,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        # Under-trained settings are part of the sweep on purpose.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(scaler.transform(X_train), y_train)
    fit_time = time.perf_counter() - start
    accuracy = float(model.score(scaler.transform(X_val), y_val))
    return {**config, "seed": seed, "accuracy": accuracy, "fit_time": round(fit_time, 4)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12, help="seeds per configuration")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="CSV to write")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    configs = grid()
    rows = []
    start = time.perf_counter()
    with threadpool_limits(limits=1):
        for k, config in enumerate(configs):
            for seed in range(args.seeds):
                rows.append(run_one(config, seed, X, y))
            if (k + 1) % 10 == 0:
                elapsed = time.perf_counter() - start
                print(f"{k + 1}/{len(configs)} configurations, {elapsed:.0f} s", flush=True)
    elapsed = time.perf_counter() - start

    runs = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    runs.to_csv(args.out, index=False)
    size_kb = args.out.stat().st_size / 1024
    print(
        f"wrote {args.out}: {runs.shape[0]} runs x {runs.shape[1]} columns, "
        f"{len(configs)} configurations x {args.seeds} seeds, {size_kb:.0f} KiB, "
        f"{elapsed:.0f} s of training"
    )


if __name__ == "__main__":
    main()
