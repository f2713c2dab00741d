"""The command line's user error: one line on standard error, exit code 2.

A module of its own, importing nothing, so that ``sweepwalk --version`` and ``--help`` load no
statistics stack.
"""

from __future__ import annotations


class CLIError(Exception):
    """A user error: printed as one line on stderr, exit code 2."""
