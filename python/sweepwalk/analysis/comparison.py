"""The result of :func:`sweepwalk.analysis.compare.compare`: one target against a family of rows.

:class:`Comparison` holds the per-row arrays, their frame (:meth:`Comparison.to_frame`) and the
power columns at other levels (:meth:`Comparison.at_levels`); :mod:`sweepwalk.analysis.compare`,
which computes it, re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

import numpy as np
import numpy.typing as npt
import pandas as pd

from .._vocab import SIGNIFICANT_STATUSES, STATUSES, rejects
from .evidence import EVIDENCE_COLUMNS, mde_by_size, underpowered
from .guidance import default_basis

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData


_T = TypeVar("_T")


@dataclass(frozen=True)
class Coded:
    """A per-row column of a few distinct values, held as ``values[codes]``: no object a row.

    ``codes`` is an int array of shape (M,), each in ``0..len(values) - 1``; ``common`` is
    the code most rows are expected to have (only a hint for :func:`take_objects`).
    """

    codes: npt.NDArray[np.integer[Any]]
    values: tuple[Any, ...]
    common: int = 0

    def objects(self) -> npt.NDArray[np.object_]:
        """Return the column as an object array, shape (M,)."""
        return take_objects(self.values, self.codes, self.common)

    @classmethod
    def varied(cls, codes: npt.NDArray[np.integer[Any]], params: Sequence[Any]) -> Coded:
        """Make ``varied`` from ``SweepData.varied_codes`` (positions in ``params``, -1)."""
        return cls(codes + 1, (None, *params), common=0)  # against all, most rows: None

    @classmethod
    def status(cls, codes: npt.NDArray[np.integer[Any]]) -> Coded:
        """Make ``status`` from ``status_codes`` (positions in ``STATUSES``)."""
        return cls(codes, STATUSES, common=STATUSES.index("ns"))


def take_objects(
    values: Sequence[Any], codes: npt.NDArray[np.integer[Any]], common: int = 0
) -> npt.NDArray[np.object_]:
    """Return ``values[codes]`` as an object array of shape ``codes.shape`` (1-D).

    The ``common`` value is filled in first and the others put only where they are: numpy's
    take of objects costs several times a fill (a reference count through a generic loop
    per row), and most rows of a comparison share a value (``None`` in ``varied`` against
    all, ``"ns"`` in ``status``). Any ``common`` gives the same array.
    """
    table = np.empty(len(values), dtype=object)
    for k, value in enumerate(values):  # one by one: a tuple stays one object
        table[k] = value
    out = np.empty(len(codes), dtype=object)  # None in every row
    if table[common] is not None:
        out.fill(table[common])
    rest = np.flatnonzero(codes != common)
    out[rest] = table[codes[rest]]
    return out


class _CodedField(Generic[_T]):
    """A field given its value or a :class:`Coded`; read, always the value.

    :func:`~sweepwalk.analysis.compare.compare` gives ``varied`` and ``status`` as codes,
    so no object a row is made unless someone reads them; the first read makes the value
    (``public(objects)``) and keeps it. :meth:`Comparison.to_frame` takes the objects
    straight from the codes (:func:`_coded`). A data descriptor as a dataclass field: the
    generated ``__init__`` and ``dataclasses.replace`` go through ``__set__``.
    """

    def __init__(self, public: Callable[[npt.NDArray[np.object_]], _T]) -> None:
        self._public = public
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _CodedField[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> Any:
        if obj is None:  # no default: the field is required
            raise AttributeError(self._name)
        held = obj.__dict__[self._name]
        if isinstance(held, Coded):
            held = obj.__dict__[self._name] = self._public(held.objects())
        return held

    def __set__(self, obj: object, value: _T | Coded) -> None:
        obj.__dict__[self._name] = value
        obj.__dict__[_CODES.format(self._name)] = value if isinstance(value, Coded) else None


_CODES = "_{}_codes"


def _coded(obj: object, name: str) -> Coded | None:
    """Return the codes a :class:`_CodedField` was given (None: it was given its value)."""
    codes: Coded | None = obj.__dict__.get(_CODES.format(name))
    return codes


def held_codes(comparison: Comparison, name: str) -> Coded | None:
    """Return the :class:`Coded` a comparison's ``varied`` or ``status`` was made from.

    None when the field was given its values (a comparison built by hand, or pending); for
    readers that want codes back (the widget's payload), without an object a row.
    """
    if name not in ("varied", "status"):
        raise ValueError(f"`name` must be 'varied' or 'status', got {name!r}.")
    return _coded(comparison, name)


def _as_list(objects: npt.NDArray[np.object_]) -> list[Any]:
    listed: list[Any] = objects.tolist()
    return listed


def _as_array(objects: npt.NDArray[np.object_]) -> npt.NDArray[np.object_]:
    return objects


@dataclass(frozen=True, repr=False, eq=False)
class Comparison:
    """Result of :func:`compare`: one target against a family of configurations.

    Arrays are aligned with :attr:`ids` (the compared configurations, sorted; the target is not
    among them). ``varied`` and ``status`` are keyword-only arguments, given as values or (as
    :func:`compare` gives them) as :class:`Coded`: read, they are the values below.

    Attributes
    ----------
    target : int
        Config id of the target.
    ids : ndarray of int64, shape (M,)
        Config ids of the compared rows.
    statistic, pvalue : ndarray of float, shape (M,)
        The test's statistic and p-value per row, as scipy gives them (NaN for ``na`` rows).
    pvalue_adj : ndarray of float, shape (M,)
        p-values adjusted over the family (the rows that are not ``na``) by ``correction``.
    significant : ndarray of bool, shape (M,)
        ``pvalue_adj <= alpha`` (statsmodels' rule).
    effect : ndarray of float, shape (M,)
        Oriented by the sweep's goal (1 - it for ``goal="min"``). Unpaired tests: Vargha-Delaney
        A12, the probability that a run of the row beats a run of the target, ties counting one
        half. Paired tests: the share of shared seeds on which the row beats the target.
    diff_mean : ndarray of float, shape (M,)
        Mean of the row minus mean of the target; paired tests: the mean of the per-seed
        differences on the shared seeds.
    varied : list of str or None, length M
        The parameter along which each row neighbours the target (None if not exactly one).
    direction : ndarray of int8, shape (M,)
        +1 (row better), -1 (worse) or 0 (no clear direction), oriented by the goal, from the
        quantity the test is about (see :func:`compare`, Notes).
    status : ndarray of str, shape (M,)
        ``"better"``, ``"worse"``, ``"differs"`` (significant, direction +1, -1 or 0),
        ``"ns"`` (not significant) or ``"na"`` (fewer than ``min_runs`` scores on a side, or
        shared seeds for paired tests, or a test scipy cannot evaluate).
    estimand : str
        What ``estimate`` is ("mean difference", "A12", "mean paired difference",
        "Hodges-Lehmann paired difference").
    estimate, estimate_low, estimate_high : ndarray of float, shape (M,)
        The quantity the test is about and its confidence interval at level ``ci`` (Welch and
        paired t: the test's own interval, equal to scipy's ``confidence_interval()``).
    effect_low, effect_high, diff_mean_low, diff_mean_high : ndarray of float, shape (M,)
        Intervals of ``effect`` (unpaired: Newcombe/Brunner-Munzel score interval of A12;
        paired: NaN) and of ``diff_mean`` (Welch's, paired t's for paired tests).
    level : ndarray of float, shape (M,)
        The level each row's raw p-value had to beat, under the correction.
    min_pvalue : ndarray of float, shape (M,)
        The smallest p-value the test can give at these sample sizes.
    reachable : ndarray of bool, shape (M,)
        ``min_pvalue <= level``: whether the row could be significant at all.
    mde : ndarray of float, shape (M,)
        Smallest |difference in means| the test detects with 80% power at ``level``.
    seeds_needed : ndarray of float, shape (M,)
        Seeds per configuration to detect ``effect_of_interest`` with 80% power at ``level``
        (in a family of more than 256 rows, for the 256 smallest p-values only; NaN beyond).
    underpowered : ndarray of bool, shape (M,)
        ``ns`` rows with ``mde > effect_of_interest``: the seeds could not have shown a
        difference worth caring about.
    error_control : {"per-target", "walk"}
        The rule that decided ``status``, ``significant`` and ``level``: the family's own
        correction, or a walk-wide ledger's (:meth:`with_decisions`).
    level_pvalue : ndarray of float, shape (M,), or None
        Under ``"walk"``: the raw p-value each row's ``level`` was compared with (the first
        test of the pair, from either side; NaN where none was made). None under
        ``"per-target"``, where ``pvalue_adj`` is compared with ``alpha``.
    effect_of_interest : float
        The difference in means worth detecting (metric units) the power columns use.
    effect_of_interest_source : str
        ``"given"``, or ``"default: half the median seed-to-seed standard deviation"`` (also
        in ``to_frame().attrs``): with the default, ``mde``, ``seeds_needed`` and
        ``underpowered`` describe the noise, not a difference the user chose.
    n_shared : ndarray of int64 or None
        Seeds shared with the target (paired tests only).
    notes : tuple of str
        Facts worth telling once (e.g. scipy's KS falling back to its asymptotic p-value, or a
        score scale beyond ``1e-75..1e75`` where float64 variances degenerate and t-based
        p-values are not to be trusted).
    """

    sweep: SweepData
    target: int
    ids: npt.NDArray[np.int64]
    statistic: npt.NDArray[np.float64]
    pvalue: npt.NDArray[np.float64]
    pvalue_adj: npt.NDArray[np.float64]
    significant: npt.NDArray[np.bool_]
    effect: npt.NDArray[np.float64]
    diff_mean: npt.NDArray[np.float64]
    test: str
    correction: str
    alpha: float
    against: str
    neighbors: str
    direction: npt.NDArray[np.int8]
    estimand: str
    estimate: npt.NDArray[np.float64]
    estimate_low: npt.NDArray[np.float64]
    estimate_high: npt.NDArray[np.float64]
    effect_low: npt.NDArray[np.float64]
    effect_high: npt.NDArray[np.float64]
    diff_mean_low: npt.NDArray[np.float64]
    diff_mean_high: npt.NDArray[np.float64]
    level: npt.NDArray[np.float64]
    min_pvalue: npt.NDArray[np.float64]
    reachable: npt.NDArray[np.bool_]
    mde: npt.NDArray[np.float64]
    seeds_needed: npt.NDArray[np.float64]
    underpowered: npt.NDArray[np.bool_]
    effect_of_interest: float
    n_shared: npt.NDArray[np.int64] | None = None
    notes: tuple[str, ...] = field(default=())
    #: (sd, n_row, n_target) the power columns were computed from (see :meth:`at_levels`)
    power_inputs: tuple[Any, Any, Any] | None = field(default=None, repr=False)
    #: "given", or where the default effect_of_interest came from (the power columns then
    #: answer a question about the noise, not one the user asked)
    effect_of_interest_source: str = field(default="given")
    error_control: str = field(default="per-target")
    level_pvalue: npt.NDArray[np.float64] | None = field(default=None, repr=False)
    _: KW_ONLY
    # required, given as values or as codes (compare() gives codes: no object a row until
    # read); keyword-only, so that the descriptors may follow the fields with defaults
    varied: _CodedField[list[Any]] = _CodedField(_as_list)
    status: _CodedField[npt.NDArray[np.object_]] = _CodedField(_as_array)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def power_basis(self) -> str:
        """The difference ``seeds_needed`` and ``underpowered`` answer, and whether a default.

        Shown next to them wherever they are: the CLI table's notes, the widget's detail,
        ``to_html``; the notes carry it when the difference is the default.
        """
        return default_basis(self.effect_of_interest, self.effect_of_interest_source)

    def at_levels(self, levels: npt.ArrayLike) -> Comparison:
        """Return this comparison with ``level``, ``reachable`` and ``mde`` at other levels.

        Used when another rule decides the rows (the walk-wide online FDR procedure of a
        :class:`~sweepwalk.analysis.ledger.Ledger`): the power columns then describe the level that
        rule
        held each test to. Rows with a NaN level keep their own.
        """
        new = np.asarray(levels, dtype=np.float64)
        level = np.where(np.isnan(new), self.level, new)
        mde = self.mde
        if self.power_inputs is not None:
            sd, n_row, n_target = self.power_inputs
            mde = mde_by_size(self.test, n_row, n_target, sd, np.nan_to_num(level, nan=self.alpha))
        return self._replace(
            level=level,
            reachable=rejects(self.min_pvalue, level),
            mde=mde,
            underpowered=underpowered(self.status, mde, self.effect_of_interest),
        )

    def with_decisions(
        self, status: npt.ArrayLike, levels: npt.ArrayLike, level_pvalue: npt.ArrayLike
    ) -> Comparison:
        """Return this comparison as a walk-wide rule decided it (``error_control="walk"``).

        Every view (``to_frame``, the widget's payload, the static table) then reads the
        rule's decisions from one place: ``status`` becomes the rule's words, ``significant``
        follows them, ``level``, ``reachable`` and ``mde`` are at the levels the rule held
        each test to (:meth:`at_levels`), and ``underpowered`` follows the new statuses and
        ``mde``. The test's own columns (``pvalue``, ``pvalue_adj``, ``effect``, ...) stay.

        Parameters
        ----------
        status : array_like of str, shape (M,)
            The rule's status of each compared row (aligned with :attr:`ids`).
        levels : array_like of float, shape (M,)
            The level each row's test was held to (NaN: keep the row's own).
        level_pvalue : array_like of float, shape (M,)
            The raw p-value each level was compared with (NaN: no test made).
        """
        words = np.asarray(status, dtype=object)
        held = np.asarray(level_pvalue, dtype=np.float64)
        for name, values in (("status", words), ("level_pvalue", held)):
            if values.shape != self.ids.shape:
                raise ValueError(
                    f"`{name}` must have one value per compared row ({self.ids.size}), "
                    f"got shape {values.shape}."
                )
        decided = self._replace(
            status=words,
            significant=np.isin(words, SIGNIFICANT_STATUSES),
            error_control="walk",
            level_pvalue=held,
        )
        return decided.at_levels(levels)

    def _replace(self, **changes: Any) -> Comparison:
        """``dataclasses.replace``, handing on the codes of ``varied`` and ``status``."""
        for name in ("varied", "status"):
            coded = _coded(self, name)
            if name not in changes and coded is not None:
                changes[name] = coded
        return replace(self, **changes)

    def __repr__(self) -> str:
        words, counts = np.unique(self.status.astype(str), return_counts=True)
        summary = ", ".join(f"{w}={c}" for w, c in zip(words, counts, strict=True))
        return (
            f"<Comparison: target {self.target} against {len(self)} {self.against} "
            f"({self.test}, correction={self.correction!r}, alpha={self.alpha}): "
            f"{summary or 'nothing compared'}>"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per configuration: the target and every compared row, by config id.

        Columns: the parameters, ``n``, ``mean``, ``median``, ``statistic``, ``pvalue``,
        ``pvalue_adj``, ``significant``, ``effect``, ``diff_mean``, ``varied``, then
        ``estimate``, ``estimate_low``, ``estimate_high``, ``effect_low``, ``effect_high``,
        ``diff_mean_low``, ``diff_mean_high``, ``level``, ``min_pvalue``, ``reachable``,
        ``mde``, ``seeds_needed``, ``underpowered`` (plus ``n_shared`` for paired tests), and
        ``status`` last. The target's row has status ``"target"``, NaN test columns,
        ``diff_mean`` 0 and ``varied`` None; ``attrs["estimand"]`` names ``estimate``.
        """
        sweep = self.sweep
        configs = sweep.configs  # the caller's to change (shallow under copy-on-write)
        n_all = len(configs)
        whole = len(self.ids) + 1 == n_all  # against="all": no row selection needed
        label = configs.index.name
        if whole:  # the sweep's index of every config id, shared (data only: a shallow copy)
            index = sweep.once(
                ("config ids", label),
                lambda: pd.Index(np.arange(n_all, dtype=np.int64), name=label),
            ).copy()
            tpos = self.target
        else:
            rows = np.sort(np.append(self.ids, self.target))
            index = pd.Index(rows, name=label)
            pos = np.searchsorted(rows, self.ids)
            tpos = int(np.searchsorted(rows, self.target))

        def spread(values: Any, fill: Any, dtype: Any) -> np.ndarray:
            out = np.empty(len(index), dtype=dtype)
            if whole:  # ids are every row but the target: two block copies
                out[:tpos] = values[:tpos]
                out[tpos + 1 :] = values[tpos:]
                out[tpos] = fill
            else:
                out.fill(fill)  # not np.full: it would make a new str object per row
                out[pos] = values
            return out

        # the rows' labels until the frame is made: every row, the table's own (so its columns
        # go in as they are, not aligned), then the config ids as an int64 index
        labels = configs.index if whole else index
        cols: dict[Any, Any] = {}
        pooled = ["pooled"] if "pooled" in configs.columns else []  # binned sweeps
        for name in [*sweep.params, "n", *pooled, "mean", "median"]:
            col = configs[name]
            # every row: the column itself, copied by copy-on-write only if the frame is written
            cols[name] = col if whole else col.array.take(rows)
        cols["statistic"] = spread(self.statistic, np.nan, float)
        cols["pvalue"] = spread(self.pvalue, np.nan, float)
        cols["pvalue_adj"] = spread(self.pvalue_adj, np.nan, float)
        cols["significant"] = spread(self.significant, False, bool)
        cols["effect"] = spread(self.effect, np.nan, float)
        cols["diff_mean"] = spread(self.diff_mean, np.nan, float)
        cols["diff_mean"][tpos] = 0.0
        # object columns: plain str / None, no per-call conversion to pandas' string dtype
        varied = self._objects("varied", spread, None)
        cols["varied"] = pd.Series(varied, index=labels, dtype=object, copy=False)
        for name in EVIDENCE_COLUMNS:
            arr = getattr(self, name)
            cols[name] = spread(arr, False if arr.dtype == bool else np.nan, arr.dtype)
        if self.n_shared is not None:
            cols["n_shared"] = spread(self.n_shared, 0, np.int64)
            cols["n_shared"][tpos] = int(sweep.counts[self.target])
        status = self._objects("status", spread, "target")
        cols["status"] = pd.Series(status, index=labels, dtype=object, copy=False)
        frame: pd.DataFrame = pd.DataFrame(cols, copy=False)
        frame.index = index
        frame.attrs.update(
            estimand=self.estimand,
            effect_of_interest=self.effect_of_interest,
            test=self.test,
            effect_of_interest_source=self.effect_of_interest_source,
        )
        return frame

    def _objects(
        self, name: str, spread: Callable[[Any, Any, Any], np.ndarray], fill: Any
    ) -> npt.NDArray[np.object_]:
        """Return the frame's object column ``name`` (``varied``, ``status``); the target: ``fill``.

        From the codes when the field was given codes: one fill and the rarer objects put,
        instead of a list, an array of it and a copy of that.
        """
        coded = _coded(self, name)
        if coded is not None:
            codes = spread(coded.codes, coded.values.index(fill), coded.codes.dtype)
            return take_objects(coded.values, codes, coded.common)
        values = getattr(self, name)
        # fromiter: no search for nested sequences in the list (and tuple names stay whole)
        objects = np.fromiter(values, dtype=object, count=len(values))
        spreaded: npt.NDArray[np.object_] = spread(objects, fill, object)
        return spreaded
