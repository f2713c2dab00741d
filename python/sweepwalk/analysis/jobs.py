"""Long jobs in batches: progress, cancellation between batches, and an optional executor.

``compare(against="all")`` and ``importance`` cut their rows (or neighbour pairs) into batches
whose results do not depend on how they are cut (every batched test is row-wise, and the
permutation tests share one set of permutations per sample sizes). So the batches can run one
after the other here, or on any :class:`concurrent.futures.Executor` (a process pool, Dask's
``Client.get_executor()``, Ray's), with identical results. Between batches a ``cancel`` hook is
checked and a ``progress`` callback told the fraction done.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import Any, cast

__all__ = [
    "Cancelled",
    "Progress",
    "check_cancel",
    "check_cancel_hook",
    "check_executor",
    "run_batches",
    "throttle",
]


logger = logging.getLogger("sweepwalk")

#: a job whose first batch says it will take longer than this is announced (logger, INFO)
ANNOUNCE_SECONDS = 0.5


class Cancelled(Exception):
    """A long computation stopped between two batches because its ``cancel`` hook said so."""


def check_cancel_hook(cancel: Any) -> Any:
    """Validate ``cancel``: None, a ``threading.Event``-like object or a callable."""
    if cancel is None or callable(getattr(cancel, "is_set", None)) or callable(cancel):
        return cancel
    raise TypeError(
        "`cancel` must be None, a threading.Event (anything with is_set()) or a callable "
        f"returning True to stop, got {cancel!r}."
    )


def check_cancel(cancel: Any) -> None:
    """Raise :class:`Cancelled` when the hook (Event ``is_set()`` or callable) says stop."""
    if cancel is None:
        return
    is_set = getattr(cancel, "is_set", None)
    stop = is_set() if callable(is_set) else cancel()
    if stop:
        raise Cancelled("cancelled between batches; no result was produced")


def check_executor(executor: Any) -> Executor | None:
    """Validate ``executor``: None or a :class:`concurrent.futures.Executor` (has ``submit``)."""
    if executor is None or isinstance(executor, Executor):
        return executor
    if callable(getattr(executor, "submit", None)):  # duck-typed: only submit is used
        return cast("Executor", executor)
    raise TypeError(
        "`executor` must be None or a concurrent.futures.Executor (e.g. ProcessPoolExecutor, "
        f"dask's Client.get_executor()), got {executor!r}."
    )


class Progress:
    """Counts finished work items, tells ``callback`` the fraction, checks ``cancel``.

    ``total`` items (``what``: rows or pairs) are expected; :meth:`advance` adds finished
    ones. :meth:`eta` estimates the seconds left from the rate so far; after the first batch,
    a job estimated to take over :data:`ANNOUNCE_SECONDS` is announced on the ``sweepwalk``
    logger with its size and that estimate (:attr:`estimate`).
    """

    def __init__(
        self,
        total: int,
        callback: Callable[[float], Any] | None,
        cancel: Any,
        what: str = "items",
    ) -> None:
        self.total = total
        self.done = 0
        self.callback = callback
        self.cancel = cancel
        self.what = what
        self.started = time.perf_counter()
        self.estimate = float("nan")  # seconds for the whole job, from the first batch

    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.perf_counter() - self.started

    def advance(self, items: int) -> None:
        """Record ``items`` more finished, report the fraction, then check for cancellation."""
        first = self.done == 0
        self.done += items
        if first and self.done:
            self.estimate = self.elapsed() / self.done * self.total
            if self.estimate > ANNOUNCE_SECONDS:
                logger.info(
                    "%s %s to test, about %.0f s (estimated from the first %s)",
                    f"{self.total:,}", self.what, self.estimate, f"{self.done:,}",
                )  # fmt: skip
        if self.callback is not None:
            self.callback(min(1.0, self.done / self.total) if self.total else 1.0)
        check_cancel(self.cancel)

    def eta(self) -> float:
        """Seconds left at the rate so far (NaN before any item is done)."""
        if self.done == 0:
            return float("nan")
        return self.elapsed() / self.done * (self.total - self.done)


def run_batches(
    work: Callable[..., Any],
    batches: Iterable[tuple[int, tuple[Any, ...]]],
    progress: Progress,
    executor: Executor | None = None,
    in_flight: int = 8,
) -> Iterator[Any]:
    """Yield ``work(*args)`` for each ``(size, args)`` of ``batches``, in order.

    ``size`` is the number of items the batch finishes (for ``progress``). With an executor at
    most ``in_flight`` batches are submitted at a time (memory stays bounded); on cancellation
    the batches not yet started are cancelled. ``work`` must be picklable (a module-level
    function) for a process pool.
    """
    check_cancel(progress.cancel)
    if executor is None:
        for size, args in batches:
            result = work(*args)
            progress.advance(size)
            yield result
        return
    pending: deque[tuple[int, Future[Any]]] = deque()
    try:
        for size, args in batches:
            pending.append((size, executor.submit(work, *args)))
            if len(pending) >= in_flight:
                size_done, future = pending.popleft()
                result = future.result()
                progress.advance(size_done)
                yield result
        while pending:
            size_done, future = pending.popleft()
            result = future.result()
            progress.advance(size_done)
            yield result
    finally:
        for _, future in pending:
            future.cancel()


def throttle(callback: Callable[[float], Any], every: float) -> Callable[[float], None]:
    """Return ``report(fraction)`` that tells ``callback`` at most once every ``every`` seconds.

    The first report and the last one (``fraction >= 1``) always get through: each report may
    be a message to a browser, so a job of thousands of batches sends a few per second.
    """
    last = [-math.inf]

    def report(fraction: float) -> None:
        now = time.perf_counter()
        if fraction >= 1.0 or now - last[0] >= every:
            last[0] = now
            callback(fraction)

    return report
