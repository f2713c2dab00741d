"""The settings of a comparison as one frozen value: the defaults written once, checked once.

A :class:`Settings` is what a :class:`~sweepwalk.Session` compares with besides the target; the
widget's traits, the command line's flags and the results payload's state are derived from it.
The defaults are written here and nowhere else: every public signature and CLI flag that takes a
setting reads its default from :data:`DEFAULTS` (and importance's correction from
:data:`IMPORTANCE_CORRECTION`), so a changed default is one edit.

This module imports only the vocabulary: the CLI reads the defaults for its ``--help`` without
loading numpy or pandas (the checks load with the first value that is not a default).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from .._vocab import Against, Correction, ErrorControl, Neighbors, Test

__all__ = ["DEFAULTS", "IMPORTANCE_CORRECTION", "USER_SETTINGS", "Settings"]

#: the settings a user sees and may change, in the order they are shown (the widget's synced
#: traits besides ``target``, the command line's flags); ``random_state`` is Python's only
USER_SETTINGS = ("test", "correction", "alpha", "against", "neighbors", "error_control")

#: importance's correction: it tests every neighbour pair of the sweep as one family, so false
#: discoveries are controlled by default (a target's own family defaults to ``"none"``)
IMPORTANCE_CORRECTION: Correction = "fdr_bh"


@functools.cache
def _checks() -> dict[str, Callable[[Any], Any]]:
    from ..validation import arguments as v

    return {
        "test": v.check_test,
        "correction": v.check_correction,
        "alpha": v.check_alpha,
        "against": v.check_against,
        "neighbors": v.check_neighbors,
        "error_control": v.check_error_control,
        "random_state": v.check_random_state,
    }


@dataclasses.dataclass(frozen=True)
class Settings:
    """How a target is compared: the test, the correction, the level and the rule.

    Each value is checked when the settings are made (a statsmodels alias of a correction,
    such as ``"h"``, becomes its name, ``"holm"``); a changed copy comes from :meth:`replace`.

    Parameters
    ----------
    test : {"ks", "mannwhitney", "welch", "permutation", "wilcoxon", "ttest_rel"}, default "ks"
        The two-sample test of each row against the target (see :meth:`Sweep.compare`).
    correction : str, default "none"
        The multiple-comparison correction within each target's family.
    alpha : float, default 0.05
        The significance level (per family, or walk-wide under ``error_control="walk"``).
    against : {"neighbors", "all"}, default "neighbors"
        Which configurations the target is compared with.
    neighbors : {"adjacent", "axis"}, default "adjacent"
        The neighbour rule.
    error_control : {"per-target", "walk"}, default "per-target"
        The rule that decides the statuses: each target's family on its own, or a walk-wide
        online FDR procedure (LOND at ``alpha``) over every test of the walk.
    random_state : optional, default 0
        Seed of the permutation tests (anything ``numpy.random.default_rng`` accepts).

    Examples
    --------
    >>> from sweepwalk.analysis.settings import Settings
    >>> Settings(correction="h").correction
    'holm'
    >>> Settings().replace(test="welch").test
    'welch'
    """

    test: Test = "ks"
    correction: Correction = "none"
    alpha: float = 0.05
    against: Against = "neighbors"
    neighbors: Neighbors = "adjacent"
    error_control: ErrorControl = "per-target"
    random_state: Any = 0

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if value is not field.default:  # a default is valid as written (test_settings.py)
                object.__setattr__(self, field.name, _checks()[field.name](value))

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Return settings made from ``values`` as a user gives them (each checked)."""
        return cls().replace(**values)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes`` applied (and checked)."""
        names = [field.name for field in dataclasses.fields(self)]
        unknown = sorted(set(changes) - set(names))
        if unknown:
            raise TypeError(f"unknown settings {unknown}; the settings are {names}.")
        return dataclasses.replace(self, **changes)

    def shown(self) -> dict[str, Any]:
        """Return the user-visible settings (:data:`USER_SETTINGS`) as a dict, in order."""
        return {name: getattr(self, name) for name in USER_SETTINGS}

    def compare_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``sweep.compare`` for these settings."""
        return {
            "against": self.against,
            "test": self.test,
            "correction": self.correction,
            "alpha": self.alpha,
            "neighbors": self.neighbors,
            "random_state": self.random_state,
        }

    def walk_kwargs(self) -> dict[str, Any]:
        """Return the keyword arguments of ``sweep.walk`` for these settings (no ledger)."""
        kwargs = self.compare_kwargs()
        del kwargs["against"]
        return kwargs


#: the default settings
DEFAULTS = Settings()
