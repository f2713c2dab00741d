# mypy: disable-error-code="arg-type"
"""Walk insights for the widget: the ledger, whole-sweep importance and greedy walks.

Kept apart from :mod:`sweepwalk._widget` so that the widget module stays thin. Everything here
calls the engine (:class:`~sweepwalk.ledger.Ledger`, :meth:`Sweep.importance`,
:meth:`Sweep.walk`) and builds the JSON-able payloads of ``docs/widget-protocol.md``. Scores are
one float per seed per configuration.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._validation import check_config_id
from .ledger import ERROR_CONTROLS, Ledger

if TYPE_CHECKING:
    from .compare import Comparison
    from .sweep import Sweep
    from .walk import Walk

__all__ = [
    "ERROR_CONTROLS",
    "InsightsMixin",
    "LedgerKeeper",
    "apply_statuses",
    "importance_reply",
    "shown_underpowered",
    "walk_payload",
]

#: the online procedure the widget's walk-wide ledger uses (see :class:`Ledger`)
LEDGER_METHOD = "lond"
#: seconds between two progress updates sent to the frontend (each one is a comm message)
_PROGRESS_EVERY = 0.1


def _finite_or_none(x: Any) -> float | None:
    """Return a float for JSON, or None for NaN/inf (the protocol's "no value")."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def shown_underpowered(
    status: np.ndarray, mde: np.ndarray | None, diff_mean: np.ndarray
) -> np.ndarray | None:
    """Flag the shown ``ns`` rows whose ``mde`` exceeds ``|diff_mean|`` (the power marker).

    Parameters
    ----------
    status : numpy.ndarray
        Status words of the compared rows under the rule in force.
    mde : numpy.ndarray or None
        Minimal detectable |difference in means| per row (``compare``'s ``mde``), or None when
        the comparison has no power columns.
    diff_mean : numpy.ndarray
        Observed mean of the row minus mean of the target.

    Returns
    -------
    numpy.ndarray or None
        bool array aligned with the rows (NaN ``mde`` gives False), or None without ``mde``.
    """
    if mde is None:
        return None
    mde_ = np.asarray(mde, dtype=np.float64)
    diff = np.abs(np.asarray(diff_mean, dtype=np.float64))
    with np.errstate(invalid="ignore"):
        return (np.asarray(status, dtype=object) == "ns") & (mde_ > diff)


class LedgerKeeper:
    """The widget's walk ledger: one :class:`Ledger` per (rule, alpha, test).

    Every recompute of the widget records its comparison here. A change of the rule
    (``error_control``), of ``alpha`` or of the test starts a fresh ledger: a walk-wide guarantee
    holds for the tests decided under one rule from the first one on, so the old tests cannot be
    carried over. :attr:`reason` says why the current ledger started (shown in the widget).
    """

    def __init__(self) -> None:
        self.ledger: Ledger | None = None
        self.settings: tuple[str, float, str] | None = None
        self.generation = 0
        self.reason = ""

    def ensure(self, error_control: str, alpha: float, test: str) -> Ledger:
        """Return the ledger for these settings, starting a fresh one when they changed."""
        settings = (str(error_control), float(alpha), str(test))
        if self.ledger is not None and settings == self.settings:
            return self.ledger
        if self.ledger is not None and self.settings is not None:
            names = ("rule", "alpha", "test")
            changed = [
                f"{n} {old!r} → {new!r}"
                for n, old, new in zip(names, self.settings, settings, strict=True)
                if old != new
            ]
            self.reason = (
                f"{', '.join(changed)}: a fresh ledger started "
                f"(the previous one had {len(self.ledger)} tests)"
            )
        self.ledger = Ledger(settings[0], method=LEDGER_METHOD, alpha=settings[1])
        self.settings = settings
        self.generation += 1
        return self.ledger

    def record(
        self, comparison: Comparison, error_control: str, alpha: float, test: str
    ) -> np.ndarray:
        """Record ``comparison``; return the status words of its rows (aligned with ``ids``)."""
        ledger = self.ensure(error_control, alpha, test)
        statuses = ledger.record(comparison)
        ids = np.asarray(comparison.ids, dtype=np.int64)
        return statuses.reindex(ids).to_numpy(dtype=object)

    def payload(self) -> dict[str, Any]:
        """Return the ``_ledger`` trait value (see ``docs/widget-protocol.md``)."""
        ledger = self.ledger
        if ledger is None:
            return {}
        return {
            "error_control": ledger.error_control,
            "method": ledger.method,
            "alpha": float(ledger.alpha),
            "test": self.settings[2] if self.settings else "",
            "n_tests": len(ledger),
            "n_discoveries": int(ledger.n_discoveries),
            "rule": ledger.rule,
            "generation": self.generation,
            "reason": self.reason,
        }


