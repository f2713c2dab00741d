"""The one place where sweepwalk runs work in threads: jobs of a kind, newest wins, cancel.

A :class:`Runner` runs ``work(progress, cancel)`` in a daemon worker thread (or in the caller,
when its owner cannot take events from a thread). One job of a kind runs at a time: a newer
job of the same kind cancels the running one ("newest request wins", reason :data:`REPLACED`).
``cancel`` is a ``threading.Event`` the work checks between batches.

What a job tells its owner goes through two callables the owner supplies:

- ``report(event)`` is told every :class:`JobEvent`: ``"progress"`` (from the worker thread,
  throttled to one every ``progress_every`` seconds, the last one always), then exactly one of
  ``"done"``, ``"cancelled"`` or ``"error"``;
- ``post(fn)`` calls ``fn()`` on the owner's thread (a kernel's ``io_loop.add_callback``; by
  default at once, in the worker thread). The end of a job runs through it: ``finish(result)``
  (which may adopt the result, or raise :class:`~sweepwalk.analysis.jobs.Cancelled` when it is
  no longer wanted), then the last event. So whatever the end changes is changed by the owner's
  thread.

A cancel that arrives after a job's end was decided is refused (:meth:`Runner.cancel` returns
False and the result follows); one that arrives before wins (nothing is adopted). Never both:
both are decided under the runner's lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from ..analysis.jobs import Cancelled, throttle

__all__ = ["REPLACED", "Job", "JobEvent", "Runner"]

logger = logging.getLogger("sweepwalk")

#: the reason given when a newer job of its kind replaces a running one
REPLACED = "replaced by a newer request"
#: the reason given when the owner cancels a job without saying why
CANCELLED = "cancelled from the widget"
#: seconds between two progress events of a job
PROGRESS_EVERY = 0.1

#: ``work(progress, cancel)``: the job; ``progress(fraction)``, ``cancel`` an Event
Work = Callable[[Callable[[float], None], threading.Event], Any]
#: ``post(fn)``: call ``fn()`` on the owner's thread (soon, or now)
Post = Callable[[Callable[[], None]], None]


@dataclass(frozen=True)
class JobEvent:
    """One thing a job tells its owner.

    Attributes
    ----------
    kind : str
        The job's kind (``"importance"``, ``"compare"``, ``"walk"``, ``"prefetch"``).
    id : object
        The request the job answers (None for a job its owner started itself).
    state : {"progress", "done", "cancelled", "error"}
        What happened.
    value : object
        ``"done"``: what ``finish`` returned (else the work's result); ``"cancelled"``: the
        reason; ``"error"``: the exception; ``"progress"``: the fraction done, in [0, 1].
    seconds : float
        Seconds since the job started.
    key : hashable
        What the owner tagged the job with when it started it (the state it was made for).
    eta : float or None
        ``"progress"``: seconds left at the rate so far (None before any progress).
    """

    kind: str
    id: Any
    state: str
    value: Any = None
    seconds: float = 0.0
    key: Hashable = None
    eta: float | None = None

    @property
    def replaced(self) -> bool:
        """Whether a ``"cancelled"`` job was replaced by a newer one of its kind."""
        return self.state == "cancelled" and self.value == REPLACED


class Job:
    """One job: its cancel event, and once it ended, the work's result (:meth:`result`)."""

    def __init__(self, kind: str, job_id: Any, key: Hashable) -> None:
        self.kind, self.id, self.key = kind, job_id, key
        self.stop = threading.Event()
        self.reason = CANCELLED
        self.ending = False  # set when the job's end is decided: too late to cancel
        self.started = time.perf_counter()
        self._worked = threading.Event()
        self._ended = threading.Event()
        self._outcome: tuple[bool, Any] = (False, None)

    def cancel(self, reason: str = CANCELLED) -> None:
        """Ask the work to stop between two batches."""
        self.reason = reason
        self.stop.set()

    def done(self) -> bool:
        """Whether the job has ended (its last event was reported)."""
        return self._ended.is_set()

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the work and return its result (or raise what it raised).

        Raises :class:`~sweepwalk.analysis.jobs.Cancelled` when it stopped on a cancel, and
        ``TimeoutError`` when it has not ended within ``timeout`` seconds.
        """
        if not self._worked.wait(timeout):
            raise TimeoutError(f"the {self.kind} job has not ended within {timeout} s")
        ok, value = self._outcome
        if not ok:
            raise value
        return value

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the job has ended; False if ``timeout`` seconds passed first."""
        return self._ended.wait(timeout)

    @property
    def outcome(self) -> tuple[bool, Any]:
        """``(True, result)``, or ``(False, exception)`` once the work raised."""
        return self._outcome

    def settle(self, ok: bool, value: Any) -> None:
        """Record the work's outcome (before its end is posted)."""
        self._outcome = (ok, value)

    def worked(self, ok: bool, value: Any) -> None:
        """Let :meth:`result` return (after the end is posted, or ran)."""
        self._outcome = (ok, value)
        self._worked.set()

    def ended(self) -> None:
        """Record that the job's last event was told."""
        self._ended.set()


def _now(fn: Callable[[], None]) -> None:
    fn()


class Runner:
    """Run jobs in worker threads, one of a kind at a time (see the module doc).

    Parameters
    ----------
    post : callable, optional
        ``post(fn)`` calls ``fn()`` on the owner's thread; default: at once.
    report : callable, optional
        ``report(event)`` is told each :class:`JobEvent`; default: nothing is told.
    threaded : bool or callable, default True
        Whether jobs run in a worker thread (a callable is asked at each start); else a job
        runs in the caller of :meth:`submit`, with the same events.
    progress_every : float, default 0.1
        Seconds between two progress events of a job.
    """

    def __init__(
        self,
        post: Post | None = None,
        report: Callable[[JobEvent], None] | None = None,
        *,
        threaded: bool | Callable[[], bool] = True,
        progress_every: float = PROGRESS_EVERY,
    ) -> None:
        self.post: Post = _now if post is None else post
        self.report: Callable[[JobEvent], None] = report or (lambda event: None)
        self._threaded = threaded
        self.progress_every = progress_every
        self._lock = threading.Lock()
        self._running: dict[str, Job] = {}
        self._live: set[Job] = set()  # not ended yet, replaced ones included
        self._latest: dict[str, Job] = {}

    def threaded(self) -> bool:
        """Whether jobs run in a worker thread (else synchronously in :meth:`submit`)."""
        threaded = self._threaded
        return bool(threaded() if callable(threaded) else threaded)

    def running(self, kind: str) -> bool:
        """Whether a job of ``kind`` is running."""
        with self._lock:
            return kind in self._running

    def last(self, kind: str) -> Job | None:
        """Return the newest job of ``kind`` (running or ended), or None before the first."""
        with self._lock:
            return self._latest.get(kind)

    def submit(
        self,
        kind: str,
        work: Work,
        *,
        job_id: Any = None,
        key: Hashable = None,
        finish: Callable[[Any], Any] | None = None,
    ) -> Job:
        """Start ``work`` as the job of ``kind``; a running one of that kind is replaced.

        ``finish(result)`` runs on the owner's thread (through ``post``) when the work ended
        and no cancel came first; its value is the ``"done"`` event's.
        """
        job = Job(kind, job_id, key)
        with self._lock:
            older = self._running.get(kind)
            self._running[kind] = self._latest[kind] = job
            self._live.add(job)
        if older is not None:
            older.cancel(REPLACED)
        if not self.threaded():
            self._run(job, work, finish)
            return job
        thread = threading.Thread(
            target=self._run, args=(job, work, finish), name=f"sweepwalk-{kind}", daemon=True
        )
        thread.start()
        return job

    def cancel(self, kind: str, reason: str | None = None) -> bool:
        """Ask the running job of ``kind`` to stop; False when none runs or it is ending."""
        with self._lock:  # decided against _end under one lock: one outcome, never both
            job = self._running.get(kind)
            if job is None or job.ending:
                return False
            job.cancel(job.reason if reason is None else reason)
        return True

    def wait(self, kind: str, timeout: float | None = None) -> bool:
        """Wait until every job of ``kind`` started so far has ended."""
        with self._lock:
            jobs = [job for job in self._live if job.kind == kind]
        return all(job.wait(timeout) for job in jobs)

    def _progress(self, job: Job) -> Callable[[float], None]:
        def tell(fraction: float) -> None:
            fraction = float(min(max(fraction, 0.0), 1.0))
            elapsed = time.perf_counter() - job.started
            eta = elapsed / fraction * (1.0 - fraction) if fraction > 0 else None
            event = JobEvent(job.kind, job.id, "progress", fraction, elapsed, job.key, eta)
            self._tell(event)

        return throttle(tell, self.progress_every)

    def _run(self, job: Job, work: Work, finish: Callable[[Any], Any] | None) -> None:
        progress = self._progress(job)
        outcome: tuple[bool, Any]
        try:
            progress(0.0)
            outcome = (True, work(progress, job.stop))
        except Exception as exc:
            outcome = (False, exc)
        try:  # the end first: with a synchronous post, a result waited for has ended too
            job.settle(*outcome)
            self.post(lambda: self._end(job, finish))
        finally:
            job.worked(*outcome)

    def _end(self, job: Job, finish: Callable[[Any], Any] | None) -> None:
        """Decide the job's outcome, finish it and tell its last event (on the owner's thread)."""
        with self._lock:
            job.ending = True
            stopped = job.stop.is_set()  # a cancel answered before the end: it wins
        try:
            self._tell(self._last_event(job, stopped, finish))
        finally:
            with self._lock:
                if self._running.get(job.kind) is job:
                    del self._running[job.kind]
                self._live.discard(job)
            job.ended()

    def _last_event(self, job: Job, stopped: bool, finish: Callable[[Any], Any] | None) -> JobEvent:
        ok, value = job.outcome
        seconds = time.perf_counter() - job.started
        end = (job.kind, job.id)
        if isinstance(value, Cancelled) or (ok and stopped):
            return JobEvent(*end, "cancelled", job.reason, seconds, job.key)
        if not ok:
            return JobEvent(*end, "error", value, seconds, job.key)
        try:
            done = value if finish is None else finish(value)
        except Cancelled as stop:  # finish found the result no longer wanted
            return JobEvent(*end, "cancelled", str(stop), seconds, job.key)
        except Exception as exc:
            return JobEvent(*end, "error", exc, seconds, job.key)
        return JobEvent(*end, "done", done, seconds, job.key)

    def _tell(self, event: JobEvent) -> None:
        try:
            self.report(event)
        except Exception:  # a closed comm, a failing hook: the job still ends, said in the log
            logger.warning("sweepwalk: telling the %s job's %s failed", event.kind, event.state,
                           exc_info=True)  # fmt: skip
