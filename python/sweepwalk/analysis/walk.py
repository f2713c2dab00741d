"""Greedy walks: from a start configuration, keep moving to the best significant neighbour.

A walk compares the current configuration with its neighbours (:meth:`sweepwalk.Sweep.compare`),
moves to the significantly better neighbour with the largest effect, and repeats until no
significantly better neighbour is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from .._vocab import Correction, Neighbors, Test
from ..validation import arguments as v
from . import jobs as _jobs
from .compare import Comparison, compare
from .ledger import Ledger
from .settings import DEFAULTS

if TYPE_CHECKING:
    from ..data.sweep_data import SweepData

__all__ = ["Walk", "walk"]

_STEP_COLUMNS = ["from", "to", "varied", "pvalue", "pvalue_adj", "effect"]


class Walk:
    """The result of :meth:`sweepwalk.Sweep.walk`: a path of configurations and its steps.

    Attributes
    ----------
    path : list of int
        Config ids visited, starting with the start configuration.
    comparisons : tuple of Comparison
        The comparison made at each visited configuration (one more than the steps: the last
        one found no significantly better unvisited neighbour, unless ``max_steps`` stopped it).
    stopped : str
        Why the walk ended: ``"no better neighbour"`` or ``"max_steps"``.
    test, correction, alpha, neighbors : str, str, float, str
        The settings every comparison used.
    holdout_estimate : dict or None
        With ``holdout=``: the end configuration's mean on the held-out seeds, which played no
        part in choosing it, with its t interval: ``{"config", "mean", "low", "high", "n"}``
        (``low``/``high`` NaN with fewer than two held-out scores). None without holdout.
    notes : tuple of str
        What to keep in mind about the end, in words (the winner's curse).
    """

    def __init__(
        self,
        path: list[int],
        steps: list[dict[str, Any]],
        comparisons: list[Comparison],
        stopped: str,
        settings: dict[str, Any],
        holdout_estimate: dict[str, Any] | None = None,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.path = list(path)
        self.comparisons = tuple(comparisons)
        self.stopped = stopped
        self.holdout_estimate = holdout_estimate
        self.notes = tuple(notes)
        self.test: str = settings["test"]
        self.correction: str = settings["correction"]
        self.alpha: float = settings["alpha"]
        self.neighbors: str = settings["neighbors"]
        self._steps = steps

    @property
    def start(self) -> int:
        """Config id the walk started from."""
        return self.path[0]

    @property
    def end(self) -> int:
        """Config id the walk ended at."""
        return self.path[-1]

    def __len__(self) -> int:
        """Return the number of steps (moves) made."""
        return len(self._steps)

    def to_frame(self) -> pd.DataFrame:
        """One row per step.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``step`` (1, 2, ...): ``from`` and ``to`` (config ids), ``varied`` (the
            parameter changed by the step), and the test of ``to`` against ``from`` at that step:
            ``pvalue``, ``pvalue_adj`` (within that comparison's family) and ``effect`` (A12,
            probability that a run of ``to`` beats a run of ``from``, oriented by the goal).
        """
        frame = pd.DataFrame(self._steps, columns=_STEP_COLUMNS)
        frame.index = pd.RangeIndex(1, len(frame) + 1, name="step")
        typed: pd.DataFrame = frame.astype(
            {"from": np.int64, "to": np.int64, "pvalue": np.float64, "pvalue_adj": np.float64}
        ).astype({"effect": np.float64})
        return typed

    def __repr__(self) -> str:
        return (
            f"Walk(start={self.start}, end={self.end}, steps={len(self)}, test={self.test!r}, "
            f"correction={self.correction!r}, stopped={self.stopped!r})"
        )


def _walk_input_validation(
    test: Any,
    correction: Any,
    alpha: Any,
    neighbors: Any,
    max_steps: Any,
    ledger: Any,
    random_state: Any,
    cancel: Any,
) -> tuple[Test, Correction, float, Neighbors, int | None, Ledger | None, Any, Any]:
    """Check the arguments of :func:`walk` and return them normalised.

    ``holdout`` is checked by ``split_runs``, the comparisons' own options by ``compare``.
    """
    test = v.check_test(test)
    correction = v.check_correction(correction)
    alpha = v.check_alpha(alpha)
    neighbors = v.check_neighbors(neighbors)
    max_steps = v.check_int(max_steps, "max_steps", minimum=0, allow_none=True)
    if ledger is not None and not isinstance(ledger, Ledger):
        raise TypeError(f"`ledger` must be None or a sweepwalk Ledger, got {ledger!r}.")
    random_state = v.check_random_state(random_state)
    cancel = _jobs.check_cancel_hook(cancel)
    return test, correction, alpha, neighbors, max_steps, ledger, random_state, cancel


def walk(
    sweep: SweepData,
    start: int | dict[str, Any],
    *,
    test: Test = DEFAULTS.test,
    correction: Correction = DEFAULTS.correction,
    alpha: float = DEFAULTS.alpha,
    neighbors: Neighbors = DEFAULTS.neighbors,
    max_steps: int | None = None,
    ledger: Ledger | None = None,
    holdout: float | None = None,
    random_state: Any = None,
    cancel: Any = None,
    **kwargs: Any,
) -> Walk:
    """Walk greedily from ``start`` to the significantly better neighbour with the largest effect.

    At each configuration, compare it with its neighbours (``sweep.compare(current,
    against="neighbors", ...)``). Among the neighbours whose status is ``better`` and that the
    walk has not visited yet, move to the one with the largest effect (A12; ties broken by the
    smaller p-value, then the smaller config id). Stop when there is none, or after
    ``max_steps`` moves. A configuration is never visited twice, which rules out cycles
    (significance is not transitive: A better than B better than C better than A can happen).

    Parameters
    ----------
    sweep : SweepData
        The sweep.
    start : int or dict
        Config id, or a dict of parameter values, to start from.
    test, correction, alpha, neighbors : str, str, float, str
        As in :meth:`sweepwalk.Sweep.compare`, used at every step. The correction applies within
        each step's family (the current configuration's neighbours); it does not control errors
        over the whole walk.
    max_steps : int, optional
        Largest number of moves; ``None`` walks until no better neighbour is left.
    ledger : Ledger, optional
        If given, every comparison is recorded in it and the statuses it returns decide the
        moves; with ``Ledger("walk")`` the whole walk keeps its FDR at the ledger's alpha.
    holdout : float, optional
        Share of the seeds held out (strictly between 0 and 1, e.g. 0.5): the walk decides on
        the other seeds only (:meth:`~sweepwalk.data.sweep_data.SweepData.split_runs`), and
        ``holdout_estimate`` reports the end configuration's mean on the held-out seeds. None
        (the default) walks on every seed; the end's mean is then optimistic.
    random_state : optional
        Anything ``numpy.random.default_rng`` accepts: seeds the holdout split and is passed
        to every comparison (permutation tests).
    cancel : threading.Event or callable, optional
        Checked before every step (and by each comparison, as in ``compare``): when it is set
        (or returns True) the walk stops with :class:`sweepwalk.Cancelled` and no result.
    **kwargs
        Passed to :func:`sweepwalk.analysis.compare.compare` (e.g. ``n_resamples``, ``ci``).

    Returns
    -------
    Walk
        ``.path`` (config ids) and ``.to_frame()`` (one row per step).

    Notes
    -----
    A greedy walk is a hill climb: it ends at a configuration no significantly better neighbour
    of which is left, which need not be the best configuration of the sweep. Every step is
    chosen after looking at the data, so the p-values of a path are selected ones; use a
    :class:`~sweepwalk.analysis.ledger.Ledger` with ``error_control="walk"`` for walk-wide control.

    The end was chosen because its scores looked good, so its mean on those scores overstates
    it (the winner's curse: about 1.5 standard errors at 10 seeds in simulation). With
    ``holdout=`` the seeds that chose it are not the seeds that estimate it, and the estimate is
    unbiased; the price is fewer seeds for the decisions.

    Examples
    --------
    >>> import sweepwalk
    >>> sweep = sweepwalk.Sweep.from_runs(sweepwalk.datasets.load_demo(), metric="accuracy",
    ...                                   seed="seed")  # doctest: +SKIP
    >>> w = sweep.walk(0, test="mannwhitney", correction="holm")  # doctest: +SKIP
    >>> w.path, w.to_frame()  # doctest: +SKIP
    """
    test, correction, alpha, neighbors, max_steps, ledger, random_state, cancel = (
        _walk_input_validation(
            test, correction, alpha, neighbors, max_steps, ledger, random_state, cancel
        )
    )
    confirm = None
    if holdout is not None:
        sweep, confirm = sweep.split_runs(holdout, random_state)
    settings = {"test": test, "correction": correction, "alpha": alpha, "neighbors": neighbors}
    limit = np.inf if max_steps is None else int(max_steps)

    path: list[int] = []
    steps: list[dict[str, Any]] = []
    comparisons: list[Comparison] = []
    current: int | dict[str, Any] = start
    while True:
        _jobs.check_cancel(cancel)
        cmp = compare(
            sweep,
            current,
            against="neighbors",
            test=test,
            correction=correction,
            alpha=alpha,
            neighbors=neighbors,
            random_state=random_state,
            cancel=cancel,
            **kwargs,
        )
        comparisons.append(cmp)
        here = int(cmp.target)
        path.append(here)
        if len(steps) >= limit:
            stopped = "max_steps"
            break
        ids = np.asarray(cmp.ids, dtype=np.int64)
        status = (
            ledger.record(cmp).reindex(ids).to_numpy()
            if ledger is not None
            else np.asarray(cmp.status, dtype=object)
        )
        effect = np.asarray(cmp.effect, dtype=np.float64)
        pvalue = np.asarray(cmp.pvalue, dtype=np.float64)
        cand = np.flatnonzero((status == "better") & ~np.isin(ids, path))
        if cand.size == 0:
            stopped = "no better neighbour"
            break
        # largest effect, then smallest p-value, then smallest config id
        k = cand[np.lexsort((ids[cand], pvalue[cand], -effect[cand]))[0]]
        to = int(ids[k])
        steps.append(
            {
                "from": here,
                "to": to,
                "varied": cmp.varied[k],
                "pvalue": float(pvalue[k]),
                "pvalue_adj": float(cmp.pvalue_adj[k]),
                "effect": float(effect[k]),
            }
        )
        current = to
    end = path[-1]
    estimate = None if confirm is None else _holdout_estimate(confirm, end)
    return Walk(
        path, steps, comparisons, stopped, settings, estimate, _end_notes(sweep, end, estimate)
    )


def _holdout_estimate(confirm: SweepData, end: int, level: float = 0.95) -> dict[str, Any]:
    """Mean of ``end``'s held-out scores and its t interval (scipy's ``ttest_1samp``)."""
    x = confirm.scores(end)
    n = len(x)
    low = high = float("nan")
    if n >= 2 and np.ptp(x) > 0:
        ci = stats.ttest_1samp(x, 0.0).confidence_interval(level)
        low, high = float(ci.low), float(ci.high)
    elif n >= 2:  # constant scores: the interval is the point itself
        low = high = float(x[0])
    mean = float(np.mean(x)) if n else float("nan")
    return {"config": int(end), "mean": mean, "low": low, "high": high, "n": int(n)}


def _end_notes(sweep: SweepData, end: int, estimate: dict[str, Any] | None) -> tuple[str, ...]:
    mean = float(sweep.configs["mean"].iloc[end])
    if estimate is None:
        return (
            f"the end's mean ({mean:.4g}) is optimistic: configuration {end} was chosen because "
            "its scores looked good. Confirm it with fresh seeds (sweep.plan() proposes the "
            "runs), or walk with holdout=0.5 for an unbiased estimate.",
        )
    if estimate["n"] < 2:
        return (
            f"only {estimate['n']} held-out score for configuration {end}: no interval; hold "
            "out a larger share, or confirm with fresh seeds.",
        )
    return (
        f"held-out estimate of configuration {end}: {estimate['mean']:.4g} "
        f"[{estimate['low']:.4g}, {estimate['high']:.4g}] on {estimate['n']} seeds it was not "
        f"chosen on (in-sample mean {mean:.4g}).",
    )
