"""Convert a sweep and a comparison into the widget's trait payloads (and static HTML).

Scores are one float per seed per configuration. Numbers cross to the browser as binary buffers
(``bytes`` of little-endian typed arrays), small metadata as JSON; NaN stays NaN inside Float64
buffers and becomes a ``0`` (no score) in the quantised strip-plot scores, never a string.
The shapes are documented in ``docs/widget-protocol.md``.
"""

from __future__ import annotations

import html
import json
import math
import numbers
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._widget_insights import shown_underpowered

if TYPE_CHECKING:
    from .compare import Comparison
    from .sweep import Sweep

STATUSES = ("target", "better", "worse", "differs", "ns", "na")
"""Status words of ``compare()``, in the order the ``status`` buffer indexes them."""

RESULT_FLOATS = ("statistic", "pvalue", "pvalue_adj", "effect", "diff_mean")
"""Float64 columns of every ``_results`` payload."""

OPTIONAL_FLOATS = ("effect_low", "effect_high", "diff_mean_low", "diff_mean_high", "mde")
"""Float64 columns sent when the comparison has them (issue 4)."""

SCORE_LEVELS = 65535
"""Largest quantised score; ``0`` means "no score"."""

#: Okabe-Ito colours (colour-blind safe), as in the grid's ``src/styles.css``: the strong colour
#: (row's left border) and the row background (18 % of it over white) per status.
STATUS_COLORS = {
    "target": ("#0072B2", "#d1e6f1"),
    "better": ("#009E73", "#d1eee6"),
    "worse": ("#D55E00", "#f7e2d1"),
    "differs": ("#CC79A7", "#f6e7ef"),
    "ns": ("#999999", "#ededed"),
    "na": ("#E69F00", "#faeed1"),
    "out": ("#dddddd", "#ffffff"),
}


def _buffer(values: Any, dtype: str) -> bytes:
    """Return ``values`` as the bytes of a contiguous little-endian array of ``dtype``."""
    return np.ascontiguousarray(values, dtype=np.dtype(dtype).newbyteorder("<")).tobytes()


def js_number(value: float) -> str:
    """Format a number exactly as JavaScript's ``String(value)`` / ``JSON.stringify`` does.

    The frontend compares the ``_results.key`` string with a key it builds itself with
    ``JSON.stringify``; Python's ``repr`` switches to exponent notation at 1e-4, JavaScript only
    below 1e-6, so ``repr`` alone would make a key like ``alpha=5e-05`` never match.

    Parameters
    ----------
    value : float
        A finite number.

    Returns
    -------
    str
        The ECMAScript ``Number::toString`` text (shortest round-trip digits).

    Examples
    --------
    >>> js_number(0.05), js_number(5e-05), js_number(3.0), js_number(1e-07)
    ('0.05', '0.00005', '3', '1e-7')
    """
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"`value` must be finite, got {value!r}")
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(x))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = k + int(exponent)  # value = 0.digits * 10**n
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    mantissa = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{sign}{mantissa}e{'+' if n - 1 > 0 else '-'}{abs(n - 1)}"


def results_key(
    target: int, test: str, correction: str, alpha: float, against: str, neighbors: str
) -> str:
    """Return the ``_results.key``: ``JSON.stringify([target, test, correction, alpha, ...])``.

    Examples
    --------
    >>> results_key(3, "ks", "holm", 0.05, "neighbors", "adjacent")
    '[3,"ks","holm",0.05,"neighbors","adjacent"]'
    """
    strings = [json.dumps(s, ensure_ascii=False) for s in (test, correction)]
    tail = [json.dumps(s, ensure_ascii=False) for s in (against, neighbors)]
    return f"[{int(target)},{strings[0]},{strings[1]},{js_number(alpha)},{tail[0]},{tail[1]}]"


