"""A walk through a sweep without a browser: the target, its history, the settings, the ledger.

Scores are one float per seed per configuration. A :class:`Session` holds what a user of the
notebook widget holds: the current target and the comparison settings, the back/forward history
of targets, every target visited, the walk's :class:`~sweepwalk.analysis.ledger.Ledger` and the last
greedy walk. Scripts and the CLI walk with it; the widget (:mod:`sweepwalk.widget.widget`) is a thin
view over one. It uses only the sweep's public API (``compare``, ``walk``, ``importance``,
``find``) and the ledger; it never imports the widget or traitlets.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._vocab import UNPAIRED_TESTS
from ..analysis.jobs import Cancelled, check_executor
from ..analysis.ledger import Ledger
from ..analysis.pending import pending_comparison
from ..analysis.settings import DEFAULTS, IMPORTANCE_CORRECTION, USER_SETTINGS, Settings
from ..stats import TEST_TABLE
from ..sweep import Sweep
from ..validation import arguments as v
from . import jobs
from .html import render_html
from .inputs import as_sweep, default_target
from .ledgers import LEDGER_METHOD, LedgerKeeper
from .runner import REPLACED, Job, Runner
from .state import SessionState, locked

if TYPE_CHECKING:
    from collections.abc import Hashable

    from ..analysis.compare import Comparison
    from ..analysis.walk import Walk

logger = logging.getLogger("sweepwalk")

__all__ = [
    "LEDGER_METHOD",
    "LedgerKeeper",
    "Session",
    "as_sweep",
    "default_target",
]

#: the settings that describe a comparison, in the order they are shown
SETTINGS = USER_SETTINGS


class Session(SessionState):
    """Walk a sweep from target to target, as the widget does, without a browser.

    Scores are one float per seed per configuration. Setting :attr:`target` is a move: it
    drops the forward branch of the history (as a browser does) and appends the new target;
    :meth:`back`, :meth:`forward` and :meth:`go` move the cursor along the history instead.
    :attr:`comparison` is ``sweep.compare(target, ...)`` with the session's settings, computed
    when first read for a state and recorded in the session's :attr:`ledger` (every comparison
    looked at is a family of tests made).

    Parameters
    ----------
    sweep : Sweep
        The sweep to walk.
    target : int or dict, optional
        Config id or parameter values (``sweep.find``) of the first target; default:
        :func:`default_target` (the best mean among configurations with ``min_runs`` scores).
    test, correction, alpha, against, neighbors
        The comparison settings, as in :meth:`Sweep.compare` (a statsmodels alias of a
        correction, such as ``"h"``, is normalised to its name, ``"holm"``).
    error_control : {"per-target", "walk"}, default "per-target"
        The rule that decides the statuses: each target's family corrected on its own, or a
        walk-wide online FDR procedure (LOND at ``alpha``) over every test of the walk.
    random_state : optional, default 0
        Seed of the permutation tests (anything
        ``numpy.random.default_rng`` accepts), so that the p-values are reproducible.
    runner : Runner, optional
        Runs the session's jobs (:meth:`importance_in_background`, slow comparisons, walks,
        neighbours ahead) in worker threads and tells their owner how they went; default: a
        :class:`~sweepwalk.session.runner.Runner` that ends jobs in the worker thread.
    prefetch : bool, default False
        After each comparison shown, compute the target's neighbours (the likely next moves)
        ahead in a worker thread (:meth:`prefetch_job`); a move to one is then served at once.
    prefetch_delay : float, default 0.05
        Seconds the prefetch waits before it starts (what the owner sends after a move goes
        first: the thread competes for the GIL).
    background_seconds : float, default inf
        A comparison estimated (:meth:`comparison_seconds`) to take longer is computed as a job
        (:meth:`comparison_in_background`) when the owner asks.
    pending_seconds : float, default inf
        A comparison by a resampling test (``"permutation"``, ``"brunnermunzel"``) estimated to
        take longer is a job too, answered at once with its estimates
        (:meth:`pending_comparison`: intervals now, p-values and verdicts when the job ends).

    Examples
    --------
    >>> import sweepwalk
    >>> sweep = sweepwalk.Sweep.from_runs(sweepwalk.datasets.load_demo(),
    ...                                   **sweepwalk.datasets.DEMO)  # doctest: +SKIP
    >>> s = sweepwalk.Session(sweep, test="mannwhitney", correction="holm")  # doctest: +SKIP
    >>> s.target = s.sweep.neighbors(s.target)[0]; s.back()  # doctest: +SKIP
    >>> s.history, s.cursor, s.path, s.results  # doctest: +SKIP
    """

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
        random_state: Any = DEFAULTS.random_state,
        runner: Runner | None = None,
        prefetch: bool = False,
        prefetch_delay: float = 0.05,
        background_seconds: float = math.inf,
        pending_seconds: float = math.inf,
    ) -> None:
        super().__init__(
            sweep,
            target,
            Settings.of(
                test=test,
                correction=correction,
                alpha=alpha,
                against=against,
                neighbors=neighbors,
                error_control=error_control,
                random_state=random_state,
            ),
        )
        self._keeper = LedgerKeeper()
        self._last_walk: Walk | None = None
        self._walk_offset = -1
        self._walk_rule = self._settings.error_control
        #: the shown comparison, as the rule in force decided it
        self._shown: Comparison | None = None
        self._prefetched = jobs.PrefetchStore(self._lock)
        #: runs the session's jobs (and tells their owner how they went)
        self.runner = Runner() if runner is None else runner
        #: whether the neighbours of each comparison shown are computed ahead (a job)
        self.prefetch = bool(prefetch)
        #: seconds the prefetch waits first
        self.prefetch_delay = float(prefetch_delay)
        #: estimated seconds above which :meth:`comparison_in_background` starts a job
        self.background_seconds = float(background_seconds)
        #: estimated seconds above which a resampling test's comparison shows its estimates first
        self.pending_seconds = float(pending_seconds)
        #: seconds such a test waits before it starts: the estimates' message and the browser's
        #: paint go first (on two loaded cores BLAS's threads would take the CPU from both)
        self.pending_delay = jobs.PENDING_DELAY
        self._background_key: Hashable = None  # the state a comparison job was started for
        self._pending: Comparison | None = None  # its estimates, while the job runs
        self._frame: pd.DataFrame | None = None

    def _changed(self, *, results: bool = True) -> None:
        if results:  # the comparison shown is another state's
            self._shown = self._frame = self._pending = None
        super()._changed(results=results)

    # -- results -----------------------------------------------------------------------------
    def _compute(self) -> Comparison:
        if self._shown is None:
            settings = self._settings.compare_kwargs()
            comparison = self._prefetched.take(self.target, settings)
            if comparison is None:
                comparison = self._sweep.compare(self.target, **settings)
            self._show(comparison)
        assert self._shown is not None
        return self._shown

    def _show(self, comparison: Comparison) -> None:
        """Record ``comparison`` (the current state's) and show it as the rule decides it."""
        # every comparison looked at is a family of tests the user made: record it
        self._shown = self._keeper.ensure_for(self._settings).decide(comparison)
        self._frame = None
        if self.prefetch:  # its neighbours are the likely next moves
            self._start_prefetch()

    @property
    @locked
    def computed(self) -> bool:
        """Whether the comparison of the current state is computed (reading it is then free)."""
        return self._shown is not None

    @property
    @locked
    def comparison(self) -> Comparison:
        """``sweep.compare(target, ...)`` with the session's settings, as the rule decides it.

        Recorded in the ledger; under ``error_control="walk"`` its statuses, levels and power
        flags are the walk-wide ledger's (:meth:`Comparison.with_decisions`). Raises the
        engine's error when the settings do not fit the sweep (e.g. a paired test on a sweep
        without seeds).
        """
        return self._compute()

    @property
    @locked
    def statuses(self) -> np.ndarray | None:
        """The walk ledger's status words of the compared rows under ``error_control="walk"``.

        Aligned with ``comparison.ids``; None under ``"per-target"`` (the comparison's own).
        """
        comparison = self._compute()
        return comparison.status if comparison.error_control == "walk" else None

    @property
    @locked
    def held_pvalues(self) -> np.ndarray | None:
        """Under ``error_control="walk"``: the p-value each row's level was compared with.

        ``comparison.level_pvalue``: the raw p-value of the pair's first test (from either
        side; a pair keeps the decision of its first test); None under ``"per-target"``.
        """
        return self._compute().level_pvalue

    @property
    @locked
    def results(self) -> pd.DataFrame:
        """``comparison.to_frame()``: the statuses of the rule in force (a copy)."""
        comparison = self._compute()
        if self._frame is None:
            self._frame = comparison.to_frame()
        frame: pd.DataFrame = self._frame.copy()
        return frame

    @property
    @locked
    def ledger(self) -> Ledger:
        """The ledger the last comparison or walk recorded into.

        A change of ``error_control``, ``alpha`` or ``test`` starts a fresh one at the next
        comparison or walk (reading it never does: a failed comparison keeps the old one).
        """
        if self._keeper.ledger is None:
            return self._keeper.ensure_for(self._settings)
        return self._keeper.ledger

    @property
    @locked
    def ledger_generation(self) -> int:
        """How many ledgers this session has started (1 for the first)."""
        return self._keeper.generation

    @property
    @locked
    def ledger_test(self) -> str:
        """The test the current ledger records (a change of test starts a fresh ledger)."""
        settings = self._keeper.settings
        return settings[2] if settings is not None else self._settings.test

    @property
    @locked
    def ledger_reason(self) -> str:
        """Why the current ledger started (``""`` for the first one)."""
        return self._keeper.reason

    @locked
    def ledger_frame(self) -> pd.DataFrame:
        """Every test of :attr:`ledger`, in order (``Ledger.to_frame()``, ``attrs["rule"]``)."""
        ledger = self.ledger
        frame = ledger.to_frame()
        frame.attrs["rule"] = ledger.rule
        return frame

    @locked
    def walk(self, start: int | dict[str, Any] | None = None) -> Walk:
        """Walk greedily from ``start`` (default: the target) and lay the path out to play.

        ``sweep.walk(start, test, correction, alpha, neighbors, ledger=<the session's ledger>,
        random_state)``: the walk's tests are recorded (and under ``error_control="walk"``
        decided walk-wide). The path replaces the history after the cursor, so :meth:`forward`
        steps along it; the target does not move (except to ``start`` when given).
        """
        with self.batch():
            if start is not None:
                self.target = self.resolve(start, "start")
            ledger = self._keeper.ensure_for(self._settings)
            result = self._sweep.walk(self.target, **self._settings.walk_kwargs(), ledger=ledger)
            self._lay_out(result)
        return result

    def _lay_out(self, result: Walk) -> None:
        """Lay a walk from the target out in the history after the cursor."""
        self._history = [*self._history[: self._cursor + 1], *result.path[1:]]
        self._last_walk, self._walk_offset = result, self._cursor
        self._walk_rule = self._settings.error_control
        self._changed(results=False)

    @property
    @locked
    def last_walk(self) -> Walk | None:
        """The last greedy walk (:meth:`walk`), or None."""
        return self._last_walk

    @property
    @locked
    def walk_offset(self) -> int:
        """History position of the last walk's start (-1 before the first walk)."""
        return self._walk_offset

    @property
    @locked
    def walk_rule(self) -> str:
        """The ``error_control`` the last walk was decided under."""
        return self._walk_rule

    # -- long work as jobs (see :mod:`sweepwalk.session.runner`) -----------------------------
    @locked
    def importance_job(
        self,
        *,
        margin: float | None = None,
        correction: str = IMPORTANCE_CORRECTION,
        executor: Executor | None = None,
    ) -> jobs.ImportanceJob:
        """Return ``job(progress, cancel)``: :meth:`importance` with today's settings.

        The arguments are checked and the settings read now (a bad one fails here, not in a
        thread; a move while the job runs does not reach it).
        """
        margin = v.check_positive(margin, "margin")
        correction = v.check_correction(correction)
        executor = check_executor(executor)
        return jobs.importance_work(self._sweep, self._settings, margin, correction, executor)

    def importance(
        self,
        *,
        margin: float | None = None,
        correction: str = IMPORTANCE_CORRECTION,
        progress: Callable[[float], None] | None = None,
        cancel: Any = None,
        executor: Executor | None = None,
    ) -> pd.DataFrame:
        """Which parameters matter over the whole sweep, with the session's test and alpha.

        ``sweep.importance(test, correction, alpha, neighbors, margin, random_state)``;
        ``progress``, ``cancel`` and ``executor`` as there.
        """
        job = self.importance_job(margin=margin, correction=correction, executor=executor)
        return job(progress, cancel)

    def importance_in_background(
        self,
        *,
        margin: float | None = None,
        correction: str = IMPORTANCE_CORRECTION,
        progress: Callable[[float], None] | None = None,
        executor: Executor | None = None,
        request: Any = None,
    ) -> Job:
        """Start :meth:`importance` as the runner's ``"importance"`` job; return it at once.

        The session stays free meanwhile. ``job.cancel()`` stops it between two batches;
        ``job.result()`` waits for the frame (or raises :class:`sweepwalk.Cancelled`); the
        runner's owner is told its progress and end (``request`` is the events' ``id``).
        """
        job = self.importance_job(margin=margin, correction=correction, executor=executor)

        def work(tell: Callable[[float], None], cancel: threading.Event) -> pd.DataFrame:
            def both(fraction: float) -> None:
                tell(fraction)
                if progress is not None:
                    progress(fraction)

            return job(both, cancel)

        return self.runner.submit("importance", work, job_id=request)

    @locked
    def comparison_seconds(self) -> float:
        """Estimate (roughly) the seconds :attr:`comparison` takes for the current state."""
        return jobs.comparison_seconds(self._sweep, self.target, self._settings)

    @locked
    def comparison_job(self) -> tuple[Hashable, jobs.ComparisonJob]:
        """Return ``(key, job)``: ``job(progress, cancel)`` computes today's comparison.

        Nothing is recorded until :meth:`adopt_comparison` is given the key and the result.
        """
        work = jobs.comparison_work(self._sweep, self.target, self._settings)
        return self.results_version, work

    @locked
    def adopt_comparison(self, key: Hashable, comparison: Comparison) -> bool:
        """Show (and record) a job's comparison, if the state is still the job's; else False."""
        if key != self.results_version or self._shown is not None:
            return False
        self._show(comparison)
        return True

    @locked
    def comparison_in_background(self) -> str | None:
        """Whether the current state's comparison is left to a ``"compare"`` job.

        A comparison estimated to take over :attr:`background_seconds` is a job (started here
        the first time it is asked: ``"started"``; then ``"running"``, also once it ended
        cancelled): the move is answered at once, the comparison is adopted when the job ends.
        So is a resampling test's comparison estimated to take over :attr:`pending_seconds`;
        its estimates are computed first (:attr:`pending_comparison`, shown meanwhile). None:
        compute it now (and a job for an older state is cancelled).
        """
        if self._shown is not None:
            self.runner.cancel("compare", REPLACED)
            return None
        key = self.results_version
        if key == self._background_key:
            return "running"
        seconds = self.comparison_seconds() if self.runner.threaded() else math.nan
        early = self._estimates_first() and seconds > self.pending_seconds
        if not (early or seconds > self.background_seconds):  # (NaN: not threaded, never)
            self.runner.cancel("compare", REPLACED)
            return None
        # the estimates before the job starts: it competes with them for the GIL
        self._pending = None
        if early:
            try:
                self._pending = self._pending_now()
            except Exception:  # the job will say what is wrong; the move is not held up
                logger.warning("sweepwalk: no early estimates", exc_info=True)
        self._background_key, job = self.comparison_job()
        if self._pending is not None:  # the early answer is sent and painted first
            job = jobs.delayed(self.pending_delay, job)
        target = self.target

        def finish(comparison: Comparison) -> dict[str, Any]:
            return {"target": target, "adopted": self.adopt_comparison(key, comparison)}

        self.runner.submit("compare", job, key=key, finish=finish)
        return "started"

    def _estimates_first(self) -> bool:
        """Whether the test's p-value costs far more than its estimate (a resampling test)."""
        test = self._settings.test
        return TEST_TABLE[test].resamples and test in UNPAIRED_TESTS

    def _pending_now(self) -> Comparison:
        kwargs = self._settings.compare_kwargs()
        del kwargs["random_state"]  # the estimates draw nothing
        return pending_comparison(self._sweep, self.target, **kwargs)

    @property
    @locked
    def pending_comparison(self) -> Comparison | None:
        """The current state's estimates while its test runs in a ``"compare"`` job, or None.

        :func:`~sweepwalk.analysis.pending.pending_comparison`: every row's estimate and
        interval, status ``"pending"`` and no p-value; what the widget shows until the job
        ends (:meth:`comparison_in_background`). Never recorded, and never what
        :attr:`comparison`, :attr:`results` or :attr:`selection` return: reading those
        computes the test now.
        """
        return self._pending if self._shown is None else None

    @locked
    def walk_job(self, start: int | dict[str, Any] | None = None) -> tuple[Hashable, jobs.WalkJob]:
        """Return ``(key, job)``: ``job(progress, cancel)`` walks as :meth:`walk` would.

        A ``start`` is a move made now. The job records into a copy of the ledger;
        :meth:`adopt_walk` installs it and lays the path out if nothing moved meanwhile.
        """
        if start is not None:
            self.target = self.resolve(start, "start")
        ledger = self._keeper.ensure_for(self._settings)
        work = jobs.walk_work(self._sweep, self.target, self._settings, ledger.copy())
        return self._walk_key(ledger), work

    def _walk_key(self, ledger: Ledger | None) -> Hashable:
        return (self.results_version, id(ledger), len(ledger) if ledger is not None else -1)

    @locked
    def adopt_walk(self, key: Hashable, result: tuple[Walk, Ledger]) -> bool:
        """Take a job's walk and its ledger, if the session is still where it started."""
        if key != self._walk_key(self._keeper.ledger):
            return False
        walk, self._keeper.ledger = result
        self._lay_out(walk)
        return True

    def walk_in_background(
        self, start: int | dict[str, Any] | None = None, *, request: Any = None
    ) -> Job:
        """Start :meth:`walk` as the runner's ``"walk"`` job, adopted if nothing moved."""
        key, job = self.walk_job(start)

        def finish(result: tuple[Walk, Ledger]) -> Walk:
            if not self.adopt_walk(key, result):
                raise Cancelled(
                    "the walk was discarded: the target, a setting or the ledger changed while "
                    "it ran; walk again from the new target"
                )
            return result[0]

        return self.runner.submit("walk", job, job_id=request, key=key, finish=finish)

    @locked
    def prefetch_job(self) -> Callable[[threading.Event], int] | None:
        """Return ``job(cancel)`` that computes the target's neighbours ahead, or None.

        Each comparison is stored (not recorded); a move to one is served from the store
        (:func:`sweepwalk.session.jobs.prefetch_work` says when there is none).
        """
        return jobs.prefetch_work(self._sweep, self.target, self._settings, self._prefetched)

    @locked
    def ahead_job(self) -> jobs.Ahead | None:
        """Return ``job()``: the neighbours computed ahead and what a move to each would show."""
        return jobs.ahead_work(self._sweep, self._settings, self._prefetched, self.results_state)

    def _start_prefetch(self) -> None:
        """Start the ``"prefetch"`` job; it ends with what a move to each neighbour shows."""
        job = self.prefetch_job() if self.runner.threaded() else None
        if job is None:
            return
        ahead, shown, delay = self.ahead_job(), self.results_state, self.prefetch_delay

        def work(progress: Callable[[float], None], cancel: threading.Event) -> int:
            return 0 if cancel.wait(delay) else job(cancel)

        def finish(done: int) -> tuple[list[Any], dict[str, Any]]:
            return (ahead() if ahead is not None else []), shown

        self.runner.submit("prefetch", work, finish=finish)

    # -- selection ---------------------------------------------------------------------------
    @property
    @locked
    def selection(self) -> pd.DataFrame:
        """The selected configurations with their statistics and comparison with the target.

        The columns of ``sweep.configs`` joined with :attr:`results` (``status`` is ``"out"``
        for rows outside the comparison).
        """
        configs = self._sweep.configs.loc[self._selected]
        results = self.results
        extra = [c for c in results.columns if c not in configs.columns]
        out: pd.DataFrame = configs.join(results[extra], how="left")
        if "status" in out.columns:
            out["status"] = out["status"].astype(object).where(out["status"].notna(), "out")
        return out

    @property
    @locked
    def selected_runs(self) -> pd.DataFrame:
        """The long-format runs (``sweep.runs``) of the selected configurations."""
        return self._sweep.runs_of(self._selected)

    @locked
    def to_html(self, max_rows: int = 1000) -> str:
        """Render :attr:`results` as a static, status-coloured HTML table (text escaped).

        Parameters
        ----------
        max_rows : int, default 1000
            Largest number of rows to render; a larger comparison keeps the target and the rows
            with the smallest adjusted p-values, in config order, and says so above the table.
        """
        return render_html(self.results, self._sweep, self.title(), max_rows)

    @locked
    def title(self) -> str:
        """One line naming the target and the settings (the static table's caption)."""
        o = self._settings
        return (
            f"target #{self.target} · test={o.test} · correction={o.correction} · "
            f"alpha={o.alpha:g} · against={o.against} · neighbors={o.neighbors}"
        )

    @locked
    def __repr__(self) -> str:
        return (
            f"Session(target={self.target}, history={self._history}, cursor={self._cursor}, "
            f"test={self.test!r}, correction={self.correction!r}, alpha={self.alpha:g}, "
            f"error_control={self.error_control!r})"
        )
