"""How a sweep keeps its runs: what it can rebuild exactly from its own arrays is not kept twice.

``sweep.runs`` is the long-format frame as given plus a ``config`` column. A sweep of a million
configurations x 20 seeds would hold the user's whole frame (0.6-1.2 GB) beside its own arrays
(the configurations' codes and levels, the seed codes) that say the same. So a numeric parameter
column, and the seed column, that those arrays rebuild bit for bit is dropped and rebuilt when
``runs`` is read; every other column is kept as given. The ``config`` column is kept in the
narrowest integer type and handed out as int64.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ..validation import arguments as v
from .codes import narrow_ints, order_by_config_and_seed
from .scores import ScoreStore

__all__ = ["KeptRuns", "RunsReads"]


def _number_dtype(col: pd.Series) -> np.dtype | None:
    """Return the numpy dtype of a plain column of numbers (not bools) a code table can rebuild."""
    dtype = col.dtype
    return dtype if isinstance(dtype, np.dtype) and dtype.kind in "iuf" else None


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two arrays of one numeric dtype hold the same bits (NaN payloads, -0.0 too)."""
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    as_uint = np.dtype(f"u{a.dtype.itemsize}")
    return bool(np.array_equal(a.view(as_uint), b.view(as_uint)))


def _table(values: Sequence[Any], dtype: np.dtype, absent: bool) -> np.ndarray | None:
    """Return the levels as an array of ``dtype`` (absent, code -1: a NaN after them), or None."""
    if absent and dtype.kind != "f":
        return None
    try:
        table = np.asarray(list(values), dtype=dtype)
    except (TypeError, ValueError, OverflowError):
        return None
    return np.append(table, np.array([np.nan], dtype=dtype)) if absent else table


#: at most this many runs are read back from their configurations alone (not every run)
_FEW_RUNS = 100_000


