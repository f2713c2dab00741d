"""Convert a sweep, a comparison, the ledger and a walk into the widget's trait payloads.

Scores are one float per seed per configuration. Numbers cross to the browser as binary buffers
(``bytes`` of little-endian typed arrays), small metadata as JSON; NaN stays NaN inside Float64
buffers and becomes a ``0`` (no score) in the quantised strip-plot scores, never a string.
The shapes are documented in ``docs/widget-protocol.md``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._vocab import (
    CORRECTIONS,
    PENDING,
    SIGNIFICANT_STATUSES,
    STATUSES,
    TESTS,
    vocabulary_payload,
)
from ..analysis.comparison import held_codes
from ..analysis.settings import USER_SETTINGS
from ..session.html import STATUS_COLORS, value_label
from .sweep_rows import score_range, sweep_rows

if TYPE_CHECKING:
    from ..analysis.compare import Comparison
    from ..analysis.ledger import Ledger
    from ..analysis.walk import Walk
    from ..sweep import Sweep

__all__ = [
    "RESULT_COLUMNS",
    "STATUSES",
    "STATUS_COLORS",
    "importance_reply",
    "ledger_payload",
    "param_codes",
    "quantize_scores",
    "results_payload",
    "sweep_payload",
    "walk_payload",
    "with_buffer_refs",
]

RESULT_COLUMNS: dict[str, str] = {
    "rows": "i4",
    "status": "u1",
    "varied": "i2",
    "statistic": "f8",
    "pvalue": "f8",
    "pvalue_adj": "f8",
    "effect": "f8",
    "diff_mean": "f8",
    "effect_low": "f8",
    "effect_high": "f8",
    "diff_mean_low": "f8",
    "diff_mean_high": "f8",
    "mde": "f8",
    "seeds_needed": "f8",
    "underpowered": "u1",
    "estimate": "f8",
    "estimate_low": "f8",
    "estimate_high": "f8",
    "min_pvalue": "f8",
    "reachable": "u1",
    "level": "f8",
    "level_pvalue": "f8",
}
"""Every buffer of a ``_results`` payload and its little-endian type (the results schema).

Sent in the ``_sweep`` payload as ``results_columns``, so that the frontend reads it from one
place; the columns after ``diff_mean`` are sent when the comparison has them.
"""

RESULT_FLOATS = ("statistic", "pvalue", "pvalue_adj", "effect", "diff_mean")
"""Float64 columns of every ``_results`` payload."""

OPTIONAL_FLOATS = tuple(
    name
    for name, dtype in RESULT_COLUMNS.items()
    if dtype == "f8" and name not in RESULT_FLOATS and name not in ("seeds_needed", "level_pvalue")
)
"""Float64 columns sent when the comparison has them (``seeds_needed`` and ``level_pvalue``
are sent by their own rules below)."""

PENDING_CODE = 255
"""``status`` code of a row whose p-value is pending (``_results["pending"]`` is then true)."""

SCORE_LEVELS = 65535
"""Largest quantised score; ``0`` means "no score"."""


def _buffer(values: Any, dtype: str) -> bytes:
    """Return ``values`` as the bytes of a contiguous little-endian array of ``dtype``."""
    return np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def _is_number(value: object) -> bool:
    """Return True for real numbers; bools are not numeric (as in the neighbour rule)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def param_codes(sweep: Sweep, index: int) -> tuple[bool, list[str], np.ndarray]:
    """Encode parameter ``index`` of ``sweep`` as labels and integer codes, in config order.

    The engine's own levels (:attr:`~sweepwalk.data.sweep_data.SweepData.levels`, ``level_codes``),
    so
    that the grid sorts a parameter exactly as config ids do (ordered categoricals included).

    Returns
    -------
    numeric : bool
        True if every present value is a real number (bools are not numeric).
    labels : list of str
        Display text of each present value, in the engine's order.
    codes : numpy.ndarray
        int32 array, one code per configuration: index into ``labels``, ``-1`` = absent.
    """
    name = sweep.params[index]
    labels = [value_label(x) for x in sweep.levels[name]]
    codes = np.asarray(sweep.level_codes[:, index], dtype=np.int32)
    return bool(sweep.numeric[index]), labels, codes


