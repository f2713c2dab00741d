"""Writing the command line's output: the coloured table and JSON of a comparison."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import IO, Any

import numpy as np
import pandas as pd
from pandas.api.types import is_float_dtype, is_numeric_dtype

from .. import _vocab
from ..session.html import value_label
from .safe import escape_controls, isatty, neutral_cell, use_color

__all__ = ["isatty", "plain", "to_json", "to_table", "use_color", "write_csv"]

STATUS_ORDER = _vocab.STATUSES
# ANSI SGR codes per status: better green, worse red, differs yellow, target bold, na dim.
STATUS_STYLE = {"target": "1", "better": "32", "worse": "31", "differs": "33", "na": "2"}


def plain(value: Any) -> Any:
    """Return a JSON-ready value: NaN/NA become None, numpy scalars Python scalars."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def to_json(frame: pd.DataFrame, meta: dict[str, Any]) -> str:
    """Render the comparison as JSON: ``meta`` plus ``rows``, one object per row."""
    records = frame.reset_index().to_dict(orient="records")
    rows = [{str(k): plain(v) for k, v in record.items()} for record in records]
    return json.dumps({**meta, "rows": rows}, indent=2, allow_nan=False)


# Too wide for a terminal table; --format csv/json carries them.
TABLE_HIDDEN = (
    "significant",
    "estimate_low",
    "estimate_high",
    "effect_low",
    "effect_high",
    "diff_mean_low",
    "diff_mean_high",
    "level",
    "min_pvalue",
    "reachable",
    "seeds_needed",
)


def to_table(frame: pd.DataFrame, params: Sequence[str], color: bool) -> str:
    """Render the comparison as a text table, rows coloured by ``status`` if ``color``.

    The interval and seed-count columns are left out (see ``TABLE_HIDDEN``); csv and json
    output carry every column.
    """
    shown = frame.drop(columns=[c for c in TABLE_HIDDEN if c in frame.columns])
    for name in params:  # continuous values with 3 significant digits, as in the grid
        if name in shown.columns and is_float_dtype(shown[name].dtype):
            column = shown[name]
            shown[name] = column.map(value_label).where(column.notna(), "absent")
    for name in shown.columns:
        column = shown[name]
        if column.isna().any() and (name in params or not is_numeric_dtype(column.dtype)):
            # An absent parameter reads as the word --target takes; other gaps (varied) as "-".
            fill = "absent" if name in params else "-"
            shown[name] = column.astype(object).where(column.notna(), fill)
    text = shown.to_string(float_format=lambda v: f"{v:.4g}", na_rep="-")
    # the data's own control characters escaped before the colour codes go in
    lines = [escape_controls(line.rstrip()) for line in text.splitlines()]
    if not color or "status" not in frame.columns:
        return "\n".join(lines)
    header_lines = len(lines) - len(frame)
    out = lines[:header_lines]
    for line, status in zip(lines[header_lines:], frame["status"], strict=True):
        style = STATUS_STYLE.get(str(status))
        out.append(f"\x1b[{style}m{line}\x1b[0m" if style else line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Commands


def write_csv(frame: pd.DataFrame, stream: IO[str]) -> None:
    """Write ``frame`` as CSV with every text cell a spreadsheet would run neutralised.

    Text values, column names and index values starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return get a leading ``'`` (:func:`sweepwalk.cli.safe.neutral_cell`); numbers,
    negative ones included, are written as they are.
    """
    out = frame.copy()
    for k in range(out.shape[1]):
        column = out.iloc[:, k]
        if not is_numeric_dtype(column.dtype):
            out.isetitem(k, column.map(neutral_cell))
    out.columns = [neutral_cell(c) for c in out.columns]
    out.index = out.index.map(neutral_cell)
    out.index.names = [neutral_cell(n) for n in frame.index.names]
    out.to_csv(stream)
