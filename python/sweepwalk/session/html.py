"""Static HTML export of a comparison: a status-coloured table that needs no JavaScript.

Used by ``Session.to_html`` (and so ``SweepWidget.to_html``) for nbconvert and sharing. Every
text from the data is HTML-escaped. Scores are one float per seed per configuration.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._vocab import STATUSES
from ..analysis.guidance import default_basis
from ..validation.arguments import check_int

if TYPE_CHECKING:
    from ..sweep import Sweep

__all__ = [
    "STATUS_COLORS",
    "UNDERPOWERED_MARK",
    "format_num",
    "format_p",
    "render_html",
    "value_label",
]

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


def value_label(value: object) -> str:
    """Display text of one parameter value (rendered with ``textContent`` by the frontend).

    Continuous values read with 3 significant digits (``0.00158``, not
    ``0.0015786055309905441``); whole numbers in full.
    """
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if x.is_integer() and abs(x) < 1e15:
            return str(int(x))
        return f"{x:.3g}"
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


#: how the static table names a status in its legend (``out``: outside the comparison)
_LEGEND_WORDS = {**{status: status for status in STATUSES}, "out": "not compared"}
#: marks the status of a row whose test could not have detected the effect of interest
UNDERPOWERED_MARK = "◔"
#: the statistics that lead the table, right after the status, in this order
_LEAD = ("estimate", "pvalue_adj", "effect")
#: the statistics after the parameters (those the comparison has), in this order
_TRAIL = ("n", "mean", "median", "pvalue", "statistic", "varied", "mde", "seeds_needed")


def _legend() -> str:
    items = []
    for status, word in _LEGEND_WORDS.items():
        strong, pale = STATUS_COLORS[status]
        items.append(
            f'<span style="display:inline-block;margin-right:10px">'
            f'<span style="display:inline-block;width:12px;height:12px;background:{pale};'
            f'border-left:4px solid {strong};vertical-align:middle"></span> {word}</span>'
        )
    items.append(f"<span>{UNDERPOWERED_MARK} underpowered (could not detect the effect)</span>")
    return f'<div class="sweepwalk-legend" style="margin:4px 0">{"".join(items)}</div>'


def _exponent(text: str) -> str:
    """Drop the exponent's plus sign and zero padding, as JavaScript writes it: "7.4e-7"."""
    mantissa, _, exponent = text.partition("e")
    return f"{mantissa}e{int(exponent)}"


def format_num(x: float, digits: int = 3) -> str:
    """Format a number as the grid does: ``digits`` significant digits, "1.2e-5" when tiny."""
    if x is None or np.isnan(x):
        return "—"
    if np.isinf(x):
        return "∞" if x > 0 else "−∞"
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e6 or ax < 1e-4:
        return _exponent(f"{x:.{max(0, digits - 2)}e}")
    if ax >= 10**digits:
        return str(round(x))
    return f"{x:#.{digits}g}".rstrip(".")


def format_p(p: float) -> str:
    """Format a p-value: three significant digits down to 0.001, then "7.4e-7"."""
    if p is None or not np.isfinite(p):
        return "—"
    if p == 0:
        return "0"
    return format_num(p, 3) if p >= 0.001 else _exponent(f"{p:.1e}")


def _interval(row: pd.Series, name: str) -> str:
    low, high = row.get(f"{name}_low", np.nan), row.get(f"{name}_high", np.nan)
    value = format_num(row[name])
    if pd.isna(low) or pd.isna(high):
        return value
    return f"{value} [{format_num(low)}, {format_num(high)}]"


#: how the trailing columns are written (the others: :func:`format_num`)
_TRAIL_FORMATS: dict[str, Callable[[Any], str]] = {
    "pvalue": format_p,
    "n": lambda x: "—" if pd.isna(x) else str(int(x)),
    "seeds_needed": lambda x: "—" if pd.isna(x) else str(int(x)),
    "varied": lambda x: "" if pd.isna(x) else str(x),
}


