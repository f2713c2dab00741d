"""What the frontend is told about a job: each runner event as one custom message.

The session's jobs run in its :class:`~sweepwalk.session.runner.Runner`; the widget is told
each :class:`~sweepwalk.session.runner.JobEvent` and sends (docs/widget-protocol.md):

- ``{kind: "progress", id, job, fraction, seconds, eta}`` while a job runs (throttled);
- then one of ``{kind: "<job>-response", id, ...}``, ``{kind: "cancelled", id, job, message,
  replaced}`` or ``{kind: "error", id, job, message}``;
- after the neighbours were computed ahead: ``{kind: "ahead", from, entries}`` with buffers.

The messages of a job are sent from its worker thread where the host takes them
(:func:`sweepwalk.widget.host.sends_from_threads`); its end, from the kernel's thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..session.runner import JobEvent
from .serialization import ahead_message, importance_reply

__all__ = ["JOBS", "job_message"]

#: the jobs a request starts or the frontend may cancel (``"prefetch"`` is the kernel's own)
JOBS = ("importance", "compare", "walk")

#: ``(message, buffers)``, or None when the event tells the frontend nothing
Message = tuple[dict[str, Any], list[bytes] | None] | None


def _response(event: JobEvent) -> dict[str, Any]:
    """Return the body of a ``<job>-response`` (without ``kind`` and ``id``)."""
    if event.kind == "importance":
        return importance_reply(event.value, event.seconds)
    if event.kind == "compare":
        return {"job": "compare", **event.value, "seconds": event.seconds}
    return {"seconds": event.seconds}


def job_message(
    event: JobEvent,
    params: Sequence[Any],
    error: str = "",
    rows: Callable[[np.ndarray], dict[str, Any]] | None = None,
) -> Message:
    """Return the message that tells the frontend ``event`` (``error``: an error's text).

    ``rows``: config ids -> their sweep columns, which results computed ahead carry for a
    windowed sweep.
    """
    if event.kind == "prefetch":  # the kernel's own: only its results are news
        entries, shown = event.value if event.state == "done" else ([], None)
        return ahead_message(entries, params, shown, rows) if entries else None
    head = {"id": event.id, "job": event.kind}
    if event.state == "progress":
        fraction, eta = event.value, event.eta
        return {"kind": "progress", **head, "fraction": fraction, "seconds": event.seconds,
                "eta": eta}, None  # fmt: skip
    if event.state == "done":
        return {"kind": f"{event.kind}-response", "id": event.id, **_response(event)}, None
    if event.state == "cancelled":
        return {"kind": "cancelled", **head, "message": str(event.value),
                "replaced": event.replaced}, None  # fmt: skip
    return {"kind": "error", **head, "message": error}, None
