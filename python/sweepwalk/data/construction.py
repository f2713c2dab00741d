"""How the constructors of SweepData turn a frame into its tables and arrays.

``from_runs`` (with or without ``bins=``), ``from_lists``, ``with_runs`` and ``split_runs`` do
their work here and keep the results: arguments checked, configurations coded, each
configuration's finite scores laid out in a row, the runs held out. Nothing here holds state.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .._vocab import Goal, goal_from_name
from ..validation import arguments as v
from . import bins as _bins
from .codes import (
    config_codes,
    order_by_config_and_seed,
    rectangular,
    seed_column_codes,
)
from .runs import KeptRuns
from .scores import ScoreStore, row_summary

#: what the configurations are: (config id of each row, parameter table, level codes, numeric
#: per parameter, levels per parameter)
Configs = tuple[np.ndarray, pd.DataFrame, np.ndarray, list[bool], list[list[Any]]]


class SweepArrays(NamedTuple):
    """What :func:`sweep_arrays` builds; SweepData keeps it and hands it out read-only."""

    configs: pd.DataFrame
    runs: KeptRuns
    scores: ScoreStore
    codes: np.ndarray
    numeric: list[bool]
    levels: list[list[Any]]


def runs_arguments(
    df: Any,
    metric: Hashable,
    params: Sequence[Hashable] | None,
    seed: Hashable | None,
    goal: Any,
    min_runs: Any,
    bins: Mapping[Any, int | str] | None,
) -> tuple[pd.DataFrame, tuple[Hashable, ...], np.ndarray, Goal, int]:
    """Check ``from_runs``' arguments; return (frame, params, scores, goal, min_runs).

    The frame is pandas (an Arrow stream is read in), the scores the metric as float64.
    """
    df = v.check_frame(df)
    v.check_not_reserved(v.check_column(df, metric, "metric"), "metric")
    if seed is not None:
        v.check_not_reserved(v.check_column(df, seed, "seed"), "seed")
        if seed == metric:
            raise ValueError(f"`seed` and `metric` are the same column {seed!r}.")
    goal = v.check_goal(goal_from_name(metric) if goal is None else goal)
    min_runs = v.check_min_runs(min_runs)
    exclude = [metric] if seed is None else [metric, seed]
    if params is None:
        allow = () if bins is None else _bins.check_bins(bins, list(df.columns))
        params = v.infer_params(df, exclude=exclude, allow=allow)
    params = v.check_params(df, params, metric=metric, seed=seed)
    scores = v.metric_array(df, metric)
    return df, params, scores, goal, min_runs


def sweep_arrays(
    df: pd.DataFrame,
    params: tuple[Hashable, ...],
    seed: Hashable | None,
    metric: Hashable,
    scores: np.ndarray,
    cfg: Configs | None,
) -> SweepArrays:
    """Each configuration's finite scores (by seed when ``seed`` is given), kept, and its stats.

    ``scores`` is the ``metric`` column as float64, NaN where it is not finite.

    ``cfg`` gives the configurations when the caller knows them (``from_lists``, ``bins=``,
    ``with_runs``); None codes them from ``df``'s parameter columns.
    The scores are kept dense or ragged (:class:`~sweepwalk.data.scores.ScoreStore`).
    """
    if cfg is None:
        row_cfg, (first_row, codes, numeric, levels) = config_codes(df, params)
        table = df.loc[:, list(params)].iloc[first_row].reset_index(drop=True)
    else:  # from_lists: configurations known from its one-row-per-configuration frame
        row_cfg, table, codes, numeric, levels = cfg
    n_cfg = len(table)
    finite = ~np.isnan(scores)
    seed_sorted = seed_code = None
    if seed is not None:
        seed_code = seed_column_codes(df[seed], seed)
        order, cfg_sorted, seed_sorted = _order_by_seed(
            df, params, seed, row_cfg, seed_code, finite, n_cfg
        )
    else:
        order = np.argsort(row_cfg, kind="stable")
        order = order[finite[order]]
        cfg_sorted = row_cfg[order]
    counts = np.bincount(cfg_sorted, minlength=n_cfg).astype(np.int64)
    n_missing = np.bincount(row_cfg[~finite], minlength=n_cfg).astype(np.int64)
    del cfg_sorted, finite
    store = ScoreStore(
        scores[order],
        seed_sorted,
        counts,
    )
    del order, seed_sorted  # keep the peak memory down

    index = pd.RangeIndex(n_cfg, name="config")
    row_stats = row_summary(store)
    stat_cols = {"n": counts, "n_missing": n_missing, **row_stats}
    # one concat, not a column insert per statistic (pandas' insert dominates small sweeps)
    configs = pd.concat(
        [table.set_axis(index, axis=0), pd.DataFrame(stat_cols, index=index)], axis=1
    )
    v.check_config_column(df, row_cfg)
    runs = KeptRuns(df, row_cfg, codes, levels, params, seed, seed_code, metric, scores, store)
    return SweepArrays(configs, runs, store, codes, numeric, levels)


def _order_by_seed(
    df: pd.DataFrame,
    params: tuple[Hashable, ...],
    seed: Hashable,
    row_cfg: np.ndarray,
    seed_code: np.ndarray,
    finite: np.ndarray,
    n_cfg: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order the finite runs by (configuration, seed): (row order, their config, their seed).

    ``seed_code`` holds each run's seed code. Duplicate runs (one configuration, one seed
    twice) are refused, naming them.
    """
    found = order_by_config_and_seed(row_cfg, seed_code, n_cfg)
    if found is None:  # duplicates: sort to name them
        n_seeds = int(seed_code.max(initial=0)) + 1
        all_slots = row_cfg * n_seeds + seed_code
        order = np.argsort(all_slots, kind="stable")
        v.check_duplicate_runs(df, params, seed, row_cfg, seed_code, order)
        found = (order, all_slots[order], n_seeds)
    order, slots, n_seeds = found
    del found
    keep = finite[order]
    order, slots = order[keep], slots[keep]
    del keep
    # each row's (config, seed) from its slot: no gather by row
    cfg_sorted = slots // n_seeds
    seed_sorted = slots
    seed_sorted -= cfg_sorted * n_seeds  # in place: the slots are not needed again
    return order, cfg_sorted, seed_sorted


