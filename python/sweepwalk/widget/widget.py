"""The notebook widget: a sweep as a grid where a click makes a row the target.

A view over a :class:`~sweepwalk.session.session.Session` (``w.session``), which holds the
walk and runs its jobs: traitlets mirror the session's user-visible state, one observer each
way (frontend -> session, session -> frontend in one message), and commands (``@command``)
answer custom messages. The wire protocol is ``docs/widget-protocol.md``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import traitlets as t

from ..analysis.jobs import throttle
from ..analysis.settings import DEFAULTS, IMPORTANCE_CORRECTION, USER_SETTINGS
from ..session.runner import JobEvent, Runner
from ..session.session import Session, default_target
from ..sweep import Sweep
from ..validation import arguments as v
from .bundle import CSS, ESM
from .commands import Reply, answer, command
from .errors import user_message
from .host import HostedWidget, display_with_table, kernel_loop, sends_from_threads
from .jobs import JOBS, job_message
from .serialization import ledger_payload, results_payload, sweep_payload, walk_payload
from .sweep_rows import score_range, sweep_rows
from .traits import Checked, session_attr, session_call, synced
from .window import (
    RESULT_ROWS,
    SWEEP_ROWS,
    WINDOW_ROWS,
    Listings,
    partial_results,
    window_reply,
)

if TYPE_CHECKING:
    from ..analysis.comparison import Comparison
    from ..analysis.walk import Walk

__all__ = ["SweepWidget", "default_target"]

logger = logging.getLogger("sweepwalk")

#: traits either side may write, each checked by the session's own validation
PUBLIC = ("target", *USER_SETTINGS)
#: traits only Python writes (derived results): a frontend update of one is refused
PYTHON_ONLY = ("path", "_sweep", "_results", "_ledger", "_walk", "_error", "_progress")
#: the user-facing state: what ``w.get_state()`` returns on a marimo comm, and so what marimo's
#: ``mo.ui.anywidget(w).value`` holds (the sweep and the results stay out of it)
USER_STATE = (*PUBLIC, "selected", "path")
#: largest number of rows of the static table in a cell's output (it is saved in the notebook)
_STATIC_ROWS = 200
#: seconds between two updates of ``_progress`` (each one is a comm message)
_PROGRESS_EVERY = 0.1
#: default of ``background_seconds``: a comparison estimated to take longer is a job
BACKGROUND_SECONDS = 0.5
#: default of ``pending_seconds``: a resampling test estimated to take longer shows its
#: estimates at once and its p-values when ready (a click answers within ~0.3 s)
PENDING_SECONDS = 0.1


class SweepWidget(HostedWidget):
    """A sweep as an interactive grid: click a row to make it the target.

    Build it with :func:`explore`. A view over a :class:`~sweepwalk.session.session.Session`
    (``w.session``): either side may write the public traits; every change recomputes
    ``sweep.compare(...)`` in the kernel and repaints the grid. ``w.observe(fn,
    names="target")`` follows the user's clicks. Scores are one float per seed per
    configuration.

    Parameters
    ----------
    sweep : Sweep
        The sweep to show.
    target, test, correction, alpha, against, neighbors, error_control
        The first target and the settings, as in :class:`~sweepwalk.session.session.Session`
        (``error_control="walk"``: the statuses shown are a walk-wide LOND ledger's).
    prefetch : bool, optional
        Compute each target's neighbours ahead in a worker thread and send the frontend what a
        click on each shows; default: when the widget lives in a kernel with an event loop.
    background_seconds : float, default 0.5
        A comparison estimated to take longer is computed in a worker thread (a ``"compare"``
        job): the click is answered at once and its results follow.
    pending_seconds : float, default 0.1
        A permutation (or other resampling) test estimated to take longer is such a job too,
        and the click is answered at once with every row's estimate and interval, its
        p-value and status shown as pending (``_results["pending"]``) until the job ends.
    window_rows : int, default 50,000
        A sweep of more configurations is sent a window at a time: the ``_sweep`` payload
        holds no per-configuration column, and the grid asks the kernel for the rows it shows
        plus a margin, sorted and filtered here (``sweepwalk.widget.window``); each
        ``_results`` payload carries the sweep columns of its own rows. Smaller sweeps are
        sent whole. (Lower it to see the windowed grid on a small sweep.)

    Attributes
    ----------
    session : Session
        The walk itself (history, cursor, path, ledger, last walk), usable without the widget;
        ``sweep``, ``comparison``, ``results`` (what the grid shows), ``path``, ``selection``,
        ``selected_runs``, ``last_walk`` and ``random_state`` are the session's.
    ledger : pandas.DataFrame
        Every test made so far (``Ledger.to_frame()``); a change of rule, alpha or test starts a
        fresh ledger.

    Notes
    -----
    An exception while recomputing (for example a paired test on a sweep without seeds) is
    logged and shown in the grid as a message (``_error``); the last good results stay on
    screen, and ``w.results`` raises the same exception until the state is valid again.
    """

    _esm = ESM
    if CSS is not None:
        _css = CSS
    _user_state = USER_STATE

    target = synced(Checked(lambda w, x: w.session.resolve(x), 0))
    """The config id of the target (the row every other row is compared with).

    Type ``int``; default: the best mean among configurations with ``min_runs`` scores.
    A dict of parameter values is accepted and resolved (``sweep.find``).
    """
    test = synced(Checked(lambda w, x: v.check_test(x), DEFAULTS.test))
    """The two-sample test. Type ``str``, one of ``sweepwalk.TESTS``; default ``"ks"``."""
    correction = synced(Checked(lambda w, x: v.check_correction(x), DEFAULTS.correction))
    """The correction within each family. Type ``str``; default ``"none"``."""
    alpha = synced(Checked(lambda w, x: v.check_alpha(x), DEFAULTS.alpha))
    """The significance level. Type ``float`` in (0, 1); default ``0.05``."""
    against = synced(Checked(lambda w, x: v.check_against(x), DEFAULTS.against))
    """``"neighbors"`` or ``"all"``: the rows compared. Type ``str``; default ``"neighbors"``."""
    neighbors = synced(Checked(lambda w, x: v.check_neighbors(x), DEFAULTS.neighbors))
    """``"adjacent"`` or ``"axis"``: the neighbour rule. Type ``str``; default ``"adjacent"``."""
    error_control = synced(Checked(lambda w, x: v.check_error_control(x), DEFAULTS.error_control))
    """``"per-target"`` or ``"walk"``: the rule that decides the statuses; default per-target."""
    selected = synced(Checked(lambda w, x: v.check_config_ids(x, len(w.sweep), "selected"), []))
    """Selected config ids (checkbox / ctrl- / shift-click). Type ``list[int]``; default ``[]``."""
    path = t.List(t.Int(), read_only=True).tag(sync=True)
    """Every target visited, in order (back/forward included). Type ``list[int]``; Python's."""

    # the frontend writes it to move along the history (back/forward/breadcrumb)
    _history_index = synced(t.Int(0))
    _sweep = t.Dict().tag(sync=True)
    _results = t.Dict().tag(sync=True)
    _ledger = t.Dict().tag(sync=True)
    _walk = t.Dict().tag(sync=True)
    _error = t.Unicode("").tag(sync=True)
    _progress = t.Float(-1.0).tag(sync=True)

    def __init__(
        self,
        sweep: Sweep,
        *,
        target: int | dict[Any, Any] | None = None,
        test: str = DEFAULTS.test,
        correction: str = DEFAULTS.correction,
        alpha: float = DEFAULTS.alpha,
        against: str = DEFAULTS.against,
        neighbors: str = DEFAULTS.neighbors,
        error_control: str = DEFAULTS.error_control,
        prefetch: bool | None = None,
        background_seconds: float = BACKGROUND_SECONDS,
        pending_seconds: float = PENDING_SECONDS,
        window_rows: int = WINDOW_ROWS,
    ) -> None:
        # a job ends on the kernel's thread; the widget is told its events and sends them
        runner = Runner(
            self._call_soon, self._on_job, threaded=lambda: sends_from_threads(self.comm)
        )
        self.session = s = Session(
            sweep, target=target, test=test, correction=correction, alpha=alpha,
            against=against, neighbors=neighbors, error_control=error_control, runner=runner,
            background_seconds=background_seconds, pending_seconds=pending_seconds,
        )  # fmt: skip
        self._pushing = False
        self._shown: tuple[Any, ...] = ()
        self._full_results: dict[str, Any] = {}  # `_results`, before a windowed sweep's cut
        window_rows = v.check_int(window_rows, "window_rows")
        if window_rows is None or window_rows < 0:
            raise ValueError(f"`window_rows` must be an int >= 0, got {window_rows!r}.")
        self._windowed = len(sweep) > window_rows
        self._score_bounds = score_range(sweep)
        super().__init__(
            **{name: getattr(s, name) for name in PUBLIC},
            _history_index=s.cursor,
            _sweep=sweep_payload(sweep, windowed=self._windowed, score_bounds=self._score_bounds),
        )
        s.prefetch = kernel_loop(self.comm) is not None if prefetch is None else bool(prefetch)
        self.observe(self._to_session, names=[*PUBLIC, "selected"])  # frontend -> session
        s.observe(self._push)  # session -> frontend
        self.on_msg(self._on_custom_msg)
        self._push()

    _jobs = property(lambda w: w.session.runner, doc="The session's job runner.")
    _prefetch = property(lambda w: w.session.runner.last("prefetch"), doc="The last prefetch.")

    # -- state: one message per change -------------------------------------------------------
    def _to_session(self, change: dict[str, Any]) -> None:
        if not self._pushing:
            setattr(self.session, change["name"], change["new"])

    def _call_soon(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` on the kernel's thread, between two messages (else now)."""
        loop = kernel_loop(self.comm)
        if loop is not None:
            loop.add_callback(fn)
        else:
            fn()

    def _push(self, session: Session | None = None) -> None:
        """Mirror the session into the traits, in one message to the frontend."""
        s = self.session
        with s.lock:
            self._pushing = True
            try:
                self._push_traits(s)
            finally:
                self._pushing = False

    def _push_traits(self, s: Session) -> None:
        with self.hold_sync():
            for name in (*PUBLIC, "selected"):
                if getattr(self, name) != getattr(s, name):
                    setattr(self, name, getattr(s, name))
            self._history_index = s.cursor
            if self.path != s.path:
                self.set_trait("path", s.path)
            pending = s.comparison_in_background()  # a slow one: its job pushes when it ends
            if pending == "started":
                self._error = ""
            early = s.pending_comparison if pending is not None else None
            if early is not None:  # its estimates now, the verdicts when the job ends
                self._results = self._results_for(s, early)
            elif pending is None:
                try:
                    self._results = self._results_for(s)
                    self._error = ""
                except Exception as exc:
                    self._error = user_message(exc, "recomputing the comparison")
            self._ledger = ledger_payload(
                s.ledger, s.ledger_test, s.ledger_generation, s.ledger_reason
            )
            if s.last_walk is not None:
                self._walk = walk_payload(s.last_walk, s.walk_offset, s.walk_rule)

    def _results_for(self, s: Session, early: Comparison | None = None) -> dict[str, Any]:
        comparison = s.comparison if early is None else early  # as the rule in force decided it
        shown = (comparison, s.cursor, tuple(s.history))
        if shown != self._shown:  # a selection or walk-only change keeps the comparison
            self._shown = shown
            payload = results_payload(comparison, s.sweep.params, state=s.results_state)
            self._full_results = payload  # what the grid's windows are cut from
            if not self._windowed:
                return payload
            rows = np.frombuffer(payload["rows"], "<i4")
            if rows.size > RESULT_ROWS:  # the target's row; the others come with the windows
                payload = partial_results(s.sweep, payload)
                rows = np.frombuffer(payload["rows"], "<i4")
            # the frontend has no sweep column but these rows'
            return {**payload, SWEEP_ROWS: self._sweep_rows(rows)}
        return self._results

    def _sweep_rows(self, ids: np.ndarray) -> dict[str, Any]:
        """Return the sweep columns of configurations ``ids`` (a windowed sweep's rows)."""
        return sweep_rows(self.sweep, ids, *self._score_bounds)

    def _on_job(self, event: JobEvent) -> None:
        """Tell the frontend a job's news (its end comes on the kernel's thread)."""
        error = (
            user_message(event.value, f"the {event.kind} request") if event.state == "error" else ""
        )
        if event.kind == "compare" and event.state != "progress":
            self._compare_ended(event, error)
        rows = self._sweep_rows if self._windowed else None
        message = job_message(event, self.sweep.params, error, rows)
        if message is not None:
            self.send(*message)

    def _compare_ended(self, event: JobEvent, error: str) -> None:
        s = self.session
        if event.state == "done":  # pushed even when not adopted: a reader may have computed it
            self._push()
        elif s.results_version == event.key and s.pending_comparison is not None:
            self._error = error or (
                f"The p-values for target #{s.target} were cancelled ({event.value}): the grid "
                "shows the estimates without verdicts. Change the target or a setting to test "
                "again."
            )
        elif s.results_version == event.key:  # else replaced: the newer state speaks for itself
            self._error = error or (
                f"The comparison for target #{s.target} was cancelled ({event.value}): the grid "
                "still shows the previous results. Change the target or a setting to compute "
                "again."
            )

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the frontend; an invalid value is refused visibly.

        A write of a Python-only trait is refused; an invalid value restores every trait of
        the message. Either way the frontend is sent the kernel's values back and ``_error``
        says why, instead of an exception in the kernel log only. ``_history_index`` is an
        explicit move along the history (clamped to it).
        """
        self._jobs.cancel("prefetch")  # a message is in: the prefetch leaves the CPU
        with self.session.lock:
            self._set_state(sync_data)

    def _set_state(self, sync_data: dict[str, Any]) -> None:
        refused = [k for k in sync_data if k in PYTHON_ONLY]
        data = {k: x for k, x in sync_data.items() if k not in refused}
        s = self.session
        try:
            with s.batch():
                position = data.pop("_history_index", None)
                if position is not None:
                    for name, value in data.items():  # check all before the move applies
                        if name in self.keys:
                            self.traits()[name].validate(self, value)
                    index = v.check_int(position, "_history_index") or 0
                    s.go(min(index, len(s.history) - 1))
                super().set_state(data)  # a target other than the move's is a new step
        except (t.TraitError, TypeError, ValueError, KeyError) as exc:
            logger.warning("sweepwalk: refused a state update from the frontend: %s", exc)
            self._error = str(exc)
            self.send_state(key=[k for k in sync_data if k in self.keys])
            return
        if refused:
            self._error = f"the frontend cannot write {refused}: Python computes them"
            self.send_state(key=refused)

    # -- request/reply custom messages: one command per kind ---------------------------------
    def _on_custom_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        with self.session.lock:  # (a detail request after each click must not stop the prefetch)
            answer(self, content)

    @command("detail")
    def _reply_detail(self, msg: dict[str, Any]) -> Reply:
        config = v.check_config_id(msg.get("config"), len(self.sweep), "config")
        target = self.session.target
        scores = [self.sweep.scores(i).astype("<f8").tobytes() for i in (target, config)]
        return {"config": config, "target": target}, scores

    @command("importance")
    def _reply_importance(self, msg: dict[str, Any]) -> Reply:
        # the arguments and settings are read (and checked) now; the pairs are tested in a job
        margin, correction = msg.get("margin"), msg.get("correction", IMPORTANCE_CORRECTION)
        self.session.importance_in_background(
            margin=margin, correction=correction, request=msg["id"]
        )
        return None

    @command("walk")
    def _reply_walk(self, msg: dict[str, Any]) -> Reply:
        # a start is a move answered now; the walk records into a copy of the ledger in a job,
        # and is laid out (one state message, then the reply) if nothing moved meanwhile
        self.session.walk_in_background(msg.get("start"), request=msg["id"])
        return None

    @command("cancel")
    def _reply_cancel(self, msg: dict[str, Any]) -> Reply:
        job = msg.get("job", "importance")
        if job not in JOBS:
            raise ValueError(f"`job` must be one of {list(JOBS)}, got {job!r}.")
        return {"job": job, "cancelled": self._jobs.cancel(job)}, None

    @command("rows")
    def _reply_rows(self, msg: dict[str, Any]) -> Reply:
        # rows offset..offset+limit of the grid, sorted and filtered here (widget/window.py)
        # (a scroll asks for many windows of one order: it is sorted once per results)
        listings = self.__dict__.setdefault("_listings", Listings())
        columns = self._sweep_rows if self._windowed and msg.get("columns", True) else None
        return window_reply(self.sweep, self._full_results, msg, listings, columns)

    # -- Python-side API: the session's ------------------------------------------------------
    sweep = session_attr("sweep")
    comparison = session_attr("comparison")
    results = session_attr("results")
    _history = session_attr("history")
    selection = session_attr("selection")
    selected_runs = session_attr("selected_runs")
    last_walk = session_attr("last_walk")
    random_state = session_attr("random_state", writable=True)
    back = session_call("back", "Step back along the walk (Alt+Left in the grid).")
    forward = session_call("forward", "Step forward along the walk (Alt+Right in the grid).")

    @property
    def ledger(self) -> pd.DataFrame:
        """Every test made while walking, in order (``Ledger.to_frame()``, ``attrs["rule"]``)."""
        return self.session.ledger_frame()

    def walk(self, start: int | None = None) -> Walk:
        """Walk greedily from ``start`` (default: the target) and lay the path out to play."""
        return self.session.walk(start)

    def importance(
        self, *, margin: float | None = None, correction: str = IMPORTANCE_CORRECTION
    ) -> pd.DataFrame:
        """Which parameters matter over the whole sweep (``Session.importance``).

        Progress (fraction of pairs done) goes to the ``_progress`` trait while it runs
        (``-1`` when idle); ``attrs["seconds"]`` is the time it took.
        """
        margin = v.check_positive(margin, "margin")  # a bad request sends no progress
        correction = v.check_correction(correction)

        def progress(fraction: float) -> None:
            self._progress = float(min(max(fraction, 0.0), 1.0))

        self._progress = 0.0
        started = time.perf_counter()
        try:
            frame = self.session.importance(
                margin=margin, correction=correction, progress=throttle(progress, _PROGRESS_EVERY)
            )
        finally:
            self._progress = -1.0
        frame.attrs["seconds"] = time.perf_counter() - started
        return frame

    def to_html(self, max_rows: int = 1000) -> str:
        """Render the current view as a static, status-coloured HTML table (text escaped)."""
        return self.session.to_html(max_rows)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Return anywidget's bundle (the widget view), its ``text/plain`` naming the view."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        plain = f"sweepwalk widget: {self.session.title()}"
        return {**data, "text/plain": plain}, metadata

    def _ipython_display_(self) -> None:
        """Display the widget view, then its static table (for readers without the widget)."""
        display_with_table(self._repr_mimebundle_(), lambda: self.to_html(max_rows=_STATIC_ROWS))
