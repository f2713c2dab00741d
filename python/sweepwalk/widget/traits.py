"""The widget's trait helpers: checked values, synced without echo, attributes of the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets as t

from ..session.session import Session

__all__ = ["Checked", "session_attr", "synced"]


class Checked(t.TraitType):
    """A trait whose values are checked (and normalised) by a sweepwalk validator."""

    def __init__(self, check: Callable[[Any, Any], Any], default: Any) -> None:
        super().__init__(default)
        self._check = check

    def validate(self, obj: Any, value: Any) -> Any:
        """Return the checked value; a refusal is a TraitError with the validator's text."""
        try:
            return self._check(obj, value)
        except (TypeError, ValueError, KeyError) as exc:
            raise t.TraitError(str(exc)) from None


def synced(trait: t.TraitType) -> t.TraitType:
    """Return ``trait`` synced with the frontend, without echo."""
    # no echo: the message that answers a frontend change carries the state it was computed for
    return trait.tag(sync=True, echo_update=False)


def session_attr(name: str) -> Any:
    """Return a read-only widget attribute that reads ``w.session.<name>`` (with its doc)."""
    return property(lambda w: getattr(w.session, name), doc=getattr(Session, name).__doc__)
