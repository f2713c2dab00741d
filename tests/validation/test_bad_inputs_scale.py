"""Scores whose scale makes float64 statistics degenerate get a visible note.

Scaling every score by a power of two is exact in float64 until squares under- or overflow, so
inside the safe range every p-value must be bit-identical to the unscaled one, and outside it a
verdict may only change with a note in ``Comparison.notes``.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk import Sweep
from sweepwalk.validation import limits as _limits

TESTS = ("ks", "mannwhitney", "welch", "permutation", "wilcoxon", "ttest_rel")


def scaled_runs(power: int) -> pd.DataFrame:
    """lr=0.2 clearly better than its neighbours, every score times 2**power."""
    rng = np.random.default_rng(1)
    rows = [
        {"lr": lr, "seed": s, "acc": float(rng.normal(1 + 0.5 * (lr == 0.2), 0.1))}
        for lr in (0.1, 0.2, 0.4)
        for s in range(8)
    ]
    df = pd.DataFrame(rows)
    return df.assign(acc=np.ldexp(df["acc"].to_numpy(), power))


def _compare(power: int, test: str):
    sweep = Sweep.from_runs(scaled_runs(power), metric="acc", seed="seed")
    return sweep.compare(1, test=test, random_state=0, n_resamples=199)


@settings(max_examples=30, deadline=None)
@given(power=st.integers(-1070, 1015), test=st.sampled_from(TESTS))
def test_a_verdict_never_changes_with_the_scale_without_a_note(power, test):
    plain, scaled = _compare(0, test), _compare(power, test)
    low, high = _limits.SAFE_SCALE
    configs = Sweep.from_runs(scaled_runs(power), metric="acc").configs
    smallest = min(configs["min"].abs().min(), configs["std"].min())
    largest = max(configs["max"].abs().max(), configs["std"].max())
    # clearly inside the safe range (2**60 of slack): exact scaling, bit-identical p-values
    if low * 2.0**60 <= smallest and largest <= high / 2.0**60:
        np.testing.assert_array_equal(scaled.pvalue, plain.pvalue)
        assert not any("degenerate score scale" in n for n in scaled.notes)
    elif scaled.status.tolist() != plain.status.tolist():
        assert any("degenerate score scale" in n for n in scaled.notes), scaled.notes


@pytest.mark.parametrize("power", [-300, -560, -1060, 263, 540, 1022])
def test_degenerate_scale_is_noted_in_compare_importance_and_the_cli(power, tmp_path, capsys):
    cmp = _compare(power, "welch")
    (note,) = [n for n in cmp.notes if "degenerate score scale" in n]
    assert "Rescale the metric" in note
    sweep = Sweep.from_runs(scaled_runs(power), metric="acc", seed="seed")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning (overflow in square) either
        imp = sweep.importance(
            test="welch", margin=float(np.ldexp(0.01, power)) or 1e-300
        ).to_frame()
    assert any("degenerate score scale" in n for n in imp.attrs["notes"])

    from sweepwalk.cli.app import main

    path = tmp_path / "runs.csv"
    scaled_runs(power).to_csv(path, index=False)
    assert main(["report", str(path), "--metric", "acc", "--seed", "seed", "--target", "1"]) == 0
    assert "note: degenerate score scale" in capsys.readouterr().out


def _besides_defaults(notes: tuple[str, ...]) -> list[str]:
    """The notes other than those naming a default effect of interest or margin."""
    return [n for n in notes if "(default; pass " not in n]


def test_ordinary_scale_has_no_note():
    assert not _besides_defaults(_compare(0, "welch").notes)
    result = Sweep.from_runs(scaled_runs(0), metric="acc").importance()
    assert not _besides_defaults(result.to_frame().attrs["notes"])


def test_plan_carries_the_note():
    sweep = Sweep.from_runs(scaled_runs(600), metric="acc", seed="seed")
    assert any("degenerate score scale" in n for n in sweep.plan(1).attrs["notes"])


def test_one_tiny_score_among_ordinary_ones_is_not_degenerate():
    runs = scaled_runs(0)
    runs.loc[0, "acc"] = 1e-300  # a row's scale is its largest |score|: its variance is fine
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    assert not _besides_defaults(sweep.compare(0, test="welch").notes)
