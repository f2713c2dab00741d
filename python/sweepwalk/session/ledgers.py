"""A session's ledger bookkeeping: one ledger per rule, and the rule's statuses in a frame.

Scores are one float per seed per configuration. :class:`LedgerKeeper` starts a fresh
:class:`~sweepwalk.analysis.ledger.Ledger` whenever the rule, alpha or test changes (a walk-wide
guarantee holds only from the first test decided under one rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..analysis.ledger import Ledger
from ..validation import arguments as v

if TYPE_CHECKING:
    from ..analysis.settings import Settings

__all__ = ["LEDGER_METHOD", "LedgerKeeper"]

#: the online procedure of the walk-wide ledger (see :class:`~sweepwalk.analysis.ledger.Ledger`)
LEDGER_METHOD = "lond"


class LedgerKeeper:
    """One :class:`Ledger` per (rule, alpha, test), fresh when any of them changes.

    A walk-wide guarantee holds for the tests decided under one rule from the first one on, so
    the tests of an earlier rule, alpha or test cannot be carried over. :attr:`reason` says why
    the current ledger started; :attr:`generation` counts the ledgers started.
    """

    def __init__(self) -> None:
        self.ledger: Ledger | None = None
        self.settings: tuple[str, float, str] | None = None
        self.generation = 0
        self.reason = ""

    def ensure_for(self, settings: Settings) -> Ledger:
        """Return the ledger for ``settings`` (its rule, alpha and test): :meth:`ensure`."""
        return self.ensure(settings.error_control, settings.alpha, settings.test)

    def ensure(self, error_control: str, alpha: float, test: str) -> Ledger:
        """Return the ledger for these settings, starting a fresh one when they changed."""
        settings = (str(error_control), float(alpha), str(test))
        if self.ledger is not None and settings == self.settings:
            return self.ledger
        if self.ledger is not None and self.settings is not None:
            changed = [
                f"{name} {old!r} → {new!r}"
                for name, old, new in zip(
                    ("rule", "alpha", "test"), self.settings, settings, strict=True
                )
                if old != new
            ]
            self.reason = (
                f"{', '.join(changed)}: a fresh ledger started "
                f"(the previous one had {len(self.ledger)} tests)"
            )
        self.ledger = Ledger(
            v.check_error_control(settings[0]), method=LEDGER_METHOD, alpha=settings[1]
        )
        self.settings = settings
        self.generation += 1
        return self.ledger
