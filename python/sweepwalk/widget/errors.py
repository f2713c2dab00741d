"""One rule for what the frontend is told when Python fails: the message a user reads."""

from __future__ import annotations

import logging

__all__ = ["EXPECTED", "user_message"]

logger = logging.getLogger("sweepwalk")

#: the errors of a bad input (a setting, a request's argument): their text says what to change
EXPECTED = (TypeError, ValueError, KeyError)


def user_message(exc: BaseException, doing: str) -> str:
    """Return the line the frontend shows for ``exc``, raised while ``doing`` something.

    A bad input (:data:`EXPECTED`) is its own text, which names the argument and the allowed
    values; anything else is a fault of ours or of a library: the type and the text, and the
    traceback goes to the kernel's log.
    """
    if isinstance(exc, EXPECTED):
        return str(exc)
    logger.warning("sweepwalk: %s failed", doing, exc_info=exc)
    return f"{type(exc).__name__}: {exc}"
