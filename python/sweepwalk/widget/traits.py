"""The widget's trait helpers: checked values, synced without echo, attributes of the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets as t

from ..session.session import Session

__all__ = ["Checked", "session_attr", "session_call", "synced"]


class Checked(t.TraitType[Any, Any]):
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


def synced(trait: t.TraitType[Any, Any]) -> t.TraitType[Any, Any]:
    """Return ``trait`` synced with the frontend, without echo."""
    # no echo: the message that answers a frontend change carries the state it was computed for
    return trait.tag(sync=True, echo_update=False)


def session_attr(name: str, writable: bool = False) -> Any:
    """Return a widget attribute that reads (and may write) ``w.session.<name>``, with its doc."""
    doc = getattr(Session, name).__doc__
    if not writable:
        return property(lambda w: getattr(w.session, name), doc=doc)
    return property(
        lambda w: getattr(w.session, name), lambda w, x: setattr(w.session, name, x), doc=doc
    )


def session_call(name: str, doc: str) -> Any:
    """Return a widget method that calls ``w.session.<name>(...)``."""

    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self.session, name)(*args, **kwargs)

    call.__name__, call.__doc__ = name, doc
    return call
