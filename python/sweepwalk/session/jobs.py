"""A session's long work as jobs: importance, a slow comparison, a walk, neighbours ahead.

Scores are one float per seed per configuration. Each function here takes what the work
needs (the sweep, the target, the :class:`~sweepwalk.analysis.settings.Settings`) when the job
is made and returns ``work(progress, cancel)`` that reads only the sweep (which never changes),
so the work may run in a worker thread (:class:`~sweepwalk.session.runner.Runner`) while the
session walks on. A comparison or a walk changes the session only when the session adopts it,
on its own thread (``Session.adopt_comparison`` / ``Session.adopt_walk``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..analysis.jobs import Cancelled
from ..stats import TEST_TABLE

if TYPE_CHECKING:
    from ..analysis.compare import Comparison
    from ..analysis.ledger import Ledger
    from ..analysis.settings import Settings
    from ..analysis.walk import Walk
    from ..sweep import Sweep

__all__ = [
    "PENDING_DELAY",
    "SECONDS_PER_SCORE",
    "ComparisonJob",
    "ImportanceJob",
    "PrefetchStore",
    "WalkJob",
    "ahead_work",
    "comparison_seconds",
    "comparison_work",
    "delayed",
    "importance_work",
    "prefetch_work",
    "walk_work",
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
#: seconds a test whose estimates were shown first waits before it starts (``pending_delay``)
PENDING_DELAY = 0.15

Progress = Callable[[float], None]
#: ``job(progress, cancel)``: the table, with ``progress(fraction)`` told after each batch and
#: ``cancel`` (an Event) checked between batches (:class:`sweepwalk.Cancelled` when set)
ImportanceJob = Callable[[Progress | None, threading.Event | None], pd.DataFrame]
#: ``job(progress, cancel)``: the comparison of the state the job was made in
ComparisonJob = Callable[[Progress | None, threading.Event | None], "Comparison"]
#: ``job(progress, cancel)``: the walk and the copy of the ledger it recorded into
WalkJob = Callable[[Progress | None, threading.Event | None], "tuple[Walk, Ledger]"]
#: ``ahead()``: (neighbour, its comparison, the state a click on it gives), for those stored
Ahead = Callable[[], "list[tuple[int, Comparison, dict[str, Any]]]"]


class PrefetchStore:
    """Comparisons computed ahead of a click, by target and settings (bounded).

    Only settings whose comparison is a pure function of the data are stored: a permutation
    test with a seed that is not an integer (a ``Generator`` draws anew) is never computed
    ahead. A stored comparison is the one ``sweep.compare`` returns for the same arguments; it
    is recorded in the ledger only when it is shown. ``lock`` is its owner's (the session's):
    the prefetch's worker thread puts while the session's thread takes.
    """

    def __init__(self, lock: Any, size: int = PREFETCH_SIZE) -> None:
        self._size = size
        self._lock = lock
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


def importance_work(
    sweep: Sweep,
    settings: Settings,
    margin: float | None,
    correction: str,
    executor: Executor | None,
) -> ImportanceJob:
    """Return ``job(progress, cancel)``: ``sweep.importance`` with these (checked) settings."""
    kwargs = {
        "test": settings.test,
        "correction": correction,
        "alpha": settings.alpha,
        "neighbors": settings.neighbors,
        "margin": margin,
        "random_state": settings.random_state,
        "executor": executor,
    }

    def job(progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        return sweep.importance(**kwargs, progress=progress, cancel=cancel).to_frame()

    return job


def comparison_seconds(sweep: Sweep, target: int, settings: Settings) -> float:
    """Estimate (roughly) the seconds ``sweep.compare(target, ...)`` takes with ``settings``.

    From the number of scores compared (:data:`SECONDS_PER_SCORE`) and of rows.
    """
    counts = sweep.counts
    if settings.against == "all":
        rows = len(counts) - 1
        scores = int(counts.sum()) + (rows - 1) * int(counts[target])
    else:
        ids = sweep.neighbor_ids(target, settings.neighbors)
        rows = len(ids)
        scores = int(counts[ids].sum()) + rows * int(counts[target])
    return scores * SECONDS_PER_SCORE[settings.test] + rows * SECONDS_PER_ROW


def comparison_work(sweep: Sweep, target: int, settings: Settings) -> ComparisonJob:
    """Return ``job(progress, cancel)``: the comparison of ``target`` with ``settings``."""
    kwargs = settings.compare_kwargs()

    def job(progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        return sweep.compare(target, **kwargs, progress=progress, cancel=cancel)

    return job


def delayed(delay: float, job: ComparisonJob) -> ComparisonJob:
    """Return ``job`` starting ``delay`` seconds late (:class:`Cancelled` if replaced first)."""

    def work(progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        if cancel is not None and cancel.wait(delay):
            raise Cancelled("replaced by a newer request before it started")
        return job(progress, cancel)

    return work


def walk_work(sweep: Sweep, target: int, settings: Settings, ledger: Ledger) -> WalkJob:
    """Return ``job(progress, cancel)``: the walk from ``target``, recorded into ``ledger``."""
    kwargs = settings.walk_kwargs()

    def job(progress: Progress | None = None, cancel: threading.Event | None = None) -> Any:
        return sweep.walk(target, **kwargs, ledger=ledger, cancel=cancel), ledger

    return job


def prefetch_work(
    sweep: Sweep, target: int, settings: Settings, store: PrefetchStore
) -> Callable[[threading.Event], int] | None:
    """Return ``job(cancel)`` that stores the comparisons of ``target``'s neighbours, or None.

    None when the settings compare against all, when one comparison is estimated to take over
    :data:`PREFETCH_SECONDS`, or when its result would not be reproducible. ``job`` returns
    how many it computed and stops between two comparisons once ``cancel`` is set.
    """
    kwargs = settings.compare_kwargs()
    if settings.against != "neighbors" or PrefetchStore.key(target, kwargs) is None:
        return None
    if comparison_seconds(sweep, target, settings) > PREFETCH_SECONDS:
        return None
    targets = [int(c) for c in sweep.neighbor_ids(target, settings.neighbors)]

    def job(cancel: threading.Event) -> int:
        done = 0
        for neighbour in targets:
            key = PrefetchStore.key(neighbour, kwargs)
            if cancel.is_set():
                break
            if key in store:
                continue
            store.put(key, sweep.compare(neighbour, **kwargs))
            done += 1
        return done

    return job


def ahead_work(
    sweep: Sweep, settings: Settings, store: PrefetchStore, shown: dict[str, Any]
) -> Ahead | None:
    """Return ``ahead()`` listing the stored neighbours and what a click on each would show.

    ``shown`` is the state on screen (``Session.results_state``): for each neighbour of its
    target whose comparison is stored, the neighbour, the comparison, and the state a click on
    it gives (the history cut after the cursor, then the neighbour). None unless the statuses
    shown are the comparison's own (``error_control="per-target"``; walk-wide statuses depend
    on the ledger's order) and the neighbours are computed ahead at all.
    """
    kwargs = settings.compare_kwargs()
    target = shown["target"]
    if settings.error_control != "per-target" or settings.against != "neighbors":
        return None
    if PrefetchStore.key(target, kwargs) is None:
        return None
    before = shown["history"][: shown["cursor"] + 1]
    targets = [int(c) for c in sweep.neighbor_ids(target, settings.neighbors)]

    def job() -> list[tuple[int, Comparison, dict[str, Any]]]:
        out = []
        for neighbour in targets:
            comparison = store.peek(neighbour, kwargs)
            if comparison is not None:
                state = {**shown, "target": neighbour, "history": [*before, neighbour]}
                out.append((neighbour, comparison, {**state, "cursor": len(before)}))
        return out

    return job
