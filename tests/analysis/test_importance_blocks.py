"""importance() on whole contexts (one target against all before it, tallied as counts) and on
ragged scores equals the straightforward per-pair computation.

Scores are one float per seed per configuration. The sweeps are small and random: a categorical
parameter with a handful of levels in one to three contexts, unequal seed counts (some below
``min_runs``), scores rounded so that ties are common. ``MIN_GROUP`` is lowered so that every
context goes through the blocked path.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttost_ind

from sweepwalk import Cancelled, Sweep
from sweepwalk.analysis.importance import pair_blocks
from sweepwalk.data import scores as _scores
from sweepwalk.stats import TEST_TABLE, tost_ind_rejects


@contextlib.contextmanager
def path(blocked: bool) -> Iterator[None]:
    """Work whole contexts as triangles (True) or as pair batches only (False)."""
    saved = pair_blocks.MIN_GROUP
    pair_blocks.MIN_GROUP = 2 if blocked else 1 << 62
    try:
        yield
    finally:
        pair_blocks.MIN_GROUP = saved


@contextlib.contextmanager
def layout(dense: bool) -> Iterator[None]:
    """Force sweeps built inside to keep their scores dense (True) or ragged (False)."""
    saved = (_scores.DENSE_FLOOR, _scores.DENSE_SLACK, _scores.CHUNK_CELLS)
    _scores.DENSE_FLOOR, _scores.DENSE_SLACK = (1 << 62, 1 << 62) if dense else (-1, 0)
    _scores.CHUNK_CELLS = 1 << 22 if dense else 7
    try:
        yield
    finally:
        _scores.DENSE_FLOOR, _scores.DENSE_SLACK, _scores.CHUNK_CELLS = saved


@st.composite
def categorical_runs(draw: st.DrawFn) -> pd.DataFrame:
    """Runs of ``arch`` (2-9 levels) x ``opt`` (1-3 levels), 0-7 seeds each, rounded scores."""
    n_arch, n_opt = draw(st.integers(2, 9)), draw(st.integers(1, 3))
    n = n_arch * n_opt
    counts = draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    counts[0], counts[-1] = max(counts[0], 2), max(counts[-1], 2)  # a sweep has runs
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    digits = draw(st.sampled_from([1, 2, 6]))  # 1 digit: ties everywhere
    rows = []
    for k, c in enumerate(counts):
        shift = 0.1 * (k % 3)
        for s in rng.permutation(10)[:c]:
            rows.append((f"a{k // n_opt}", f"o{k % n_opt}", int(s),
                         float(np.round(rng.normal(0.5 + shift, 0.1), digits))))  # fmt: skip
    return pd.DataFrame(rows, columns=["arch", "opt", "seed", "acc"])


def _sweep(df: pd.DataFrame) -> Sweep:
    return Sweep.from_runs(df, metric="acc", params=["arch", "opt"], seed="seed", min_runs=2)


def _loop(sweep: Sweep, test: str, margin: float, alpha: float) -> pd.DataFrame:
    """Every pair with scipy/statsmodels, one call each; Holm over all p-values; np.median."""
    rows = []
    for param, (a, b) in sweep.neighbor_pairs("adjacent").items():
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            x, y = sweep.scores(i), sweep.scores(j)
            ok = min(len(x), len(y)) >= sweep.min_runs
            p = ae = np.nan
            eq = False
            if ok:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    if test == "ks":
                        p = stats.ks_2samp(y, x).pvalue
                    elif test == "mannwhitney":  # ties at <= 8 values: the exact conditional
                        tied = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
                        exact = stats.PermutationMethod(n_resamples=np.inf)
                        method = exact if tied and min(len(x), len(y)) <= 8 else "auto"
                        p = stats.mannwhitneyu(x, y, method=method).pvalue
                    elif np.ptp(x) == np.ptp(y) == 0 and x[0] == y[0]:
                        p = 1.0  # Welch of two equal constants: the limit (no difference)
                    else:
                        p = stats.ttest_ind(x, y, equal_var=False).pvalue
                    if np.ptp(x) == np.ptp(y) == 0:  # zero spread: TOST's limit
                        eq = abs(x[0] - y[0]) < margin
                    else:
                        eq = ttost_ind(x, y, -margin, margin, usevar="unequal")[0] <= alpha
                wins = int((2 * (x[:, None] > y[None, :]) + (x[:, None] == y[None, :])).sum())
                ae = abs(wins / (2.0 * len(x) * len(y)) - 0.5)
            rows.append((param, ok, p, ae, eq))
    df = pd.DataFrame(rows, columns=["param", "ok", "p", "ae", "eq"])
    tested = (df["ok"] & df["p"].notna()).to_numpy()
    padj = np.full(len(df), np.nan)
    if tested.any():
        padj[tested] = multipletests(df["p"][tested], alpha=alpha, method="holm")[1]
    df["tested"] = tested
    df["significant"] = tested & (padj <= alpha)
    df["equivalent"] = tested & df["eq"].astype(bool)
    df["matters"] = df["significant"] & ~df["equivalent"]
    out = {}
    for param in sweep.params:
        part = df[df["param"] == param]
        chosen = part["ae"][part["tested"]].to_numpy()
        out[param] = {
            "pairs": len(part),
            "tested": int(part["tested"].sum()),
            "significant": int(part["significant"].sum()),
            "equivalent": int(part["equivalent"].sum()),
            "matters": int(part["matters"].sum()),
            "median_abs_effect": float(np.median(chosen)) if len(chosen) else np.nan,
        }
    return pd.DataFrame.from_dict(out, orient="index")


def _pair_reference(rows: list[np.ndarray], min_runs: int, margin: float, alpha: float):
    """Every pair a < b of one context, one scipy/statsmodels call each, counted."""
    pv: list[list[float]] = [[], []]
    effects = []
    pairs = enough = 0
    for j in range(len(rows)):
        for i in range(j):
            pairs += 1
            x, y = rows[i], rows[j]
            if min(len(x), len(y)) < min_runs:
                continue
            enough += 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # scipy's asymptotic fallback
                p = stats.ks_2samp(y, x).pvalue
            if len(x) < 2 or len(y) < 2:
                eq = False
            elif np.ptp(x) == np.ptp(y) == 0:  # zero spread: TOST's limit
                eq = abs(x[0] - y[0]) < margin
            else:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    eq = ttost_ind(x, y, -margin, margin, usevar="unequal")[0] <= alpha
            pv[int(eq)].append(p)
            wins = int((2 * (x[:, None] > y[None, :]) + (x[:, None] == y[None, :])).sum())
            effects.append(abs(wins / (2.0 * len(x) * len(y)) - 0.5))
    counted = [np.unique(np.array(v), return_counts=True) for v in (*pv, effects)]
    return pairs, enough, *counted


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 9), min_size=2, max_size=30),
    st.integers(0, 2**32 - 1),
    st.sampled_from([1, 2, 6]),
    st.sampled_from([1, 2, 3]),
    st.sampled_from([0.01, 0.05, 0.2, 1.0]),
    st.booleans(),
)
def test_triangle_tally_equals_scipy_per_pair(counts, seed, digits, min_runs, margin, equal):  # type: ignore[no-untyped-def]
    if equal:  # every row as long (a grid of seeds): the int16 path
        counts = [counts[0]] * len(counts)
    rng = np.random.default_rng(seed)
    rows = [np.round(rng.normal(rng.uniform(0, 0.3), rng.uniform(0.01, 0.2), c), digits)
            for c in counts]  # fmt: skip
    width = max(max(counts), 1)
    block = np.full((len(rows), width), np.nan)
    for k, r in enumerate(rows):
        block[k, : len(r)] = np.sort(r)
    tally = pair_blocks.TriangleTally(block, np.array(counts), ("ks", min_runs, margin, 0.1))
    reported: list[int] = []
    tally.run(reported.append)
    (pairs, enough, differ, equivalent, effects), _ = tally.summary()
    want = _pair_reference(rows, min_runs, margin, 0.1)
    assert (pairs, enough) == want[:2] and sum(reported) == pairs
    for got_part, want_part in zip((differ, equivalent, effects), want[2:], strict=True):
        np.testing.assert_array_equal(got_part[0], want_part[0])  # the same floats
        np.testing.assert_array_equal(got_part[1], want_part[1])  # as often


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([2, 3, 6]), st.floats(0.5, 3.0))
def test_tost_bounds_decide_as_the_pvalue(seed: int, digits: int, at: float) -> None:
    # margins near |d| + at * se for many pairs: decisions on both sides of every bound
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 10, 40)
    sds = 10.0 ** rng.uniform(-3, -0.5, 40) * (rng.random(40) > 0.1)  # some constant rows
    block = np.full((40, 9), np.nan)
    for k, c in enumerate(counts):
        block[k, :c] = np.sort(np.round(rng.normal(rng.uniform(0, 0.2), sds[k], c), digits))
    means = np.nanmean(np.where(counts[:, None] > 0, block, 0.0), axis=1)
    margin = float(np.median(np.abs(means[:, None] - means[None, :])) + at * np.median(sds) / 2)
    alpha = 0.1
    tost = pair_blocks._Tost(block, counts, margin, alpha)
    for j in range(1, 40):
        with np.errstate(all="ignore"):
            want = tost_ind_rejects(block[:j], counts[:j], block[j : j + 1], counts[j : j + 1],
                                    -margin, margin, alpha, usevar="unequal")  # fmt: skip
        np.testing.assert_array_equal(tost.decide(slice(0, j), j), want)
        rows = np.flatnonzero(rng.random(j) < 0.5)  # a subset, as after the min_runs filter
        np.testing.assert_array_equal(tost.decide(rows, j), want[rows])


@settings(max_examples=25, deadline=None)
@given(
    categorical_runs(),
    st.sampled_from(["ks", "mannwhitney", "welch"]),
    st.sampled_from([0.02, 0.08, 0.3]),
)
def test_blocked_tally_equals_per_pair_scipy(df: pd.DataFrame, test: str, margin: float) -> None:
    sweep = _sweep(df)
    with path(blocked=True):
        got = sweep.importance(test=test, correction="holm", margin=margin, alpha=0.1).to_frame()
    want = _loop(sweep, test, margin, 0.1)
    for col in want.columns:  # counts and medians: the same numbers, not merely close
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].to_numpy(), err_msg=col)


@settings(max_examples=40, deadline=None)
@given(categorical_runs(), st.sampled_from([None, 0.02, 0.3]), st.sampled_from(["holm", "fdr_bh"]))
def test_blocked_equals_pair_batches(
    df: pd.DataFrame, margin: float | None, correction: str
) -> None:
    sweep = _sweep(df)
    frames = []
    for blocked in (True, False):
        with path(blocked):
            frames.append(
                sweep.importance(test="ks", correction=correction, margin=margin).to_frame()
            )
    pd.testing.assert_frame_equal(frames[0], frames[1])


def test_blocked_path_is_taken_and_tallies_whole_contexts(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"arch": np.repeat([f"a{i}" for i in range(40)], 4),
                       "seed": np.tile(np.arange(4), 40),
                       "acc": np.round(rng.normal(0.5, 0.1, 160), 2)})  # fmt: skip
    sweep = Sweep.from_runs(df, metric="acc", params=["arch"], seed="seed")
    calls = []
    real = pair_blocks.TriangleTally.run

    def run(self, report):  # type: ignore[no-untyped-def]
        calls.append(len(self.counts))
        return real(self, report)

    monkeypatch.setattr(pair_blocks.TriangleTally, "run", run)
    seen: list[float] = []
    with path(blocked=True):
        got = sweep.importance(progress=seen.append).to_frame()
    assert calls == [40] and got["pairs"].iloc[0] == 40 * 39 // 2
    assert seen[-1] == 1.0 and all(np.diff(seen) >= 0)


@settings(max_examples=25, deadline=None)
@given(categorical_runs(), st.sampled_from(list(TEST_TABLE)), st.booleans())
def test_ragged_importance_equals_dense(df: pd.DataFrame, test: str, blocked: bool) -> None:
    frames = []
    for dense in (True, False):
        with layout(dense):
            sweep = _sweep(df)
            assert sweep.is_dense is dense
            with path(blocked):
                frames.append(sweep.importance(test=test, random_state=0, margin=0.05).to_frame())
    pd.testing.assert_frame_equal(frames[1], frames[0])


def test_ragged_importance_never_pads_to_the_longest_row(monkeypatch: pytest.MonkeyPatch) -> None:
    # 600 configurations x 3 seeds and one with 2,000: the padded matrix would be 99% padding
    rng = np.random.default_rng(0)
    small = pd.DataFrame({"arch": np.repeat([f"a{i}" for i in range(600)], 3),
                          "seed": np.tile([0, 1, 2], 600)})  # fmt: skip
    big = pd.DataFrame({"arch": "big", "seed": np.arange(2000)})
    df = pd.concat([small, big], ignore_index=True)
    df["acc"] = np.round(rng.normal(size=len(df)), 2)
    sweep = Sweep.from_runs(df, metric="acc", params=["arch"], seed="seed")
    assert not sweep.is_dense
    want = {}
    for blocked in (True, False):
        with path(blocked):
            want[blocked] = sweep.importance(test="ks").to_frame()

    def refuse(self, kind, what):  # type: ignore[no-untyped-def]
        raise AssertionError(f"importance asked for the padded {what}")

    monkeypatch.setattr(_scores.ScoreStore, "matrix", refuse)
    for blocked in (True, False):
        with path(blocked):
            got = sweep.importance(test="ks").to_frame()
        pd.testing.assert_frame_equal(got, want[blocked])
        assert got["pairs"].iloc[0] == 601 * 600 // 2
    pd.testing.assert_frame_equal(want[True], want[False])


def test_blocked_path_reports_and_cancels_within_a_context(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    df = pd.DataFrame({"arch": np.repeat([f"a{i}" for i in range(60)], 3),
                       "seed": np.tile(np.arange(3), 60),
                       "acc": rng.normal(0.5, 0.1, 180)})  # fmt: skip
    sweep = Sweep.from_runs(df, metric="acc", params=["arch"], seed="seed")
    monkeypatch.setattr(pair_blocks, "_REPORT", 100)  # a report every ~100 pairs
    seen: list[float] = []
    with path(blocked=True):
        sweep.importance(progress=seen.append)
        assert len(seen) > 10 and seen[-1] == 1.0  # 1,770 pairs, reported as they go
        stop: list[float] = []
        with pytest.raises(Cancelled):
            sweep.importance(progress=stop.append, cancel=lambda: len(stop) >= 3)
    assert len(stop) == 3 and stop[-1] < 0.5  # stopped inside the one context


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 9999), min_size=1, max_size=12), st.sampled_from([10_000, 20_000]))
def test_packed_table_of_many_ranks_counts_below_and_at(ranks: list[int], u: int) -> None:
    target = np.sort(np.array(ranks, dtype=np.int32))  # ties allowed
    table = pair_blocks._packed_table(target, u, 16, np.int32)
    k = np.arange(u + 1)
    below = (target[None, :] < k[:, None]).sum(axis=1)  # y < u_k
    at_or_below = (target[None, :] <= k[:, None]).sum(axis=1)
    np.testing.assert_array_equal(table, below + (at_or_below << 16))
