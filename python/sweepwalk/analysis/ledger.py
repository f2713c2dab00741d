"""The ledger: every test made while walking a sweep, and the rule that decides them.

Each comparison of a target with its neighbours is a family of two-sample tests; a user who clicks
from target to target makes many such families. The :class:`Ledger` records every test in the order
it was made and decides each one under one of two rules:

``"per-target"``
    The decision of :func:`sweepwalk.analysis.compare.compare`: the correction applies within each
    target's family only (what the grid shows without a ledger). Each family is protected, the
    walk as a whole is not: the more targets are visited, the more false discoveries accumulate.
``"walk"``
    An online FDR procedure (LOND by default, or LORD++) decides each new test given the
    decisions before it, so the false discovery rate of all tests made during the walk stays at
    or below ``alpha`` however long the walk goes on.

Revisiting a pair already tested (a target visited again, or the pair seen from the other side)
adds no test: the earlier decision is reused, its direction read from the current comparison.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

import numpy as np
import pandas as pd

from .._vocab import ERROR_CONTROLS, STATUSES, ErrorControl, status_codes
from ..stats import LOND, LORDPlusPlus, finite_horizon_gamma
from ..validation import arguments as v
from .settings import DEFAULTS

if TYPE_CHECKING:
    from .compare import Comparison

__all__ = ["ERROR_CONTROLS", "METHODS", "Ledger"]

#: the online FDR procedures of walk-wide error control
OnlineMethod = Literal["lond", "lord++"]
METHODS: tuple[str, ...] = get_args(OnlineMethod)
_COLUMNS = ["order", "target", "row", "test", "pvalue", "pvalue_adj", "level", "decision"]
_WORDS = np.array(STATUSES, dtype=object)
#: config ids a ledger can key: a pair of them packs into one uint64 (see _pair_keys)
_ID_MIN, _ID_MAX = -(2**31), 2**31 - 1


@dataclass(frozen=True)
class _Tests:
    """The tests of one :meth:`Ledger.record_tests` call that were new to the ledger.

    One target and one test name per call; the arrays (length M, the new tests in the order
    they were made) are read-only, so that a copy of the ledger may share them.
    """

    target: int
    test: str
    rows: np.ndarray  # int64 config ids
    pvalue: np.ndarray  # float64 raw p-values
    pvalue_adj: np.ndarray | None  # float64 family-adjusted p-values; None with "walk" (NaN)
    level: np.ndarray  # float64 level each p-value was held to
    status: np.ndarray  # uint8 positions in STATUSES


@dataclass(frozen=True)
class _Decided:
    """Every pair decided for one test name: sorted pair keys and their first test.

    ``keys`` (uint64, sorted, unique; see :func:`_pair_keys`), and aligned with it the decision
    (bool), raw p-value and level of the pair's first test. Read-only arrays, replaced (never
    written) when pairs are added, so that copies of a ledger may share them.
    """

    keys: np.ndarray
    reject: np.ndarray
    pvalue: np.ndarray
    level: np.ndarray

    @classmethod
    def empty(cls) -> _Decided:
        return cls(
            _frozen(np.empty(0, np.uint64)),
            _frozen(np.empty(0, bool)),
            _frozen(np.empty(0, np.float64)),
            _frozen(np.empty(0, np.float64)),
        )

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (found, position) of each key; position is valid where found."""
        pos = np.searchsorted(self.keys, keys)
        np.minimum(pos, max(self.keys.size - 1, 0), out=pos)
        found = self.keys[pos] == keys if self.keys.size else np.zeros(keys.size, dtype=bool)
        return found, pos

    def merged(
        self, keys: np.ndarray, reject: np.ndarray, pvalue: np.ndarray, level: np.ndarray
    ) -> _Decided:
        """Return the store with ``keys`` (sorted, distinct, none of them stored yet) added."""
        at = np.searchsorted(self.keys, keys)  # both sorted: one linear merge
        return _Decided(
            _frozen(np.insert(self.keys, at, keys)),
            _frozen(np.insert(self.reject, at, reject)),
            _frozen(np.insert(self.pvalue, at, pvalue)),
            _frozen(np.insert(self.level, at, level)),
        )


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _pair_keys(target: int, rows: np.ndarray) -> np.ndarray:
    """Return one uint64 per unordered pair {target, row}: (low id, high id) packed in 64 bits."""
    lo = np.minimum(rows, target) - _ID_MIN
    hi = np.maximum(rows, target) - _ID_MIN
    keys: np.ndarray = (lo.astype(np.uint64) << np.uint64(32)) | hi.astype(np.uint64)
    return keys


