"""Static HTML export of a comparison: a status-coloured table that needs no JavaScript.

Used by ``Session.to_html`` (and so ``SweepWidget.to_html``) for nbconvert and sharing. Every
text from the data is HTML-escaped. Scores are one float per seed per configuration.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ._validation import check_int
from ._vocab import STATUSES

if TYPE_CHECKING:
    from .sweep import Sweep

__all__ = ["STATUS_COLORS", "render_html", "value_label"]

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
    check_int(max_rows, "max_rows", minimum=1)
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

    formats: dict[str, Any] = {str(p): value_label for p in sweep.params}
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
