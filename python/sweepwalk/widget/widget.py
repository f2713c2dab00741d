"""The notebook widget: a sweep as a grid where a click makes a row the target.

A thin view over a :class:`~sweepwalk.session.session.Session` (``w.session``), which holds the
walk:
traitlets mirror the session's user-visible state, one observer pushes every change of the
session to the frontend in one message, and one table maps custom-message kinds to handlers.
The wire protocol is ``docs/widget-protocol.md``. Scores are one float per seed per
configuration.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import anywidget
import pandas as pd
import traitlets as t

from ..analysis.jobs import BackgroundJob, Cancelled, start_in_thread
from ..analysis.settings import DEFAULTS, USER_SETTINGS
from ..session.session import Session, as_sweep, default_target
from ..sweep import Sweep
from ..validation import arguments as v
from .bundle import CSS, ESM
from .errors import user_message
from .jobs import BackgroundComparisons, RequestJobs, sends_from_threads
from .serialization import (
    ahead_message,
    importance_reply,
    ledger_payload,
    results_payload,
    sweep_payload,
    walk_payload,
)
from .traits import Checked, session_attr, synced

if TYPE_CHECKING:
    from ..analysis.walk import Walk

__all__ = ["SweepWidget", "default_target", "explore"]

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
#: seconds between two progress updates sent to the frontend (each one is a comm message)
_PROGRESS_EVERY = 0.1
#: work that runs as a job (worker thread, progress, cancel): see _widget_jobs
JOBS = ("importance", "compare", "walk")
#: a comparison estimated (``Session.comparison_seconds``) to take longer than this many
#: seconds is computed in a worker thread (a job of kind ``"compare"`` the kernel starts)
BACKGROUND_SECONDS = 0.5
#: after each click, compute the new target's neighbours (the likely next clicks) ahead in a
#: worker thread, so that a click on one is served at once (``Session.prefetch_job``)
PREFETCH = True
#: seconds the prefetch waits first: the click's state message and its detail request go
#: first (the thread competes with ipykernel's IOPub thread for the GIL); short, so that its
#: results reach the frontend ahead of a quick next click
PREFETCH_DELAY = 0.05
#: after the prefetch, send the frontend what a click on each neighbour would show (``ahead``
#: message): it paints a click at once, and the kernel's answer confirms it
AHEAD = True


class SweepWidget(anywidget.AnyWidget):
    """A sweep as an interactive grid: click a row to make it the target.

    Build it with :func:`explore`. A view over a :class:`~sweepwalk.session.session.Session`
    (``w.session``): either side may write the public traits ``target``, ``test``,
    ``correction``, ``alpha``, ``against``, ``neighbors``, ``error_control`` and ``selected``
    (``path`` is Python's);
    every change recomputes ``sweep.compare(...)`` in the kernel and repaints the grid.
    ``w.observe(fn, names="target")`` follows the user's clicks. Scores are one float per seed
    per configuration.

    Parameters
    ----------
    sweep : Sweep
        The sweep to show.
    target, test, correction, alpha, against, neighbors, error_control
        The first target and the settings, as in :class:`~sweepwalk.session.session.Session`
        (``error_control="walk"``: the statuses shown are a walk-wide LOND ledger's).

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

    target = synced(Checked(lambda w, x: w.session.resolve(x), 0))
    """Config id of the target (the row every other row is compared with)."""
    test = synced(Checked(lambda w, x: v.check_test(x), DEFAULTS.test))
    correction = synced(Checked(lambda w, x: v.check_correction(x), DEFAULTS.correction))
    alpha = synced(Checked(lambda w, x: v.check_alpha(x), DEFAULTS.alpha))
    against = synced(Checked(lambda w, x: v.check_against(x), DEFAULTS.against))
    neighbors = synced(Checked(lambda w, x: v.check_neighbors(x), DEFAULTS.neighbors))
    error_control = synced(Checked(lambda w, x: v.check_error_control(x), DEFAULTS.error_control))
    """``"per-target"`` or ``"walk"``: the rule that decides the statuses shown."""
    selected = synced(Checked(lambda w, x: v.check_config_ids(x, len(w.sweep), "selected"), []))
    """Selected config ids (checkbox / ctrl-click / shift-click in the grid, or set here)."""
    path = t.List(t.Int(), read_only=True).tag(sync=True)
    """Every target visited, in order (back/forward moves included); written by Python only."""

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
        target: int | dict[str, Any] | None = None,
        test: str = DEFAULTS.test,
        correction: str = DEFAULTS.correction,
        alpha: float = DEFAULTS.alpha,
        against: str = DEFAULTS.against,
        neighbors: str = DEFAULTS.neighbors,
        error_control: str = DEFAULTS.error_control,
    ) -> None:
        self.session = Session(
            sweep,
            target=target,
            test=test,
            correction=correction,
            alpha=alpha,
            against=against,
            neighbors=neighbors,
            error_control=error_control,
        )
        self._pushing = False
        self._embedding = False
        self._shown: tuple[Any, ...] = ()
        # one lock for the session and its view: the session's own (jobs end through _post)
        self._lock = self.session.lock
        self._prefetch: BackgroundJob | None = None
        # a job's messages go through self.send (read at each send) from its worker thread
        self._jobs = RequestJobs(
            lambda m: self.send(m), lambda: sends_from_threads(self.comm), self._post
        )
        # a slow comparison is a job the kernel starts (see BACKGROUND_SECONDS)
        self._comparisons = BackgroundComparisons(
            self._jobs, lambda: self._push(), self._show_error, lambda: BACKGROUND_SECONDS
        )
        s = self.session
        super().__init__(
            **{name: getattr(s, name) for name in PUBLIC},
            _history_index=s.cursor,
            _sweep=sweep_payload(sweep),
        )
        self.observe(self._to_session, names=[*PUBLIC, "selected"])
        self.on_msg(self._on_custom_msg)
        s.observe(self._push)
        self._push()

    # -- state: one message per change -------------------------------------------------------
    def _to_session(self, change: dict[str, Any]) -> None:
        if not self._pushing:
            setattr(self.session, change["name"], change["new"])

    def _post(self, fn: Callable[[], None]) -> None:
        """Call ``fn()`` on the kernel's thread, between two messages (else now, locked)."""
        loop = getattr(getattr(self.comm, "kernel", None), "io_loop", None)
        if loop is not None:
            loop.add_callback(self._locked, fn)
        else:
            self._locked(fn)

    def _locked(self, fn: Callable[[], None]) -> None:
        with self._lock:
            fn()

    def _push(self, session: Session | None = None) -> None:
        """Mirror the session into the traits, in one message to the frontend."""
        s = self.session
        with self._lock:
            self._pushing = True
            shown = self._shown
            try:
                self._push_traits(s)
            finally:
                self._pushing = False
            if self._shown is not shown:  # a new comparison went out: its neighbours next
                self._start_prefetch(s)

    def _start_prefetch(self, s: Session) -> None:
        if not (PREFETCH and self._jobs.threaded()):
            return
        job = s.prefetch_job()
        if job is None:
            return
        self._stop_prefetch()
        ahead = s.ahead_job() if AHEAD else None
        shown = s.results_state
        params = s.sweep.params

        def later(cancel: threading.Event) -> int:
            if cancel.wait(PREFETCH_DELAY):
                return 0
            done = job(cancel)
            entries = ahead() if ahead is not None and not cancel.is_set() else []
            if entries:  # the frontend may show a click on one before the kernel answers it
                msg, buffers = ahead_message(entries, params, shown)
                self._post(lambda: None if cancel.is_set() else self.send(msg, buffers))
            return done

        self._prefetch = start_in_thread(later)

    def _stop_prefetch(self) -> None:
        # a message is in: the thread stops after its current comparison, leaving the CPU
        if self._prefetch is not None:
            self._prefetch.cancel()

    def _push_traits(self, s: Session) -> None:
        with self.hold_sync():
            for name in (*PUBLIC, "selected"):
                if getattr(self, name) != getattr(s, name):
                    setattr(self, name, getattr(s, name))
            self._history_index = s.cursor
            if self.path != s.path:
                self.set_trait("path", s.path)
            if not self._comparisons.in_background(s):
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

    def _show_error(self, message: str) -> None:
        self._error = message

    def _results_for(self, s: Session) -> dict[str, Any]:
        comparison, statuses = s.comparison, s.statuses
        shown = (comparison, statuses is None, s.cursor, tuple(s.history))
        if shown != self._shown:  # a selection or walk-only change keeps the comparison
            state = s.results_state
            self._shown = shown
            return results_payload(
                comparison,
                s.sweep.params,
                state=state,
                status=statuses,
                level_pvalue=s.held_pvalues,
            )
        return self._results

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the frontend; an invalid value is refused visibly.

        A write of a Python-only trait is refused; an invalid value restores every trait of
        the message. Either way the frontend is sent the kernel's values back and ``_error``
        says why, instead of an exception in the kernel log only. ``_history_index`` is an
        explicit move along the history (clamped to it).
        """
        self._stop_prefetch()
        with self._lock:
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

    def get_state(
        self, key: str | list[str] | None = None, drop_defaults: bool = False
    ) -> dict[str, Any]:
        """Return the state of ``key``; without one, of every synced trait (but in marimo).

        ipywidgets answers a frontend's ``request_states`` (a page reload with the kernel
        running, Voilà, a reopened notebook) with ``get_state()``: it must carry everything the
        frontend needs to rebuild the view (``_model_name``, ``_esm``, the sweep, the results).
        marimo reads an anywidget's ``mo.ui.anywidget(w).value`` from the same ``get_state()``
        and never asks it for the frontend's state once the comm is open, so on a marimo comm
        ``key=None`` means the user-facing state (``target``, ``path``, ``selected`` and the
        settings). Every update sent to the frontend names its traits.
        """
        if key is None and _is_marimo_comm(self.comm) and not self._embedding:
            key = list(USER_STATE)
        return dict(super().get_state(key=key, drop_defaults=drop_defaults))

    def _get_embed_state(self, drop_defaults: bool = False) -> dict[str, Any]:
        # ipywidgets.embed (embed_minimal_html, ...) saves the whole state for the HTML manager
        self._embedding = True
        try:
            return dict(super()._get_embed_state(drop_defaults=drop_defaults))
        finally:
            self._embedding = False

    def send_state(self, key: str | list[str] | None = None) -> None:
        """Send the state of ``key`` to the frontend; without one, every synced trait."""
        super().send_state(key=list(self.keys) if key is None else key)

    # -- request/reply custom messages -------------------------------------------------------
    def _on_custom_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        with self._lock:  # (a detail request after each click must not stop the prefetch)
            self._answer(content)

    def _answer(self, content: Any) -> None:
        msg = content if isinstance(content, dict) else {}
        msg_id = msg.get("id")
        if not (msg_id is None or isinstance(msg_id, (str, int))) or isinstance(msg_id, bool):
            msg_id = repr(msg_id)  # the reply stays valid JSON whatever the request held
        msg = {**msg, "id": msg_id}
        kind = msg.get("kind")
        handler = _HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            message = f"unknown message kind {kind!r}; allowed: {list(_HANDLERS)}"
            self.send({"kind": "error", "id": msg_id, "message": message})
            return
        try:
            reply = handler(self, msg)
        except Exception as exc:
            message = user_message(exc, f"the {kind} request")
            self.send({"kind": "error", "id": msg_id, "message": message})
            return
        if reply is None:  # a job: it replies when it ends (see _widget_jobs)
            return
        body, out = reply
        self.send({"kind": f"{kind}-response", "id": msg_id, **body}, buffers=out)

    def _reply_detail(self, msg: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        config = v.check_config_id(msg.get("config"), len(self.sweep), "config")
        target = self.session.target
        scores = [self.sweep.scores(i).astype("<f8").tobytes() for i in (target, config)]
        return {"config": config, "target": target}, scores

    def _reply_importance(self, msg: dict[str, Any]) -> None:
        # settings and arguments are read (and checked) now; the pairs are tested in a worker
        # thread, which sends progress and then the reply (or "cancelled", or an error)
        job = self.session.importance_job(
            margin=msg.get("margin"), correction=msg.get("correction", "fdr_bh")
        )
        self._jobs.start("importance", msg["id"], job, importance_reply)

    def _reply_cancel(self, msg: dict[str, Any]) -> tuple[dict[str, Any], None]:
        job = msg.get("job", "importance")
        if job not in JOBS:
            raise ValueError(f"`job` must be one of {list(JOBS)}, got {job!r}.")
        return {"job": job, "cancelled": self._jobs.cancel(job)}, None

    def _reply_walk(self, msg: dict[str, Any]) -> tuple[dict[str, Any], None] | None:
        if not self._jobs.threaded():
            self.walk(msg.get("start"))  # the walk arrives with the state message, before this
            return {}, None
        # a start is a move answered now; the walk runs in a worker thread on a copy of the
        # ledger, and is laid out (one state message, then the reply) if nothing moved meanwhile
        session = self.session
        key, job = session.walk_job(msg.get("start"))

        def finish(result: Any, seconds: float) -> dict[str, Any]:
            if not session.adopt_walk(key, result):
                raise Cancelled(
                    "the walk was discarded: the target, a setting or the ledger changed while "
                    "it ran; walk again from the new target"
                )
            return {"seconds": seconds}

        self._jobs.start("walk", msg["id"], job, finish)
        return None

    # -- Python-side API: the session's ------------------------------------------------------
    sweep = session_attr("sweep")
    comparison = session_attr("comparison")
    results = session_attr("results")
    _history = session_attr("history")
    selection = session_attr("selection")
    selected_runs = session_attr("selected_runs")
    last_walk = session_attr("last_walk")

    @property
    def ledger(self) -> pd.DataFrame:
        """Every test made while walking, in order (``Ledger.to_frame()``, ``attrs["rule"]``)."""
        return self.session.ledger_frame()

    @property
    def random_state(self) -> Any:
        """Seed of the permutation tests (not synced)."""
        return self.session.random_state

    @random_state.setter
    def random_state(self, value: Any) -> None:
        self.session.random_state = value

    def back(self) -> None:
        """Step back along the walk (like Alt+Left in the grid); no-op at the start."""
        self.session.back()

    def forward(self) -> None:
        """Step forward along the walk (like Alt+Right in the grid); no-op at the end."""
        self.session.forward()

    def walk(self, start: int | None = None) -> Walk:
        """Walk greedily from ``start`` (default: the target) and lay the path out to play."""
        return self.session.walk(start)

    def importance(
        self, *, margin: float | None = None, correction: str = "fdr_bh"
    ) -> pd.DataFrame:
        """Which parameters matter over the whole sweep (``Session.importance``).

        Progress (fraction of pairs done) goes to the ``_progress`` trait while it runs
        (``-1`` when idle); ``attrs["seconds"]`` is the time it took.
        """
        margin = v.check_positive(margin, "margin")  # a bad request sends no progress
        correction = v.check_correction(correction)
        last = [0.0]

        def progress(fraction: float) -> None:  # throttled: each update is a comm message
            now = time.perf_counter()
            if fraction >= 1.0 or now - last[0] >= _PROGRESS_EVERY:
                last[0] = now
                self._progress = float(min(max(fraction, 0.0), 1.0))

        self._progress = 0.0
        started = time.perf_counter()
        try:
            frame = self.session.importance(margin=margin, correction=correction, progress=progress)
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
        """Display the widget view, then its static table in an output of its own.

        A reader without a widget manager sees the table where the widget was: nbconvert's
        HTML (``--execute`` stores the widget state, and nbconvert then writes only the widget
        placeholder for the view's output, which shows nothing offline), GitHub, a notebook
        reopened without its kernel. The table is the view as it was when the cell ran. A page
        that renders the widget hides it: the widget's stylesheet hides ``.sweepwalk-fallback``.
        """
        from IPython.display import display

        bundle = self._repr_mimebundle_()
        if bundle is None:
            return
        data, metadata = bundle
        display(data, metadata=metadata, raw=True)
        try:
            table = self.to_html(max_rows=_STATIC_ROWS)
        except Exception:  # the widget still shows (and says why) when the results cannot
            logger.warning("sweepwalk: no static table for this view", exc_info=True)
            return
        display({"text/html": f'<div class="sweepwalk-fallback">{table}</div>'}, raw=True)


#: a handler returns the reply's body and buffers, or None when a job replies later
_Handler = Callable[[SweepWidget, dict[str, Any]], tuple[dict[str, Any], Any] | None]
_HANDLERS: dict[str, _Handler] = {
    "detail": SweepWidget._reply_detail,
    "importance": SweepWidget._reply_importance,
    "walk": SweepWidget._reply_walk,
    "cancel": SweepWidget._reply_cancel,
}


def _is_marimo_comm(comm: Any) -> bool:
    """Whether ``comm`` is marimo's (``marimo._plugins.ui._impl.comm.MarimoComm``)."""
    return comm is not None and type(comm).__module__.startswith("marimo.")


def explore(
    data: pd.DataFrame | Sweep,
    *,
    metric: str | None = None,
    params: list[str] | None = None,
    seed: str | None = None,
    goal: str | None = None,
    bins: dict[Any, int | str] | None = None,
    test: str = DEFAULTS.test,
    correction: str = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    against: str = DEFAULTS.against,
    neighbors: str = DEFAULTS.neighbors,
    target: int | dict[str, Any] | None = None,
    error_control: str = DEFAULTS.error_control,
) -> SweepWidget:
    """Explore a sweep in a notebook: a grid where a click makes a row the target.

    Scores are one float per seed per configuration. Each change of target, test, correction,
    alpha or scope recomputes :meth:`Sweep.compare` in the kernel and repaints the grid.

    Parameters
    ----------
    data : DataFrame-like, Parquet path or Sweep
        Long-format runs (one row per run; then ``metric`` is required): pandas, anything with
        ``__arrow_c_stream__`` (polars, pyarrow, DuckDB), a polars LazyFrame, a DuckDB
        relation, a Parquet file or folder; or a :class:`Sweep`.
    metric, params, seed, goal, bins
        Passed to :func:`sweepwalk.io.from_frame` (as :meth:`Sweep.from_runs` takes them; the
        goal by default from the metric's name) when ``data`` is runs; a :class:`Sweep` keeps
        its own (an explicit ``goal="min"`` on a ``"max"`` sweep is an error).
    test, correction, alpha, against, neighbors
        The initial comparison settings, as in :meth:`Sweep.compare`.
    target : int or dict, optional
        Config id or parameter values of the first target; default: the configuration with the
        best mean (by ``goal``) among those with at least ``min_runs`` scores.
    error_control : {"per-target", "walk"}, default "per-target"
        The rule that decides the statuses shown (see :class:`SweepWidget`).

    Returns
    -------
    SweepWidget
        Display it (last expression of a cell); read ``w.target``, ``w.path``, ``w.results``,
        ``w.selection`` back in Python, or walk on without the widget with ``w.session``.

    Examples
    --------
    >>> import sweepwalk
    >>> runs = sweepwalk.datasets.load_demo()
    >>> w = sweepwalk.explore(runs, metric="accuracy", seed="seed",
    ...                       params=["solver", "momentum", "learning_rate_init"])  # doctest: +SKIP
    """
    sweep = as_sweep(data, metric=metric, params=params, seed=seed, goal=goal, bins=bins)
    settings = dict(test=test, correction=correction, alpha=alpha, against=against)
    settings.update(neighbors=neighbors, error_control=error_control)
    return SweepWidget(sweep, target=target, **settings)  # type: ignore[arg-type]
