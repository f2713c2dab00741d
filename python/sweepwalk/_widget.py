# mypy: disable-error-code="arg-type"
"""The notebook widget: a sweep as a grid where a click makes a row the target.

Thin by design: traitlets that either side may write, observers that call the engine
(:meth:`Sweep.compare`), and the serialisation in :mod:`sweepwalk._serialization`. The wire
protocol is ``docs/widget-protocol.md``. Scores are one float per seed per configuration.
"""

from __future__ import annotations

import logging
import math
import numbers
import pathlib
from typing import TYPE_CHECKING, Any

import anywidget
import numpy as np
import pandas as pd
import traitlets as t

from . import _widget_insights as insights
from ._serialization import render_html, results_key, results_payload, sweep_payload
from ._validation import check_choice, check_config_id
from .stats import TESTS as _STATS_TESTS
from .stats import canonical_method

if TYPE_CHECKING:
    from .compare import Comparison
    from .sweep import Sweep
    from .walk import Walk

logger = logging.getLogger("sweepwalk")

TESTS = tuple(_STATS_TESTS)
#: The corrections the controls offer ("none" + statsmodels' multipletests methods); an alias
#: that ``multipletests`` accepts ("h", "fdr_i", ...) is normalised to one of these names.
CORRECTIONS = (
    "none",
    "bonferroni",
    "sidak",
    "holm-sidak",
    "holm",
    "simes-hochberg",
    "hommel",
    "fdr_bh",
    "fdr_by",
    "fdr_tsbh",
    "fdr_tsbky",
)
_CORRECTION_NAMES = {canonical_method(c): c for c in CORRECTIONS[1:]}
AGAINST = ("neighbors", "all")
NEIGHBORS = ("adjacent", "axis")
ERROR_CONTROLS = insights.ERROR_CONTROLS
_KINDS = ("detail", "importance", "walk")
_STATE = ("target", "test", "correction", "alpha", "against", "neighbors")

_STATIC = pathlib.Path(__file__).parent / "static"
_BUNDLE = _STATIC / "widget.js"
_CSS = _STATIC / "widget.css"
# Shown instead of the grid when the esbuild bundle was never built (a source checkout without
# `pip install -e .`): a visible message rather than an import error, so the kernel side (and
# pytest) keeps working.
_MISSING_BUNDLE_ESM = """
function render({ el }) {
  const box = document.createElement("div");
  box.className = "sweepwalk-missing-bundle";
  box.style.cssText = "padding:8px;border:1px solid #D55E00;color:#D55E00;font-family:sans-serif";
  box.textContent = "sweepwalk: the widget's frontend bundle (sweepwalk/static/widget.js) is "
    + "missing. Run `pip install -e .` (or `npm install && npm run build`) in the sweepwalk "
    + "checkout, then restart the kernel.";
  el.appendChild(box);
}
export default { render };
"""


class _ConfigId(t.Int):
    """An integer config id; accepts numpy integers (``results.index[0]``), rejects bools."""

    def validate(self, obj: Any, value: Any) -> int:
        if isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            return int(value)
        return super().validate(obj, value)


def _correction(value: Any) -> str:
    """Return the controls' name of a correction, accepting statsmodels' aliases."""
    if isinstance(value, str) and value.lower() != "none":
        try:
            return _CORRECTION_NAMES.get(canonical_method(value), value)
        except ValueError:
            pass
    return check_choice(value, "correction", CORRECTIONS)


def _choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    try:
        return check_choice(value, name, allowed)
    except ValueError as exc:
        raise t.TraitError(str(exc)) from None


def _check_alpha(alpha: Any, error: type[Exception]) -> float:
    ok = isinstance(alpha, numbers.Real) and not isinstance(alpha, (bool, np.bool_))
    if not (ok and math.isfinite(alpha) and 0 < alpha < 1):
        raise error(f"`alpha` must be a number with 0 < alpha < 1, got {alpha!r}.")
    return float(alpha)


