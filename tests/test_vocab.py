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
