"""Scores kept ragged give the same sweep, comparisons, importance and walks as kept dense.

Scores are one float per seed per configuration. Random sweeps with unequal seed counts are
built twice, once forced dense and once forced ragged (read in pieces of a few cells, so that
the pieces and their reassembly are exercised), and every analysis is compared.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk import Sweep
from sweepwalk.data import scores as _scores
from sweepwalk.stats import TEST_TABLE
from sweepwalk.validation import limits as _limits


@contextlib.contextmanager
def layout(dense: bool) -> Iterator[None]:
    """Force every sweep built inside to keep its scores dense (True) or ragged (False)."""
    saved = (_scores.DENSE_FLOOR, _scores.DENSE_SLACK, _scores.CHUNK_CELLS)
    _scores.DENSE_FLOOR, _scores.DENSE_SLACK = (1 << 62, 1 << 62) if dense else (-1, 0)
    _scores.CHUNK_CELLS = 1 << 22 if dense else 7  # ragged: pieces of a few rows
    try:
        yield
    finally:
        _scores.DENSE_FLOOR, _scores.DENSE_SLACK, _scores.CHUNK_CELLS = saved


@st.composite
def skewed_runs(draw: st.DrawFn) -> pd.DataFrame:
    """Runs of a grid a x b; each configuration its own number of seeds, some scores NaN."""
    n_a, n_b = draw(st.integers(2, 4)), draw(st.integers(1, 3))
    counts = draw(st.lists(st.integers(0, 9), min_size=n_a * n_b, max_size=n_a * n_b))
    counts[draw(st.integers(0, n_a * n_b - 1))] = draw(st.integers(10, 40))  # one with many
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = []
    for k, n in enumerate(counts):
        seeds = rng.permutation(50)[:n]  # seeds shared in part, in any order
        for s in seeds:
            score = float(np.round(rng.normal(0.5 + 0.05 * (k % 3), 0.1), 2))  # ties too
            rows.append((k // n_b, ["x", "y", "z"][k % n_b], int(s), score))
    df = pd.DataFrame(rows, columns=["a", "b", "seed", "acc"])
    df.loc[rng.random(len(df)) < 0.05, "acc"] = np.nan
    return df


def build(df: pd.DataFrame, dense: bool) -> Sweep:
    with layout(dense):
        sweep = Sweep.from_runs(df, metric="acc", params=["a", "b"], seed="seed", min_runs=2)
    assert sweep.is_dense is dense
    return sweep


def both(df: pd.DataFrame, call):  # type: ignore[no-untyped-def]
    """``call(sweep)`` on the dense and the ragged sweep of ``df``, each in its own layout."""
    out = []
    for dense in (True, False):
        sweep = build(df, dense)
        with layout(dense):
            out.append(call(sweep))
    return out


@settings(max_examples=25, deadline=None)
@given(skewed_runs())
def test_ragged_sweep_equals_dense(df: pd.DataFrame) -> None:
    dense, ragged = build(df, True), build(df, False)
    pd.testing.assert_frame_equal(ragged.configs, dense.configs)
    for kind in ("score_matrix", "sorted_scores", "seed_matrix"):
        np.testing.assert_array_equal(getattr(ragged, kind), getattr(dense, kind))
    ids = np.arange(len(dense))[::-1]
    np.testing.assert_array_equal(ragged.score_rows(ids), dense.score_rows(ids))
    np.testing.assert_array_equal(ragged.seed_rows(ids), dense.seed_rows(ids))
    for i in range(len(dense)):
        np.testing.assert_array_equal(ragged.scores(i), dense.scores(i))
        # each statistic is numpy's for that configuration's scores alone, bit for bit
        x = dense.scores(i)
        if len(x) > 1:
            assert dense.configs["mean"][i] == np.mean(x)
            assert dense.configs["std"][i] == np.std(x, ddof=1)


@settings(max_examples=12, deadline=None)
@given(skewed_runs(), st.sampled_from(list(TEST_TABLE)), st.sampled_from(["all", "neighbors"]))
def test_ragged_compare_equals_dense(df: pd.DataFrame, test: str, against: str) -> None:
    target = int(np.argmax(build(df, True).counts))  # also the configuration with many seeds
    for t in (target, 0):
        dense, ragged = both(
            df,
            lambda s, t=t: s.compare(
                t, against=against, test=test, random_state=0, n_resamples=99
            ).to_frame(),
        )
        pd.testing.assert_frame_equal(ragged, dense)


@settings(max_examples=10, deadline=None)
@given(skewed_runs(), st.sampled_from(["ks", "mannwhitney", "welch", "wilcoxon"]))
def test_ragged_importance_and_walk_equal_dense(df: pd.DataFrame, test: str) -> None:
    dense, ragged = both(df, lambda s: s.importance(test=test).to_frame())
    pd.testing.assert_frame_equal(ragged, dense)
    dense, ragged = both(df, lambda s: s.walk(0, test=test).to_frame())
    pd.testing.assert_frame_equal(ragged, dense)


def test_skewed_sweep_is_ragged_and_its_padding_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # 300 configurations x 2 seeds and one with 5,000: dense would be 99.7% padding
    small = pd.DataFrame({"a": np.repeat(np.arange(300), 2), "seed": np.tile([0, 1], 300)})
    big = pd.DataFrame({"a": -1, "seed": np.arange(5000)})
    df = pd.concat([small, big], ignore_index=True)
    df["acc"] = np.random.default_rng(0).normal(size=len(df))
    sweep = Sweep.from_runs(df, metric="acc", seed="seed")
    assert not sweep.is_dense
    assert sweep.score_rows([1, 2]).shape == (2, 2)  # padded to these rows' counts only
    assert sweep.score_matrix.shape == (301, 5000)  # fits: built on demand
    monkeypatch.setattr(_limits, "available_memory", lambda: 10 * 2**20)
    with pytest.raises(
        _limits.SweepMemoryError,
        match=r"301 configurations x 5,000 seeds.*11\.5 MiB.*score_rows\(ids\)",
    ):
        _ = sweep.score_matrix
    assert len(sweep.compare(0, against="all").ids) == 300  # read in pieces: no padding