def check_margin(margin: Any) -> float | None:
    """Validate the importance request's ``margin`` (None, or a positive number)."""
    if margin is None:
        return None
    ok = isinstance(margin, numbers.Real) and not isinstance(margin, bool)
    if not ok or not math.isfinite(margin) or margin <= 0:
        raise ValueError(
            f"`margin` must be null or a positive number (metric units), got {margin!r}"
        )
    return float(margin)


def importance_reply(frame: pd.DataFrame, seconds: float) -> dict[str, Any]:
    """Return the ``importance-response`` body (without ``kind``/``id``) of a table.

    Small per-parameter JSON lists (NaN as ``null``), plus the settings from ``frame.attrs``.
    """
    ints = ("pairs", "tested", "too_few_runs", "significant")
    floats = ("share_significant", "median_abs_effect", "equivalent")
    body: dict[str, Any] = {"params": [str(p) for p in frame.index]}
    for column in ints:
        body[column] = [int(x) for x in frame[column]]
    for column in floats:
        body[column] = [_finite_or_none(x) for x in frame[column]]
    body["verdict"] = [str(x) for x in frame["verdict"]]
    attrs = frame.attrs
    body["settings"] = {
        "test": str(attrs.get("test", "")),
        "correction": str(attrs.get("correction", "")),
        "alpha": _finite_or_none(attrs.get("alpha")),
        "neighbors": str(attrs.get("neighbors", "")),
        "margin": _finite_or_none(attrs.get("margin")),
        "family": int(attrs.get("family", 0)),
    }
    body["seconds"] = float(seconds)
    return body


class Progress:
    """A ``progress`` callback that writes a widget's ``_progress`` trait, throttled."""

    def __init__(self, write: Callable[[float], None]) -> None:
        self._write = write
        self._last = 0.0

    def __call__(self, fraction: float) -> None:
        now = time.perf_counter()
        if fraction >= 1.0 or now - self._last >= _PROGRESS_EVERY:
            self._last = now
            self._write(float(min(max(fraction, 0.0), 1.0)))


def walk_payload(result: Walk, offset: int, error_control: str) -> dict[str, Any]:
    """Return the ``_walk`` trait value of a :class:`Walk`.

    Its start sits at history position ``offset``; its path fills the history from there on.
    """
    frame = result.to_frame()
    steps = [
        {
            "from": int(r["from"]),
            "to": int(r["to"]),
            "varied": None if r["varied"] is None else str(r["varied"]),
            "pvalue": _finite_or_none(r["pvalue"]),
            "pvalue_adj": _finite_or_none(r["pvalue_adj"]),
            "effect": _finite_or_none(r["effect"]),
        }
        for _, r in frame.iterrows()
    ]
    return {
        "path": [int(i) for i in result.path],
        "steps": steps,
        "stopped": str(result.stopped),
        "offset": int(offset),
        "test": str(result.test),
        "correction": str(result.correction),
        "alpha": float(result.alpha),
        "neighbors": str(result.neighbors),
        "error_control": str(error_control),
    }