def binned_configs(
    df: pd.DataFrame, params: tuple[Hashable, ...], seed: Hashable | None, bins: Any
) -> tuple[Configs, np.ndarray, list[str], Hashable | None, tuple[Hashable, ...]]:
    """Code the configurations of ``bins=``: cells of intervals, their pooled runs counted.

    Returns (configurations, ``configs["pooled"]``, notes, seed, binned parameters); the seed
    is None when a cell pools runs of several original configurations.
    """
    bins = _bins.check_bins(bins, params)
    binned, notes = _bins.bin_columns(df, bins, df.attrs.get("log_scale", ()))
    row_cfg, (first_row, codes, numeric, levels) = config_codes(binned, params)
    numeric = [bool(num or p in bins) for p, num in zip(params, numeric, strict=True)]
    table = binned.loc[:, list(params)].iloc[first_row].reset_index(drop=True)
    pooled = _bins.pooled_counts(row_cfg, df.loc[:, list(bins)], len(first_row))
    n_pooled = int((pooled > 1).sum())
    if n_pooled:
        unpaired = ", so the sweep is not paired by seed (paired tests are refused)"
        notes.append(
            f"{n_pooled} of {len(pooled)} configurations pool runs of several original "
            "configurations "
            "(configs['pooled']): their runs are not seed replicates of one configuration"
            + (unpaired if seed is not None else "")
            + ". So a cell's sample is one score per "
            "original configuration, the mean of its finite runs (n and runs count "
            "configurations): a test of two cells compares the configurations they hold, "
            "each one independent evidence, and a cell with fewer than min_runs "
            "configurations is not tested"
        )
        seed = None
    cfg = (row_cfg, table, codes, numeric, levels)
    return cfg, pooled, notes, seed, tuple(bins)


