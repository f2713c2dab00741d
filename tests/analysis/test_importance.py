from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import ttost_ind

from sweepwalk import Sweep
from sweepwalk.analysis.importance import COLUMNS, default_margin, importance, verdicts


def _small(seed: int = 0, n: int = 6, short: tuple[int, ...] = ()) -> Sweep:
    rng = np.random.default_rng(seed)
    rows = []
    for lr in (0.1, 0.2, 0.3):
        for act in ("relu", "tanh"):
            for s in range(n):
                rows.append({"lr": lr, "act": act, "seed": s, "acc": rng.normal(10 * lr, 0.05)})
    df = pd.DataFrame(rows)
    for lr in short:  # leave only 2 runs for these configurations
        drop = df.index[(df["lr"] == lr) & (df["act"] == "relu") & (df["seed"] >= 2)]
        df = df.drop(drop)
    return Sweep.from_runs(df, metric="acc", params=["lr", "act"], seed="seed")


def _loop(sweep, test, correction, alpha, neighbors, margin):
    """Per-pair scipy/statsmodels loop: the reference."""
    pairs = sweep.neighbor_pairs(neighbors)
    if margin is None:
        margin = default_margin(sweep)
    rows = []
    for param in sweep.params:
        a, b = pairs.get(param, ((), ()))
        for i, j in zip(a, b, strict=True):
            x, y = sweep.scores(int(i)), sweep.scores(int(j))
            ok = min(len(x), len(y)) >= sweep.min_runs
            p = e = tp = np.nan
            if ok:
                if test == "ks":
                    p = stats.ks_2samp(y, x).pvalue
                elif test == "welch":
                    p = stats.ttest_ind(x, y, equal_var=False).pvalue
                else:
                    p = stats.mannwhitneyu(x, y, alternative="two-sided").pvalue
                c = x[:, None] - y[None, :]
                e = ((c > 0) + 0.5 * (c == 0)).mean()
                if margin is not None:
                    tp = ttost_ind(x, y, -margin, margin, usevar="unequal")[0]
            rows.append((param, ok, p, e, tp))
    df = pd.DataFrame(rows, columns=["param", "ok", "p", "e", "tp"])
    tested = df["ok"].to_numpy()
    padj = np.full(len(df), np.nan)
    if correction == "none":
        padj[tested] = df["p"][tested]
    else:
        padj[tested] = multipletests(df["p"][tested], alpha=alpha, method=correction)[1]
    df["sig"] = tested & (padj < alpha)
    df["eq"] = tested & (df["tp"] < alpha)
    df["ae"] = (df["e"] - 0.5).abs()
    g = df.groupby("param", sort=False)
    return pd.DataFrame(
        {
            "pairs": g.size(),
            "tested": g["ok"].sum(),
            "significant": g["sig"].sum(),
            "median_abs_effect": g["ae"].median(),
            "equivalent": g["eq"].sum(),
        }
    ).reindex(list(sweep.params))


