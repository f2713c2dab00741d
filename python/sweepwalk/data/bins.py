"""Binning continuous parameters, and telling when a sweep needs it (random/Bayesian search).

In a random or Bayesian search every configuration is unique: a parameter's values hardly repeat, so
no two configurations differ in one parameter only and nothing has neighbours. Binning such a
parameter into intervals makes its levels the intervals; the runs of different configurations that
fall into one cell (one interval per binned parameter, the same values of the others) are then
pooled into one configuration. Pooled runs are not seed replicates of one configuration, so they are
not paired by seed.

This module is part of the data model layer: :meth:`sweepwalk.data.sweep_data.SweepData.from_runs`
calls
:func:`bin_columns` before it builds the configurations, and :func:`sparse_notes` for its
``notes``.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "LOG_DECADES",
    "bin_columns",
    "check_bins",
    "interval_label",
    "pooled_counts",
    "sparse_notes",
    "sparse_params",
]

#: Values spanning this many decades or more (max / min >= 10**2) get log-spaced bins.
LOG_DECADES = 2.0
#: A parameter hardly repeats when it has at least this many distinct values ...
SPARSE_MIN_LEVELS = 10
#: ... and at least this share of the configurations has a value of its own.
SPARSE_SHARE = 0.5


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def interval_label(low: float, high: float, closed_right: bool = False) -> str:
    """Label of a bin as an interval with 3 significant digits: ``[0.001, 0.00316)``."""
    return f"[{_fmt(low)}, {_fmt(high)}{']' if closed_right else ')'}"


def check_bins(bins: Any, params: Sequence[Hashable]) -> dict[Hashable, int | str]:
    """Check ``bins``: a dict from parameter names to a number of bins (>= 2) or ``"auto"``."""
    if not isinstance(bins, Mapping):
        raise TypeError(
            f'`bins` must be a dict such as {{"lr": 8, "weight_decay": "auto"}}, got {bins!r}.'
        )
    out: dict[Hashable, int | str] = {}
    for name, n in bins.items():
        if name not in params:
            raise ValueError(
                f"`bins`: {name!r} is not a parameter; the parameters are {list(params)!r}."
            )
        if n == "auto":
            out[name] = "auto"
        elif isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 2:
            out[name] = int(n)
        else:
            raise ValueError(f'`bins`[{name!r}] must be an int >= 2 or "auto", got {n!r}.')
    return out


def _edges(values: np.ndarray, n_bins: int | str, log: bool) -> np.ndarray:
    """Bin edges from the smallest to the largest value, equal widths (in log10 if ``log``)."""
    distinct = np.unique(values)
    if n_bins == "auto":  # Sturges' rule on the distinct values
        n_bins = math.ceil(math.log2(len(distinct))) + 1
    n = max(1, min(int(n_bins), len(distinct)))
    lo, hi = float(distinct[0]), float(distinct[-1])
    if log:
        return np.asarray(10.0 ** np.linspace(np.log10(lo), np.log10(hi), n + 1))
    return np.linspace(lo, hi, n + 1)


def bin_columns(
    df: pd.DataFrame,
    bins: Mapping[Hashable, int | str],
    log_scale: Iterable[Hashable] = (),
) -> tuple[pd.DataFrame, list[str]]:
    """Replace each binned parameter column by the interval holding its value.

    Parameters
    ----------
    df : pandas.DataFrame
        Long-format runs, one row per run.
    bins : dict
        Parameter name -> number of bins, or ``"auto"`` (Sturges: ceil(log2(distinct values))
        + 1). Edges run from the smallest to the largest value in equal steps, in log10 when the
        values are positive and span :data:`LOG_DECADES` decades or more, or when the
        parameter is in ``log_scale``. Intervals are closed on the left, the last one on both
        sides.
    log_scale : iterable of str
        Parameters known to be log-scaled (e.g. Optuna's ``log=True``).

    Returns
    -------
    binned : pandas.DataFrame
        A copy of ``df``; each binned column an ordered categorical of the interval labels
        (``"[0.001, 0.00316)"``), absent values kept absent.
    notes : list of str
        How each parameter was binned, in words.
    """
    log_known = set(log_scale)
    out = df.copy()
    notes: list[str] = []
    for name, n_bins in bins.items():
        col = df[name]
        if pd.api.types.is_bool_dtype(col.dtype) or not pd.api.types.is_numeric_dtype(col.dtype):
            raise ValueError(
                f"`bins`: parameter {name!r} is not numeric (dtype {col.dtype}); only numbers "
                "can be binned into intervals."
            )
        values = col.to_numpy(dtype=np.float64)
        present = np.isfinite(values)
        if not present.any():
            raise ValueError(f"`bins`: parameter {name!r} has no finite values to bin.")
        x = values[present]
        positive = bool(x.min() > 0)
        log = positive and (name in log_known or x.max() / x.min() >= 10.0**LOG_DECADES)
        if name in log_known and not positive:
            raise ValueError(f"`bins`: {name!r} is log-scaled but has values <= 0.")
        edges = _edges(x, n_bins, log)
        k = len(edges) - 1
        labels = [interval_label(edges[j], edges[j + 1], j == k - 1) for j in range(k)]
        # searchsorted on the inner edges: left-closed bins, the largest value in the last one
        which = np.searchsorted(edges[1:-1], x, side="right")
        codes = np.full(len(values), -1, dtype=np.int64)
        codes[present] = which
        out[name] = pd.Categorical.from_codes(
            codes, categories=pd.Index(labels, dtype=object), ordered=True
        )
        why = "log-scaled" if name in log_known else "span >= 2 decades" if log else "linear"
        spacing = "log-spaced" if log else "equal-width"
        notes.append(
            f"{name!r} binned into {k} {spacing} intervals ({why}) from {_fmt(edges[0])} to "
            f"{_fmt(edges[-1])}"
        )
    return out, notes


def pooled_counts(
    row_cfg: np.ndarray, original: pd.DataFrame, n_configs: int
) -> npt.NDArray[np.int64]:
    """Distinct original configurations (rows of ``original``) per binned configuration."""
    key = original.groupby(list(original.columns), dropna=False, sort=False).ngroup().to_numpy()
    pairs = pd.unique(row_cfg.astype(np.int64) * (int(key.max(initial=0)) + 1) + key)
    cells = pairs // (int(key.max(initial=0)) + 1)
    return np.bincount(cells.astype(np.int64), minlength=n_configs).astype(np.int64)


def sparse_params(
    params: Sequence[Hashable], n_levels: Sequence[int], numeric: Sequence[bool], n_configs: int
) -> list[tuple[Hashable, int]]:
    """Numeric parameters whose values hardly repeat, with their number of distinct values.

    Hardly repeat: >= :data:`SPARSE_MIN_LEVELS` distinct values, and at least
    :data:`SPARSE_SHARE` times as many as there are configurations (random/Bayesian search).
    """
    return [
        (p, k)
        for p, k, num in zip(params, n_levels, numeric, strict=True)
        if num and k >= SPARSE_MIN_LEVELS and k >= SPARSE_SHARE * n_configs
    ]


def sparse_notes(
    sparse: Sequence[tuple[Hashable, int]], n_configs: int, isolated: int
) -> list[str]:
    """Tell, in words, that parameters hardly repeat and configurations lack neighbours.

    ``sparse`` comes from :func:`sparse_params`; ``isolated`` is the number of configurations
    with no neighbour at all. Nothing is said unless at least :data:`SPARSE_SHARE` of the
    configurations are isolated (one continuous parameter alone still has neighbours).
    """
    if not sparse or isolated < SPARSE_SHARE * n_configs:
        return []
    which = ", ".join(f"{p!r} ({k} distinct values)" for p, k in sparse)
    example = ", ".join(f'"{p}": "auto"' for p, _ in sparse)
    flag = ",".join(f"{p}=auto" for p, _ in sparse)
    return [
        f"{which} hardly repeat over {n_configs} configurations, as in a random or Bayesian "
        f"search: {isolated} of {n_configs} configurations have no neighbour (a neighbour "
        "differs in one parameter only, the others equal), so there is nothing to test them "
        f"against. Bin them into intervals: Sweep.from_runs(..., bins={{{example}}}), or "
        f"--bins {flag} on the command line."
    ]