def quantize_scores(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Quantise a NaN-padded score matrix to uint16 for the strip plots.

    Parameters
    ----------
    values : numpy.ndarray
        float64 array (N, K): each configuration's finite scores left-aligned, NaN-padded.

    Returns
    -------
    codes : numpy.ndarray
        uint16 array (N, K): ``0`` = no score; ``q`` in 1..65535 stands for
        ``score_min + (q - 1) / 65534 * (score_max - score_min)``.
    score_min, score_max : float
        Range of the finite scores (both 0.0 when there is none). The rounding error is at most
        ``(score_max - score_min) / 131068``.
    """
    finite = np.isfinite(values)
    if not finite.any():
        return np.zeros(values.shape, dtype=np.uint16), 0.0, 0.0
    lo = float(values[finite].min())
    hi = float(values[finite].max())
    span = hi - lo
    scaled = np.zeros(values.shape, dtype=np.float64)
    if span > 0:
        np.divide(values - lo, span, out=scaled, where=finite)
    codes = np.where(finite, 1 + np.rint(scaled * (SCORE_LEVELS - 1)), 0)
    return codes.astype(np.uint16), lo, hi


def sweep_payload(
    sweep: Sweep,
    tests: Sequence[str] = TESTS,
    corrections: Sequence[str] = CORRECTIONS,
    *,
    windowed: bool = False,
    score_bounds: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """Build the ``_sweep`` trait value (written once per sweep).

    Parameters
    ----------
    sweep : Sweep
        The sweep; scores are one float per seed per configuration.
    tests, corrections : sequence of str
        The choices the frontend offers in its controls (default: every one).
    windowed : bool, default False
        Leave out every per-configuration column (parameter codes, counts, means, scores): the
        grid gets them with its rows (:func:`~sweepwalk.widget.sweep_rows.sweep_rows`), and the
        payload stays small at a million configurations.
    score_bounds : (float, float), optional
        The sweep's score range (:func:`~sweepwalk.widget.sweep_rows.score_range`), if known.

    Returns
    -------
    dict
        JSON-able metadata with ``bytes`` buffers, as in ``docs/widget-protocol.md``; its
        ``vocabulary`` holds every choice and label (:func:`sweepwalk._vocab.vocabulary_payload`),
        so that the frontend spells none of them. ``scores`` is ragged: each configuration's
        ``n`` quantised scores, configuration by configuration (no padding to the largest
        seed count).
    """
    configs = sweep.configs
    lo, hi = score_range(sweep) if score_bounds is None else score_bounds
    payload: dict[str, Any] = {
        "n_configs": len(configs),
        "metric": str(sweep.metric),
        "goal": str(sweep.goal),
        "min_runs": int(sweep.min_runs),
        "notes": list(sweep.notes),  # in words: binning, values that hardly repeat (no neighbours)
        "windowed": bool(windowed),
        "params": [],
        "scores_k": int(np.asarray(sweep.counts).max(initial=0)),
        "score_min": lo,
        "score_max": hi,
        "tests": [str(t) for t in tests],
        "corrections": [str(c) for c in corrections],
        "vocabulary": vocabulary_payload(),
        "significant": list(SIGNIFICANT_STATUSES),
        # the settings a results payload's `state` carries, and the results schema
        "settings": list(USER_SETTINGS),
        "results_columns": dict(RESULT_COLUMNS),
    }
    columns = None if windowed else sweep_rows(sweep, np.arange(len(configs)), lo, hi)
    for index, name in enumerate(sweep.params):
        numeric = bool(sweep.numeric[index])
        labels = [value_label(x) for x in sweep.levels[name]]
        param = {"name": str(name), "numeric": numeric, "labels": labels}
        if columns is not None:
            param["codes"] = columns["codes"][index]
        payload["params"].append(param)
    if columns is not None:
        for name in ("n", "n_missing", "pooled", "mean", "std", "scores"):
            payload[name] = columns[name]
    return payload


def _status_codes(comparison: Comparison) -> np.ndarray:
    """Each compared row's status as its position in ``STATUSES`` (pending: PENDING_CODE)."""
    held = held_codes(comparison, "status")
    if held is not None and held.values == STATUSES:  # compare() gives them so: no look-ups
        return np.asarray(held.codes, dtype=np.int64)
    status_index = {s: i for i, s in enumerate(STATUSES)} | {PENDING: PENDING_CODE}
    shown = np.asarray(comparison.status, dtype=object)
    # dict look-ups over plain lists: pandas' map costs more than the rest of the payload
    codes = np.array([status_index.get(w, -1) for w in shown.tolist()], dtype=np.int64)
    if (codes < 0).any():
        unknown = sorted(map(str, set(shown[codes < 0].tolist())))
        raise ValueError(f"unknown status {unknown}; allowed: {list(STATUSES)}")
    return codes


def results_payload(
    comparison: Comparison,
    params: Sequence[str],
    *,
    state: dict[str, Any],
) -> dict[str, Any]:
    """Build the ``_results`` trait value from a :class:`Comparison`.

    Reads the comparison's arrays directly (``to_frame()`` costs more than the tests for a
    click on a neighbour); the rows, their order and every value are those of
    ``comparison.to_frame()``: the target and the compared rows sorted by config id, the
    target's row with status ``"target"``, NaN test columns and ``diff_mean`` 0.

    Parameters
    ----------
    comparison : Comparison
        The result of ``sweep.compare(...)``, as the rule in force decided it (a walk-wide
        ledger's :meth:`~sweepwalk.analysis.comparison.Comparison.with_decisions`: its
        statuses, levels and underpowered flags, and ``level_pvalue``, the p-value each row's
        level was compared with, sent as such).
    params : sequence of str
        The sweep's parameters, in order (``varied`` is sent as an index into them).
    state : dict
        The complete state the comparison was computed for (``target``, every setting with
        ``error_control``, ``history`` and ``cursor``): sent as the payload's ``state``.

    Returns
    -------
    dict
        JSON-able metadata with ``bytes`` buffers, as in ``docs/widget-protocol.md``. A
        :func:`~sweepwalk.analysis.pending.pending_comparison` gives ``pending: True``, status
        code :data:`PENDING_CODE` for the rows still being tested, and no power marks.
    """
    target = int(comparison.target)
    ids = np.asarray(comparison.ids, dtype=np.int64)
    rows = np.sort(np.append(ids, target))
    pos = np.searchsorted(rows, ids)
    tpos = int(np.searchsorted(rows, target))

    def spread(values: Any, fill: float, dtype: str) -> np.ndarray:
        out = np.full(len(rows), fill, dtype=dtype)
        out[pos] = values
        return out

    # a row whose test is still running has no status code: 255 reads "out" to a reader that
    # does not know `pending` (never a verdict), and the payload says it is pending
    codes = _status_codes(comparison)
    param_index = {p: i for i, p in enumerate(params)}
    varied_held = held_codes(comparison, "varied")
    if varied_held is not None and varied_held.values[:1] == (None,):  # (None, *parameters)
        lookup = [-1, *(param_index.get(v, -1) for v in varied_held.values[1:])]
        varied = np.asarray(lookup, dtype=np.int64)[varied_held.codes]
    else:
        varied = np.array(
            [-1 if v is None else param_index.get(v, -1) for v in list(comparison.varied)],
            dtype=np.int64,
        )
    payload: dict[str, Any] = {
        "state": _json_state(state),
        "target": target,
        "rows": _buffer(rows, RESULT_COLUMNS["rows"]),
        "status": _buffer(spread(codes, 0, "u1"), RESULT_COLUMNS["status"]),
        "varied": _buffer(spread(varied, -1, "i2"), RESULT_COLUMNS["varied"]),
    }
    for column in RESULT_FLOATS:
        values = spread(np.asarray(getattr(comparison, column), dtype=np.float64), np.nan, "f8")
        if column == "diff_mean":
            values[tpos] = 0.0
        payload[column] = _buffer(values, "f8")
    for column in (*OPTIONAL_FLOATS, "seeds_needed"):
        extra = getattr(comparison, column, None)
        if extra is not None:
            payload[column] = _buffer(
                spread(np.asarray(extra, dtype=np.float64), np.nan, "f8"), "f8"
            )
    held = getattr(comparison, "level_pvalue", None)
    if held is not None:
        held = spread(np.asarray(held, dtype=np.float64), np.nan, "f8")
        payload["level_pvalue"] = _buffer(held, RESULT_COLUMNS["level_pvalue"])
    flags = getattr(comparison, "underpowered", None)
    if flags is not None:
        flagged = spread(np.asarray(flags, dtype=bool), 0, "u1")
        payload["underpowered"] = _buffer(flagged, RESULT_COLUMNS["underpowered"])
    reachable = getattr(comparison, "reachable", None)
    if reachable is not None:
        # the target's own row counts as reachable: nothing to mark there
        reach = spread(np.asarray(reachable, dtype=bool), 1, "u1")
        payload["reachable"] = _buffer(reach, RESULT_COLUMNS["reachable"])
    payload["estimand"] = str(getattr(comparison, "estimand", ""))
    payload["notes"] = [str(n) for n in getattr(comparison, "notes", ())]
    payload["power_basis"] = str(getattr(comparison, "power_basis", ""))
    _mark_pending(payload, codes)
    return payload


def _mark_pending(payload: dict[str, Any], codes: np.ndarray) -> None:
    """Say that rows are still being tested (``pending``), and drop their power marks.

    Whether a row is underpowered or can reach its level follows from the p-values: a
    payload that has none yet marks nothing.
    """
    if (codes == PENDING_CODE).any():
        payload["pending"] = True
        payload.pop("underpowered", None)
        payload.pop("reachable", None)


def _json_state(state: dict[str, Any]) -> dict[str, Any]:
    """Return the ``state`` of a results payload as plain JSON types (int, float, str, list)."""
    out: dict[str, Any] = {}
    for name, value in state.items():
        if isinstance(value, (list, tuple)):
            out[name] = [int(i) for i in value]
        elif isinstance(value, numbers.Integral):
            out[name] = int(value)
        elif isinstance(value, numbers.Real):
            out[name] = float(value)
        else:
            out[name] = str(value)
    return out


def _finite_or_none(x: Any) -> float | None:
    """Return a float for JSON, or None for NaN/inf (the protocol's "no value")."""
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def ahead_message(
    entries: list[tuple[int, Any, dict[str, Any]]],
    params: Sequence[Any],
    shown: dict[str, Any],
    rows: Callable[[np.ndarray], dict[str, Any]] | None = None,
) -> tuple[dict[str, Any], list[bytes]]:
    """Return the ``ahead`` message: what a click on each neighbour would show, and buffers.

    ``entries`` as :meth:`Session.ahead_job` gives them (target, comparison, state after the
    click); ``shown`` is the state of the results on screen they follow from. Each entry's
    ``results`` is :func:`results_payload` with every buffer replaced by its index in the
    returned list (``{"buffer": k}``), as ``docs/widget-protocol.md`` says; given ``rows``
    (config ids -> their sweep columns: a windowed sweep), also its rows' ``sweep_rows``.
    """
    buffers: list[bytes] = []
    out = []
    for target, comparison, state in entries:
        payload = results_payload(comparison, params, state=state)
        if rows is not None:
            payload["sweep_rows"] = rows(np.frombuffer(payload["rows"], dtype="<i4"))
        out.append({"target": int(target), "results": with_buffer_refs(payload, buffers)})
    return {"kind": "ahead", "from": _json_state(shown), "entries": out}, buffers


def with_buffer_refs(value: Any, buffers: list[bytes]) -> Any:
    """Return ``value`` with every ``bytes`` inside it (dicts, lists) replaced by ``{"buffer": k}``.

    ``k`` is the index of those bytes in ``buffers``, to which they are appended (the custom
    messages' way of carrying buffers).
    """
    if isinstance(value, bytes):
        buffers.append(value)
        return {"buffer": len(buffers) - 1}
    if isinstance(value, dict):
        return {name: with_buffer_refs(item, buffers) for name, item in value.items()}
    if isinstance(value, list):
        return [with_buffer_refs(item, buffers) for item in value]
    return value


def ledger_payload(ledger: Ledger, test: str, generation: int, reason: str) -> dict[str, Any]:
    """Return the ``_ledger`` trait value (see ``docs/widget-protocol.md``)."""
    return {
        "error_control": ledger.error_control,
        "method": ledger.method,
        "alpha": float(ledger.alpha),
        "test": str(test),
        "n_tests": len(ledger),
        "n_discoveries": int(ledger.n_discoveries),
        "rule": ledger.rule,
        "generation": int(generation),
        "reason": str(reason),
    }


def walk_payload(result: Walk, offset: int, error_control: str) -> dict[str, Any]:
    """Return the ``_walk`` trait value of a :class:`Walk`.

    Its start sits at history position ``offset``; its path fills the history from there on.
    """
    frame = result.to_frame()
    steps = [
        {
            "from": int(r["from"]),
            "to": int(r["to"]),
            "varied": None if r["varied"] is None else str(r["varied"]),
            "pvalue": _finite_or_none(r["pvalue"]),
            "pvalue_adj": _finite_or_none(r["pvalue_adj"]),
            "effect": _finite_or_none(r["effect"]),
        }
        for _, r in frame.iterrows()
    ]
    return {
        "path": [int(i) for i in result.path],
        "steps": steps,
        "stopped": str(result.stopped),
        "offset": int(offset),
        "test": str(result.test),
        "correction": str(result.correction),
        "alpha": float(result.alpha),
        "neighbors": str(result.neighbors),
        "error_control": str(error_control),
        "notes": [str(n) for n in result.notes],
        "holdout_estimate": _holdout_json(result.holdout_estimate),
    }


def _holdout_json(estimate: dict[str, Any] | None) -> dict[str, Any] | None:
    """Return a walk's ``holdout_estimate`` as JSON (NaN as None), or None without holdout."""
    if estimate is None:
        return None
    return {
        "config": int(estimate["config"]),
        "mean": _finite_or_none(estimate.get("mean")),
        "low": _finite_or_none(estimate.get("low")),
        "high": _finite_or_none(estimate.get("high")),
        "n": int(estimate.get("n", 0)),
    }


def importance_reply(frame: pd.DataFrame, seconds: float) -> dict[str, Any]:
    """Return the ``importance-response`` body (without ``kind``/``id``) of a table.

    Small per-parameter JSON lists (NaN as ``null``), plus the settings from ``frame.attrs``.
    """
    ints: tuple[str, ...] = ("pairs", "tested", "too_few_runs", "significant")
    floats: tuple[str, ...] = ("share_significant", "median_abs_effect", "equivalent")
    # the three-way split matters / negligible / inconclusive (counts and shares), when present
    ints += tuple(c for c in ("matters", "negligible", "inconclusive") if c in frame.columns)
    floats += tuple(
        c for c in ("share_matters", "share_negligible", "share_inconclusive") if c in frame.columns
    )
    body: dict[str, Any] = {"params": [str(p) for p in frame.index]}
    for column in ints:
        body[column] = [int(x) for x in frame[column]]
    for column in floats:
        body[column] = [_finite_or_none(x) for x in frame[column]]
    body["verdict"] = [str(x) for x in frame["verdict"]]
    attrs = frame.attrs
    body["settings"] = {
        "test": str(attrs.get("test", "")),
        "correction": str(attrs.get("correction", "")),
        "alpha": _finite_or_none(attrs.get("alpha")),
        "neighbors": str(attrs.get("neighbors", "")),
        "margin": _finite_or_none(attrs.get("margin")),
        "margin_source": str(attrs.get("margin_source", "")),
        "family": int(attrs.get("family", 0)),
    }
    body["seconds"] = float(seconds)
    return body
