"""Walks with held-out seeds: an honest estimate of the configuration a walk ends at."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sweepwalk import Sweep


def _grid(rng: np.random.Generator, n_seeds: int, start_mean: float, others: float) -> Sweep:
    """5 x 5 grid, every configuration at mean ``others`` except (0, 0); sd 1."""
    a, b, seed = np.meshgrid(np.arange(5), np.arange(5), np.arange(n_seeds), indexing="ij")
    true = np.where((a == 0) & (b == 0), start_mean, others)
    runs = pd.DataFrame(
        {
            "a": a.ravel(),
            "b": b.ravel(),
            "seed": seed.ravel(),
            "score": (true + rng.standard_normal(true.shape)).ravel(),
        }
    )
    return Sweep.from_runs(runs, metric="score", params=["a", "b"], seed="seed")


def test_split_keeps_config_ids_and_splits_seeds():
    sweep = _grid(np.random.default_rng(0), 10, 0.0, 0.0)
    explore, confirm = sweep.split_runs(0.3, random_state=1)
    assert len(explore) == len(confirm) == len(sweep)
    assert (explore.configs["n"] == 7).all() and (confirm.configs["n"] == 3).all()
    held = set(confirm.runs["seed"])
    assert held.isdisjoint(explore.runs["seed"]) and len(held) == 3
    # every configuration holds out the same seeds: paired tests stay paired on both sides
    assert all(set(g["seed"]) == held for _, g in confirm.runs.groupby("config"))
    again, _ = sweep.split_runs(0.3, random_state=1)
    np.testing.assert_array_equal(again.score_matrix, explore.score_matrix)


def test_holdout_estimate_is_the_end_mean_on_held_out_seeds():
    sweep = _grid(np.random.default_rng(1), 12, 0.0, 2.0)
    w = sweep.walk(0, test="welch", holdout=0.5, random_state=3, ci=None)
    est = w.holdout_estimate
    assert set(est) == {"config", "mean", "low", "high", "n"}
    _, confirm = sweep.split_runs(0.5, random_state=3)
    x = confirm.scores(w.end)
    ci = stats.ttest_1samp(x, 0.0).confidence_interval(0.95)
    assert est["config"] == w.end and est["n"] == len(x) == 6
    assert est["mean"] == pytest.approx(x.mean(), abs=1e-15)
    assert (est["low"], est["high"]) == pytest.approx((ci.low, ci.high), abs=1e-12)
    assert "held-out estimate" in w.notes[0]
    plain = sweep.walk(0, test="welch", ci=None)
    assert plain.holdout_estimate is None and "optimistic" in plain.notes[0]


def test_holdout_estimate_is_unbiased_where_the_in_sample_mean_is_not():
    # The start (0, 0) is at 0, every other configuration at 1.5 (sd 1): the walk leaves the
    # start for the best-looking of its two better neighbours, and moves on only when noise
    # makes an equal neighbour look significantly better. Selected for looking good, the end's
    # in-sample mean overstates its true mean; its held-out mean does not.
    rng = np.random.default_rng(20261201)
    reps, bias_in, bias_out = 200, [], []
    for _ in range(reps):
        sweep = _grid(rng, 20, 0.0, 1.5)
        w = sweep.walk(0, test="welch", holdout=0.5, random_state=rng, ci=None)
        if w.end == 0:
            continue  # never left the start: nothing was selected
        explore = w.comparisons[-1].sweep
        bias_in.append(explore.configs["mean"].iloc[w.end] - 1.5)
        bias_out.append(w.holdout_estimate["mean"] - 1.5)
    bias_in, bias_out = np.array(bias_in), np.array(bias_out)
    assert len(bias_out) > 0.8 * reps
    se_out = bias_out.std(ddof=1) / np.sqrt(len(bias_out))
    se_in = bias_in.std(ddof=1) / np.sqrt(len(bias_in))
    assert abs(bias_out.mean()) < 3 * se_out  # unbiased within Monte Carlo error
    assert bias_in.mean() > 4 * se_in  # the winner's curse, clearly
    assert bias_in.mean() > bias_out.mean() + 0.1
