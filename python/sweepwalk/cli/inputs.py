"""Reading the command line's input: runs files (CSV/TSV/Parquet, NA-like strings) and targets.

Every error is a :class:`CLIError`, printed by :mod:`sweepwalk.cli.app` as one line naming the file
or the flag.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .errors import CLIError

ABSENT_WORDS = frozenset({"absent", "nan", "none", "null", "na", ""})
RUNS_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".parquet", ".pq")


NA_STRINGS = ("None", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "<NA>", "#N/A", "-NaN")


def read_runs(
    path: str,
    *,
    keep_na_strings: bool = False,
    notes: list[str] | None = None,
    ignore: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a long-format runs table from a CSV or Parquet file (``-`` reads CSV from stdin).

    Every problem with the file is a :class:`CLIError` naming it. With ``keep_na_strings``, the
    strings pandas reads as missing (``None``, ``NA``, ``null``, ``N/A``, ...) stay values and only
    empty cells are missing; without it, a column (other than ``ignore``) where several such
    spellings became the same missing value gets a line in ``notes``.
    """
    check = _NaCheck(notes, tuple(ignore))
    label = "RUNS - (stdin)" if path == "-" else f"RUNS {path!r}"
    if path == "-":
        source: Any = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else sys.stdin
        data = source.read()
        raw = data if isinstance(data, bytes) else data.encode()
        return _read_csv_bytes(raw, label, ",", keep_na_strings, check)
    file = Path(path)
    name = file.name.lower()
    if not name.endswith(RUNS_SUFFIXES):
        raise CLIError(
            f"RUNS {path!r}: unknown file type; expected one of {', '.join(RUNS_SUFFIXES)}"
        )
    if not file.is_file():
        raise CLIError(f"RUNS {path!r}: no such file")
    if name.endswith((".parquet", ".pq")):
        try:
            frame = pd.read_parquet(file)
        except ImportError as error:
            raise CLIError(f"RUNS {path!r}: reading Parquet needs pyarrow ({error})") from None
        except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
            raise CLIError(f"{label}: not a readable Parquet file ({_first_line(error)})") from None
        return _non_empty(_flat_names(frame, label), label)
    try:
        raw = file.read_bytes()
        if name.endswith(".gz"):
            import gzip

            raw = gzip.decompress(raw)
    except OSError as error:  # gzip.BadGzipFile is an OSError
        raise CLIError(f"{label}: cannot be read ({_first_line(error)})") from None
    sep = "\t" if name.endswith(".tsv") else ","
    return _read_csv_bytes(raw, label, sep, keep_na_strings, check)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class _NaCheck:
    """Where to report merged NA spellings (``notes``), and which columns not to report."""

    def __init__(self, notes: list[str] | None, ignore: tuple[str, ...]) -> None:
        self.notes = notes
        self.ignore = ignore


def _read_csv_bytes(
    raw: bytes, label: str, sep: str, keep_na_strings: bool, check: _NaCheck
) -> pd.DataFrame:
    if not raw.strip():
        raise CLIError(f"{label}: the file is empty; expected a header line and one row per run")
    if b"\x00" in raw[:65536]:
        raise CLIError(f"{label}: binary data (NUL bytes), not a CSV/TSV text table")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CLIError(
            f"{label}: not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); "
            "expected a CSV/TSV table saved as UTF-8"
        ) from None
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])
    except csv.Error:  # e.g. a lone carriage return: pandas judges the file below
        header = []
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:  # pandas would rename the second one to 'name.1' silently
        raise CLIError(f"{label}: duplicate column names in the header: {', '.join(dupes)}")
    options: dict[str, Any] = {"sep": sep}
    if keep_na_strings:
        options.update(keep_default_na=False, na_values=[""])
    try:
        frame = pd.read_csv(io.StringIO(text), **options)
        gaps = [c for c in frame.columns[frame.isna().any().to_numpy()] if c not in check.ignore]
        if not keep_na_strings and check.notes is not None and gaps:
            kept = pd.read_csv(
                io.StringIO(text), sep=sep, keep_default_na=False, dtype=str, usecols=gaps
            )
            check.notes.extend(_merged_na_notes(frame[gaps], kept, label))
    except pd.errors.ParserError as error:
        detail = _first_line(error).replace("Error tokenizing data. C error: ", "")
        raise CLIError(f"{label}: malformed CSV ({detail})") from None
    except pd.errors.EmptyDataError:
        raise CLIError(f"{label}: no header line; expected column names first") from None
    return _non_empty(frame, label)


def _merged_na_notes(frame: pd.DataFrame, kept: pd.DataFrame, label: str) -> list[str]:
    """One line per column where different NA-like spellings were all read as missing."""
    out = []
    for name in frame.columns:
        missing = frame[name].isna().to_numpy()
        if not missing.any():
            continue
        spellings = sorted(set(kept[name].to_numpy()[missing].tolist()))
        if len(spellings) > 1:
            shown = ", ".join("'' (empty)" if s == "" else repr(s) for s in spellings)
            out.append(
                f"{label}: column {name!r}: {shown} were all read as missing (absent) and are "
                "one value now; pass --keep-na-strings to keep the strings as values"
            )
    return out


