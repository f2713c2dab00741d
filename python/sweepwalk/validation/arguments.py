"""Boundary validation for sweepwalk: one place, clear messages.

Every argument of every public function, constructor, CLI flag and trait is checked here, so the
same argument accepts the same values everywhere (numpy scalars included). Every message names the
argument or column at fault and lists the allowed values, in the manner of scipy's
``_mwu_input_validation``.

The checks of the frame itself (its columns, values and rows) live in
:mod:`sweepwalk.validation.frame` and are re-exported here: callers import this module only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any, Literal, cast, overload

import numpy as np

from .. import _vocab
from .._vocab import Against, Correction, ErrorControl, Goal, Neighbors, Test
from .frame import (
    RESERVED,
    RESULT_COLUMNS,
    STAT_COLUMNS,
    SweepKeyError,
    arrow_to_pandas,
    bools_apart,
    bools_back,
    check_column,
    check_config_column,
    check_duplicate_runs,
    check_frame,
    check_not_reserved,
    check_params,
    infer_params,
    is_arrow_stream,
    is_number,
    list_scores,
    looks_like_metric,
    match_values,
    metric_array,
    run_level_columns,
)

__all__ = [
    "GOALS",
    "NEIGHBOR_MODES",
    "RESERVED",
    "RESULT_COLUMNS",
    "STAT_COLUMNS",
    "SweepKeyError",
    "arrow_to_pandas",
    "bools_apart",
    "bools_back",
    "check_against",
    "check_alpha",
    "check_callable",
    "check_choice",
    "check_column",
    "check_config_column",
    "check_config_id",
    "check_config_ids",
    "check_correction",
    "check_duplicate_runs",
    "check_error_control",
    "check_frame",
    "check_goal",
    "check_int",
    "check_level",
    "check_min_runs",
    "check_mode",
    "check_neighbors",
    "check_no_kwargs",
    "check_not_reserved",
    "check_params",
    "check_positive",
    "check_random_state",
    "check_test",
    "infer_params",
    "is_arrow_stream",
    "is_number",
    "list_scores",
    "looks_like_metric",
    "match_values",
    "metric_array",
    "one_seed",
    "run_level_columns",
]

GOALS = _vocab.GOALS
NEIGHBOR_MODES = _vocab.NEIGHBORS

#: statsmodels' ``multipletests`` aliases (lower case) -> the vocabulary's name of the method
_CORRECTION_ALIASES: dict[str, str] = {
    **{name: name for name in _vocab.CORRECTIONS},
    "b": "bonferroni",
    "bonf": "bonferroni",
    "s": "sidak",
    "h": "holm",
    "hs": "holm-sidak",
    "sh": "simes-hochberg",
    "ho": "hommel",
    "fdr_i": "fdr_bh",
    "fdr_p": "fdr_bh",
    "fdri": "fdr_bh",
    "fdrp": "fdr_bh",
    "fdr_n": "fdr_by",
    "fdr_c": "fdr_by",
    "fdrn": "fdr_by",
    "fdrcorr": "fdr_by",
    "fdr_2sbh": "fdr_tsbh",
    "fdr_2sbky": "fdr_tsbky",
    "fdr_twostage": "fdr_tsbky",
    "lfdr_sl": "lfdr",
}


def _allowed_text(allowed: Iterable[Any]) -> str:
    return "{" + ", ".join(repr(a) for a in allowed) + "}"


def check_choice(value: Any, name: str, allowed: Sequence[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise a ValueError listing them."""
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(f"`{name}` must be one of {_allowed_text(allowed)}, got {value!r}.")
    return str(value)


def check_test(test: Any, name: str = "test") -> Test:
    """Validate a two-sample test name (one of :data:`sweepwalk._vocab.TESTS`)."""
    return cast(Test, check_choice(test, name, _vocab.TESTS))


def check_against(against: Any, name: str = "against") -> Against:
    """Validate ``against`` ("neighbors" or "all")."""
    return cast(Against, check_choice(against, name, _vocab.AGAINST))


def check_neighbors(mode: Any, name: str = "neighbors") -> Neighbors:
    """Validate a neighbour mode ("adjacent" or "axis")."""
    return cast(Neighbors, check_choice(mode, name, _vocab.NEIGHBORS))


def check_goal(goal: Any, name: str = "goal") -> Goal:
    """Validate ``goal`` ("max" or "min")."""
    return cast(Goal, check_choice(goal, name, _vocab.GOALS))


def check_error_control(error_control: Any, name: str = "error_control") -> ErrorControl:
    """Validate ``error_control`` ("per-target" or "walk")."""
    return cast(ErrorControl, check_choice(error_control, name, _vocab.ERROR_CONTROLS))


def check_correction(correction: Any, name: str = "correction") -> Correction:
    """Return the vocabulary's name of a correction.

    Accepts ``"none"`` (any case) and every name or alias of statsmodels' ``multipletests``
    (``"h"`` gives ``"holm"``, ``"fdr_i"`` gives ``"fdr_bh"``), case-insensitively.
    """
    if isinstance(correction, str):
        found = _CORRECTION_ALIASES.get(correction.strip().lower())
        if found is not None:
            return cast(Correction, found)
    raise ValueError(
        f"`{name}` must be one of {_allowed_text(_vocab.CORRECTIONS)} (or a statsmodels "
        f"multipletests alias), got {correction!r}."
    )