@pytest.mark.parametrize(
    ("test", "correction", "neighbors", "margin"),
    [
        ("ks", "fdr_bh", "adjacent", None),
        ("ks", "holm", "axis", 0.01),
        ("mannwhitney", "none", "adjacent", 0.02),
        ("welch", "bonferroni", "axis", None),
    ],
)
def test_equals_per_pair_loop(demo, test, correction, neighbors, margin):
    got = importance(
        demo, test=test, correction=correction, neighbors=neighbors, margin=margin
    ).to_frame()
    want = _loop(demo, test, correction, 0.05, neighbors, margin)
    assert list(got.index) == list(demo.params)
    for col in ("pairs", "tested", "significant"):
        np.testing.assert_array_equal(got[col].to_numpy(), want[col].fillna(0).to_numpy())
    np.testing.assert_allclose(
        got["median_abs_effect"], want["median_abs_effect"], rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(got["share_significant"], got["significant"] / got["tested"])
    np.testing.assert_array_equal(got["equivalent"], want["equivalent"])
    used = default_margin(demo) if margin is None else margin
    assert got.attrs["margin"] == used
    assert got.attrs["margin_source"].startswith("default" if margin is None else "given")
    parts = got[["matters", "negligible", "inconclusive"]].sum(axis=1)
    np.testing.assert_array_equal(parts, got["tested"])
    assert got.attrs["family"] == int(got["tested"].sum())


def test_too_few_runs_counted_not_tested():
    sweep = _small(short=(0.1,))
    got = importance(sweep, test="welch", margin=0.5).to_frame()
    assert (got["pairs"] == got["tested"] + got["too_few_runs"]).all()
    assert got.loc["lr", "too_few_runs"] == 1  # (0.1, relu) - (0.2, relu)
    assert got.loc["act", "too_few_runs"] == 1  # (0.1, relu) - (0.1, tanh)


def test_paired_test_and_target_subset(demo):
    full = importance(demo, test="wilcoxon").to_frame()
    assert full["tested"].sum() > 0
    t = 7
    sub = importance(demo, test="wilcoxon", target=t).to_frame()
    nb = demo.neighbor_pairs("adjacent")
    for param in demo.params:
        a, b = nb[param]
        assert sub.loc[param, "pairs"] == int(((a == t) | (b == t)).sum())
    assert sub.attrs["target"] == t


def test_default_margin_is_half_the_median_seed_spread(demo):
    stds = demo.configs.loc[demo.configs["n"] >= demo.min_runs, "std"]
    assert default_margin(demo) == pytest.approx(0.5 * np.median(stds), rel=1e-15)


def test_no_verdict_of_irrelevance_without_equivalence():
    # lr matters hugely; act not at all. Non-significance alone never makes act negligible:
    # only pairs shown equivalent (TOST within the margin) can.
    sweep = _small(n=10)
    tight = importance(sweep, test="welch", correction="bonferroni", margin=1e-6).to_frame()
    assert tight.loc["lr", "verdict"] == "matters"
    assert tight.loc["act", "significant"] == 0
    assert tight.loc["act", "verdict"] == "inconclusive"
    loose = importance(sweep, test="welch", correction="bonferroni", margin=0.5).to_frame()
    assert loose.loc["act", "verdict"] == "negligible within ±0.5"
    assert loose.loc["act", "negligible"] == loose.loc["act", "tested"]


def test_verdict_rules():
    # the majority rule of before called rows 3 and 5 negligible/inconclusive while pairs
    # mattered after the correction (an interaction); negligible needs every pair equivalent
    got = verdicts(
        np.array([0, 3, 3, 4, 4, 3, 3, 3]),
        np.array([0, 2, 0, 2, 1, 0, 3, 0]),
        np.array([0, 1, 2, 2, 0, 3, 0, 0]),
        0.1,
    )
    assert got == [
        "untested",
        "matters in 2/3 (interaction: 1 negligible)",
        "inconclusive",  # 2 of 3 equivalent: not negligible everywhere
        "matters in 2/4 (interaction: 2 negligible)",
        "matters in 1/4",
        "negligible within ±0.1",
        "matters",
        "inconclusive",
    ]


def test_progress_is_called_with_fractions(demo, monkeypatch):
    monkeypatch.setattr("sweepwalk.analysis.importance.pairwise._BATCH", 50)
    seen: list[float] = []
    importance(demo, progress=seen.append).to_frame()
    assert len(seen) > 2 and seen == sorted(seen) and seen[-1] == 1.0
    assert all(0 < f <= 1 for f in seen)


def test_fast_a12_path_equals_general():
    from sweepwalk.analysis.importance.pairwise import _a12_pairs, _prepared
    from sweepwalk.stats import a12

    sweep = _small(short=(0.2,))
    _, ranks = _prepared(sweep)
    a, b = np.meshgrid(np.arange(len(sweep)), np.arange(len(sweep)))
    a, b = a.ravel(), b.ravel()
    values, counts = sweep.score_matrix, sweep.counts
    got = _a12_pairs(ranks[a], ranks[b], values[a], values[b], counts[a], counts[b])
    want = a12(values[a], counts[a], values[b], counts[b])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"test": "t"}, ValueError, "`test` must be one of"),
        ({"correction": "nope"}, ValueError, "`correction` must be one of {'none'"),
        ({"alpha": 1.5}, ValueError, "`alpha` must be"),
        ({"neighbors": "all"}, ValueError, "`neighbors` must be one of"),
        ({"margin": -1.0}, ValueError, "`margin` must be None or a positive"),
        ({"progress": 3}, TypeError, "`progress` must be None or a callable"),
    ],
)
def test_validation(demo, kwargs, error, match):
    with pytest.raises(error, match=match):
        importance(demo, **kwargs).to_frame()