class KeptRuns:
    """The runs of a sweep, kept as given but for the columns its own arrays rebuild exactly.

    Parameters
    ----------
    df : pandas.DataFrame
        The long-format runs as given (one row per run).
    row_cfg : ndarray of int, shape (len(df),)
        The config id of each run.
    codes : ndarray of int, shape (N, P)
        Each configuration's level code per parameter (-1: absent).
    levels : list of list
        Each parameter's present values, in code order.
    params : tuple
        The parameter columns, in the order of ``codes``' columns.
    seed : hashable or None
        The seed column, with ``seed_code`` (shape (len(df),)) its codes; None without one.
    metric : hashable, optional
        The score column, with ``scores`` (its values as float64, NaN where not finite) and
        ``store`` (the finite ones, configuration by configuration, by seed): a float64 column
        is rebuilt from the store, its non-finite values kept.
    """

    def __init__(
        self,
        df: pd.DataFrame,
        row_cfg: np.ndarray,
        codes: np.ndarray,
        levels: Sequence[Sequence[Any]],
        params: Sequence[Hashable],
        seed: Hashable | None = None,
        seed_code: np.ndarray | None = None,
        metric: Hashable | None = None,
        scores: np.ndarray | None = None,
        store: ScoreStore | None = None,
    ) -> None:
        self.attrs: dict[Any, Any] = dict(df.attrs)
        self._index = df.index
        self._columns = df.columns
        self._config = narrow_ints(row_cfg)
        #: column position -> (codes per row, or per configuration; value table)
        self._recipes: dict[int, tuple[np.ndarray, np.ndarray, bool]] = {}
        where: dict[Hashable, int] = {name: j for j, name in enumerate(df.columns)}  # unique
        for k, name in enumerate(params):
            self._try_param(df, where[name], codes[:, k], levels[k])
        if seed is not None and seed_code is not None:
            self._try_seed(df, where[seed], seed_code)
        self._scores: tuple[int, ScoreStore, np.ndarray, np.ndarray, np.ndarray | None] | None
        self._scores = None
        if metric is not None and scores is not None and store is not None:
            self._try_metric(df, where[metric], scores, store, seed_code)
        if self._scores is not None:
            self._recipes[self._scores[0]] = (self._scores[2], self._scores[3], False)
        if self._recipes:  # own copies of the rest: a view would keep the user's whole block
            self._kept: dict[int, pd.Series] = {
                j: df.iloc[:, j].copy(deep=True)
                for j in range(df.shape[1])
                if j not in self._recipes
            }
            self._whole: pd.DataFrame | None = None
        else:
            self._kept, self._whole = {}, df

    def _try_param(self, df: pd.DataFrame, j: int, codes: np.ndarray, levels: Any) -> None:
        col = df.iloc[:, j]
        dtype = _number_dtype(col)
        if dtype is None:
            return
        table = _table(levels, dtype, bool((codes < 0).any()))
        if table is None:
            return
        per_config = narrow_ints(codes)
        if _same_bits(self._param_values(per_config, table), col.to_numpy()):
            self._recipes[j] = (per_config, table, True)

    def _try_seed(self, df: pd.DataFrame, j: int, seed_code: np.ndarray) -> None:
        col = df.iloc[:, j]
        if _number_dtype(col) is None:
            return
        values = col.to_numpy()
        table = np.zeros(int(seed_code.max(initial=-1)) + 1, dtype=values.dtype)
        table[seed_code] = values  # one value per code when the codes are exact
        per_row = narrow_ints(seed_code)
        if _same_bits(table[per_row], values):
            self._recipes[j] = (per_row, table, False)

    def _try_metric(
        self,
        df: pd.DataFrame,
        j: int,
        scores: np.ndarray,
        store: ScoreStore,
        seed_code: np.ndarray | None,
    ) -> None:
        col = df.iloc[:, j]
        if col.dtype != np.float64 or len(scores) != len(col):
            return
        values = col.to_numpy()
        finite = ~np.isnan(scores)
        if not _same_bits(values[finite], scores[finite]):  # the store holds scores[finite]
            return
        missing = np.flatnonzero(~finite)
        seeds = None if seed_code is None else narrow_ints(seed_code)
        self._scores = (j, store, missing, values[missing].copy(), seeds)

    def _metric_values(self) -> np.ndarray:
        """Return the score column: the store's scores back at their runs, the rest as given."""
        assert self._scores is not None
        _, store, missing, held, seeds = self._scores
        finite = np.ones(len(self), dtype=bool)
        finite[missing] = False
        config = self.config()
        if seeds is None:  # each configuration's runs in input order (as sweep_arrays)
            order = np.argsort(config, kind="stable")
        else:  # by (configuration, seed)
            found = order_by_config_and_seed(config, seeds.astype(np.int64), len(store.counts))
            assert found is not None  # duplicate runs were refused when the sweep was built
            order = found[0]
        out = np.empty(len(self), dtype=np.float64)
        out[order[finite[order]]] = store.flat("values")
        out[missing] = held
        return out

    def _metric_of(self, rows: np.ndarray) -> np.ndarray:
        """Return the score column at the runs ``rows`` alone, read from their configurations' rows.

        Every run of those configurations is ranked as :meth:`_metric_values` orders them
        (by seed, else in input order), without ordering every run of the sweep.
        """
        assert self._scores is not None
        _, store, missing, held, seeds = self._scores
        configs = np.unique(self._config[rows])
        runs = np.flatnonzero(np.isin(self._config, configs))  # their runs, in input order
        runs = runs[~np.isin(runs, missing)]
        config = self._config[runs].astype(np.int64)
        by = seeds[runs] if seeds is not None else np.arange(len(runs))
        order = np.lexsort((by, config))  # by configuration, then seed (or input order)
        ordered = config[order]
        first = np.searchsorted(ordered, ordered, "left")
        rank = np.arange(len(order)) - first  # position among the configuration's scores
        values = np.empty(len(runs), dtype=np.float64)
        values[order] = store.at(ordered, rank)
        out = np.empty(len(rows), dtype=np.float64)
        gone = np.isin(rows, missing)
        out[gone] = held[np.searchsorted(missing, rows[gone])]
        out[~gone] = values[np.searchsorted(runs, rows[~gone])]
        return out

    def _param_values(self, per_config: np.ndarray, table: np.ndarray) -> np.ndarray:
        values: np.ndarray = table[per_config[self._config]]  # code -1: the table's last entry
        return values

    @property
    def columns(self) -> list[Any]:
        """The columns of the frame as given (``config`` not included)."""
        return list(self._columns)

    def __len__(self) -> int:
        return len(self._index)

    def config(self) -> np.ndarray:
        """Return the config id of each run, int64."""
        return self._config.astype(np.int64)

    def _values(self, j: int, rows: np.ndarray | None, config: np.ndarray) -> Any:
        """Return column ``j`` at ``rows`` (every run when None), ``config`` their config ids."""
        pick: Any = slice(None) if rows is None else rows
        recipe = self._recipes.get(j)
        if recipe is None:
            kept = self._kept[j]  # its own values (an extension array keeps its dtype)
            values = kept.to_numpy() if isinstance(kept.dtype, np.dtype) else kept.array
            return values[pick]
        if self._scores is not None and j == self._scores[0]:
            if rows is not None and len(rows) <= _FEW_RUNS:
                return self._metric_of(rows)
            return self._metric_values()[pick]
        codes, table, per_config = recipe
        return table[codes[config]] if per_config else table[codes[pick]]

    def column(self, name: Hashable) -> pd.Series:
        """Return one column of :meth:`frame` (``"config"`` included), built alone."""
        column: pd.Series
        if name == "config":
            column = pd.Series(self.config(), index=self._index, name="config")
        elif self._whole is not None:
            column = self._whole[name].copy()
        else:
            j = [*self._columns].index(name)
            values = self._values(j, None, self.config())
            column = pd.Series(values, index=self._index, name=name, copy=False)
        return column

    def rows_of(self, ids: Sequence[int]) -> np.ndarray:
        """Return the positions of the runs of configurations ``ids``, in run order."""
        return np.flatnonzero(np.isin(self._config, np.asarray(ids, dtype=np.int64)))

    def frame(self, rows: np.ndarray | None = None) -> pd.DataFrame:
        """Return the runs as given plus a ``config`` column (int64), a new frame each call.

        ``rows``: positions of the runs to build (increasing), such as :meth:`rows_of` gives;
        every run by default.
        """
        pick: Any = slice(None) if rows is None else rows
        index = self._index if rows is None else self._index[rows]
        config = self._config[pick].astype(np.int64)
        if self._whole is not None:
            base = self._whole if rows is None else self._whole.iloc[rows]
        else:
            columns = {j: self._values(j, rows, config) for j in range(len(self._columns))}
            base = pd.DataFrame(columns, index=index, copy=False)
            base.columns = self._columns
        runs: pd.DataFrame = base.assign(config=pd.Series(config, index=index, copy=False))
        runs.attrs = copy.deepcopy(self.attrs)  # as pandas copies them from frame to frame
        return runs


