"""The ``sweepwalk`` command line: report, importance, walk."""

from .app import main

__all__ = ["main"]
