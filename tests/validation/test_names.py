"""Every name the user gives works in every view, or is refused by name.

Scores are one float per seed per configuration.
"""

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