class RunsReads:
    """The runs as :class:`SweepData` gives them, built from its :class:`KeptRuns` at each read."""

    _runs: KeptRuns

    if TYPE_CHECKING:

        def __len__(self) -> int: ...  # the sweep's configurations

    @property
    def runs(self) -> pd.DataFrame:
        """The long-format runs as given, plus a ``config`` column (a copy, as :attr:`configs`).

        Built at each read: the parameter and seed columns the sweep's own arrays rebuild bit
        for bit are not kept twice (:class:`~sweepwalk.data.runs.KeptRuns`).
        """
        return self._runs.frame()

    @property
    def runs_attrs(self) -> dict[Any, Any]:
        """``runs.attrs`` without building :attr:`runs` (a copy: e.g. ``"source"``)."""
        return copy.deepcopy(self._runs.attrs)

    def runs_column(self, name: Hashable) -> pd.Series:
        """Return column ``name`` of :attr:`runs` (a copy), built alone: cheaper than ``runs``.

        Raises ``KeyError`` naming the columns when ``name`` is not one of them.
        """
        names = [*self._runs.columns, "config"]
        if name not in names:
            raise KeyError(f"{name!r} is not a column of runs; they are {names!r}.")
        return self._runs.column(name)

    def runs_of(self, ids: npt.ArrayLike) -> pd.DataFrame:
        """Return the runs of configurations ``ids``: ``runs[runs["config"].isin(ids)]``, a copy.

        Built for those runs only: a few configurations of a large sweep cost their own runs,
        not a rebuild of :attr:`runs`.
        """
        chosen = v.check_config_ids(ids, len(self), "ids")
        return self._runs.frame(self._runs.rows_of(chosen))
