"""Request/reply custom messages: one command per kind, registered with :func:`command`.

A request ``{kind, id, ...}`` is answered ``{kind: "<kind>-response", id, ...}`` by the
command registered for its kind, or ``{kind: "error", id, message}`` (an unknown kind, a bad
argument, a failure); a command that starts a job returns None and the job replies when it
ends (docs/widget-protocol.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .errors import user_message

__all__ = ["COMMANDS", "Reply", "answer", "command"]

#: a command returns the reply's body and buffers, or None when a job replies later
Reply = tuple[dict[str, Any], Any] | None
_F = TypeVar("_F", bound=Callable[..., Reply])
#: the commands by kind, in the order they were registered
COMMANDS: dict[str, Callable[..., Reply]] = {}


def command(kind: str) -> Callable[[_F], _F]:
    """Register a widget method as the command that answers the requests of ``kind``."""

    def register(handler: _F) -> _F:
        COMMANDS[kind] = handler
        return handler

    return register


def answer(widget: Any, content: Any) -> None:
    """Answer one request with ``widget.send``: the command's reply, or an error message."""
    msg = content if isinstance(content, dict) else {}
    msg_id = msg.get("id")
    if not (msg_id is None or isinstance(msg_id, (str, int))) or isinstance(msg_id, bool):
        msg_id = repr(msg_id)  # the reply stays valid JSON whatever the request held
    msg = {**msg, "id": msg_id}
    kind = msg.get("kind")
    handler = COMMANDS.get(kind) if isinstance(kind, str) else None
    try:
        if handler is None:
            raise ValueError(f"unknown message kind {kind!r}; allowed: {list(COMMANDS)}")
        reply = handler(widget, msg)
    except Exception as exc:
        message = user_message(exc, f"the {kind} request")
        widget.send({"kind": "error", "id": msg_id, "message": message})
        return
    if reply is not None:  # else a job: it replies when it ends
        body, out = reply
        widget.send({"kind": f"{kind}-response", "id": msg_id, **body}, buffers=out)
