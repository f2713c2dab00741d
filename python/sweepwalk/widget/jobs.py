"""Long widget requests off the kernel's message loop: a worker thread, progress, cancel.

A request whose work can take longer than a click (``importance`` on a big sweep) runs in a
worker thread, so the comm handler returns at once and the kernel's message loop stays free:
a click during the job (a ``target`` update) is answered while the job runs. The job talks to
the frontend with custom messages only (docs/widget-protocol.md), never with traits, so the
thread writes no widget state:

- ``{kind: "progress", id, job, fraction, done, total, eta}`` while it runs (throttled);
- then one of ``{kind: "<job>-response", id, ...}``, ``{kind: "cancelled", id, job, message,
  replaced}`` or ``{kind: "error", id, job, message}``.

``{kind: "cancel", id, job}`` sets the running job's cancel event (it stops between two
batches); a second request of a kind cancels the running one ("last request wins"), so one job
of a kind runs at a time. A job the kernel starts itself (a slow comparison after a click) has
``id: null``.

The end of a job (``finish`` and the last message) runs through ``post``: on the kernel's own
thread, so that what it changes (the session, the ledger, traits) is changed by one thread.

Sending from a thread: ipykernel publishes comm messages through its IOPub thread, which takes
messages from any thread (ipykernel >= 4.3 dropped its thread check for comm sends; 7.x resolves
a thread's parent header from the shell's context). Other hosts run the job synchronously in
the handler, with the same messages (so no cancel can arrive in time): marimo's comm (0.25)
binds the session stream it was opened in so that a thread may send, but no test here drives
marimo from a thread, so the thread is kept to the host that is tested. Plain Python (no
kernel: the comm is the ``comm`` package's dummy) uses the thread, as the tests do.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any

from ..analysis import jobs as _jobs
from .errors import user_message

if TYPE_CHECKING:
    from ..session.session import Session

__all__ = [
    "PROGRESS_EVERY",
    "REPLACED",
    "BackgroundComparisons",
    "RequestJobs",
    "sends_from_threads",
]

logger = logging.getLogger("sweepwalk")

#: seconds between two progress messages of a job (each one is a comm message)
PROGRESS_EVERY = 0.1

#: ``send(message)``: one custom message to the frontend
Send = Callable[[dict[str, Any]], None]
#: ``work(progress, cancel)``: the job; ``progress(fraction)``, ``cancel`` an Event
Work = Callable[[Callable[[float], None], threading.Event], Any]
#: ``finish(result, seconds)``: the body of the ``<job>-response`` message
Finish = Callable[[Any, float], dict[str, Any]]
#: ``post(fn)``: call ``fn()`` on the owner's thread (soon, or now)
Post = Callable[[Callable[[], None]], None]
#: ``ended(state, message)``: told when a job ends ``"cancelled"`` or in ``"error"`` (on the
#: owner's thread); the message is the reason, or ``"<Exception>: <text>"``
OnEnded = Callable[[str, str], None]

#: the reason given when a newer request (or a click) replaces a running job
REPLACED = "replaced by a newer request"


def sends_from_threads(comm: Any) -> bool:
    """Whether messages of ``comm`` may be sent from a worker thread (see the module doc)."""
    if comm is None:
        return True
    module = type(comm).__module__.split(".")[0]
    return module in ("ipykernel", "comm")  # ipykernel's comm, or the no-kernel dummy


class _Job:
    """One running request: its id, its cancel event and its last progress message time."""

    def __init__(self, kind: str, msg_id: Any) -> None:
        self.kind = kind
        self.msg_id = msg_id
        self.cancel = threading.Event()
        self.reason = "cancelled from the widget"
        self.done = threading.Event()
        self.ending = False  # set when the job's last message is decided: too late to cancel
        self.last = 0.0
        self.started = time.perf_counter()
        self.thread: threading.Thread | None = None


class RequestJobs:
    """Run request handlers' long work in worker threads, one job per kind at a time.

    ``send`` delivers one custom message; ``threaded()`` says whether the host takes messages
    from a thread (else a job runs synchronously in the caller).
    """

    def __init__(
        self, send: Send, threaded: Callable[[], bool], post: Post = lambda fn: fn()
    ) -> None:
        self._send = send
        self._threaded = threaded
        self._post = post
        self._lock = threading.Lock()
        self._running: dict[str, _Job] = {}
        self._live: set[_Job] = set()  # not finished yet, replaced ones included

    def running(self, kind: str) -> bool:
        """Whether a job of ``kind`` is running."""
        with self._lock:
            return kind in self._running

    def threaded(self) -> bool:
        """Whether jobs run in a worker thread (else synchronously in :meth:`start`)."""
        return self._threaded()

    def start(
        self,
        kind: str,
        msg_id: Any,
        work: Work,
        finish: Finish,
        ended: OnEnded | None = None,
    ) -> None:
        """Start ``work`` for the request ``msg_id``; an older job of ``kind`` is cancelled.

        ``finish`` (the reply's body) and ``ended`` run through ``post``.
        """
        job = _Job(kind, msg_id)
        with self._lock:
            older = self._running.get(kind)
            self._running[kind] = job
            self._live.add(job)
        if older is not None:
            older.reason = REPLACED
            older.cancel.set()
        if not self._threaded():
            self._run(job, work, finish, ended)
            return
        job.thread = threading.Thread(
            target=self._run,
            args=(job, work, finish, ended),
            name=f"sweepwalk-{kind}",
            daemon=True,
        )
        job.thread.start()

    def cancel(self, kind: str, reason: str | None = None) -> bool:
        """Ask the running job of ``kind`` to stop (saying ``reason``); False when none runs."""
        with self._lock:  # decided against _end under one lock: one outcome, never both
            job = self._running.get(kind)
            if job is None or job.ending:
                return False
            if reason is not None:
                job.reason = reason
            job.cancel.set()
        return True

    def wait(self, kind: str, timeout: float | None = None) -> bool:
        """Wait until every job of ``kind`` started so far has sent its last message."""
        with self._lock:
            jobs = [job for job in self._live if job.kind == kind]
        return all(job.done.wait(timeout) for job in jobs)

    def _progress(self, job: _Job) -> Callable[[float], None]:
        def report(fraction: float) -> None:
            now = time.perf_counter()
            if fraction < 1.0 and now - job.last < PROGRESS_EVERY:
                return
            job.last = now
            fraction = float(min(max(fraction, 0.0), 1.0))
            elapsed = now - job.started
            eta = elapsed / fraction * (1.0 - fraction) if fraction > 0 else None
            self._deliver(
                {"kind": "progress", "id": job.msg_id, "job": job.kind, "fraction": fraction,
                 "seconds": elapsed, "eta": eta}
            )  # fmt: skip

        return report

    def _run(self, job: _Job, work: Work, finish: Finish, ended: OnEnded | None) -> None:
        outcome: tuple[str, Any]
        try:
            self._progress(job)(0.0)
            outcome = ("done", work(self._progress(job), job.cancel))
        except _jobs.Cancelled:
            outcome = ("cancelled", None)
        except Exception as exc:
            outcome = ("error", exc)
        self._post(lambda: self._end(job, outcome, finish, ended))

    def _end(
        self, job: _Job, outcome: tuple[str, Any], finish: Finish, ended: OnEnded | None
    ) -> None:
        """Send the job's last message (on the owner's thread) and forget the job."""
        state, value = outcome
        with self._lock:
            job.ending = True
            if state == "done" and job.cancel.is_set():  # a cancel answered before: it wins
                state, value = "cancelled", None
        try:
            body = self._last_message(job, state, value, finish)
            detail = body.pop("_detail", body.get("message", ""))
            self._deliver(body)
            if ended is not None and body["kind"] in ("cancelled", "error"):
                ended(body["kind"], detail)
        except Exception:  # a hook failed: the job still ends
            logger.warning("sweepwalk: ending the %s job failed", job.kind, exc_info=True)
        finally:
            with self._lock:
                if self._running.get(job.kind) is job:
                    del self._running[job.kind]
                self._live.discard(job)
            job.done.set()

    def _last_message(self, job: _Job, state: str, value: Any, finish: Finish) -> dict[str, Any]:
        """Return the reply, ``cancelled`` or ``error`` message that ends ``job``."""
        ending = {"id": job.msg_id, "job": job.kind}
        try:
            if state == "done":
                body = {"kind": f"{job.kind}-response", "id": job.msg_id}
                body.update(finish(value, time.perf_counter() - job.started))
                return body
            if state == "cancelled":
                message, replaced = job.reason, job.reason == REPLACED
                return {"kind": "cancelled", **ending, "message": message, "replaced": replaced}
            raise value
        except _jobs.Cancelled as stop:  # finish found the result no longer wanted
            return {"kind": "cancelled", **ending, "message": str(stop), "replaced": False}
        except Exception as exc:  # reaches the frontend as a visible message, and the log
            message = user_message(exc, f"the {job.kind} request")
            detail = f"{type(exc).__name__}: {exc}"
            return {"kind": "error", **ending, "message": message, "_detail": detail}

    def _deliver(self, message: dict[str, Any]) -> None:
        try:
            self._send(message)
        except Exception:  # a closed comm: nothing to tell, but not silently
            logger.warning("sweepwalk: could not send %s", message.get("kind"), exc_info=True)


class BackgroundComparisons:
    """A widget's slow comparisons as ``"compare"`` jobs the kernel starts (``id: null``).

    ``push()`` sends the session's state, ``show_error(text)`` sets the visible error and
    ``threshold()`` is the estimated seconds above which a comparison leaves the message loop.
    """

    def __init__(
        self,
        jobs: RequestJobs,
        push: Callable[[], None],
        show_error: Callable[[str], None],
        threshold: Callable[[], float],
    ) -> None:
        self._jobs, self._push, self._show_error = jobs, push, show_error
        self._threshold = threshold
        self._key: Hashable = None  # the state whose comparison a job computes (or did)

    def in_background(self, s: Session) -> bool:
        """Whether this state's comparison is left to a worker thread (started here if new).

        A comparison estimated to take over the threshold (a permutation test against all,
        thousands of seeds) is a job: the click is answered at once (the grid shows
        "computing…" and the job bar), the results follow when it ends. Any other state's
        comparison is computed now, and a job for an older state is cancelled.
        """
        if s.computed:
            self._jobs.cancel("compare", REPLACED)
            return False
        key = s.results_version
        if key == self._key:  # its job runs, or ended cancelled: wait, or say so
            return True
        if not (self._jobs.threaded() and s.comparison_seconds() > self._threshold()):
            self._jobs.cancel("compare", REPLACED)
            return False
        self._key, job = s.comparison_job()
        self._show_error("")
        target = s.target

        def finish(comparison: Any, seconds: float) -> dict[str, Any]:
            adopted = s.adopt_comparison(key, comparison)
            # pushed even when not adopted: the same state may have been computed meanwhile
            # by a reader (the static table of the cell's output, ``w.results``)
            self._push()
            return {"job": "compare", "target": target, "adopted": adopted, "seconds": seconds}

        def ended(state: str, message: str) -> None:
            if s.results_version != key:
                return  # replaced: the newer state speaks for itself
            if state == "error":
                self._show_error(message)
            else:
                self._show_error(
                    f"The comparison for target #{target} was cancelled ({message}): the grid "
                    "still shows the previous results. Change the target or a setting to "
                    "compute again."
                )

        self._jobs.start("compare", None, job, finish, ended)
        return True
