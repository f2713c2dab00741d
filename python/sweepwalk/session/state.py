"""The state a session walks: the target, its history, the settings, the selection.

:class:`SessionState` is what a move or a setting changes, under one re-entrant lock, with one
notification per change (:meth:`SessionState.batch` groups several);
:class:`~sweepwalk.session.session.Session` adds what is computed for a state (the comparison,
the ledger, walks and jobs). Scores are one float per seed per configuration.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar, cast

from ..analysis.settings import Settings
from ..sweep import Sweep
from ..validation import arguments as v
from .inputs import default_target

__all__ = ["SessionState", "locked"]

_F = TypeVar("_F", bound=Callable[..., Any])


def locked(method: _F) -> _F:
    """Run ``method`` holding its session's lock (``self._lock``, re-entrant).

    Every read of a session's state and every change of it goes through one lock, so a
    session used from two threads never shows one state's comparison for another.
    """

    @functools.wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return cast(_F, run)


def _setting(name: str, doc: str) -> Any:
    """Return the property of one setting: read from :class:`Settings`, written checked."""

    def get(self: SessionState) -> Any:
        with self._lock:
            return getattr(self._settings, name)

    def put(self: SessionState, value: Any) -> None:
        self._set(name, value)

    return property(get, put, doc=doc)


class SessionState:
    """The target, the back/forward history, every target visited, the settings, the selection.

    Setting :attr:`target` is a move: it drops the forward branch of the history (as a
    browser does) and appends the new target; :meth:`back`, :meth:`forward` and :meth:`go`
    move the cursor along the history instead. Every read and change holds :attr:`lock`.
    """

    def __init__(self, sweep: Sweep, target: Any, settings: Settings) -> None:
        if not isinstance(sweep, Sweep):
            raise TypeError(f"`sweep` must be a sweepwalk.Sweep, got {type(sweep).__name__}.")
        self._lock = threading.RLock()  # one thread at a time reads or changes the state
        self._sweep = sweep
        self._settings = settings
        first = default_target(sweep) if target is None else self.resolve(target, "target")
        self._history = [first]
        self._cursor = 0
        self._path = [first]
        self._selected: list[int] = []
        self._listeners: list[Callable[[Any], None]] = []
        self._holding = 0
        self._notified = 0
        #: bumped by every change of state (move, setting, walk, selection)
        self.version = 0
        #: bumped by every change that needs a new comparison (move, setting)
        self.results_version = 0

    @property
    def lock(self) -> threading.RLock:
        """The session's re-entrant lock: hold it to read or change several things as one.

        Every property and method of the session takes it; a view that mirrors the session
        (the widget) holds it while it reads, so that what it shows is one state.
        """
        return self._lock

    # -- observing ---------------------------------------------------------------------------
    def observe(self, callback: Callable[[Any], None]) -> None:
        """Call ``callback(session)`` after every change (once per :meth:`batch`)."""
        self._listeners.append(callback)

    def unobserve(self, callback: Callable[[Any], None]) -> None:
        """Stop calling ``callback``."""
        self._listeners.remove(callback)

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Group several changes into one notification (sent when the outermost batch ends)."""
        with self._lock:  # the changes of a batch are made by one thread, as one
            self._holding += 1
            try:
                yield
            finally:
                self._holding -= 1
                self._notify()

    def _changed(self, *, results: bool = True) -> None:
        self.version += 1
        if results:
            self.results_version += 1
        self._notify()

    def _notify(self) -> None:
        if self._holding or self._notified == self.version:
            return
        self._notified = self.version
        for callback in list(self._listeners):
            callback(self)

    # -- the walk ----------------------------------------------------------------------------
    @property
    def sweep(self) -> Sweep:
        """The :class:`Sweep` walked."""
        return self._sweep

    def resolve(self, target: Any, name: str = "target") -> int:
        """Return the config id of ``target``: a config id, or a dict of values (``find``)."""
        return self._sweep.resolve(target, name)

    @property
    @locked
    def target(self) -> int:
        """Config id of the target; setting it (a config id or a dict of values) is a move."""
        return self._history[self._cursor]

    @target.setter
    @locked
    def target(self, value: int | dict[str, Any]) -> None:
        new = self.resolve(value, "target")
        if new == self.target:
            return
        # a new step: forget the forward branch, as a browser does
        self._history = [*self._history[: self._cursor + 1], new]
        self._cursor = len(self._history) - 1
        self._path.append(new)
        self._changed()

    @property
    @locked
    def history(self) -> list[int]:
        """The targets along the current branch of the walk (back/forward move along it)."""
        return list(self._history)

    @property
    @locked
    def cursor(self) -> int:
        """Position of the target in :attr:`history`."""
        return self._cursor

    @property
    @locked
    def path(self) -> list[int]:
        """Every target visited, in order (back/forward moves included)."""
        return list(self._path)

    @locked
    def go(self, position: int) -> None:
        """Move the cursor to ``position`` in :attr:`history` (what a breadcrumb click does)."""
        last = len(self._history) - 1
        position = v.check_int(position, "position")
        if position > last:
            raise ValueError(f"`position` must be in 0..{last}, got {position}.")
        if position != self._cursor:
            self._cursor = position
            self._path.append(self.target)
            self._changed()

    @locked
    def back(self) -> None:
        """Step back along the history; no-op at the start."""
        if self._cursor > 0:
            self.go(self._cursor - 1)

    @locked
    def forward(self) -> None:
        """Step forward along the history; no-op at the end."""
        if self._cursor < len(self._history) - 1:
            self.go(self._cursor + 1)

    # -- settings ----------------------------------------------------------------------------
    @locked
    def _set(self, name: str, value: Any) -> None:
        new = self._settings.replace(**{name: value})  # checked here
        if new != self._settings:
            self._settings = new
            self._changed()

    test = _setting("test", "The two-sample test (see :meth:`Sweep.compare`).")
    correction = _setting("correction", "The multiple-comparison correction within each family.")
    alpha = _setting(
        "alpha", "The significance level (per family, or walk-wide under ``error_control='walk'``)."
    )
    against = _setting(
        "against", "``'neighbors'`` or ``'all'``: which configurations the target is compared with."
    )
    neighbors = _setting("neighbors", "``'adjacent'`` or ``'axis'``: the neighbour rule.")
    error_control = _setting(
        "error_control", "``'per-target'`` or ``'walk'``: the rule that decides the statuses."
    )

    @property
    @locked
    def random_state(self) -> Any:
        """Seed of the permutation tests."""
        return self._settings.random_state

    @random_state.setter
    @locked
    def random_state(self, value: Any) -> None:
        self._settings = self._settings.replace(random_state=value)
        self._changed()

    @property
    @locked
    def settings(self) -> dict[str, Any]:
        """The state a comparison is computed for: the target and every setting."""
        return {"target": self.target, **self._settings.shown()}

    @property
    def options(self) -> Settings:
        """The comparison settings as one frozen :class:`~sweepwalk.analysis.settings.Settings`."""
        return self._settings

    @property
    @locked
    def results_state(self) -> dict[str, Any]:
        """The state a results payload is shown for: :attr:`settings`, history and cursor."""
        return {**self.settings, "history": self.history, "cursor": self.cursor}

    @property
    @locked
    def selected(self) -> list[int]:
        """Selected config ids, in the order given (duplicates dropped)."""
        return list(self._selected)

    @selected.setter
    @locked
    def selected(self, ids: Any) -> None:
        chosen = v.check_config_ids(ids, len(self._sweep), "selected")
        if chosen != self._selected:
            self._selected = chosen
            self._changed(results=False)