class Ledger:
    """Record every two-sample test made while walking a sweep and decide it walk-wide.

    Parameters
    ----------
    error_control : {"per-target", "walk"}, default "per-target"
        ``"per-target"``: decisions are those of each comparison's own correction (its family is
        the rows compared with that target). ``"walk"``: an online FDR procedure decides each new
        test from its raw p-value and the decisions before it, keeping the FDR of the whole walk
        at or below ``alpha``; the comparison's own correction and alpha are then not used.
    method : {"lond", "lord++"}, default "lond"
        The online procedure for ``error_control="walk"``: LOND (Javanmard & Montanari 2015,
        2018), whose levels grow with the number of discoveries, or LORD++ (Ramdas et al. 2017),
        which spends the wealth earned by each discovery over the tests after it. ``"lond"`` is
        the variant ``alpha_t = alpha * gamma_t * max(D(t-1), 1)`` (``D`` = discoveries so far),
        whose guarantee also holds for positively dependent (PRDS) p-values (Zrnic, Ramdas &
        Jordan 2021); it is the default because the tests of one family share the target's
        scores. LORD++'s guarantee assumes independent null p-values.
    alpha : float, default 0.05
        Walk-wide FDR level for ``error_control="walk"``; fixed for the ledger's lifetime.
    gamma : sequence of float, optional
        Spending sequence of the online procedure (non-negative, sum at most 1). Default: the
        papers' :func:`~sweepwalk.stats.gamma_sequence`, made for endless streams; a
        sequence normalised over a known maximum number of tests spends faster (more power) and
        allows no test after its end.
    horizon : int, optional
        The most tests the walk will make (e.g. steps times neighbours per step): the spending
        sequence is then :func:`~sweepwalk.stats.finite_horizon_gamma` ``(horizon)``, which
        spends the whole budget on those tests (in simulation, power 0.35 -> 0.60 at 30 tests,
        same FDR). Tests past the horizon get level 0. Not with ``gamma``.

    Notes
    -----
    A test is identified by the unordered pair of configurations and the test name; when the
    same pair and test come again (a revisited target, or the pair seen from the other side), no
    new test is made and the first decision is reused. New tests of one comparison enter the
    online procedure in the order of the comparison's rows (config id), an order fixed before
    their p-values are seen. Rows whose test could not be made (status ``na``) are not tests.

    The tests are stored as columns (one block of numpy arrays per recorded comparison, about 60
    bytes per test) and the decided pairs as sorted 64-bit keys, so that recording a comparison
    against every configuration and looking up earlier decisions cost array operations, not a
    Python step per row. A key holds two config ids of 32 bits: ids must lie in
    ``[-2**31, 2**31 - 1]``.

    The online procedures' level for the first tests is small (LOND: ``alpha * 0.055`` for the
    first test, then less) and grows with every discovery: protection of the walk costs power,
    most visibly early in a walk.

    The rule, method and alpha are fixed for a ledger's lifetime: a walk-wide guarantee covers
    the tests decided under it from the first one. To change the rule, start a new ledger (and
    with it a new walk).

    Neither guarantee covers a walk exactly: the target's scores enter every test of its family,
    and the next target was a compared row before. ``tests/analysis/test_fdr_simulation.py``
    measures the walk-wide FDR in that setting by simulation.

    References
    ----------
    .. [1] Javanmard, A. and Montanari, A. (2018). Online rules for control of false discovery
       rate and false discovery exceedance. *Annals of Statistics*, 46(2), 526-554.
    .. [2] Ramdas, A., Yang, F., Wainwright, M. J. and Jordan, M. I. (2017). Online control of the
       false discovery rate with decaying memory. *NeurIPS 30*, 5650-5659.
    .. [3] Zrnic, T., Ramdas, A. and Jordan, M. I. (2021). Asynchronous online testing of
       multiple hypotheses. *Journal of Machine Learning Research*, 22(33), 1-39.

    Examples
    --------
    >>> from sweepwalk.analysis.ledger import Ledger
    >>> ledger = Ledger("walk", alpha=0.05)
    >>> ledger.record_tests(0, [1, 2], [1e-5, 0.3], [0.9, 0.4], test="ks").tolist()
    ['better', 'ns']
    >>> len(ledger)
    2
    """

    def __init__(
        self,
        error_control: ErrorControl = DEFAULTS.error_control,
        *,
        method: str = "lond",
        alpha: float = DEFAULTS.alpha,
        gamma: Sequence[float] | None = None,
        horizon: int | None = None,
    ) -> None:
        error_control = v.check_error_control(error_control)
        method = v.check_choice(method, "method", METHODS)
        alpha = v.check_alpha(alpha)
        horizon = v.check_int(horizon, "horizon", minimum=1, allow_none=True)
        if horizon is not None:
            if gamma is not None:
                raise ValueError("give `gamma` or `horizon`, not both.")
            gamma = finite_horizon_gamma(horizon).tolist()
        self.horizon = horizon
        self.error_control = error_control
        self.method = method
        self.procedure: LOND | LORDPlusPlus = (
            LOND(alpha, gamma=gamma, dependence="positive")
            if method == "lond"
            else LORDPlusPlus(alpha, gamma=gamma)
        )
        self.alpha = self.procedure.alpha
        # the tests, one chunk of arrays per call, and per test name the pairs decided so far
        self._chunks: list[_Tests] = []
        self._decided: dict[str, _Decided] = {}
        self._n_tests = 0

    # ------------------------------------------------------------------ recording

    def record(self, comparison: Comparison) -> pd.Series:
        """Record a comparison's tests and return the status of each of its rows.

        Parameters
        ----------
        comparison : Comparison
            The result of :meth:`sweepwalk.Sweep.compare`.

        Returns
        -------
        pandas.Series
            Indexed like ``comparison.to_frame()`` (config ids, sorted), named ``status``:
            ``target`` for the target, ``na`` where no test could be made, otherwise
            ``better``, ``worse``, ``differs`` or ``ns`` under the rule in force. With
            ``"per-target"`` this is the comparison's own ``status`` column.
        """
        ids = np.asarray(comparison.ids, dtype=np.int64)
        target = int(comparison.target)
        statuses = self.record_tests(
            target,
            ids,
            comparison.pvalue,
            comparison.effect,
            test=str(comparison.test),
            pvalue_adj=comparison.pvalue_adj,
            alpha=float(comparison.alpha),
            directions=comparison.direction,
        )
        if self.error_control == "per-target":
            statuses = np.asarray(comparison.status, dtype=object)
        index = np.append(ids, target)
        out = pd.Series(np.append(statuses, "target"), index=index, name="status", dtype=object)
        out.index.name = "config"
        ordered: pd.Series[Any] = out.sort_index()
        return ordered

    def decide(self, comparison: Comparison) -> Comparison:
        """Record a comparison's tests and return it as the rule in force decided it.

        With ``"per-target"`` the comparison itself (its family's correction decides); with
        ``"walk"``, :meth:`Comparison.with_decisions` of the ledger's statuses, the levels of
        each pair's first test and the p-values compared with them (:meth:`first_tests`).
        """
        statuses = self.record(comparison)
        if self.error_control == "per-target":
            return comparison
        ids = np.asarray(comparison.ids, dtype=np.int64)
        held, levels = self.first_tests(comparison.target, ids, str(comparison.test))
        words = statuses.reindex(ids).to_numpy(dtype=object)
        return comparison.with_decisions(words, levels, held)

    def record_tests(
        self,
        target: int,
        rows: Sequence[int] | np.ndarray,
        pvalues: Sequence[float] | np.ndarray,
        effects: Sequence[float] | np.ndarray,
        *,
        test: str,
        pvalue_adj: Sequence[float] | np.ndarray | None = None,
        alpha: float | None = None,
        directions: Sequence[float] | np.ndarray | None = None,
    ) -> np.ndarray:
        """Record tests of ``target`` against ``rows`` computed elsewhere; return their statuses.

        The low-level form of :meth:`record`, for callers that compute the tests themselves.

        Parameters
        ----------
        target : int
            Config id of the target (in ``[-2**31, 2**31 - 1]``, as every config id here).
        rows : sequence of int
            Config ids of the compared rows, in the order the tests are made.
        pvalues : sequence of float
            Raw p-value of each row's test; NaN = no test (status ``na``, not recorded).
        effects : sequence of float
            A12 effect of each row against the target (gives the direction of a discovery).
        test : str
            Name of the two-sample test (part of what identifies a test).
        pvalue_adj : sequence of float, optional
            The family's adjusted p-values; required with ``error_control="per-target"``, where
            a row is significant when ``pvalue_adj <= alpha``.
        alpha : float, optional
            The family's alpha; required with ``error_control="per-target"``.
        directions : sequence of float, optional
            Direction of each row's tested quantity, oriented by the goal (> 0 better, < 0
            worse, 0 no clear direction); default ``effects - 0.5``.

        Returns
        -------
        numpy.ndarray
            object array of statuses, one per row.
        """
        rows_, p, direction, p_adj, family_alpha = self._record_input_validation(
            rows, pvalues, effects, pvalue_adj, alpha, directions
        )
        target, test = int(target), str(test)
        na = np.isnan(p)  # NaN: no test was made
        significant, new, levels = self._decide(target, rows_, p, p_adj, test, family_alpha, na)
        codes = status_codes(significant, direction, na)
        if new.size:
            per_target = self.error_control == "per-target"
            self._chunks.append(
                _Tests(
                    target,
                    test,
                    _frozen(rows_[new]),
                    _frozen(p[new]),
                    _frozen(p_adj[new]) if per_target else None,
                    _frozen(levels),
                    _frozen(codes[new]),
                )
            )
            self._n_tests += int(new.size)
        out: np.ndarray = _WORDS[codes]
        return out

    def _record_input_validation(
        self,
        rows: Sequence[int] | np.ndarray,
        pvalues: Sequence[float] | np.ndarray,
        effects: Sequence[float] | np.ndarray,
        pvalue_adj: Sequence[float] | np.ndarray | None,
        alpha: float | None,
        directions: Sequence[float] | np.ndarray | None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
        """Check :meth:`record_tests`' arrays; return rows, p, direction, p_adj, family alpha."""
        rows_ = np.asarray(rows, dtype=np.int64)
        p = np.asarray(pvalues, dtype=np.float64)
        eff = np.asarray(effects, dtype=np.float64)
        direction = eff - 0.5 if directions is None else np.asarray(directions, dtype=np.float64)
        family_alpha = np.nan
        if self.error_control == "per-target":
            if pvalue_adj is None or alpha is None:
                raise ValueError('`pvalue_adj` and `alpha` are required with "per-target" control')
            family_alpha = v.check_alpha(alpha)
        p_adj = np.full_like(p, np.nan) if pvalue_adj is None else np.asarray(pvalue_adj, float)
        if rows_.ndim != 1 or not (
            rows_.shape == p.shape == eff.shape == p_adj.shape == direction.shape
        ):
            raise ValueError(
                "`rows`, `pvalues`, `effects`, `directions` and `pvalue_adj` must be 1-D and "
                "the same length"
            )
        return rows_, p, direction, p_adj, family_alpha

    def _decide(
        self,
        target: int,
        rows: np.ndarray,
        p: np.ndarray,
        p_adj: np.ndarray,
        test: str,
        family_alpha: float,
        na: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Decide each tested row; return which are significant and the tests new to the ledger.

        The new tests come as their positions in ``rows`` (ascending) and their levels. Per
        target, a row is the family's decision (also on a revisit); walk-wide, the tests not
        decided before (a pair repeated within the batch is one test, made at its first row)
        are decided in one call of the online procedure, in the order of the rows.
        """
        valid = np.flatnonzero(~na)
        _check_ids(target, rows[valid])
        keys = _pair_keys(target, rows[valid]) if valid.size else np.empty(0, np.uint64)
        store = self._decided.get(test, _EMPTY)
        found, pos = store.find(keys)
        unseen = np.flatnonzero(~found)
        # the pairs new to the ledger (sorted keys), where each is first met, and which it is
        pairs, first_at, which = np.unique(keys[unseen], return_index=True, return_inverse=True)
        by_row = np.argsort(first_at, kind="stable")  # the new pairs in the order of the rows
        new = valid[unseen[first_at[by_row]]]
        rank = np.empty_like(by_row)
        rank[by_row] = np.arange(by_row.size)  # sorted new pair -> its test in row order
        if self.error_control == "per-target":
            with np.errstate(invalid="ignore"):  # NaN pvalue_adj: not significant
                significant = (p_adj <= family_alpha) & ~na  # statsmodels' rule (_vocab.rejects)
            reject = significant[new]
            levels = np.full(new.size, family_alpha)
        else:
            levels, reject = (
                self.procedure.test_many(p[new].tolist())
                if new.size
                else (np.empty(0, np.float64), np.empty(0, dtype=bool))
            )
            decided = np.empty(valid.size, dtype=bool)
            decided[found] = store.reject[pos[found]]
            decided[unseen] = reject[rank[which]]
            significant = np.zeros(rows.size, dtype=bool)
            significant[valid] = decided
        if new.size:
            order = np.empty_like(by_row)
            order[by_row] = np.arange(by_row.size)
            self._decided[test] = store.merged(pairs, reject[order], p[new][order], levels[order])
        return significant, new, levels

    def copy(self) -> Ledger:
        """Return an independent copy: the same tests and state, recorded into separately.

        A long walk records into a copy in a worker thread; the copy replaces the original
        only if nothing was recorded into the original meanwhile.
        """
        twin = copy.copy(self)
        twin.__dict__.update(  # the containers, copied: the arrays in them are never written
            _chunks=list(self._chunks),
            _decided=dict(self._decided),
            procedure=self.procedure.copy(),
        )
        return twin

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        """Return the number of tests made so far (revisits do not count)."""
        return self._n_tests

    @property
    def n_discoveries(self) -> int:
        """Number of tests decided significant so far."""
        return sum(int(np.count_nonzero(d.reject)) for d in self._decided.values())

    @property
    def rule(self) -> str:
        """One-line, human-readable description of the rule in force."""
        if self.error_control == "per-target":
            return (
                "per-target: each comparison is corrected within its own family only; "
                "the walk as a whole has no error control"
            )
        name = (
            "LOND (Javanmard & Montanari 2015)"
            if self.method == "lond"
            else "LORD++ (Ramdas et al. 2017)"
        )
        return (
            f"walk: {name} online FDR <= {self.alpha:g} over every test of the walk; "
            "each new test's level depends on the decisions before it"
        )

    def levels(self, target: int, rows: Sequence[int] | np.ndarray, test: str) -> np.ndarray:
        """Return the level each test of ``target`` against ``rows`` was held to (NaN: none).

        A pair tested before (from either side) keeps the level of its first test, as it keeps
        its decision. Aligned with ``rows``.
        """
        return self.first_tests(target, rows, test)[1]

    def first_tests(
        self, target: int, rows: Sequence[int] | np.ndarray, test: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return the raw p-value and the level of each pair's first test (NaN: not tested).

        The decision of a pair is made once, at its first test (from either side): with
        ``"walk"`` it is ``pvalue <= level`` for that test's p-value and level, which a later
        test of the same pair keeps. Both arrays are aligned with ``rows``.
        """
        t = int(target)
        ids = np.asarray(rows, dtype=np.int64).reshape(-1)
        pvalues = np.full(len(rows), np.nan)
        levels = np.full(len(rows), np.nan)
        store = self._decided.get(test) if isinstance(test, str) else None
        if store is None or not ids.size or not _ID_MIN <= t <= _ID_MAX:
            return pvalues, levels
        inside = np.flatnonzero((ids >= _ID_MIN) & (ids <= _ID_MAX))  # others were never keyed
        found, pos = store.find(_pair_keys(t, ids[inside]))
        at, pos = inside[found], pos[found]
        pvalues[at] = store.pvalue[pos]
        levels[at] = store.level[pos]
        return pvalues, levels

    def to_frame(self) -> pd.DataFrame:
        """Every test made so far, in order.

        Returns
        -------
        pandas.DataFrame
            One row per test: ``order`` (1, 2, ...), ``target`` and ``row`` (config ids as
            compared when the test was first made), ``test``, ``pvalue`` (raw), ``pvalue_adj``
            (the family's adjusted p-value with ``"per-target"``; NaN with ``"walk"``, where
            online procedures give levels, not adjusted p-values), ``level`` (the level the
            p-value was held to: the family's alpha, or the online ``alpha_t``; with
            ``"per-target"`` the decision is ``pvalue_adj <= level``, with ``"walk"`` it is
            ``pvalue <= level``) and ``decision`` (``better``, ``worse``, ``differs`` or ``ns``:
            the row against that target).
        """
        chunks = self._chunks
        sizes = [c.rows.size for c in chunks]
        data = {
            "order": np.arange(1, self._n_tests + 1, dtype=np.int64),
            "target": np.repeat(np.array([c.target for c in chunks], dtype=np.int64), sizes),
            "row": _joined([c.rows for c in chunks], np.int64),
            "test": np.repeat(np.array([c.test for c in chunks], dtype=object), sizes),
            "pvalue": _joined([c.pvalue for c in chunks], np.float64),
            "pvalue_adj": _joined(
                [
                    np.full(c.rows.size, np.nan) if c.pvalue_adj is None else c.pvalue_adj
                    for c in chunks
                ],
                np.float64,
            ),
            "level": _joined([c.level for c in chunks], np.float64),
            "decision": _WORDS[_joined([c.status for c in chunks], np.uint8)],
        }
        frame: pd.DataFrame = pd.DataFrame(data, columns=_COLUMNS)
        return frame

    def __repr__(self) -> str:
        return f"Ledger({self.error_control!r}, method={self.method!r}, tests={len(self)})"


_EMPTY = _Decided.empty()


def _joined(arrays: list[np.ndarray], dtype: type) -> np.ndarray:
    """Return the arrays end to end (an empty array of ``dtype`` when there are none)."""
    return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.empty(0, dtype)


def _check_ids(target: int, rows: np.ndarray) -> None:
    """Raise unless ``target`` and ``rows`` are config ids a pair key can hold."""
    if not rows.size:
        return
    if not (_ID_MIN <= target <= _ID_MAX and _ID_MIN <= rows.min() and rows.max() <= _ID_MAX):
        raise ValueError(
            f"`target` and `rows` must be config ids in [{_ID_MIN}, {_ID_MAX}] "
            f"(got target {target}, rows from {rows.min()} to {rows.max()})"
        )