def _interaction_sweep(rng, effect, contexts=6):
    """20 contexts x a parameter p of 2 levels x 10 seeds; p moves the mean in a few contexts."""
    rows = [
        (f"c{c}", p, s, rng.normal(effect * (p == 1) * (c < contexts), 0.1))
        for c in range(20)
        for p in (0, 1)
        for s in range(10)
    ]
    runs = pd.DataFrame(rows, columns=["ctx", "p", "seed", "acc"])
    return Sweep.from_runs(runs, metric="acc", seed="seed")


def test_an_interaction_is_reported_and_a_null_parameter_seldom_matters():
    # p moves the mean by 3 margins in 6 of 20 contexts: it matters, there, and is never
    # called negligible; with no effect anywhere "matters" is a false claim, held to alpha
    rng = np.random.default_rng(3)
    found = [
        _interaction_sweep(rng, 0.3)
        .importance(test="welch", margin=0.1)
        .to_frame()
        .loc["p", "verdict"]
        for _ in range(20)
    ]
    # the 6 contexts where p acts are found; FDR allows the odd null context among them
    assert all(v.startswith("matters in ") and "interaction" in v for v in found), found
    assert all(6 <= int(v.split()[2].split("/")[0]) <= 8 for v in found), found
    reps = 100
    null = [
        _interaction_sweep(rng, 0.0)
        .importance(test="welch", margin=0.1)
        .to_frame()
        .loc["p", "verdict"]
        for _ in range(reps)
    ]
    rate = np.mean([v.startswith("matters") for v in null])
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps), rate


def test_an_interaction_says_where_the_pairs_that_matter_sit():
    # p acts in contexts c0-c5 only: the verdict names those levels of ctx, with the counts
    rng = np.random.default_rng(5)
    frame = _interaction_sweep(rng, 0.3).importance(test="welch", margin=0.1).to_frame()
    verdict, where = frame.loc["p", ["verdict", "where"]]
    assert where.startswith("where ctx in {")
    named = set(where[where.index("{") + 1 : where.index("}")].split(", "))
    assert {f"c{c}" for c in range(6)} <= named and len(named) <= 7  # FDR: the odd null one
    matters = int(verdict.split()[2].split("/")[0])
    assert where.endswith(f": {matters} of {len(named)} pairs; 0 of {20 - len(named)} elsewhere")
    assert verdict.startswith("matters in ") and where in verdict
    # and ctx matters only where p = 1 (the same interaction, seen from ctx)
    assert frame.loc["ctx", "where"].startswith("where p = 1: ")
    assert frame.loc["ctx", "where"].endswith("; 0 of 190 elsewhere")


def test_where_counts_per_context_against_a_direct_count():
    from sweepwalk.analysis.importance.interaction import Contexts, context_counts, where

    codes = np.array([[0, 0], [0, 1], [0, 1], [0, 2], [0, -1]])
    tested = np.array([True, True, True, True, False])
    differ = np.array([False, True, True, False, False])
    pvalue = np.array([0.001, 0.01, 0.2, 0.001, np.nan])
    contexts = Contexts()
    contexts.add(context_counts(codes, tested, differ, pvalue, [(1, 3)]))
    # 0.2 > threshold, the rest equivalent; position 0 is "absent"
    assert contexts.matters(1, 0.05).tolist() == [0, 0, 1, 0]
    text = where(contexts, 0.05, ["p", "q"], {"p": (1,), "q": ("a", "b", "c")})
    assert text == "where q = b: 1 of 2 pairs; 0 of 2 elsewhere"
    assert where(contexts, 0.3, ["p", "q"], {"p": (1,), "q": ("a", "b", "c")}).startswith(
        "where q = b: 2 of 2"
    )


def test_importance_is_a_result_with_to_frame(demo):
    from sweepwalk.analysis.importance import Importance

    result = importance(demo, test="welch", margin=0.01)
    assert isinstance(result, Importance) and len(result) == len(demo.params)
    frame = result.to_frame()
    assert list(frame.index) == list(demo.params) and tuple(frame.columns) == COLUMNS
    assert frame["verdict"].tolist() == list(result.verdict)
    np.testing.assert_array_equal(frame["inconclusive"], result.tested - result.matters
                                  - result.negligible)  # fmt: skip
    assert frame.attrs["family"] == result.family == int(result.tested.sum())
    assert frame.attrs["margin"] == 0.01 and frame.attrs["margin_source"] == "given"