class SweepWidget(insights.InsightsMixin, anywidget.AnyWidget):
    """A sweep as an interactive grid: click a row to make it the target.

    Build it with :func:`explore`. Either side may write the public traits ``target``, ``test``,
    ``correction``, ``alpha``, ``against``, ``neighbors`` and ``selected``; every change recomputes
    ``sweep.compare(...)`` in the kernel and repaints the grid. ``w.observe(fn, names="target")``
    follows the user's clicks. Scores are one float per seed per configuration.

    Parameters
    ----------
    sweep : Sweep
        The sweep to show.
    target : int, optional
        Config id of the first target; default: :func:`default_target`.
    test, correction, alpha, against, neighbors
        The comparison settings, as in :meth:`Sweep.compare` (an alias of a correction, such
        as ``"h"``, is normalised to its name, ``"holm"``).
    error_control : {"per-target", "walk"}, default "per-target"
        The rule that decides the statuses shown: each target's family corrected on its own
        (``correction`` at ``alpha``), or a walk-wide online FDR procedure (LOND at ``alpha``)
        over every test of the walk (see :class:`~sweepwalk.ledger.Ledger`).

    Attributes
    ----------
    sweep : Sweep
        The sweep shown.
    results : pandas.DataFrame
        ``sweep.compare(...).to_frame()`` for the current state: what the grid shows.
    path : list of int
        Every target visited, in order (back/forward moves included).
    selection, selected_runs : pandas.DataFrame
        The selected configurations with their statistics; their long-format runs.
    ledger : pandas.DataFrame
        Every test made so far (``Ledger.to_frame()``); a change of rule, alpha or test starts a
        fresh ledger.
    last_walk : Walk or None
        The last greedy walk (:meth:`walk` or the "walk from here" button).
    random_state : int
        Seed of the permutation test (not synced), so that the grid's p-values are reproducible.

    Notes
    -----
    An exception while recomputing (for example a paired test on a sweep without seeds) is
    logged and shown in the grid as a message (``_error``); the last good results stay on
    screen, and ``w.results`` raises the same exception until the state is valid again.
    """

    _esm = _BUNDLE if _BUNDLE.is_file() else _MISSING_BUNDLE_ESM
    if _CSS.is_file():
        _css = _CSS

    target = _ConfigId(0).tag(sync=True)
    """Config id of the target (the row every other row is compared with)."""
    test = t.Unicode("ks").tag(sync=True)
    correction = t.Unicode("none").tag(sync=True)
    alpha = t.Float(0.05).tag(sync=True)
    against = t.Unicode("neighbors").tag(sync=True)
    neighbors = t.Unicode("adjacent").tag(sync=True)
    selected = t.List(_ConfigId()).tag(sync=True)
    """Selected config ids (checkbox / ctrl-click / shift-click in the grid, or set here)."""
    error_control = t.Unicode("per-target").tag(sync=True)
    """``"per-target"`` or ``"walk"``: the rule that decides the statuses shown."""

    random_state = 0
    """Seed of the permutation test (not synced): the grid's p-values are reproducible, equal to
    ``sweep.compare(..., test="permutation", random_state=w.random_state)``."""

    _history = t.List(t.Int()).tag(sync=True)
    _history_index = t.Int(0).tag(sync=True)
    _sweep = t.Dict().tag(sync=True)
    _results = t.Dict().tag(sync=True)
    _error = t.Unicode("").tag(sync=True)
    _busy = t.Bool(False).tag(sync=True)
    _ledger = t.Dict().tag(sync=True)
    _walk = t.Dict().tag(sync=True)
    _progress = t.Float(-1.0).tag(sync=True)

    def __init__(
        self,
        sweep: Sweep,
        *,
        target: int | None = None,
        test: str = "ks",
        correction: str = "none",
        alpha: float = 0.05,
        against: str = "neighbors",
        neighbors: str = "adjacent",
        error_control: str = "per-target",
    ) -> None:
        from .sweep import Sweep

        if not isinstance(sweep, Sweep):
            raise TypeError(f"`sweep` must be a sweepwalk.Sweep, got {type(sweep).__name__}.")
        self._engine = sweep
        self._n_configs = len(sweep.configs)
        self._comparison: Comparison | None = None
        self._frame: pd.DataFrame | None = None
        self._computed_key: str | None = None
        self._computed_rule: str | None = None
        self._statuses: np.ndarray | None = None  # walk-wide statuses (ledger), else None
        self._keeper = insights.LedgerKeeper()
        self._last_walk: Walk | None = None
        correction = _correction(correction)
        for name, value, allowed in (
            ("test", test, TESTS),
            ("against", against, AGAINST),
            ("neighbors", neighbors, NEIGHBORS),
            ("error_control", error_control, ERROR_CONTROLS),
        ):
            check_choice(value, name, allowed)
        _check_alpha(alpha, ValueError)
        first = default_target(sweep) if target is None else target
        first = check_config_id(first, self._n_configs, "target")
        super().__init__(
            target=first,
            test=test,
            correction=correction,
            alpha=alpha,
            against=against,
            neighbors=neighbors,
            error_control=error_control,
            _sweep=sweep_payload(sweep, TESTS, CORRECTIONS),
        )
        self._path: list[int] = [self.target]
        self._history = [self.target]
        self._history_index = 0
        self.observe(self._on_target, names=["target"])
        self.observe(self._recompute, names=[*_STATE, "error_control"])
        self.on_msg(self._on_custom_msg)
        self._recompute()

    # -- validation -------------------------------------------------------------------------
    @t.validate("target")
    def _valid_target(self, proposal: dict[str, Any]) -> int:
        try:
            return check_config_id(proposal["value"], self._n_configs, "target")
        except (TypeError, KeyError) as exc:
            raise t.TraitError(str(exc)) from None

    @t.validate("selected")
    def _valid_selected(self, proposal: dict[str, Any]) -> list[int]:
        seen: dict[int, None] = {}
        for i in proposal["value"]:
            try:
                seen[check_config_id(i, self._n_configs, "selected")] = None
            except (TypeError, KeyError) as exc:
                raise t.TraitError(str(exc)) from None
        return list(seen)

    @t.validate("test")
    def _valid_test(self, proposal: dict[str, Any]) -> str:
        return _choice(proposal["value"], "test", TESTS)

    @t.validate("correction")
    def _valid_correction(self, proposal: dict[str, Any]) -> str:
        try:
            return _correction(proposal["value"])
        except ValueError as exc:
            raise t.TraitError(str(exc)) from None

    @t.validate("against")
    def _valid_against(self, proposal: dict[str, Any]) -> str:
        return _choice(proposal["value"], "against", AGAINST)

    @t.validate("neighbors")
    def _valid_neighbors(self, proposal: dict[str, Any]) -> str:
        return _choice(proposal["value"], "neighbors", NEIGHBORS)

    @t.validate("error_control")
    def _valid_error_control(self, proposal: dict[str, Any]) -> str:
        return _choice(proposal["value"], "error_control", ERROR_CONTROLS)

    @t.validate("alpha")
    def _valid_alpha(self, proposal: dict[str, Any]) -> float:
        return _check_alpha(proposal["value"], t.TraitError)

    @t.validate("_history_index")
    def _valid_history_index(self, proposal: dict[str, Any]) -> int:
        return min(max(int(proposal["value"]), 0), max(len(self._history) - 1, 0))

    # -- observers --------------------------------------------------------------------------
    def _on_target(self, change: dict[str, Any]) -> None:
        new = int(change["new"])
        history, index = list(self._history), self._history_index
        if not (0 <= index < len(history) and history[index] == new):
            # A new step of the walk: forget the forward branch, as a browser does.
            history = [*history[: index + 1], new]
            with self.hold_sync():
                self._history = history
                self._history_index = len(history) - 1
        self._path.append(new)

    def _state_key(self) -> str:
        return results_key(
            self.target, self.test, self.correction, self.alpha, self.against, self.neighbors
        )

    def _compare(self) -> Comparison:
        return self._engine.compare(
            self.target,
            against=self.against,
            test=self.test,
            correction=self.correction,
            alpha=self.alpha,
            neighbors=self.neighbors,
            random_state=self.random_state,
        )

    def _recompute(self, change: dict[str, Any] | None = None) -> None:
        key, rule = self._state_key(), self.error_control
        if (key, rule) == (self._computed_key, self._computed_rule):
            return  # several traits changed in one message: compute once
        self._computed_key, self._computed_rule = key, rule
        self._busy = True
        try:
            comparison = self._compare()
            # every comparison shown is a family of tests the user made: record it
            words = self._keeper.record(comparison, rule, self.alpha, self.test)
            self._statuses = words if rule == "walk" else None
            payload = results_payload(
                comparison, self._engine.params, key=key, status=self._statuses
            )
        except Exception as exc:
            logger.error("sweepwalk: recomputing the comparison failed", exc_info=True)
            self._comparison = self._frame = None
            with self.hold_sync():
                self._error = f"{type(exc).__name__}: {exc}"
                self._busy = False
            return
        self._comparison, self._frame = comparison, None  # to_frame() on demand
        with self.hold_sync():
            self._results = payload
            self._ledger = self._keeper.payload()
            self._error = ""
            self._busy = False

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply a state update from the frontend; an invalid value is refused visibly.

        traitlets restores every trait of the message, the frontend is sent the kernel's values
        back, and ``_error`` says why, instead of an exception in the kernel log only.
        """
        try:
            super().set_state(sync_data)
        except t.TraitError as exc:
            logger.warning("sweepwalk: refused a state update from the frontend: %s", exc)
            self._error = str(exc)
            self.send_state(key=[k for k in sync_data if k in self.keys])

    def _on_custom_msg(self, widget: Any, content: Any, buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        msg_id = content.get("id")
        kind = content.get("kind")
        if kind in ("importance", "walk"):
            handler = self._reply_importance if kind == "importance" else self._reply_walk
            try:
                reply = handler(content)
            except Exception as exc:
                logger.warning("sweepwalk: %s request failed", kind, exc_info=True)
                self.send(
                    {"kind": "error", "id": msg_id, "message": f"{type(exc).__name__}: {exc}"}
                )
                return
            self.send({"kind": f"{kind}-response", "id": msg_id, **reply})
            return
        try:
            if kind != "detail":
                raise ValueError(f"unknown message kind {kind!r}; allowed: {list(_KINDS)}")
            config = check_config_id(content.get("config"), self._n_configs, "config")
            target = int(self.target)
            scores = [self._engine.scores(i).astype("<f8").tobytes() for i in (target, config)]
        except Exception as exc:
            self.send({"kind": "error", "id": msg_id, "message": str(exc)})
            return
        reply = {"kind": "detail-response", "id": msg_id, "config": config, "target": target}
        self.send(reply, buffers=scores)

    # -- Python-side API --------------------------------------------------------------------
    @property
    def sweep(self) -> Sweep:
        """The :class:`Sweep` shown."""
        return self._engine

    @property
    def comparison(self) -> Comparison:
        """The :class:`Comparison` for the current state (what the grid shows)."""
        if self._comparison is None or self._computed_key != self._state_key():
            return self._compare()  # raises the error the widget shows
        return self._comparison

    @property
    def results(self) -> pd.DataFrame:
        """``w.sweep.compare(...).to_frame()`` for the current state: what the grid shows."""
        comparison = self.comparison
        if comparison is not self._comparison:
            return comparison.to_frame()
        if self._frame is None:
            self._frame = comparison.to_frame()
            if self._statuses is not None:  # walk-wide: the ledger's decisions
                insights.apply_statuses(self._frame, comparison.ids, self._statuses)
        return self._frame.copy()

    @property
    def path(self) -> list[int]:
        """Config ids visited as targets, in order (back/forward moves included)."""
        return list(self._path)

    @property
    def selection(self) -> pd.DataFrame:
        """The selected configurations, with their statistics.

        The parameters and statistics of ``sweep.configs``, joined with their comparison with
        the target (``status`` is ``"out"`` for rows outside the comparison).
        """
        configs = self._engine.configs.loc[list(self.selected)]
        results = self.results
        extra = [c for c in results.columns if c not in configs.columns]
        out = configs.join(results[extra], how="left")
        if "status" in out.columns:
            out["status"] = out["status"].astype(object).where(out["status"].notna(), "out")
        return out

    @property
    def selected_runs(self) -> pd.DataFrame:
        """The long-format runs (``sweep.runs``) of the selected configurations."""
        runs = self._engine.runs
        return runs[runs["config"].isin(list(self.selected))].copy()

    def back(self) -> None:
        """Step back along the walk (like Alt+Left in the grid); no-op at the start."""
        self._move(-1)

    def forward(self) -> None:
        """Step forward along the walk (like Alt+Right in the grid); no-op at the end."""
        self._move(+1)

    def _move(self, step: int) -> None:
        index = self._history_index + step
        if 0 <= index < len(self._history):
            with self.hold_trait_notifications():
                self._history_index = index
                self.target = self._history[index]

    def to_html(self, max_rows: int = 1000) -> str:
        """Render the current view as a static, coloured HTML table (for nbconvert, sharing).

        Rows are coloured by status with the same colour-blind-safe palette and legend as the
        grid; every text from the data is HTML-escaped.

        Parameters
        ----------
        max_rows : int, default 1000
            Largest number of rows to render. A larger comparison (``against="all"`` on a big
            sweep) keeps the target and the rows with the smallest adjusted p-values, in config
            order, and says so above the table.
        """
        return render_html(self.results, self._engine, self._state_key_title(), max_rows)

    def _state_key_title(self) -> str:
        return (
            f"target #{self.target} · test={self.test} · correction={self.correction} · "
            f"alpha={self.alpha:g} · against={self.against} · neighbors={self.neighbors}"
        )


def default_target(sweep: Sweep) -> int:
    """Return the config with the best mean (by ``goal``) among those with ``n >= min_runs``.

    Falls back to every configuration with a finite mean, then to config 0.
    """
    configs = sweep.configs
    means = configs["mean"].to_numpy(dtype=np.float64, na_value=np.nan)
    if sweep.goal == "min":
        means = -means
    eligible = (configs["n"].to_numpy() >= sweep.min_runs) & np.isfinite(means)
    if not eligible.any():
        eligible = np.isfinite(means)
    if not eligible.any():
        return 0
    return int(np.argmax(np.where(eligible, means, -np.inf)))


def explore(
    data: pd.DataFrame | Sweep,
    *,
    metric: str | None = None,
    params: list[str] | None = None,
    seed: str | None = None,
    goal: str = "max",
    test: str = "ks",
    correction: str = "none",
    alpha: float = 0.05,
    against: str = "neighbors",
    neighbors: str = "adjacent",
    target: int | dict[str, Any] | None = None,
    error_control: str = "per-target",
) -> SweepWidget:
    """Explore a sweep in a notebook: a grid where a click makes a row the target.

    Scores are one float per seed per configuration. Each change of target, test, correction,
    alpha or scope recomputes :meth:`Sweep.compare` in the kernel and repaints the grid.

    Parameters
    ----------
    data : pandas.DataFrame or Sweep
        Long-format runs (one row per run; then ``metric`` is required) or a :class:`Sweep`.
    metric, params, seed, goal
        Passed to :meth:`Sweep.from_runs` when ``data`` is a DataFrame; a :class:`Sweep` keeps
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
        ``w.selection`` back in Python.

    Examples
    --------
    >>> import sweepwalk
    >>> runs = sweepwalk.datasets.load_demo()
    >>> w = sweepwalk.explore(runs, metric="accuracy", seed="seed",
    ...                       params=["solver", "momentum", "learning_rate_init"])  # doctest: +SKIP
    """
    from .sweep import Sweep

    if isinstance(data, Sweep):
        given = {"metric": metric, "params": params, "seed": seed}
        extra = [k for k, v in given.items() if v is not None]
        if extra:
            raise TypeError(
                f"{', '.join(f'`{k}`' for k in extra)} only apply when `data` is a DataFrame; "
                "the Sweep already defines them."
            )
        if goal not in ("max", data.goal):  # "max" is the default: the Sweep's goal wins
            raise ValueError(
                f"`goal`={goal!r} differs from the Sweep's goal {data.goal!r}; build the Sweep "
                f"with goal={goal!r} instead."
            )
        sweep = data
    elif isinstance(data, pd.DataFrame):
        if metric is None:
            raise TypeError(
                "`metric` is required when `data` is a DataFrame: name the score column, e.g. "
                f"explore(df, metric=...); the columns are {[str(c) for c in data.columns]}."
            )
        sweep = Sweep.from_runs(data, metric=metric, params=params, seed=seed, goal=goal)
    else:
        raise TypeError(
            f"`data` must be a pandas DataFrame (long format) or a sweepwalk.Sweep, "
            f"got {type(data).__name__}."
        )
    if isinstance(target, dict):
        target = sweep.find(**target)
    return SweepWidget(
        sweep,
        target=target,
        test=test,
        correction=correction,
        alpha=alpha,
        against=against,
        neighbors=neighbors,
        error_control=error_control,
    )
