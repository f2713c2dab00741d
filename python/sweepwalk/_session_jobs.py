"""A session's long work: ``importance`` over the whole sweep, now or as a job for a thread.

Scores are one float per seed per configuration. :class:`SessionJobs` is the part of
:class:`~sweepwalk.session.Session` that can take seconds: the whole-sweep importance table
with the session's test, alpha, neighbour rule and seed. :meth:`SessionJobs.importance_job`
captures those settings when it is called, so the job may run in a worker thread while the
session walks on (the sweep never changes); the widget runs it off the kernel's message loop.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import _jobs
from . import _validation as v
from ._vocab import Neighbors, Test

if TYPE_CHECKING:
    from .sweep import Sweep

__all__ = ["ImportanceJob", "SessionJobs"]

#: ``job(progress, cancel)``: the table, with ``progress(fraction)`` told after each batch and
#: ``cancel`` (an Event) checked between batches (:class:`sweepwalk.Cancelled` when set)
ImportanceJob = Callable[[Callable[[float], None] | None, threading.Event | None], pd.DataFrame]


class SessionJobs:
    """The long computations of a session (a mixin of :class:`~sweepwalk.session.Session`)."""

    _sweep: Sweep
    _test: Test
    _alpha: float
    _neighbors: Neighbors
    _random_state: Any

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
            "test": self._test,
            "correction": v.check_correction(correction),
            "alpha": self._alpha,
            "neighbors": self._neighbors,
            "margin": v.check_positive(margin, "margin"),
            "random_state": self._random_state,
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