def check_alpha(alpha: Any, name: str = "alpha") -> float:
    """Validate a significance level: a real number strictly between 0 and 1.

    numpy scalars are accepted; bools, NaN and strings are not.
    """
    ok = isinstance(alpha, numbers.Real) and not isinstance(alpha, (bool, np.bool_))
    if not ok or not math.isfinite(float(alpha)) or not 0 < float(alpha) < 1:
        raise ValueError(
            f"`{name}` must be a number strictly between 0 and 1, got {alpha!r} "
            f"(0 < {name} < 1 is required)."
        )
    return float(alpha)


def check_level(level: Any, name: str = "ci") -> float | None:
    """Validate a confidence level: None, or a number strictly between 0 and 1."""
    if level is None:
        return None
    return check_alpha(level, name)


@overload
def check_int(
    value: Any, name: str, *, minimum: int = 0, allow_none: Literal[False] = False
) -> int: ...
@overload
def check_int(value: Any, name: str, *, minimum: int = 0, allow_none: bool) -> int | None: ...
def check_int(value: Any, name: str, *, minimum: int = 0, allow_none: bool = False) -> int | None:
    """Validate an integer argument ``>= minimum`` (numpy integers accepted, bools refused)."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))
    if not ok or int(value) < minimum:
        none = "None or " if allow_none else ""
        raise ValueError(f"`{name}` must be {none}an integer >= {minimum}, got {value!r}.")
    return int(value)


def check_positive(value: Any, name: str, *, allow_none: bool = True) -> float | None:
    """Validate a positive finite number (a margin in metric units); None when allowed."""
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))
    if not ok or not math.isfinite(float(value)) or float(value) <= 0:
        none = "None or " if allow_none else ""
        raise ValueError(f"`{name}` must be {none}a positive finite number, got {value!r}.")
    return float(value)


def check_random_state(random_state: Any, name: str = "random_state") -> Any:
    """Validate ``random_state``: anything ``numpy.random.default_rng`` accepts.

    None, a non-negative int (numpy integers too), a sequence of them, a ``SeedSequence``, a
    ``BitGenerator`` or a ``Generator``. Returns it unchanged.

    Raises
    ------
    TypeError
        Not of a kind ``default_rng`` accepts (a float, a string, a bool, ...).
    ValueError
        Of the right kind but refused by ``default_rng`` (a negative integer).
    """
    error: type[Exception] | None = None
    if isinstance(random_state, (bool, np.bool_, float, np.floating, complex, str, bytes)):
        error = TypeError
    else:
        try:
            flat = np.asarray(random_state, dtype=object).ravel()
        except (TypeError, ValueError):  # ragged: let default_rng judge it
            flat = np.zeros(0, dtype=object)
        if any(isinstance(x, (bool, np.bool_)) for x in flat):
            error = TypeError  # default_rng takes [True] as [1]: a bool is not a seed
        else:
            try:
                np.random.default_rng(random_state)
            except TypeError:
                error = TypeError
            except ValueError:
                error = ValueError  # the right type, out of range (a negative int)
    if error is not None:
        raise error(
            f"`{name}` must be None, a non-negative integer, a sequence of them, a "
            f"numpy.random.SeedSequence, BitGenerator or Generator (anything "
            f"numpy.random.default_rng accepts), got {random_state!r}."
        )
    return random_state


def one_seed(random_state: Any, name: str = "random_state") -> int:
    """One integer seed from anything ``numpy.random.default_rng`` accepts (checked first).

    An int is its own seed (a test with ``rng=seed`` gives the same numbers); anything else
    seeds a generator that draws one (``None``: a fresh, unreproducible seed).
    """
    random_state = check_random_state(random_state, name)
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(np.random.default_rng(random_state).integers(2**63 - 1))


def check_callable(value: Any, name: str, takes: str = "a fraction") -> Any:
    """Validate an optional callback: None or a callable."""
    if value is not None and not callable(value):
        raise TypeError(f"`{name}` must be None or a callable taking {takes}, got {value!r}.")
    return value


def check_min_runs(min_runs: Any) -> int:
    """Validate ``min_runs``: an integer >= 1 (bools are rejected)."""
    if isinstance(min_runs, (bool, np.bool_)) or not isinstance(min_runs, numbers.Integral):
        raise TypeError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    if min_runs < 1:
        raise ValueError(f"`min_runs` must be an integer >= 1, got {min_runs!r}.")
    return int(min_runs)


def check_mode(mode: Any, name: str = "mode") -> Neighbors:
    """Validate a neighbour mode ("adjacent" or "axis")."""
    return check_neighbors(mode, name)


def check_no_kwargs(kwargs: dict[str, Any], where: str) -> None:
    """Raise TypeError for unknown keyword arguments, like Python does."""
    if kwargs:
        names = ", ".join(repr(k) for k in kwargs)
        raise TypeError(f"{where}() got unexpected keyword argument(s): {names}.")


def check_config_id(i: Any, n_configs: int, argument: str = "i") -> int:
    """Validate a configuration id: an integer in 0..n_configs-1."""
    if isinstance(i, (bool, np.bool_)) or not isinstance(i, numbers.Integral):
        raise TypeError(f"`{argument}` must be an integer config id, got {i!r}.")
    if not 0 <= int(i) < n_configs:
        raise SweepKeyError(
            f"config id {int(i)} does not exist; `{argument}` must be in 0..{n_configs - 1}."
        )
    return int(i)


def check_config_ids(ids: Any, n_configs: int, argument: str = "ids") -> list[int]:
    """Validate a list of configuration ids; return them as ints, duplicates dropped, in order."""
    if isinstance(ids, (str, bytes, dict)) or not isinstance(ids, Iterable):
        raise TypeError(f"`{argument}` must be a list of config ids, got {ids!r}.")
    return list(dict.fromkeys(check_config_id(i, n_configs, argument) for i in ids))