class InsightsMixin:
    """The widget's Python API for the ledger, importance and walks.

    Mixed into :class:`~sweepwalk._widget.SweepWidget`, which defines the traits used here.
    """

    # provided by SweepWidget (traits and engine state)
    target: int
    test: str
    correction: str
    alpha: float
    neighbors: str
    error_control: str
    random_state: int
    _history: list[int]
    _history_index: int
    _ledger: dict[str, Any]
    _walk: dict[str, Any]
    _progress: float
    _engine: Sweep
    _n_configs: int
    _keeper: LedgerKeeper
    _last_walk: Walk | None

    if TYPE_CHECKING:

        def hold_sync(self) -> Any: ...  # ipywidgets.Widget's, not overridden at run time

    # -- request/reply handlers -------------------------------------------------------------
    def _reply_importance(self, content: dict[str, Any]) -> dict[str, Any]:
        correction = content.get("correction", "fdr_bh")
        if not isinstance(correction, str):
            raise ValueError(f"`correction` must be a string, got {correction!r}")
        frame = self.importance(margin=check_margin(content.get("margin")), correction=correction)
        return importance_reply(frame, frame.attrs.get("seconds", 0.0))

    def _reply_walk(self, content: dict[str, Any]) -> dict[str, Any]:
        start = content.get("start")
        result = self.walk(
            None if start is None else check_config_id(start, self._n_configs, "start")
        )
        return {"path": [int(i) for i in result.path], "stopped": result.stopped}

    # -- public API -------------------------------------------------------------------------
    @property
    def ledger(self) -> pd.DataFrame:
        """Every test made while walking, in order (``Ledger.to_frame()``).

        Columns ``order``, ``target``, ``row``, ``test``, ``pvalue``, ``pvalue_adj``, ``level``,
        ``decision``; ``attrs["rule"]`` says which rule decided them. Every recompute of the
        grid records its comparison; revisits add no test. A change of ``error_control``,
        ``alpha`` or ``test`` starts a fresh ledger.
        """
        # the ledger of the last recompute: reading must not start a fresh one (after a failed
        # recompute the settings differ, and the next good one would lose the earlier tests)
        ledger = self._keeper.ledger
        if ledger is None:
            ledger = self._keeper.ensure(self.error_control, self.alpha, self.test)
        frame = ledger.to_frame()
        frame.attrs["rule"] = ledger.rule
        return frame

    @property
    def last_walk(self) -> Walk | None:
        """The last greedy walk (:meth:`walk` or the "walk from here" button), or None."""
        return self._last_walk

    def importance(
        self, *, margin: float | None = None, correction: str = "fdr_bh"
    ) -> pd.DataFrame:
        """Which parameters matter, over the whole sweep, with the widget's test and alpha.

        ``sweep.importance(test=w.test, correction=correction, alpha=w.alpha,
        neighbors=w.neighbors, margin=margin, random_state=w.random_state)``: the table the
        importance panel shows. Progress (fraction of pairs done) goes to the ``_progress``
        trait while it runs (``-1`` when idle); ``attrs["seconds"]`` is the time it took.
        """
        progress = Progress(lambda f: setattr(self, "_progress", f))
        self._progress = 0.0
        started = time.perf_counter()
        try:
            frame = self._engine.importance(
                test=self.test,
                correction=correction,
                alpha=self.alpha,
                neighbors=self.neighbors,
                margin=margin,
                random_state=self.random_state,
                progress=progress,
            )
        finally:
            self._progress = -1.0
        frame.attrs["seconds"] = time.perf_counter() - started
        return frame

    def walk(self, start: int | None = None) -> Walk:
        """Walk greedily from ``start`` (default: the target) and lay the path out to play.

        Runs ``sweep.walk(start, test=w.test, correction=w.correction, alpha=w.alpha,
        neighbors=w.neighbors, ledger=..., random_state=w.random_state)`` with the widget's
        ledger, so the walk's tests are recorded (and, under ``error_control="walk"``, decided
        walk-wide: then the path is that of ``sweep.walk`` with this ledger). The path replaces
        the history after the cursor: :meth:`forward` (or the widget's step buttons) steps
        along it. The target does not move (except to ``start`` when given).
        """
        if start is not None and start != self.target:
            self.target = check_config_id(start, self._n_configs, "start")
        ledger = self._keeper.ensure(self.error_control, self.alpha, self.test)
        result = self._engine.walk(
            self.target,
            test=self.test,
            correction=self.correction,
            alpha=self.alpha,
            neighbors=self.neighbors,
            ledger=ledger,
            random_state=self.random_state,
        )
        index = self._history_index
        with self.hold_sync():
            self._history = [*self._history[: index + 1], *result.path[1:]]
            self._walk = walk_payload(result, index, self.error_control)
            self._ledger = self._keeper.payload()
        self._last_walk = result
        return result


def apply_statuses(frame: pd.DataFrame, ids: np.ndarray, words: np.ndarray) -> None:
    """Write the statuses of the rule in force into a ``Comparison.to_frame()``, in place.

    ``words`` is aligned with ``ids``; ``significant`` and ``underpowered`` follow them.
    """
    ids = np.asarray(ids, dtype=np.int64)
    status = frame["status"].astype(object)
    status.loc[ids] = words
    frame["status"] = status.astype(frame["status"].dtype)
    if "significant" in frame.columns:
        significant = frame["significant"].astype(object)
        significant.loc[ids] = np.isin(words, ("better", "worse", "differs"))
        frame["significant"] = significant.astype(frame["significant"].dtype)
    if "underpowered" in frame.columns and "mde" in frame.columns:
        flags = shown_underpowered(
            words,
            frame.loc[ids, "mde"].to_numpy(dtype=np.float64),
            frame.loc[ids, "diff_mean"].to_numpy(dtype=np.float64),
        )
        underpowered = frame["underpowered"].astype(object)
        underpowered.loc[ids] = flags
        frame["underpowered"] = underpowered.astype(frame["underpowered"].dtype)
