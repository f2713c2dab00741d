"""A session's long work, now or as a job for a worker thread: importance, comparison, walk.

Scores are one float per seed per configuration. :class:`SessionJobs` is the part of
:class:`~sweepwalk.session.session.Session` that can take seconds: the whole-sweep importance table,
a comparison with a slow test against every configuration (or at thousands of seeds), and a
greedy walk on a big sweep. Each ``*_job`` method captures the session's settings when it is
called and returns work that reads only the sweep (which never changes), so the work may run in
a worker thread while the session walks on; the widget runs it off the kernel's message loop.

A comparison or a walk changes the session when it is shown, so its job comes with a key:
``adopt_comparison(key, comparison)`` / ``adopt_walk(key, result)`` take the result only if the
session is still in the state the job started from (else they return False and change
nothing). Both are called on the session's own thread, so the ledger records in one order.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
import pandas as pd

from ..analysis import jobs as _jobs
from ..stats import TEST_TABLE
from ..validation import arguments as v

if TYPE_CHECKING:
    from ..analysis.compare import Comparison
    from ..analysis.ledger import Ledger
    from ..analysis.settings import Settings
    from ..analysis.walk import Walk
    from ..sweep import Sweep
    from .ledgers import LedgerKeeper

__all__ = [
    "SECONDS_PER_SCORE",
    "ComparisonJob",
    "ImportanceJob",
    "PrefetchStore",
    "SessionJobs",
    "WalkJob",
    "locked",
]

#: measured seconds per score compared (both samples of every row), on a 2-core machine:
#: permutation tests resample (9,999 times), wilcoxon's Hodges-Lehmann interval selects among
#: n(n+1)/2 Walsh averages; the other tests sort or merge. An estimate, not a promise: it only
#: decides whether a comparison is worth a worker thread.
SECONDS_PER_SCORE = {name: spec.seconds_per_score for name, spec in TEST_TABLE.items()}
#: seconds per row compared (the result's columns)
SECONDS_PER_ROW = 2e-6
#: a target's neighbours are computed ahead (the likely next clicks) when one comparison is
#: estimated to take less than this many seconds; at most PREFETCH_SIZE are kept
PREFETCH_SECONDS = 0.05
PREFETCH_SIZE = 64

#: ``job(progress, cancel)``: the table, with ``progress(fraction)`` told after each batch and
#: ``cancel`` (an Event) checked between batches (:class:`sweepwalk.Cancelled` when set)
ImportanceJob = Callable[[Callable[[float], None] | None, threading.Event | None], pd.DataFrame]
#: ``job(progress, cancel)``: the comparison of the state the job was made in
ComparisonJob = Callable[[Callable[[float], None] | None, threading.Event | None], "Comparison"]
#: ``job(progress, cancel)``: the walk and the copy of the ledger it recorded into
WalkJob = Callable[[Callable[[float], None] | None, threading.Event | None], "tuple[Walk, Ledger]"]


_F = TypeVar("_F", bound=Callable[..., Any])


def locked(method: _F) -> _F:
    """Run ``method`` holding its session's lock (``self._lock``, re-entrant).

    Every read of a session's state and every change of it goes through one lock, so a
    session used from two threads never shows one state's comparison for another.
    """

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(_F, run)


class PrefetchStore:
    """Comparisons computed ahead of a click, by target and settings (thread-safe, bounded).

    Only settings whose comparison is a pure function of the data are stored: a permutation
    test with a seed that is not an integer (a ``Generator`` draws anew) is never computed
    ahead. A stored comparison is the one ``sweep.compare`` returns for the same arguments; it
    is recorded in the ledger only when it is shown.
    """

    def __init__(self, size: int = PREFETCH_SIZE) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: dict[Hashable, Comparison] = {}

    @staticmethod
    def key(target: int, settings: dict[str, Any]) -> Hashable | None:
        """Return the store's key for ``compare(target, **settings)``; None if not storable."""
        seed = settings.get("random_state")
        random = TEST_TABLE[settings["test"]].resamples if "test" in settings else False
        if random and not isinstance(seed, (int, np.integer)):
            return None
        if not isinstance(seed, (int, np.integer, type(None))):
            seed = id(seed)  # a Generator: only the non-random tests get here
        return (int(target), *(str(settings[k]) for k in sorted(settings) if k != "random_state"),
                seed)  # fmt: skip

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._items

    def put(self, key: Hashable, comparison: Comparison) -> None:
        """Store ``comparison`` under ``key``; the oldest go past the size."""
        with self._lock:
            self._items[key] = comparison
            while len(self._items) > self._size:
                del self._items[next(iter(self._items))]

    def peek(self, target: int, settings: dict[str, Any]) -> Comparison | None:
        """Return the comparison stored for these arguments (it stays), or None."""
        key = self.key(target, settings)
        if key is None:
            return None
        with self._lock:
            return self._items.get(key)

    def take(self, target: int, settings: dict[str, Any]) -> Comparison | None:
        """Remove and return the comparison stored for these arguments, or None."""
        key = self.key(target, settings)
        if key is None:
            return None
        with self._lock:
            return self._items.pop(key, None)


