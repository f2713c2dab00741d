"""The data model: configurations, their per-seed scores, their parameter levels, neighbours.

A configuration is a unique combination of parameter values; a missing value (NaN/None) is the value
"absent" (a conditional hyperparameter that does not apply).

This is the bottom layer of sweepwalk above the statistics: :class:`SweepData` builds the
arrays once and exposes them through public read-only accessors, which every analysis
(:mod:`sweepwalk.analysis.compare`, :mod:`sweepwalk.analysis.importance`, ...) uses. It imports no
analysis; the
facade :class:`sweepwalk.Sweep` adds the analyses as methods.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._vocab import Goal, Neighbors, goal_from_name
from ..stats import KsIndex, ks_index
from ..validation import arguments as v
from . import bins as _bins
from .construction import (
    Configs,
    binned_configs,
    configuration_means,
    held_out_runs,
    lists_as_runs,
    runs_arguments,
    sweep_arrays,
)
from .neighbors import NeighborIndex
from .notes import missing_notes, single_run_notes
from .runs import KeptRuns, RunsReads
from .score_reads import ScoreReads
from .scores import ScoreStore
from .source import SourceInfo

__all__ = ["SweepData"]

_S = TypeVar("_S", bound="SweepData")
_T = TypeVar("_T")


def _view(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``frame`` the caller may change (shallow under copy-on-write)."""
    copy_on_write = int(pd.__version__.split(".")[0]) >= 3 or pd.options.mode.copy_on_write is True
    view: pd.DataFrame = frame.copy(deep=not copy_on_write)
    return view