def configuration_means(
    df: pd.DataFrame,
    params: tuple[Hashable, ...],
    metric: Hashable,
    scores: np.ndarray,
    cfg: Configs,
) -> tuple[pd.DataFrame, np.ndarray, Configs]:
    """One row per original configuration of a pooled binned sweep: (runs, scores, cells).

    ``df`` holds the runs with their original parameter values, ``cfg`` the cells of
    :func:`binned_configs`. Each original configuration becomes one unit whose score is the
    mean of its finite runs (NaN when none is finite) and whose ``n_runs`` counts them: the
    runs of one configuration share its noise-free mean, so only the configurations are
    independent draws within a cell.
    """
    row_cfg, table, codes, numeric, levels = cfg
    unit = df.groupby(list(params), dropna=False, sort=False).ngroup().to_numpy()
    first = np.unique(unit, return_index=True)[1]
    finite = np.isfinite(scores)
    n_runs = np.bincount(unit, weights=finite, minlength=len(first))
    total = np.bincount(unit, weights=np.where(finite, scores, 0.0), minlength=len(first))
    with np.errstate(invalid="ignore", divide="ignore"):
        means = total / n_runs  # 0/0: no finite run, NaN (missing)
    units = df.iloc[first].loc[:, list(params)].reset_index(drop=True)
    units[metric] = means
    if "n_runs" not in params and metric != "n_runs":
        units["n_runs"] = n_runs.astype(np.int64)
    units.attrs = dict(df.attrs)
    return units, means, (row_cfg[first], table, codes, numeric, levels)


def lists_as_runs(
    df: pd.DataFrame, scores: Hashable, params: Any
) -> tuple[pd.DataFrame, tuple[Hashable, ...], np.ndarray, Configs]:
    """``from_lists``' frame as long-format runs: (runs, params, scores, configurations).

    One row per configuration is required; NaN/inf scores become NaN.
    """
    if params is None:
        params = tuple(c for c in df.columns if c != scores and c != "config")
        if not params:
            raise ValueError("no parameter columns besides `scores`; pass `params=[...]`.")
    params = v.check_params(df, params, metric=scores, seed=None)
    row_cfg, (first_row, codes, numeric, levels) = config_codes(df, params)
    if len(first_row) < len(df):
        dup = pd.Series(row_cfg).duplicated(keep=False).to_numpy()
        shared = df.loc[dup, list(params)].head(6)
        raise ValueError(
            f"`from_lists` needs one row per configuration, but several rows share the same "
            f"parameter values:\n{shared.to_string()}\nMerge their lists or use from_runs()."
        )
    cells = df[scores].tolist()
    flat, lengths = rectangular(cells)
    if flat is None:
        lists = [v.list_scores(x, scores, k) for k, x in enumerate(cells)]
        lengths = np.array([len(x) for x in lists], dtype=np.int64)
        flat = np.concatenate(lists) if lists else np.zeros(0)
    rows = np.repeat(np.arange(len(df)), lengths)
    long = df.loc[:, list(params)].iloc[rows].reset_index(drop=True)
    long[scores] = flat
    table = df.loc[:, list(params)].iloc[first_row].reset_index(drop=True)
    values = flat.astype(np.float64, copy=True)
    values[~np.isfinite(values)] = np.nan
    cfg = (row_cfg[rows], table, codes, numeric, levels)
    return long, params, values, cfg


def held_out_runs(
    runs: pd.DataFrame,
    seed: Hashable | None,
    n_configs: int,
    share: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Flag the runs ``split_runs`` holds out.

    With a seed column, ``share`` of the seeds (the same ones for every configuration); without
    one, ``share`` of each configuration's runs. At least one on each side when there are two.
    """
    config = runs["config"].to_numpy()
    if seed is not None:
        codes = seed_column_codes(runs[seed], seed)
        n_seeds = int(codes.max(initial=-1)) + 1
        n_out = min(max(round(share * n_seeds), 1), max(n_seeds - 1, 1))
        held = np.zeros(n_seeds, dtype=bool)
        held[rng.permutation(n_seeds)[:n_out]] = True
        confirm = held[codes]
    else:
        # a random rank of each run within its configuration, then the first share held out
        order = np.lexsort((rng.random(len(config)), config))
        sizes = np.bincount(config, minlength=n_configs)
        starts = np.cumsum(sizes) - sizes
        rank = np.empty(len(config), dtype=np.int64)
        rank[order] = np.arange(len(config)) - starts[config[order]]
        n_out = np.minimum(np.maximum(np.rint(share * sizes), 1), np.maximum(sizes - 1, 1))
        confirm = rank < n_out[config]
    held_out: np.ndarray = confirm
    return held_out
