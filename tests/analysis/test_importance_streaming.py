"""importance() summarised batch by batch equals the computation on all pairs at once.

The reference tests every pair of a parameter in one call, corrects all p-values with statsmodels'
``multipletests`` and takes ``np.median``; the streamed path merges tiny batches (many merges of the
distinct-value tallies).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

from sweepwalk import Sweep
from sweepwalk.analysis.importance import default_margin, importance
from sweepwalk.analysis.importance import pair_tally as _pairsummary
from sweepwalk.analysis.importance.pairwise import _ORDER_FREE, _prepared, _test_pairs
from sweepwalk.stats import TIE_RTOL
from sweepwalk.validation import limits as _limits


def _sweep(seed: int = 0, n_seeds: int = 5) -> Sweep:
    """Three parameters (numeric, text, numeric with absent values), ties and missing runs."""
    rng = np.random.default_rng(seed)
    grid = pd.MultiIndex.from_product(
        [[1, 2, 3, 4], ["a", "b", "c", "d", "e"], [0.1, 0.2, np.nan]], names=["w", "act", "mom"]
    ).to_frame(index=False)
    runs = grid.loc[grid.index.repeat(n_seeds)].reset_index(drop=True)
    runs["seed"] = np.tile(np.arange(n_seeds), len(grid))
    effect = 0.04 * runs["w"] + 0.06 * (runs["act"] == "a")
    runs["acc"] = np.round(0.7 + effect + rng.normal(0, 0.02, len(runs)), 2)  # ties
    drop = rng.random(len(runs)) < 0.12  # missing runs: some configurations below min_runs
    return Sweep.from_runs(
        runs[~drop], metric="acc", params=["w", "act", "mom"], seed="seed", min_runs=n_seeds - 1
    )


def _reference(sweep, test, correction, alpha, neighbors, margin, random_state):
    """Every pair of a parameter at once, multipletests over all p-values, np.median."""
    if margin is None:
        margin = default_margin(sweep)
    sorted_values, ranks = _prepared(sweep)
    values, counts, seeds = sweep.score_matrix, sweep.counts, sweep.seed_matrix
    test_values = sorted_values if test in _ORDER_FREE else values
    tie_rtol = TIE_RTOL if test in ("permutation", "wilcoxon") else None
    settings_ = (test, sweep.min_runs, margin, random_state, tie_rtol, "auto")
    rows = []
    for param, (a, b) in sweep.neighbor_pairs(neighbors).items():
        ok, p, eff, tp = _test_pairs(
            (test_values[a], counts[a], test_values[b], counts[b]),
            (seeds[a], seeds[b]) if test in ("wilcoxon", "ttest_rel") else None,
            (ranks[a], ranks[b], values[a], values[b]),
            settings_,
        )
        rows.append(pd.DataFrame({"param": param, "ok": ok, "p": p, "ae": np.abs(eff - 0.5),
                                  "eq": tp < alpha}))  # fmt: skip
    df = pd.concat(rows, ignore_index=True)
    tested = (df["ok"] & df["p"].notna()).to_numpy()
    padj = np.full(len(df), np.nan)
    if correction == "none":
        padj[tested] = df["p"][tested]
    elif tested.any():
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            padj[tested] = multipletests(df["p"][tested], alpha=alpha, method=correction)[1]
    df["tested"] = tested
    df["sig"] = tested & (padj < alpha)
    df["equivalent"] = tested & df["eq"]
    df["matters"] = df["sig"] & ~df["equivalent"]
    out = {}
    for param in sweep.params:
        part = df[df["param"] == param]
        chosen = part["ae"][part["tested"]].to_numpy()
        out[param] = {
            "pairs": len(part),
            "tested": int(part["tested"].sum()),
            "too_few_runs": int((~part["ok"]).sum()),
            "significant": int(part["sig"].sum()),
            "equivalent": int(part["equivalent"].sum()),
            "matters": int(part["matters"].sum()),
            "median_abs_effect": float(np.median(chosen)) if len(chosen) else np.nan,
        }
    return pd.DataFrame.from_dict(out, orient="index"), int(tested.sum())


@pytest.mark.parametrize(
    ("test", "correction", "neighbors", "margin"),
    [
        ("ks", "fdr_bh", "adjacent", None),
        ("ks", "holm", "axis", 0.02),
        ("ks", "fdr_by", "axis", None),
        ("mannwhitney", "fdr_tsbky", "axis", 0.02),
        ("mannwhitney", "none", "adjacent", None),
        ("welch", "bonferroni", "axis", 0.02),
        ("welch", "hommel", "adjacent", None),
        ("permutation", "fdr_tsbh", "adjacent", 0.02),
        ("wilcoxon", "sidak", "axis", 0.02),
        ("ttest_rel", "simes-hochberg", "axis", None),
        ("ks", "fdr_gbs", "axis", 0.03),
        ("ks", "holm-sidak", "adjacent", 0.03),
    ],
)
def test_streamed_summaries_equal_all_pairs_at_once(
    monkeypatch, test, correction, neighbors, margin
):
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._BATCH", 7)
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._SLOW_BATCH", 5)
    monkeypatch.setattr(_pairsummary, "_MIN_MERGE", 3)  # merge the tallies over and over
    sweep = _sweep(seed=len(test) + len(correction), n_seeds=8)
    got = importance(sweep, test=test, correction=correction, neighbors=neighbors,
                     margin=margin, random_state=3, alpha=0.1).to_frame()  # fmt: skip
    want, family = _reference(sweep, test, correction, 0.1, neighbors, margin, 3)
    assert got["tested"].sum() > 0 and got["too_few_runs"].sum() > 0
    for col in want.columns:  # counts and the medians: the same numbers, not merely close
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=col)
    assert got.attrs["family"] == family


def test_streamed_equals_one_batch_when_equivalents_are_many(monkeypatch):
    sweep = _sweep(seed=5, n_seeds=8)
    whole = importance(sweep, test="ks", margin=0.05, correction="holm").to_frame()
    assert 0 < whole["equivalent"].sum() < whole["tested"].sum()
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._BATCH", 3)
    monkeypatch.setattr(_pairsummary, "_MIN_MERGE", 1)
    pd.testing.assert_frame_equal(
        importance(sweep, test="ks", margin=0.05, correction="holm").to_frame(), whole
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from([0.0, 0.125, 0.25, 0.3, 0.5, np.nan]), max_size=9)),
    st.integers(0, 4),
)
def test_tally_median_and_counts_equal_numpy(pieces, merge):
    tally = _pairsummary.Tally()
    _pairsummary._MIN_MERGE, old = merge, _pairsummary._MIN_MERGE
    try:
        for piece in pieces:
            tally.add(*_pairsummary.counted(np.array(piece, dtype=np.float64)))
    finally:
        _pairsummary._MIN_MERGE = old
    flat = np.array([x for piece in pieces for x in piece], dtype=np.float64)
    assert tally.total() == len(flat)
    values, counts = tally.distinct()
    np.testing.assert_array_equal(np.repeat(values, counts), np.sort(flat))
    want = np.median(flat) if len(flat) else np.nan
    np.testing.assert_array_equal(tally.median(), want)


def _many_levels(n: int, seeds: int = 2) -> Sweep:
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({
        "model": np.repeat([f"m{i}" for i in range(n)], seeds),
        "seed": np.tile(np.arange(seeds), n),
        "acc": np.round(rng.normal(size=n * seeds), 1),
    })  # fmt: skip
    return Sweep.from_runs(runs, metric="acc", min_runs=1, seed="seed")


def test_memory_check_refuses_continuous_pvalues_and_lets_rank_tests_stream(monkeypatch):
    sweep = _many_levels(400)  # 79,800 pairs of one text parameter
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._BATCH", 500)
    monkeypatch.setattr(_limits, "available_memory", lambda: 4 * 2**20)
    frame = sweep.importance(
        test="ks"
    ).to_frame()  # KS p-values of 2 x 2 runs: a few distinct values
    assert frame.loc["model", "pairs"] == 79_800
    with pytest.raises(_limits.SweepMemoryError) as info:
        sweep.importance(test="welch").to_frame()
    message = str(info.value)
    assert "importance(test='welch', neighbors='adjacent')" in message
    assert "about 79,800 neighbour pairs (79,800 along 'model')" in message
    assert "p-values seldom repeat" in message and "MiB" in message
    assert "test='ks'" in message and "target=" in message
    with pytest.raises(_limits.SweepMemoryError, match="correction='hommel' is computed on"):
        sweep.importance(test="ks", correction="hommel").to_frame()


def test_long_job_is_announced_with_pairs_and_seconds(monkeypatch, caplog):
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._BATCH", 50)
    monkeypatch.setattr("sweepwalk.analysis.jobs.ANNOUNCE_SECONDS", 0.0)
    with caplog.at_level("INFO", logger="sweepwalk"):
        frame = _many_levels(60).importance().to_frame()
    pairs = f"{int(frame['pairs'].sum()):,} neighbour pairs to test, about"
    assert any(pairs in r.getMessage() for r in caplog.records)


def test_memory_bound_grows_with_pairs_only_for_continuous_tests():
    sizes, pairs = [5], {"arch": 200_000_000}
    ks, _ = _pairsummary.memory_needed(pairs, sizes, "ks", "auto", "fdr_bh", 100_000, 5)
    welch, why = _pairsummary.memory_needed(pairs, sizes, "welch", "auto", "fdr_bh", 100_000, 5)
    assert ks < 2**28 < 2**33 < welch  # KS: a batch in flight; welch: one p-value a pair
    assert "seldom repeat" in why