class SweepData(ScoreReads, RunsReads):
    """A hyperparameter sweep's data: configurations and their per-seed scores.

    The data model under :class:`sweepwalk.Sweep` (which adds the analyses as methods); every
    analysis reads a sweep through the public accessors below only.

    Scores are one float per seed per configuration. Build a sweep with :meth:`from_runs`
    (long format, one row per run) or :meth:`from_lists` (one row per configuration holding a
    list of per-seed scores).

    Configuration ids are 0..N-1 in the order of the sorted parameter values: by the first
    parameter, then the second, and so on; within a parameter numbers sort by value, other values
    by type name and then text (categorical columns follow their categories' order), and absent
    (NaN/None) sorts last. The order does not depend on the order of the rows.

    Attributes
    ----------
    params : tuple of str
        The parameter columns, in the given order.
    metric : str
        The score column.
    seed : str or None
        The seed column, if given.
    goal : {"max", "min"}
        Whether larger or smaller scores are better.
    min_runs : int
        Fewest finite scores a configuration needs to be tested.
    configs : pandas.DataFrame
        One row per configuration (index ``config``): the parameters, then ``n`` (finite scores),
        ``n_missing`` (NaN/inf runs, dropped), ``mean``, ``std`` (ddof=1), ``median``, ``min``,
        ``max``. Statistics that need more scores than a configuration has are NaN.
    runs : pandas.DataFrame
        The long-format runs as given, plus a ``config`` column with the configuration id.
    score_matrix, counts, seed_matrix, level_codes, levels, numeric
        Read-only arrays for the analyses (see each property).
    binned : tuple of str
        The parameters binned into intervals by ``bins=`` (empty without).
    bin_notes : tuple of str
        How ``bins=`` binned the parameters and what it pooled (empty without ``bins``); part
        of :attr:`notes`.
    """

    params: tuple[Any, ...]
    metric: Any
    seed: Any
    goal: str
    min_runs: int
    _configs: pd.DataFrame
    _runs: KeptRuns
    _scores: ScoreStore
    _counts: np.ndarray
    _codes: np.ndarray
    _numeric: tuple[bool, ...]
    _levels: dict[Any, tuple[Any, ...]]
    _neighbors: NeighborIndex
    bin_notes: tuple[str, ...] = ()
    binned: tuple[Any, ...] = ()
    _notes: tuple[str, ...] | None = None
    _memo: dict[Any, Any]  # values derived from the (unchanging) scores, computed once

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("Build a Sweep with Sweep.from_runs(...) or Sweep.from_lists(...).")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_runs(
        cls: type[_S],
        df: pd.DataFrame,
        *,
        metric: Hashable,
        params: Sequence[Hashable] | None = None,
        seed: Hashable | None = None,
        goal: Goal | None = None,
        min_runs: int = 3,
        bins: Mapping[Any, int | str] | None = None,
    ) -> _S:
        """Build a sweep from long-format runs: one row per run (configuration x seed).

        Parameters
        ----------
        df : pandas.DataFrame
            One row per run.
        metric : str
            The score column. NaN and +-inf scores count as missing (``n_missing``).
        params : list of str, optional
            The parameter columns. By default every column except ``metric``, ``seed`` and
            ``"config"``; a float column whose values are mostly unique is refused as a likely
            second metric.
        seed : str, optional
            The seed column. Scores are then ordered by seed, each (configuration, seed) must
            occur once, and paired tests become possible.
        goal : {"max", "min"}, optional
            Whether larger or smaller scores are better. By default from the metric's name:
            ``"min"`` for a loss or an error (``val_loss``, ``rmse``...), else ``"max"``
            (:func:`sweepwalk._vocab.goal_from_name`, the rule of every reader).
        min_runs : int, default 3
            Fewest finite scores a configuration needs to be tested.
        bins : dict, optional
            Continuous parameters to bin (random or Bayesian search, where values hardly
            repeat and configurations have no neighbours): ``{"lr": 8, "weight_decay":
            "auto"}``. Each binned parameter's levels are intervals (``"[0.001, 0.00316)"``),
            log-spaced when its values span two decades or more or when
            ``df.attrs["log_scale"]`` lists it (the io adapters set that); see
            :func:`sweepwalk.data.bins.bin_columns`. The configurations that fall into one
            cell are pooled: ``configs["pooled"]`` counts the distinct original configurations
            in each. When any cell pools, the original configurations are the units: each
            becomes one score, the mean of its finite runs, so ``n`` counts configurations
            and every test compares the configurations two cells hold (their runs are not
            seed replicates of one law: the other binned parameters vary inside a cell and
            the runs of one configuration cluster). ``runs`` then holds one row per original
            configuration (its original values, the mean as the metric, ``n_runs``); the
            sweep is not paired by seed (``seed`` is None; paired tests are refused) and
            ``notes`` says so.

        Returns
        -------
        Sweep

        Examples
        --------
        >>> import pandas as pd
        >>> from sweepwalk import Sweep
        >>> df = pd.DataFrame({"lr": [0.1] * 3 + [0.01] * 3, "seed": [0, 1, 2] * 2,
        ...                    "acc": [0.8, 0.82, 0.81, 0.7, 0.71, 0.69]})
        >>> sweep = Sweep.from_runs(df, metric="acc", seed="seed")
        >>> sweep.configs[["lr", "n", "mean"]]  # doctest: +NORMALIZE_WHITESPACE
                  lr  n  mean
        config
        0       0.01  3  0.70
        1       0.10  3  0.81
        >>> sweep.scores(1)  # ordered by seed
        array([0.8 , 0.82, 0.81])
        >>> sweep.find(lr=0.1), sweep.neighbors(0)
        (1, [1])
        """
        given = {"params": params, "goal": goal}
        kind = type(df)
        df, params, scores, goal, min_runs = runs_arguments(
            df, metric, params, seed, goal, min_runs, bins
        )
        if bins is not None:
            self = cls._build_binned(df, params, metric, seed, scores, goal, min_runs, bins)
        else:
            self = cls._build(df, params, metric, seed, scores, goal, min_runs)
        if "source" not in self._runs.attrs:  # a reader of sweepwalk.io already said more
            self._runs.attrs["source"] = SourceInfo(
                source=f"{kind.__module__.split('.')[0]} {kind.__name__} (Sweep.from_runs)",
                metric=metric,  # type: ignore[arg-type]
                params=tuple(params),  # type: ignore[arg-type]
                seed=seed,  # type: ignore[arg-type]
                goal=goal,
                n_runs=len(self._runs),
                inferred=tuple(k for k, x in given.items() if x is None),
            )
        return self

    @classmethod
    def _build_binned(
        cls: type[_S],
        df: pd.DataFrame,
        params: tuple[Hashable, ...],
        metric: Hashable,
        seed: Hashable | None,
        scores: np.ndarray,
        goal: str,
        min_runs: int,
        bins: Any,
    ) -> _S:
        """from_runs with ``bins``: configurations from the intervals, pooled runs counted."""
        cfg, pooled, notes, seed, binned = binned_configs(df, params, seed, bins)
        binning = (np.asarray(pooled), tuple(notes), tuple(binned))
        if int(np.max(pooled, initial=0)) > 1:  # configurations, not runs, are the units
            df, scores, cfg = configuration_means(df, params, metric, scores, cfg)
        return cls._build(df, params, metric, seed, scores, goal, min_runs, cfg, binning)

    @classmethod
    def from_lists(
        cls: type[_S],
        df: pd.DataFrame,
        *,
        scores: Hashable,
        params: Sequence[Hashable] | None = None,
        goal: Goal | None = None,
        min_runs: int = 3,
    ) -> _S:
        """Build a sweep from one row per configuration holding a list of per-seed scores.

        Parameters
        ----------
        df : pandas.DataFrame
            One row per configuration; column ``scores`` holds a list (or array) of that
            configuration's scores, one float per seed. A missing cell or an empty list means no
            runs (``n`` = 0, ``n_missing`` = 0); NaN/inf entries count in ``n_missing``.
        scores : str
            The column holding the lists; it becomes the sweep's ``metric``.
        params : list of str, optional
            The parameter columns; by default every other column (except ``"config"``).
        goal : {"max", "min"}, optional
            By default from the name of ``scores``, as in :meth:`from_runs`.
        min_runs : int, default 3

        Returns
        -------
        Sweep
            List positions are not taken to be seeds: ``seed`` is None, so paired tests are not
            available. Use :meth:`from_runs` with a seed column for those.
        """
        df = v.check_frame(df)
        v.check_not_reserved(v.check_column(df, scores, "scores"), "scores")
        goal = v.check_goal(goal_from_name(scores) if goal is None else goal)
        min_runs = v.check_min_runs(min_runs)
        long, params, values, cfg = lists_as_runs(df, scores, params)
        return cls._build(long, params, scores, None, values, goal, min_runs, cfg)

    @classmethod
    def _build(
        cls: type[_S],
        df: pd.DataFrame,
        params: tuple[Hashable, ...],
        metric: Hashable,
        seed: Hashable | None,
        scores: np.ndarray,
        goal: str,
        min_runs: int,
        cfg: Configs | None = None,
        binning: tuple[np.ndarray, tuple[str, ...], tuple[Any, ...]] | None = None,
    ) -> _S:
        """Build the sweep's tables and arrays; ``binning`` = (pooled counts, notes, binned)."""
        configs, runs, store, codes, numeric, levels = sweep_arrays(
            df, params, seed, metric, scores, cfg
        )

        self = object.__new__(cls)
        self.params = tuple(params)
        self.metric = metric
        self.seed = seed
        self.goal = goal
        self.min_runs = min_runs
        self._configs = configs
        self._runs = runs
        if binning is not None:
            pooled, self.bin_notes, self.binned = binning
            self._configs = configs.assign(pooled=pooled)
        codes.flags.writeable = False  # handed out by the accessors: read-only
        self._scores = store
        self._counts = store.counts
        self._codes = codes
        self._numeric = tuple(bool(x) for x in numeric)
        self._levels = {p: tuple(lv) for p, lv in zip(self.params, levels, strict=True)}
        self._neighbors = NeighborIndex(codes, numeric, self.params)
        self._notes = None
        self._memo = {}
        return self

    # ------------------------------------------------------------------ access
    @property
    def configs(self) -> pd.DataFrame:
        """One row per configuration: the parameters, ``n``, ``n_missing`` and the statistics.

        A copy (cheap under pandas' copy-on-write): writing into it, or dropping its rows,
        never changes the sweep or a later comparison.
        """
        return _view(self._configs)

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        seeds = "" if self.seed is None else f", seed={self.seed!r}"
        return (
            f"<{type(self).__name__}: {len(self)} configurations x up to "
            f"{self._scores.width} runs, metric={self.metric!r}{seeds}, "
            f"goal={self.goal!r}, params={list(self.params)!r}>"
        )

    def scores(self, i: int) -> np.ndarray:
        """Finite scores of configuration ``i`` (ordered by seed when a seed column is given).

        NaN/inf runs are left out.
        """
        i = v.check_config_id(i, len(self))
        scores: npt.NDArray[np.float64] = self._scores.row("values", i).copy()
        return scores

    def neighbors(self, i: int, mode: Neighbors = "adjacent") -> list[int]:
        """Config ids of the neighbours of configuration ``i``, sorted.

        Two configurations neighbour along ``p`` when ``p`` is the only parameter present in
        both with different values, or when no parameter differs and ``p`` is the only one absent
        on exactly one side. ``mode="axis"`` keeps every neighbour; ``mode="adjacent"`` keeps,
        along a numeric parameter, only the nearest lower and higher values.
        """
        return [int(j) for j in self._neighbors.neighbors(i, mode)]

    def find(self, by_name: dict[Any, Any] | None = None, /, **values: Any) -> int:
        """Config id of the configuration with these parameter values.

        Parameters not given may take any value, as long as one configuration matches. Pass
        ``None`` (or NaN) for an absent value. A string also matches a value whose text is that
        string (``lr="0.1"`` matches 0.1) when nothing matches exactly. Parameters whose names
        are not strings (tuples) are given as a dict: ``find({("opt", "lr"): 0.1})``.

        Raises
        ------
        KeyError
            No configuration matches; the message shows the closest ones.
        ValueError
            Unknown parameter names, or several configurations match.
        """
        if by_name is not None:
            if not isinstance(by_name, dict):
                raise TypeError(f"`find` takes a dict of parameter values, got {by_name!r}.")
            values = {**by_name, **values}
        unknown = [k for k in values if k not in self.params]
        if unknown:
            raise ValueError(
                f"unknown parameter(s) {unknown!r}; the parameters are {list(self.params)!r}."
            )
        if not values:
            raise ValueError(f"give at least one parameter value, from {list(self.params)!r}.")
        table = self.configs.loc[:, list(self.params)]
        hits = np.zeros((len(table), len(values)), dtype=bool)
        for k, (name, want) in enumerate(values.items()):
            hits[:, k] = v.match_values(table[name], want)
        match = np.flatnonzero(hits.all(axis=1))
        if len(match) == 1:
            return int(match[0])
        if len(match) > 1:
            shown = table.iloc[match[:8]].to_string()
            raise ValueError(
                f"{len(match)} configurations match {values!r}; give more parameters:\n{shown}"
            )
        score = hits.sum(axis=1)
        closest = np.argsort(-score, kind="stable")[:5]
        shown = table.iloc[closest].to_string(float_format=lambda x: repr(float(x)))
        raise v.SweepKeyError(
            f"no configuration has {values!r}. Closest configurations, values in full "
            f"(matching {int(score[closest[0]])} of {len(values)}):\n{shown}"
        )

    def resolve(self, target: Any, name: str = "target") -> int:
        """Config id for ``target``: an int config id or a dict of parameter values.

        Raises
        ------
        TypeError
            ``target`` is neither an integer (bools refused) nor a dict.
        KeyError
            No such config id, or no configuration has these values (the message shows the
            closest ones).
        """
        if isinstance(target, dict):
            return self.find(target)  # not **target: parameter names may be tuples
        if isinstance(target, (bool, np.bool_)) or not isinstance(target, numbers.Integral):
            raise TypeError(
                f"`{name}` must be an integer config id or a dict of parameter values, "
                f"got {target!r}."
            )
        return v.check_config_id(target, len(self), name)

    # ------------------------------------------------------------------ subsets of the runs
    def with_runs(self: _S, keep: npt.ArrayLike) -> _S:
        """Return the same configurations (same config ids) with only the runs ``keep`` flags.

        Parameters
        ----------
        keep : array_like of bool, shape (len(runs),)
            One flag per row of :attr:`runs`.

        Returns
        -------
        SweepData
            Of the same class; a configuration whose runs are all left out stays, with ``n``
            = 0.
        """
        mask = np.asarray(keep)
        if mask.dtype != bool or mask.shape != (len(self._runs),):
            raise ValueError(
                f"`keep` must be a boolean array with one flag per run ({len(self._runs)}), got "
                f"dtype {mask.dtype} and shape {mask.shape}."
            )
        runs = self._runs.frame(np.flatnonzero(mask))
        table = self.configs.loc[:, list(self.params)].reset_index(drop=True)
        levels = [list(self._levels[p]) for p in self.params]
        cfg = (runs["config"].to_numpy(), table, self._codes, list(self._numeric), levels)
        scores = v.metric_array(runs, self.metric)
        binning = None  # binned: the cells and their pooling stay
        if "pooled" in self._configs.columns:
            binning = (self._configs["pooled"].to_numpy(), self.bin_notes, self.binned)
        return self._build(
            runs.drop(columns="config"),
            self.params,
            self.metric,
            self.seed,
            scores,
            self.goal,
            self.min_runs,
            cfg,
            binning,
        )

    def split_runs(self: _S, holdout: float, random_state: Any = None) -> tuple[_S, _S]:
        """Split the runs in two: one part to decide on, one held out to estimate honestly.

        With a seed column the *seeds* are split (every configuration keeps the same seeds on
        each side, so paired tests stay paired); without one, each configuration's runs are
        split at random in the same proportion.

        Parameters
        ----------
        holdout : float
            Share of the seeds (or runs) held out, strictly between 0 and 1; at least one seed
            (run) goes to each side when there are two or more.
        random_state : optional
            Anything ``numpy.random.default_rng`` accepts; the split is reproducible with it.

        Returns
        -------
        (explore, confirm) : tuple of SweepData
            Both with the configurations and config ids of this sweep.
        """
        share = v.check_alpha(holdout, "holdout")
        rng = np.random.default_rng(v.check_random_state(random_state))
        confirm = held_out_runs(self.runs, self.seed, len(self), share, rng)
        return self.with_runs(~confirm), self.with_runs(confirm)

    # ------------------------------------------------------------------ accessors (read-only)
    @property
    def ks_index(self) -> KsIndex:
        """The scores sorted and ranked once for KS tests (:func:`sweepwalk.stats.ks_against`).

        Computed on first use and kept; an (K, N) table, refused as :attr:`score_matrix`.
        """
        return self.once("ks index", lambda: ks_index(self.sorted_scores, self._counts))

    @property
    def counts(self) -> npt.NDArray[np.int64]:
        """Finite scores per configuration, shape (N,), read-only (equals ``configs["n"]``)."""
        return self._counts

    @property
    def level_codes(self) -> npt.NDArray[np.int64]:
        """Parameter level codes, shape (N, P), read-only.

        ``level_codes[i, p]`` is the position of configuration ``i``'s value of parameter ``p``
        in :attr:`levels` ``[params[p]]``, or -1 when the value is absent.
        """
        return self._codes

    @property
    def levels(self) -> dict[Any, tuple[Any, ...]]:
        """Each parameter's present values in config order (a copy of the mapping)."""
        return dict(self._levels)

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Per parameter: whether its levels are ordered numbers (bools are not).

        True when all present values are real numbers, and for binned parameters (their levels
        are ordered intervals).
        """
        return self._numeric

    @property
    def notes(self) -> tuple[str, ...]:
        """Facts about the sweep worth telling, in words.

        How parameters were binned and what was pooled (``bins=``), numeric parameters
        whose values hardly repeat (a random or Bayesian search) so that configurations have
        no neighbour, with the ``bins=`` that would give them some, and runs without a finite
        score (diverged: NaN/inf), which every test leaves out: how many, in how many
        configurations, and the configuration with most.
        """
        if self._notes is None:
            n_levels = [len(self._levels[p]) for p in self.params]
            found = _bins.sparse_params(self.params, n_levels, self._numeric, len(self))
            sparse: list[str] = []
            if found:  # only then look for configurations without neighbours
                has = np.zeros(len(self), dtype=bool)
                for a, b in self.neighbor_pairs("axis").values():
                    has[a] = True
                    has[b] = True
                sparse = _bins.sparse_notes(found, len(self), int((~has).sum()))
            configs = self._configs
            missing = configs["n_missing"].to_numpy(dtype=np.int64)
            counts = configs["n"].to_numpy(dtype=np.int64)
            lonely = single_run_notes(self.params, self._levels, self._codes, counts + missing)
            self._notes = (*self.bin_notes, *sparse, *missing_notes(missing, counts), *lonely)
        return self._notes

    def neighbor_ids(self, i: int, mode: Neighbors = "adjacent") -> npt.NDArray[np.int64]:
        """Config ids of the neighbours of configuration ``i`` as a sorted int64 array.

        The rule of :meth:`neighbors`.
        """
        return self._neighbors.neighbors(v.check_config_id(i, len(self)), v.check_mode(mode))

    def varied(self, i: int, ids: npt.ArrayLike) -> list[Any]:
        """Return the parameter along which each of ``ids`` neighbours ``i`` (None: not one)."""
        return self._neighbors.varied(i, ids)

    def varied_codes(self, i: int, ids: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """:meth:`varied` as positions in :attr:`params` (-1: None), no name objects made."""
        return self._neighbors.varied_codes(i, ids)

    def once(self, key: Hashable, compute: Callable[[], _T]) -> _T:
        """Return ``compute()``, computed at the first call with ``key`` and kept.

        For values derived from the scores (which never change), such as the default margin.
        Safe from several threads: two first calls may both compute, one value is kept.
        """
        if key not in self._memo:
            self._memo.setdefault(key, compute())  # atomic: the first one stored wins
        return cast(_T, self._memo[key])

    def neighbor_pairs(
        self, mode: Neighbors = "adjacent"
    ) -> dict[Any, tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
        """Every unordered neighbour pair once, grouped by the parameter along which they differ.

        Returns ``{param: (a, b)}`` with int64 arrays, ``a < b``; every parameter is a key
        (perhaps with empty arrays). With ``mode="adjacent"`` a pair is listed when either side
        keeps the other.
        """
        return self._neighbors.pairs(v.check_mode(mode))

    def neighbor_pair_chunks(
        self, mode: Neighbors = "adjacent", max_pairs: int = 1_000_000
    ) -> Iterator[tuple[Any, npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
        """Yield the pairs of :meth:`neighbor_pairs` as ``(param, a, b)`` pieces of ~``max_pairs``.

        Every unordered pair once (``a < b``), in no particular order, never all at once: for
        work over every pair in bounded memory.
        """
        return self._neighbors.pair_chunks(v.check_mode(mode), max_pairs)
