"""Every name the user gives works in every view, or is refused by name."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Session, Sweep


def runs_named(first, second) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            first: np.repeat([1, 2, 3], 6),
            second: np.tile(["x", "y"], 9),
            "seed": np.tile([0, 0, 1, 1, 2, 2], 3),
            "acc": rng.normal(size=18),
        }
    )


@pytest.mark.parametrize(("first", "second"), [(0, ("a", "b")), (7, "opt"), ("lr", (1, 2))])
def test_integer_and_tuple_names_work_in_the_static_table(first, second):
    sweep = Sweep.from_runs(runs_named(first, second), metric="acc", seed="seed")
    page = Session(sweep).to_html()
    headers = [h.replace("&#39;", "'") for h in re.findall(r"<th[^>]*>([^<]*)</th>", page)]
    assert str(first) in headers and str(second) in headers


def test_names_that_print_alike_are_refused_naming_both():
    runs = runs_named(1, "opt").assign(**{"1": "z"})
    with pytest.raises(ValueError, match=r"1 and '1' print alike"):
        Sweep.from_runs(runs, metric="acc", seed="seed", params=[1, "1", "opt"])


def test_pooled_is_reserved_like_the_other_added_columns():
    runs = runs_named("pooled", "opt")
    with pytest.raises(ValueError, match=r"'pooled' clashes with a column sweepwalk adds"):
        Sweep.from_runs(runs, metric="acc", seed="seed", bins={"pooled": 2})


def test_the_parameter_suggestion_never_names_a_run_level_column():
    """A real first CSV: a second metric and a duration beside the score. The error names both
    and suggests only the parameters (following it gives configurations with several runs)."""
    runs = runs_named("lr", "opt")
    runs["fit_seconds"] = np.linspace(10, 20, len(runs))
    runs["loss"] = np.linspace(0.3, 0.1, len(runs))
    with pytest.raises(ValueError) as info:
        Sweep.from_runs(runs, metric="acc", seed="seed")
    message = str(info.value)
    assert "'fit_seconds', 'loss' look like" in message
    assert "params=['lr', 'opt']" in message
    suggested = Sweep.from_runs(runs, metric="acc", seed="seed", params=["lr", "opt"])
    assert suggested.configs["n"].min() > 1
