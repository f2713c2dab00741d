"""One table says what each test is; every list of tests is read from it."""

from __future__ import annotations

import subprocess
import sys
from typing import get_args

from sweepwalk import _vocab
from sweepwalk.stats import (
    ESTIMANDS,
    PAIRED_TESTS,
    RELATIVE_EFFICIENCY,
    TEST_TABLE,
    TESTS,
    UNPAIRED_TESTS,
)


def test_every_list_of_tests_is_the_table_s() -> None:
    names = tuple(TEST_TABLE)
    assert get_args(_vocab.Test) == names == _vocab.TESTS
    assert set(TESTS) == set(names) and set(_vocab.TESTS) == set(TESTS)
    assert PAIRED_TESTS == _vocab.PAIRED_TESTS == tuple(n for n in names if TEST_TABLE[n].paired)
    assert set(UNPAIRED_TESTS) == set(_vocab.UNPAIRED_TESTS) == set(names) - set(PAIRED_TESTS)
    assert _vocab.TEST_LABELS == {n: s.label for n, s in TEST_TABLE.items()}
    assert RELATIVE_EFFICIENCY == {n: s.relative_efficiency for n, s in TEST_TABLE.items()}
    assert ESTIMANDS == {n: s.estimand for n, s in TEST_TABLE.items()}


def test_each_label_table_matches_its_literal() -> None:
    pairs = [
        (_vocab.CORRECTION_LABELS, _vocab.Correction),
        (_vocab.AGAINST_LABELS, _vocab.Against),
        (_vocab.NEIGHBOR_LABELS, _vocab.Neighbors),
        (_vocab.GOAL_LABELS, _vocab.Goal),
        (_vocab.ERROR_CONTROL_LABELS, _vocab.ErrorControl),
    ]
    for labels, literal in pairs:
        assert tuple(labels) == get_args(literal)


def test_the_vocabulary_reads_the_table_without_scipy() -> None:
    # the command line's --help reads the vocabulary: it must not import the statistics stack
    code = "import sys, sweepwalk._vocab as v; print(len(v.TESTS), 'scipy' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(len(TEST_TABLE)), "False"]
