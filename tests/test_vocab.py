"""The vocabulary: every tuple of allowed values is its Literal's, every label dict covers it."""

from __future__ import annotations

from typing import get_args

import pytest

from sweepwalk import _vocab

CHOICES = [
    (_vocab.Test, _vocab.TESTS, _vocab.TEST_LABELS),
    (_vocab.Correction, _vocab.CORRECTIONS, _vocab.CORRECTION_LABELS),
    (_vocab.Against, _vocab.AGAINST, _vocab.AGAINST_LABELS),
    (_vocab.Neighbors, _vocab.NEIGHBORS, _vocab.NEIGHBOR_LABELS),
    (_vocab.Goal, _vocab.GOALS, _vocab.GOAL_LABELS),
    (_vocab.ErrorControl, _vocab.ERROR_CONTROLS, _vocab.ERROR_CONTROL_LABELS),
    (_vocab.Status, _vocab.STATUSES, _vocab.STATUS_LABELS),
]


@pytest.mark.parametrize(("literal", "values", "labels"), CHOICES)
def test_values_are_the_literal_and_every_value_has_a_label(
    literal: object, values: tuple[str, ...], labels: dict[str, str]
) -> None:
    assert values == get_args(literal)
    assert tuple(labels) == values  # the order shown is the Literal's


def test_the_status_subsets_are_statuses() -> None:
    assert set(_vocab.SIGNIFICANT_STATUSES) < set(_vocab.STATUSES)
    assert set(_vocab.PAIRED_TESTS) | set(_vocab.UNPAIRED_TESTS) == set(_vocab.TESTS)


def test_status_codes_are_the_rule_s_words_by_position() -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    n = 500
    significant = rng.random(n) < 0.5
    direction = rng.choice([-2.0, -0.5, 0.0, 0.5, 3.0, np.nan], n)
    na = rng.random(n) < 0.1
    want = [
        "na" if skip else "ns" if not sig else
        "better" if d > 0 else "worse" if d < 0 else "differs"
        for sig, d, skip in zip(significant, direction, na, strict=True)
    ]  # fmt: skip
    codes = _vocab.status_codes(significant, direction, na)
    assert codes.dtype == np.uint8
    assert [_vocab.STATUSES[c] for c in codes] == want
    assert _vocab.decide_status(significant, direction, na).tolist() == want
    mde = rng.random(n)
    # the power marker reads codes as it reads words
    np.testing.assert_array_equal(
        _vocab.is_underpowered(codes, mde, 0.5),
        _vocab.is_underpowered(np.array(want, dtype=object), mde, 0.5),
    )
    assert _vocab.is_underpowered(codes, mde, 0.5).any()
