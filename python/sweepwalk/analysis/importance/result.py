"""The result of :func:`sweepwalk.analysis.importance.importance`: per-parameter counts, verdicts.

Scores are one float per seed per configuration; the counts are of neighbour pairs along each
parameter (see the importance module). ``to_frame()`` gives the table pandas users read.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Importance"]

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Importance:
    """Which parameters matter: importance's pair counts and verdict per parameter.

    Every array has one entry per parameter, in ``params`` order. ``matters``,
    ``negligible`` and ``inconclusive`` split the ``tested`` pairs (see
    :func:`~sweepwalk.analysis.importance.importance`, Returns, for each column); ``where``
    names the levels of another parameter that hold every pair that matters ("" when none
    or all do), and ``verdict`` is the verdict in words. The settings and ``notes`` (facts
    worth telling, e.g. a default margin) come with it.
    """

    params: tuple[Hashable, ...]
    pairs: Ints
    tested: Ints
    too_few_runs: Ints
    significant: Ints
    matters: Ints
    negligible: Ints
    median_abs_effect: npt.NDArray[np.float64]
    where: tuple[str, ...]
    verdict: tuple[str, ...]
    test: str
    correction: str
    alpha: float
    neighbors: str
    margin: float
    margin_source: str
    target: int | None = None
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.params)

    @property
    def inconclusive(self) -> Ints:
        """Tested pairs neither significant-and-not-equivalent nor equivalent."""
        return self.tested - self.matters - self.negligible

    @property
    def family(self) -> int:
        """Number of tests corrected together (every tested pair)."""
        return int(self.tested.sum())

    def _share(self, n: Ints) -> npt.NDArray[np.float64]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.tested > 0, n / np.maximum(self.tested, 1), np.nan)

    def to_frame(self) -> pd.DataFrame:
        """Return the table indexed by parameter (index name ``param``), settings in attrs.

        Columns: ``pairs``, ``tested``, ``too_few_runs``, ``significant``, ``equivalent``
        (= ``negligible``), ``matters``, ``negligible``, ``inconclusive``, their
        ``share_*`` (of ``tested``; NaN when nothing was tested), ``median_abs_effect``,
        ``where`` and ``verdict``. ``attrs``: test, correction, alpha, neighbors, margin,
        margin_source, target, family and notes.
        """
        frame: pd.DataFrame = pd.DataFrame(
            {
                "pairs": self.pairs,
                "tested": self.tested,
                "too_few_runs": self.too_few_runs,
                "significant": self.significant,
                "equivalent": self.negligible,
                "matters": self.matters,
                "negligible": self.negligible,
                "inconclusive": self.inconclusive,
                "share_matters": self._share(self.matters),
                "share_negligible": self._share(self.negligible),
                "share_inconclusive": self._share(self.inconclusive),
                "share_significant": self._share(self.significant),
                "median_abs_effect": self.median_abs_effect,
                "where": list(self.where),
                "verdict": list(self.verdict),
            },
            index=pd.Index(list(self.params), name="param", tupleize_cols=False),
        )
        frame.attrs.update(
            test=self.test,
            correction=self.correction,
            alpha=self.alpha,
            neighbors=self.neighbors,
            margin=self.margin,
            margin_source=self.margin_source,
            target=self.target,
            family=self.family,
            notes=self.notes,
        )
        return frame