def _is_number(value: object) -> bool:
    """Return True for real numbers; bools are not numeric (neighbour rule, issue 2)."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def _label(value: object) -> str:
    """Display text of one parameter value (rendered with ``textContent`` by the frontend)."""
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        return repr(x)
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def param_codes(column: pd.Series) -> tuple[bool, list[str], np.ndarray]:
    """Encode one parameter column of ``sweep.configs`` as labels and integer codes.

    Parameters
    ----------
    column : pandas.Series
        One parameter value per configuration; NaN/None is the value "absent".

    Returns
    -------
    numeric : bool
        True if every present value is a real number (bools are not numeric).
    labels : list of str
        Display text of each distinct present value; numeric values in ascending order,
        others by type name, then text (the order of config ids in ``Sweep``).
    codes : numpy.ndarray
        int32 array, one code per configuration: index into ``labels``, ``-1`` = absent.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    values = list(uniques)
    numeric = bool(values) and all(_is_number(v) for v in values)
    if numeric:
        order = sorted(range(len(values)), key=lambda i: float(values[i]))
    else:
        # The engine's order (sweep.py): by type name, then text.
        order = sorted(range(len(values)), key=lambda i: (type(values[i]).__name__, str(values[i])))
    rank = np.empty(len(values), dtype=np.int32)
    rank[order] = np.arange(len(values), dtype=np.int32)
    out = np.where(codes >= 0, rank[np.maximum(codes, 0)] if len(values) else -1, -1)
    return numeric, [_label(values[i]) for i in order], out.astype(np.int32)


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


def sweep_payload(sweep: Sweep, tests: Sequence[str], corrections: Sequence[str]) -> dict:
    """Build the ``_sweep`` trait value (written once per sweep).

    Parameters
    ----------
    sweep : Sweep
        The sweep; scores are one float per seed per configuration.
    tests, corrections : sequence of str
        The choices the frontend offers in its controls.

    Returns
    -------
    dict
        JSON-able metadata with ``bytes`` buffers, as in ``docs/widget-protocol.md``.
    """
    configs = sweep.configs
    params = []
    for name in sweep.params:
        numeric, labels, codes = param_codes(configs[name])
        params.append(
            {"name": str(name), "numeric": numeric, "labels": labels, "codes": _buffer(codes, "i4")}
        )
    values = np.asarray(sweep.score_matrix, dtype=np.float64)
    scores, lo, hi = quantize_scores(values)
    return {
        "n_configs": len(configs),
        "metric": str(sweep.metric),
        "goal": str(sweep.goal),
        "min_runs": int(sweep.min_runs),
        "params": params,
        "n": _buffer(configs["n"].to_numpy(), "i4"),
        "n_missing": _buffer(configs["n_missing"].to_numpy(), "i4"),
        "mean": _buffer(configs["mean"].to_numpy(dtype=np.float64), "f8"),
        "std": _buffer(configs["std"].to_numpy(dtype=np.float64), "f8"),
        "scores": _buffer(scores, "u2"),
        "scores_k": int(values.shape[1]),
        "score_min": lo,
        "score_max": hi,
        "tests": [str(t) for t in tests],
        "corrections": [str(c) for c in corrections],
    }