def _flat_names(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """Parquet MultiIndex columns become 'level0.level1' names (the command line needs text)."""
    if not isinstance(frame.columns, pd.MultiIndex):
        return frame
    names = [".".join(str(x) for x in col if str(x) != "") for col in frame.columns]
    if len(set(names)) < len(names):
        raise CLIError(f"{label}: its MultiIndex column names collide once joined with '.'")
    flat: pd.DataFrame = frame.set_axis(names, axis=1)
    return flat


def _non_empty(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    if len(frame) == 0:
        columns = ", ".join(str(c) for c in frame.columns)
        raise CLIError(f"{label}: no rows, only the header ({columns}); a sweep needs runs")
    return frame


def split_list(text: str) -> list[str]:
    """Split ``"a,b, c"`` into ``["a", "b", "c"]``."""
    items = [item.strip() for item in text.split(",")]
    if not all(items):
        raise CLIError(f"--params {text!r}: empty column name; expected e.g. 'lr,solver'")
    return items


def split_target(text: str, params: Sequence[str]) -> list[tuple[str, str]]:
    """Split ``"a=1,b=x"`` into ``[("a", "1"), ("b", "x")]``.

    A comma only starts a new item when the text after it is ``<parameter>=``, so values may
    themselves contain commas (``"layers=(64, 64),lr=0.1"``).
    """
    pieces = text.split(",")
    items: list[str] = []
    for piece in pieces:
        key = piece.split("=", 1)[0].strip()
        if items and ("=" not in piece or key not in params):
            items[-1] += "," + piece
        else:
            items.append(piece)
    pairs = []
    for item in items:
        if "=" not in item:
            raise CLIError(
                f"--target {text!r}: expected name=value pairs separated by commas "
                f"(parameters: {', '.join(params)}) or a config id"
            )
        key, value = item.split("=", 1)
        pairs.append((key.strip(), value.strip()))
    return pairs


def parse_value(text: str, column: pd.Series, name: str) -> Any:
    """Parse one ``--target`` value to the dtype of the runs column ``name``.

    A present value printed exactly as ``text`` wins over the words for absent, so with
    ``--keep-na-strings`` a solver called "None" can be the target.
    """
    dtype = column.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype)
    if text.lower() in ABSENT_WORDS:
        found = _NOT_FOUND if numeric else _printed_as(column, text)
        return None if found is _NOT_FOUND else found
    if pd.api.types.is_bool_dtype(dtype):
        return _parse_bool(text, name)
    if numeric:
        return _parse_number(text, name, integer=pd.api.types.is_integer_dtype(dtype))
    # Text or mixed column: match a present value by its printed form, else keep the text.
    found = _printed_as(column, text)
    return text if found is _NOT_FOUND else found


_NOT_FOUND = object()


def _printed_as(column: pd.Series, text: str) -> Any:
    """Return the present value of ``column`` printed exactly as ``text``, or ``_NOT_FOUND``."""
    for value in column.dropna().unique():
        if str(value) == text:
            return value.item() if isinstance(value, np.generic) else value
    return _NOT_FOUND


def _parse_bool(text: str, name: str) -> bool:
    lowered = text.lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise CLIError(f"--target {name}={text}: column {name!r} is boolean; use true or false")


def _parse_number(text: str, name: str, *, integer: bool) -> int | float:
    try:
        number = float(text)
    except ValueError:
        raise CLIError(
            f"--target {name}={text}: column {name!r} is numeric; give a number or 'absent'"
        ) from None
    return int(number) if integer and number.is_integer() else number


def parse_target(text: str, runs: pd.DataFrame, params: Sequence[str]) -> int | dict[str, Any]:
    """Parse ``--target``: a config id (``"17"``) or ``"name=value,..."`` typed per column."""
    stripped = text.strip()
    if stripped.isascii() and stripped.isdigit():  # not '５' or '²': str.isdigit takes them
        return int(stripped)
    if stripped.startswith("-") and stripped[1:].isascii() and stripped[1:].isdigit():
        raise CLIError(f"--target {text!r}: a config id is an integer >= 0")
    if not stripped.isprintable():
        bad = next(ch for ch in stripped if not ch.isprintable())
        raise CLIError(
            f"--target {text!r}: contains the unprintable character {bad!r}; "
            "expected name=value pairs or a config id"
        )
    target: dict[str, Any] = {}
    for key, value in split_target(stripped, params):
        if key not in params:
            raise CLIError(f"--target: {key!r} is not a parameter; parameters: {', '.join(params)}")
        if key in target:
            raise CLIError(f"--target: parameter {key!r} given twice")
        target[key] = parse_value(value, runs[key], key)
    return target


# ---------------------------------------------------------------------------------------------
# Output