class SessionJobs:
    """The long computations of a session (a mixin of :class:`~.session.Session`)."""

    _lock: threading.RLock
    _sweep: Sweep
    _settings: Settings
    _keeper: LedgerKeeper
    _shown: Any
    _prefetched: PrefetchStore
    results_version: int
    target: int

    if TYPE_CHECKING:  # provided by Session

        def _compare_settings(self) -> dict[str, Any]: ...
        def _walk_settings(self) -> dict[str, Any]: ...
        def _show(self, comparison: Comparison) -> None: ...
        def _lay_out(self, result: Walk) -> None: ...
        def resolve(self, target: Any, name: str = "target") -> int: ...  # noqa: D102
        @property
        def results_state(self) -> dict[str, Any]: ...  # noqa: D102
        @property
        def cursor(self) -> int: ...  # noqa: D102

    @locked
    def importance_job(
        self,
        *,
        margin: float | None = None,
        correction: str = "fdr_bh",
        executor: Executor | None = None,
    ) -> ImportanceJob:
        """Return ``job(progress, cancel)``: :meth:`importance` with today's settings.

        The arguments are checked now (a bad one fails here, not in a thread) and the
        session's settings read now, so a change of target or test while the job runs does not
        reach it.
        """
        kwargs = {
            "test": self._settings.test,
            "correction": v.check_correction(correction),
            "alpha": self._settings.alpha,
            "neighbors": self._settings.neighbors,
            "margin": v.check_positive(margin, "margin"),
            "random_state": self._settings.random_state,
            "executor": _jobs.check_executor(executor),
        }
        sweep = self._sweep

        def job(
            progress: Callable[[float], None] | None = None,
            cancel: threading.Event | None = None,
        ) -> pd.DataFrame:
            return sweep.importance(**kwargs, progress=progress, cancel=cancel)

        return job

    def importance(
        self,
        *,
        margin: float | None = None,
        correction: str = "fdr_bh",
        progress: Callable[[float], None] | None = None,
        cancel: Any = None,
        executor: Executor | None = None,
    ) -> pd.DataFrame:
        """Which parameters matter over the whole sweep, with the session's test and alpha.

        ``sweep.importance(test, correction, alpha, neighbors, margin, random_state)``;
        ``progress``, ``cancel`` and ``executor`` as there.
        """
        job = self.importance_job(margin=margin, correction=correction, executor=executor)
        return job(progress, cancel)

    def importance_in_background(
        self,
        *,
        margin: float | None = None,
        correction: str = "fdr_bh",
        progress: Callable[[float], None] | None = None,
        executor: Executor | None = None,
    ) -> _jobs.BackgroundJob:
        """Start :meth:`importance` in a worker thread and return at once.

        The session stays free meanwhile (a click is answered while the pairs are tested:
        the job reads the sweep, which never changes, and the settings as they were when it
        started). ``job.cancel()`` stops it between two batches; ``job.result()`` waits for
        the frame (or raises :class:`sweepwalk.Cancelled`).
        """
        job = self.importance_job(margin=margin, correction=correction, executor=executor)
        return _jobs.start_in_thread(job, progress=progress)

    # -- a comparison or a walk as a job -----------------------------------------------------
    @locked
    def comparison_seconds(self) -> float:
        """Estimate (roughly) the seconds :attr:`comparison` takes for the current state.

        From the number of scores compared (:data:`SECONDS_PER_SCORE`) and of rows; it decides
        whether the widget computes the comparison in a worker thread.
        """
        sweep, t = self._sweep, self.target
        counts = sweep.counts
        if self._settings.against == "all":
            rows = len(counts) - 1
            scores = int(counts.sum()) + (rows - 1) * int(counts[t])
        else:
            ids = sweep.neighbor_ids(t, self._settings.neighbors)
            rows = len(ids)
            scores = int(counts[ids].sum()) + rows * int(counts[t])
        per_score = SECONDS_PER_SCORE[self._settings.test]
        return scores * per_score + rows * SECONDS_PER_ROW

    @locked
    def comparison_job(self) -> tuple[Hashable, ComparisonJob]:
        """Return ``(key, job)``: ``job(progress, cancel)`` computes today's comparison.

        Nothing is recorded until :meth:`adopt_comparison` is called with the key and the
        result (on the session's thread).
        """
        kwargs = self._compare_settings()
        sweep, target = self._sweep, self.target

        def job(
            progress: Callable[[float], None] | None = None,
            cancel: threading.Event | None = None,
        ) -> Comparison:
            return sweep.compare(target, **kwargs, progress=progress, cancel=cancel)

        return self.results_version, job

    @locked
    def adopt_comparison(self, key: Hashable, comparison: Comparison) -> bool:
        """Show (and record) a job's comparison, if the state is still the job's; else False."""
        if key != self.results_version or self._shown is not None:
            return False
        self._show(comparison)
        return True

    @locked
    def walk_job(self, start: int | dict[str, Any] | None = None) -> tuple[Hashable, WalkJob]:
        """Return ``(key, job)``: ``job(progress, cancel)`` walks as :meth:`walk` would.

        A ``start`` is a move made now. The job records into a copy of the ledger;
        :meth:`adopt_walk` installs the copy and lays the path out, if nothing moved or was
        recorded meanwhile.
        """
        if start is not None:
            self.target = self.resolve(start, "start")
        ledger = self._keeper.ensure(
            self._settings.error_control, self._settings.alpha, self._settings.test
        )
        copy, kwargs = ledger.copy(), self._walk_settings()
        sweep, target = self._sweep, self.target

        def job(
            progress: Callable[[float], None] | None = None,
            cancel: threading.Event | None = None,
        ) -> tuple[Walk, Ledger]:
            return sweep.walk(target, **kwargs, ledger=copy, cancel=cancel), copy

        return self._walk_key(ledger), job

    def _walk_key(self, ledger: Ledger | None) -> Hashable:
        return (self.results_version, id(ledger), len(ledger) if ledger is not None else -1)

    @locked
    def adopt_walk(self, key: Hashable, result: tuple[Walk, Ledger]) -> bool:
        """Take a job's walk and its ledger, if the session is still where it started."""
        if key != self._walk_key(self._keeper.ledger):
            return False
        walk, self._keeper.ledger = result
        self._lay_out(walk)
        return True

    @locked
    def prefetch_job(self) -> Callable[[threading.Event], int] | None:
        """Return ``job(cancel)`` that computes the target's neighbours ahead, or None.

        The neighbours are the likely next clicks; each comparison is stored (not recorded)
        and a click on one is then served from the store. None when the settings compare
        against all, when a comparison is estimated to take over :data:`PREFETCH_SECONDS`, or
        when its result would not be reproducible. ``job`` returns how many it computed and
        stops between two comparisons once ``cancel`` is set.
        """
        settings = self._compare_settings()
        if (
            self._settings.against != "neighbors"
            or PrefetchStore.key(self.target, settings) is None
        ):
            return None
        if self.comparison_seconds() > PREFETCH_SECONDS:
            return None
        sweep, store = self._sweep, self._prefetched
        targets = [int(c) for c in sweep.neighbor_ids(self.target, self._settings.neighbors)]

        def job(cancel: threading.Event) -> int:
            done = 0
            for target in targets:
                key = PrefetchStore.key(target, settings)
                if cancel.is_set():
                    break
                if key in store:
                    continue
                store.put(key, sweep.compare(target, **settings))
                done += 1
            return done

        return job

    @locked
    def ahead_job(self) -> Callable[[], list[tuple[int, Comparison, dict[str, Any]]]] | None:
        """Return ``job()`` listing the neighbours computed ahead and what a click would show.

        For each neighbour whose comparison is in the store (after :meth:`prefetch_job` ran):
        its id, the comparison, and the state a click on it gives (the history cut after the
        cursor, then the neighbour). So a frontend can show a click's results before the
        kernel has answered it. None unless the statuses shown are the comparison's own
        (``error_control="per-target"``; walk-wide statuses depend on the ledger's order) and
        the neighbours are computed ahead at all.
        """
        settings = self._compare_settings()
        if self._settings.error_control != "per-target" or self._settings.against != "neighbors":
            return None
        if PrefetchStore.key(self.target, settings) is None:
            return None
        shown = self.results_state
        before = shown["history"][: self.cursor + 1]
        targets = [int(c) for c in self._sweep.neighbor_ids(self.target, self._settings.neighbors)]
        store = self._prefetched

        def job() -> list[tuple[int, Comparison, dict[str, Any]]]:
            out = []
            for target in targets:
                comparison = store.peek(target, settings)
                if comparison is not None:
                    state = {**shown, "target": target, "history": [*before, target]}
                    out.append((target, comparison, {**state, "cursor": len(before)}))
            return out

        return job