def results_payload(
    comparison: Comparison,
    params: Sequence[str],
    *,
    key: str,
    status: Sequence[str] | np.ndarray | None = None,
) -> dict:
    """Build the ``_results`` trait value from a :class:`Comparison`.

    Reads the comparison's arrays directly (``to_frame()`` costs more than the tests for a
    click on a neighbour); the rows, their order and every value are those of
    ``comparison.to_frame()``: the target and the compared rows sorted by config id, the
    target's row with status ``"target"``, NaN test columns and ``diff_mean`` 0.

    Parameters
    ----------
    comparison : Comparison
        The result of ``sweep.compare(...)``.
    params : sequence of str
        The sweep's parameters, in order (``varied`` is sent as an index into them).
    key : str
        :func:`results_key` of the state the comparison was computed for.
    status : sequence of str, optional
        Status words of the compared rows (aligned with ``comparison.ids``) under the rule in
        force, e.g. a walk-wide :class:`~sweepwalk.ledger.Ledger`'s decisions; default: the
        comparison's own. The ``underpowered`` flags then follow these statuses.

    Returns
    -------
    dict
        JSON-able metadata with ``bytes`` buffers, as in ``docs/widget-protocol.md``.
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

    status_index = {s: i for i, s in enumerate(STATUSES)}
    shown = np.asarray(comparison.status if status is None else status, dtype=object)
    # dict look-ups over plain lists: pandas' map costs more than the rest of the payload
    codes = np.array([status_index.get(w, -1) for w in shown.tolist()], dtype=np.int64)
    if (codes < 0).any():
        unknown = sorted(map(str, set(shown[codes < 0].tolist())))
        raise ValueError(f"unknown status {unknown}; allowed: {list(STATUSES)}")
    param_index = {p: i for i, p in enumerate(params)}
    varied = np.array(
        [-1 if v is None else param_index.get(v, -1) for v in list(comparison.varied)],
        dtype=np.int64,
    )
    payload: dict[str, Any] = {
        "key": key,
        "target": target,
        "rows": _buffer(rows, "i4"),
        "status": _buffer(spread(codes, 0, "u1"), "u1"),
        "varied": _buffer(spread(varied, -1, "i2"), "i2"),
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
    flags = getattr(comparison, "underpowered", None)
    mde = getattr(comparison, "mde", None)
    if status is not None and mde is not None:
        flags = shown_underpowered(shown, mde, comparison.diff_mean)
    if flags is not None:
        payload["underpowered"] = _buffer(spread(np.asarray(flags, dtype=bool), 0, "u1"), "u1")
    return payload


# --------------------------------------------------------------------------- static HTML export
def _legend() -> str:
    items = []
    for status in (*STATUSES, "out"):
        strong, pale = STATUS_COLORS[status]
        items.append(
            f'<span style="display:inline-block;margin-right:10px">'
            f'<span style="display:inline-block;width:12px;height:12px;background:{pale};'
            f'border-left:4px solid {strong};vertical-align:middle"></span> {status}</span>'
        )
    return f'<div class="sweepwalk-legend" style="margin:4px 0">{"".join(items)}</div>'


def _format_p(p: float) -> str:
    """Format a p-value as the grid does: three decimals down to 0.001, then "3.2e-07"."""
    return "0" if p == 0 else f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"


def _format_num(x: float) -> str:
    return f"{x:.4g}"


def render_html(frame: pd.DataFrame, sweep: Sweep, title: str, max_rows: int = 1000) -> str:
    """Render a ``Comparison.to_frame()`` as a self-contained, status-coloured HTML table."""
    if max_rows < 1:
        raise ValueError(f"`max_rows` must be a positive integer, got {max_rows!r}.")
    total = len(frame)
    if total > max_rows:
        order = frame["pvalue_adj"].where(frame["status"] != "target", -1.0).fillna(np.inf)
        keep = np.sort(np.argsort(order.to_numpy(), kind="stable")[:max_rows])
        frame = frame.iloc[keep]
        title += f" · showing {max_rows} of {total} rows (the smallest adjusted p-values)"
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]

    def row_style(row: pd.Series) -> list[str]:
        strong, pale = STATUS_COLORS.get(str(row.get("status")), STATUS_COLORS["out"])
        cells = [f"background-color: {pale}; color: #1a1a1a"] * len(row)
        if "status" in row.index:
            cells[list(row.index).index("status")] += f"; font-weight: bold; color: {strong}"
        cells[0] += f"; border-left: 4px solid {strong}"
        return cells

    formats: dict[str, Any] = {str(p): _label for p in sweep.params}
    formats.update({c: _format_p for c in ("pvalue", "pvalue_adj")})
    formats.update({c: _format_num for c in ("mean", "median", "statistic", "diff_mean")})
    formats["effect"] = "{:.2f}"
    styler = (
        frame.style.apply(row_style, axis=1)
        .format(escape="html", na_rep="—", precision=4)
        .format({c: f for c, f in formats.items() if c in frame.columns}, escape="html", na_rep="—")
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_table_attributes('class="sweepwalk-table" style="border-collapse:collapse"')
        .set_table_styles([{"selector": "th, td", "props": "padding: 2px 6px"}])
    )
    caption = html.escape(f"{sweep.metric} ({sweep.goal}) · {title}")
    return (
        f'<div class="sweepwalk-static"><div style="font-weight:bold">{caption}</div>'
        f"{_legend()}{styler.to_html()}</div>"
    )
