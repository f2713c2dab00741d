"""The command line's SOURCE argument and ``--bins``: sweeps read where they live.

A table of runs (CSV/TSV/Parquet file, or CSV on stdin) is read by
:func:`sweepwalk.cli.app.read_runs` as before; every other source (a Parquet folder,
``optuna:URL#STUDY``, ``mlflow:URI#EXPERIMENT``, a Ray Tune, Hydra or TensorBoard folder) goes
through :func:`sweepwalk.io.open_source`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._vocab import SOURCE_FORMS

__all__ = ["is_table", "open_named_source", "parse_bins", "sources_help"]

#: Schemes that name a tracker, not a file.
SCHEMES = ("optuna:", "mlflow:")


def sources_help() -> str:
    """Return the SOURCE forms, one line each with an example (for ``--help``)."""
    width = max(len(form) for form, _ in SOURCE_FORMS)
    lines = [f"  {form:{width}}  {what}" for form, what in SOURCE_FORMS]
    return "SOURCE is one of:\n" + "\n".join(lines)


def is_table(spec: str) -> bool:
    """Whether SOURCE is a table of runs read by ``read_runs`` (a file, stdin, or not found).

    Anything that is not a tracker URL nor an existing folder is a table, so that a missing or
    misnamed file gets ``read_runs``' message.
    """
    if spec == "-":
        return True
    if spec.startswith(SCHEMES):
        return False
    return not Path(spec).expanduser().is_dir()


def parse_bins(text: str | None, error: type[Exception]) -> dict[str, int | str] | None:
    """Parse ``--bins lr=8,weight_decay=auto`` into ``{"lr": 8, "weight_decay": "auto"}``."""
    if text is None:
        return None
    bins: dict[str, int | str] = {}
    for item in filter(None, (x.strip() for x in text.split(","))):
        name, sep, value = item.partition("=")
        value = value.strip()
        count = value.isascii() and value.isdigit()  # not '²': str.isdigit takes it
        if not sep or not name.strip() or not (value == "auto" or count):
            raise error(
                f"--bins: {item!r} is not NAME=COUNT or NAME=auto (e.g. --bins lr=8,wd=auto)"
            )
        bins[name.strip()] = "auto" if value == "auto" else int(value)
    if not bins:
        raise error("--bins: give at least one NAME=COUNT or NAME=auto")
    return bins


def open_named_source(spec: str, **kwargs: Any) -> Any:
    """Open a non-table SOURCE with :func:`sweepwalk.io.open_source`; None keywords left out."""
    from ..io import open_source  # loaded only to read: --help needs none of it

    return open_source(spec, **{k: x for k, x in kwargs.items() if x is not None})