def _display_frame(frame: pd.DataFrame, sweep: Sweep) -> pd.DataFrame:
    """Return the comparison as display strings: status and key statistics first, then params."""
    params = list(sweep.params)  # 0 and ("a", "b") are names too: read as named, shown as text
    shown: dict[str, pd.Series] = {}
    status = frame["status"].astype(str)
    if "underpowered" in frame.columns:
        marked = frame["underpowered"].fillna(False).astype(bool)
        status = status.where(~marked, status + f" {UNDERPOWERED_MARK}")
    shown["status"] = status
    rows = frame.iterrows
    for name in _LEAD:
        if name not in frame.columns:
            continue
        if name == "pvalue_adj":
            shown[name] = frame[name].map(format_p)
        else:
            shown[name] = pd.Series({i: _interval(row, name) for i, row in rows()}, dtype=object)
    for name in params:  # names that print alike were refused when the sweep was built
        shown[str(name)] = frame[name].map(lambda x: "—" if pd.isna(x) else value_label(x))
    for name in _TRAIL:
        if name in frame.columns:
            shown[name] = frame[name].map(_TRAIL_FORMATS.get(name, format_num))
    out: pd.DataFrame = pd.DataFrame(shown, index=frame.index)
    out.index.name = frame.index.name
    return out


_CELL_CSS = "padding: 2px 6px; white-space: nowrap; vertical-align: middle"
#: the columns written as numbers (right-aligned, as in the grid); parameters read as text
_NUMERIC = frozenset(("estimate", "pvalue_adj", "effect", *_TRAIL)) - {"varied"}


def render_html(frame: pd.DataFrame, sweep: Sweep, title: str, max_rows: int = 1000) -> str:
    """Render a ``Comparison.to_frame()`` as a self-contained, status-coloured HTML table.

    The columns are the status (with the underpowered mark), the estimate with its interval,
    ``pvalue_adj``, the effect with its interval, the parameters, then ``n``, ``mean``,
    ``median``, ``pvalue``, ``statistic``, ``varied``, ``mde`` and ``seeds_needed``; numbers
    have three significant digits and small p-values read like "7.4e-7", as in the grid.
    """
    check_int(max_rows, "max_rows", minimum=1)
    total = len(frame)
    if total > max_rows:
        order = frame["pvalue_adj"].where(frame["status"] != "target", -1.0).fillna(np.inf)
        keep = np.sort(np.argsort(order.to_numpy(), kind="stable")[:max_rows])
        frame = frame.iloc[keep]
        title += f" · showing {max_rows} of {total} rows (the smallest adjusted p-values)"
    status_of = {config: str(status) for config, status in frame["status"].items()}
    shown = _display_frame(frame, sweep)

    numeric = [name in _NUMERIC for name in shown.columns]

    def row_style(row: pd.Series) -> list[str]:
        strong, pale = STATUS_COLORS.get(status_of.get(row.name, "out"), STATUS_COLORS["out"])
        cells = [
            f"background-color: {pale}; color: #1a1a1a; text-align: {'right' if num else 'left'}"
            for num in numeric
        ]
        cells[0] += f"; font-weight: bold; color: {strong}; border-left: 4px solid {strong}"
        return cells

    styler = (
        shown.style.apply(row_style, axis=1)
        .format(escape="html", na_rep="—")
        .format_index(escape="html", axis=0)
        .format_index(escape="html", axis=1)
        .set_table_attributes('class="sweepwalk-table" style="border-collapse:collapse"')
        .set_table_styles(
            [
                {"selector": "th, td", "props": _CELL_CSS},
                # a host's table styles stop here (VS Code's notebook: zebra rows, a grey
                # header, every cell right-aligned); each cell says how it is aligned
                {"selector": "thead, tbody, tr", "props": "background-color: transparent"},
                {"selector": "th", "props": "text-align: left"},
            ]
        )
    )
    caption = html.escape(f"{sweep.metric} ({sweep.goal}) · {title}")
    a = frame.attrs  # the difference seeds_needed answers, next to it
    basis = (
        default_basis(a["effect_of_interest"], a["effect_of_interest_source"])
        if "effect_of_interest" in a
        else ""
    )
    return (
        f'<div class="sweepwalk-static"><div style="font-weight:bold">{caption}</div>'
        f"{_legend()}{styler.to_html()}<div>{html.escape(basis)}</div></div>"
    )
