r"""Text from the data never drives the terminal, and CSV cells never run as formulas.

Parameter names and values, metric names, notes and error messages come from the user's files.
An escape sequence among them (OSC 52 writes the clipboard, OSC 0 the window title, CSI 2J clears
the screen) would be obeyed by the terminal; every stream the command line writes goes through
:class:`SafeStream`, which shows control characters escaped (``\x1b``) whatever ``--color`` says.
Only the colour codes sweepwalk writes itself pass, and only when colour is on. Spreadsheets run
a cell that starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return as a formula; such text
cells get a leading ``'`` (:func:`neutral_cell`), as OWASP's CSV-injection guidance advises.

References
----------
.. [1] OWASP, "CSV Injection". https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

import os
import re
from typing import IO, Any

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides that can
# make a line read differently from what it holds
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: The colour codes sweepwalk writes to stdout (SGR: status colours and reset); the table's own
#: text was escaped before they were added.
COLOUR_CODES = re.compile(r"\x1b\[[0-9]{0,2}m")
#: What the progress bar writes to stderr: a carriage return to redraw, an erase-line.
PROGRESS_CODES = re.compile(r"\r\x1b\[K|^\r")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_controls(text: str) -> str:
    r"""Return ``text`` with every control character shown as its escape (``\x1b``)."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def neutral_cell(value: Any) -> Any:
    """Return a text cell that a spreadsheet would run as a formula with a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeStream:
    """A text stream that escapes control characters in all it is given to write.

    Parameters
    ----------
    stream : text stream
        Where the text goes (``sys.stdout``, ``sys.stderr``).
    own_codes : re.Pattern, optional
        The codes sweepwalk itself writes there, let through: :data:`COLOUR_CODES` on stdout
        when colour is on, :data:`PROGRESS_CODES` on stderr; None lets nothing through.
    """

    def __init__(self, stream: IO[str], own_codes: re.Pattern[str] | None = None) -> None:
        self.stream = stream
        self.own_codes = own_codes

    def write(self, text: str) -> int:
        """Write ``text`` with its control characters escaped (sweepwalk's own codes kept)."""
        if self.own_codes is None:
            return self.stream.write(escape_controls(text))
        pieces, last = [], 0
        for match in self.own_codes.finditer(text):
            pieces += [escape_controls(text[last : match.start()]), match.group()]
            last = match.end()
        return self.stream.write("".join([*pieces, escape_controls(text[last:])]))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)  # flush, isatty, fileno, encoding...


def use_color(mode: str, stream: IO[str]) -> bool:
    """Colour when asked to, or (``auto``) when ``stream`` is a terminal and NO_COLOR is unset."""
    if mode != "auto":
        return mode == "always"
    if os.environ.get("NO_COLOR", ""):
        return False
    return isatty(stream)


def isatty(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal."""
    method = getattr(stream, "isatty", None)
    return bool(method and method())
