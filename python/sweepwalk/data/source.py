"""How a sweep was read: the record every entry point leaves in ``sweep.runs.attrs["source"]``.

:meth:`Sweep.from_runs` records what it was given; the readers of :mod:`sweepwalk.io` record what
they inferred from the tool's files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SourceInfo"]

#: Words of the notes that change what was read (shown by the command line as it reads).
_ATTENTION = ("left out", "single run", "renamed", "still writing", "read together")


@dataclass(frozen=True)
class SourceInfo:
    """How an adapter read a sweep: what it took as metric, parameters and seed, and why.

    Attributes
    ----------
    source : str
        What was read, e.g. ``"optuna study 'lr-sweep' (sqlite:///sweep.db)"``.
    metric, seed, goal : str
        As passed to :meth:`Sweep.from_runs` (``seed`` may be None).
    params : tuple of str
        The parameter columns.
    n_runs : int
        Runs kept: rows of the long frame.
    dropped : dict of str to int
        Runs (or trials) left out, by reason (``"failed": 2``, ``"parent of nested runs": 1``).
    inferred : tuple of str
        Which of ``metric``, ``params``, ``seed``, ``goal`` were inferred rather than given.
    log_scale : tuple of str
        Parameters the source says are log-scaled (Optuna's ``log=True`` distributions).
    notes : tuple of str
        Anything else worth knowing (ignored columns, how seeds were found).
    """

    source: str
    metric: str
    params: tuple[str, ...]
    seed: str | None
    goal: str
    n_runs: int
    dropped: dict[str, int] = field(default_factory=dict)
    inferred: tuple[str, ...] = ()
    log_scale: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def attention(self) -> tuple[str, ...]:
        """The notes that change what was read: columns left out, renamed, runs cut short."""
        return tuple(n for n in self.notes if any(word in n for word in _ATTENTION))

    def __str__(self) -> str:
        def mark(name: str) -> str:
            return " (inferred)" if name in self.inferred else ""

        lines = [
            f"read {self.source}: {self.n_runs} runs",
            f"  metric: {self.metric!r}{mark('metric')}, goal: {self.goal!r}{mark('goal')}",
            f"  params: {list(self.params)}{mark('params')}",
            f"  seed: {self.seed!r}{mark('seed')}",
        ]
        if self.dropped:
            left = ", ".join(f"{n} {why}" for why, n in self.dropped.items())
            lines.append(f"  left out: {left}")
        if self.log_scale:
            lines.append(f"  log-scaled: {list(self.log_scale)}")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)
