"""One string names a sweep wherever it lives: the sources the CLI accepts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from .._vocab import SOURCE_FORMS
from ..sweep import Sweep
from ._folders import from_hydra, from_ray_tune
from ._frames import from_frame
from ._mlflow import from_mlflow
from ._optuna import from_optuna
from ._trackers import from_tensorboard


def _split(rest: str, scheme: str) -> tuple[str, str | None]:
    where, sep, name = rest.rpartition("#")
    if not sep:
        return rest, None
    if not where:
        raise ValueError(f"`spec`: {scheme}:#NAME needs the URI before '#'.")
    return where, name or None


def _folder_kind(path: Path) -> str:
    if any(path.glob("*/params.json")):
        return "ray_tune"
    if any(path.rglob(".hydra/overrides.yaml")):
        return "hydra"
    if any(path.rglob("*tfevents*")):
        return "tensorboard"
    if any(path.rglob("*.parquet")):
        return "parquet"
    raise ValueError(
        f"`spec`: cannot tell what {str(path)!r} holds: no trial folders with params.json (Ray "
        "Tune), no .hydra/overrides.yaml (Hydra), no tfevents files (TensorBoard), no .parquet."
    )


def refuse_wide_folder(path: Path) -> None:
    """Refuse the filesystem's root or the home folder: a search there walks everything."""
    try:
        resolved = path.resolve()
    except OSError:
        return
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        what = "the filesystem's root" if resolved == Path(resolved.anchor) else "the home folder"
        raise ValueError(
            f"`spec`: {str(path)!r} is {what}; name the sweep's own folder (searching it for "
            "runs would read every file below it)."
        )


def open_source(spec: str | Path, **kwargs: Any) -> Sweep:
    """Open a sweep named by one string, as the command line does.

    The forms are listed in :data:`SOURCE_FORMS`: ``optuna:STORAGE_URL#STUDY``,
    ``mlflow:TRACKING_URI#EXPERIMENT``, a CSV/TSV/Parquet file, a Parquet folder, a Ray Tune
    experiment folder, a Hydra multirun folder or a TensorBoard log folder. Keyword arguments go to
    the adapter (``metric``, ``seed``, ``params``, ``goal``, ``min_runs``...).

    Parameters
    ----------
    spec : str or pathlib.Path
        The source.
    **kwargs
        Passed to :func:`from_optuna`, :func:`from_mlflow`, :func:`from_ray_tune`,
        :func:`from_hydra`, :func:`from_tensorboard` or :func:`from_frame`.

    Returns
    -------
    Sweep

    Examples
    --------
    >>> sweep = open_source("optuna:sqlite:///sweep.db#lr-sweep")  # doctest: +SKIP
    >>> sweep = open_source("runs.csv", metric="acc", seed="seed")  # doctest: +SKIP
    """
    text = str(spec)
    if text.startswith("optuna:"):
        storage, study = _split(text[len("optuna:") :], "optuna")
        return from_optuna(storage, study, **kwargs)
    if text.startswith("mlflow:"):
        uri, experiment = _split(text[len("mlflow:") :], "mlflow")
        if experiment is None:
            raise ValueError("`spec`: mlflow:TRACKING_URI#EXPERIMENT needs the experiment.")
        return from_mlflow(experiment, tracking_uri=uri, **kwargs)
    path = Path(text).expanduser()
    refuse_wide_folder(path)
    if not path.exists():
        forms = "\n".join(f"  {form:42} {what}" for form, what in SOURCE_FORMS)
        raise FileNotFoundError(f"`spec`: no file or folder {text!r}. Sources:\n{forms}")
    if path.is_file() or _folder_kind(path) == "parquet":
        if "metric" not in kwargs:
            raise ValueError(f"`spec`: a table of runs ({text!r}) needs `metric=` (its column).")
    if path.is_file():
        return _open_file(path, text, **kwargs)
    read: Callable[..., Sweep] = _FOLDER_READERS.get(_folder_kind(path), from_frame)  # Parquet
    return read(path, **kwargs)


#: the reader of each kind of folder :func:`_folder_kind` tells apart
_FOLDER_READERS: dict[str, Callable[..., Sweep]] = {
    "ray_tune": from_ray_tune,
    "hydra": from_hydra,
    "tensorboard": from_tensorboard,
}


def _open_file(path: Path, text: str, **kwargs: Any) -> Sweep:
    """Read a runs table from a .csv, .tsv or .parquet file."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        frame = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
        return from_frame(frame, **kwargs)
    if suffix in (".parquet", ".pq"):
        return from_frame(path, **kwargs)
    raise ValueError(f"`spec`: {text!r} is not a .csv, .tsv or .parquet file.")
