"""compare() end to end against a plain per-row scipy/statsmodels loop."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st
from hypothesis import given, settings
from hypothesis import strategies as hst
from statsmodels.stats.multitest import multipletests

from sweepwalk import Comparison, Sweep
from sweepwalk.analysis.compare import compare
from sweepwalk.stats import a12_interval
from sweepwalk.stats._permutation import mean_difference


def make_runs(seed: int, n_seeds: int = 6, decimals: int = 2, missing: float = 0.15):
    """A 3 x 3 x 2 grid with conditional momentum, uneven seeds and NaN/missing runs."""
    rng = np.random.default_rng(seed)
    rows = []
    grid = [("sgd", 0.5), ("sgd", 0.9), ("adam", None)]
    for (solver, momentum), lr, depth in itertools.product(grid, [0.01, 0.1, 1.0], [2, 4]):
        level = rng.normal(0.7, 0.03)
        for s in range(n_seeds):
            if rng.random() < missing:
                continue  # a run that never happened
            score = round(float(rng.normal(level, 0.03)), decimals)
            if rng.random() < 0.05:
                score = float("nan")  # a crashed run
            rows.append((solver, momentum, lr, depth, s, score))
    return pd.DataFrame(rows, columns=["solver", "momentum", "lr", "depth", "seed", "acc"])


def _scipy(test, row, target, random_state=None, n_resamples=9999):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            if test == "ks":
                r = st.ks_2samp(target, row)
            elif test == "mannwhitney":
                r = st.mannwhitneyu(row, target, alternative="two-sided")
                pooled = np.concatenate([row, target])
                if min(len(row), len(target)) <= 8 and len(np.unique(pooled)) < len(pooled):
                    return float(r.statistic), _mw_conditional(row, target)
            elif test in ("welch", "ttest_rel") and _identical(test, row, target):
                return 0.0, 1.0  # no difference at all: t = 0, p = 1 (scipy: 0/0, NaN)
            elif test == "welch":
                r = st.ttest_ind(row, target, equal_var=False)
            elif test == "wilcoxon":
                r = st.wilcoxon(row, target)
            elif test == "ttest_rel":
                r = st.ttest_rel(row, target)
            else:
                r = st.permutation_test(
                    (row, target),
                    mean_difference,
                    vectorized=True,
                    n_resamples=n_resamples,
                    rng=random_state,
                )
        except ValueError:
            return np.nan, np.nan
    return float(r.statistic), float(r.pvalue)


def _identical(test, row, target):
    if min(len(row), len(target)) < 2:
        return False
    if test == "ttest_rel":
        return bool(np.all(row == target))
    return len(np.unique(np.concatenate([row, target]))) == 1


def _mw_conditional(row, target):
    """Mann-Whitney's exact p-value given the ties: every split of the pooled midranks."""
    if min(len(row), len(target)) >= 2:
        method = st.PermutationMethod(n_resamples=np.inf)
        return float(st.mannwhitneyu(row, target, method=method).pvalue)
    ranks = st.rankdata(np.concatenate([row, target]))  # a side of one value: N splits
    observed = ranks[0] if len(row) == 1 else ranks[-1]
    return float(min(1.0, 2 * min(np.mean(ranks <= observed), np.mean(ranks >= observed))))


def _direction(test, a12, diff, hl):
    """The direction rule of compare's Notes, before orientation by the goal."""
    by_mean, by_a12 = np.sign(diff), np.sign(a12 - 0.5)
    if test in ("welch", "permutation", "ttest_rel"):
        return by_mean
    if test == "mannwhitney":
        return by_a12
    if test == "wilcoxon":
        return np.sign(hl)
    return by_a12 if by_a12 == by_mean else 0.0


def _interval_direction(test, row, target, level):
    """+1/-1 only when the intervals at ``level`` exclude the null (Welch's; the A12 one)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if len(row) < 2 or len(target) < 2:
            return 0.0
        ci = st.ttest_ind(row, target, equal_var=False).confidence_interval(level)
        by_mean = 1.0 if ci.low > 0 else -1.0 if ci.high < 0 else 0.0
        _, low, high = a12_interval(row[None], [len(row)], target[None], [len(target)], level)
        by_a12 = 1.0 if low[0] > 0.5 else -1.0 if high[0] < 0.5 else 0.0
    if test == "permutation":
        return by_mean
    if test == "mannwhitney":
        return by_a12
    return by_a12 if by_a12 == by_mean else 0.0


def _hodges_lehmann(d):
    walsh = (d[:, None] + d[None, :]) / 2
    return float(np.median(walsh[np.triu_indices(len(d))]))


def _plain_paired(test, r_scores, r_seeds, t_scores, t_seeds):
    """One paired row: (statistic, p, mean difference, A12, Hodges-Lehmann, pairs)."""
    common = np.intersect1d(r_seeds, t_seeds)
    a = np.array([r_scores[r_seeds == c][0] for c in common])
    b = np.array([t_scores[t_seeds == c][0] for c in common])
    n_eff = min(len(r_scores), len(t_scores), len(common))
    if test == "wilcoxon":  # on the integer grid: float rounding breaks no tie
        a_, b_ = np.rint(a * 100), np.rint(b * 100)
    else:
        a_, b_ = a, b
    stat, p = _scipy(test, a_, b_) if len(common) else (np.nan, np.nan)
    d = a - b
    diff = d.mean() if len(d) else np.nan
    wins = np.mean((d > 0) + 0.5 * (d == 0)) if len(d) else np.nan
    hl = _hodges_lehmann(np.rint(d * 100) / 100) if len(d) else np.nan
    return stat, p, diff, wins, hl, n_eff


def _plain_unpaired(test, r_scores, t_scores, **kw):
    """One unpaired row: (statistic, p, mean difference, A12, NaN, the smaller sample size)."""
    n_eff = min(len(r_scores), len(t_scores))
    grid = test == "permutation"
    r_, t_ = (np.rint(r_scores * 100), np.rint(t_scores * 100)) if grid else (r_scores, t_scores)
    stat, p = _scipy(test, r_, t_, **kw) if n_eff else (np.nan, np.nan)
    if grid:
        stat = stat / 100  # the statistic in metric units
    diff = r_scores.mean() - t_scores.mean() if n_eff else np.nan
    a12 = (
        np.mean([(x > y) + 0.5 * (x == y) for x in r_scores for y in t_scores]) if n_eff else np.nan
    )
    return stat, p, diff, a12, np.nan, n_eff


def plain_loop(runs, target, ids, test, correction, alpha, goal, min_runs, **kw):
    """What a user would write: one scipy call per row, then multipletests.

    The scores are on a 1/100 grid (``make_runs``): the permutation and Wilcoxon tests are
    the same tests on the integer counts, where ties are exact.
    """
    ok = runs.dropna(subset=["acc"])
    key = ["solver", "momentum", "lr", "depth"]
    groups = {
        tuple(None if pd.isna(v) else v for v in k): g for k, g in ok.groupby(key, dropna=False)
    }

    def scores(cfg):
        g = groups.get(cfg)
        if g is None:
            return np.array([]), np.array([])
        g = g.sort_values("seed")
        return g["acc"].to_numpy(), g["seed"].to_numpy()

    t_scores, t_seeds = scores(target)
    out = []
    samples = []
    for cfg in ids:
        r_scores, r_seeds = scores(cfg)
        if test in ("wilcoxon", "ttest_rel"):
            stat, p, diff, a12, hl, n_eff = _plain_paired(
                test, r_scores, r_seeds, t_scores, t_seeds
            )
        else:
            stat, p, diff, a12, hl, n_eff = _plain_unpaired(test, r_scores, t_scores, **kw)
        if n_eff < min_runs:
            stat = p = np.nan
        effect = a12 if goal == "max" else 1 - a12
        sign = 1 if goal == "max" else -1
        direction = sign * _direction(test, a12, diff, hl)
        out.append((stat, p, effect, direction))
        samples.append((r_scores, t_scores))
    stat, p, effect, direction = map(np.array, zip(*out, strict=True)) if out else ([],) * 4
    p = np.asarray(p, dtype=float)
    adj = p.copy()
    finite = ~np.isnan(p)
    if correction != "none" and finite.any():
        adj[finite] = multipletests(p[finite], alpha=alpha, method=correction)[1]
    if test in ("ks", "mannwhitney", "permutation"):
        # distribution tests: a significant row's way from intervals at the FCR-adjusted level
        chosen = finite & (adj <= alpha)
        level = 1 - alpha * (1 if correction == "none" else chosen.sum() / max(finite.sum(), 1))
        sign = 1 if goal == "max" else -1
        direction = np.asarray(direction, dtype=float)
        for i in np.flatnonzero(chosen):
            direction[i] = sign * _interval_direction(test, *samples[i], level)
    status = [
        _plain_status(pv, pa, dr, alpha) for pv, pa, dr in zip(p, adj, direction, strict=True)
    ]
    return np.asarray(stat, float), p, adj, np.asarray(effect, float), status


def _plain_status(pvalue, pvalue_adj, direction, alpha):
    if np.isnan(pvalue):
        return "na"
    if pvalue_adj <= alpha:
        return "better" if direction > 0 else "worse" if direction < 0 else "differs"
    return "ns"


def _config_tuple(sweep, i):
    row = sweep.configs.loc[i, list(sweep.params)]
    return tuple(None if pd.isna(v) else v for v in row)


def _assert_close(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), (a, b)
    ok = ~np.isnan(a)
    np.testing.assert_allclose(a[ok], b[ok], rtol=0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=hst.integers(0, 2**31),
    test=hst.sampled_from(["ks", "mannwhitney", "welch", "wilcoxon", "ttest_rel"]),
    correction=hst.sampled_from(["none", "holm", "fdr_bh", "bonferroni", "hommel", "fdr_tsbky"]),
    against=hst.sampled_from(["neighbors", "all"]),
    goal=hst.sampled_from(["max", "min"]),
    min_runs=hst.integers(1, 5),
)
def test_compare_matches_plain_loop(seed, test, correction, against, goal, min_runs):
    runs = make_runs(seed)
    sweep = Sweep.from_runs(
        runs,
        metric="acc",
        params=["solver", "momentum", "lr", "depth"],
        seed="seed",
        goal=goal,
        min_runs=min_runs,
    )
    target = seed % len(sweep)
    res = compare(sweep, target, against=against, test=test, correction=correction)
    if against == "all":
        np.testing.assert_array_equal(res.ids, np.delete(np.arange(len(sweep)), target))
    else:
        np.testing.assert_array_equal(res.ids, sweep.neighbors(target))
    ids = [_config_tuple(sweep, int(j)) for j in res.ids]
    stat, p, adj, effect, status = plain_loop(
        runs, _config_tuple(sweep, target), ids, test, correction, 0.05, goal, min_runs
    )
    _assert_close(res.statistic, stat)
    _assert_close(res.pvalue, p)
    _assert_close(res.pvalue_adj, adj)
    _assert_close(res.effect, effect)
    assert res.status.tolist() == status

    frame = res.to_frame()
    assert list(frame.index) == sorted([target, *res.ids.tolist()])
    assert frame.loc[target, "status"] == "target"
    assert frame.index.name == "config"
    expected = [
        *sweep.params,
        "n",
        "mean",
        "median",
        "statistic",
        "pvalue",
        "pvalue_adj",
        "significant",
        "effect",
        "diff_mean",
        "varied",
    ]
    assert list(frame.columns[: len(expected)]) == expected
    assert frame.columns[-1] == "status"
    others = frame.drop(index=target)
    _assert_close(others["pvalue"], res.pvalue)
    if test not in ("wilcoxon", "ttest_rel"):  # paired: the mean of per-seed differences
        means = sweep.configs["mean"]
        _assert_close(others["diff_mean"], means[res.ids].to_numpy() - means[target])
    assert others["varied"].tolist() == sweep.varied(target, res.ids)
    assert (others["significant"] == (others["pvalue_adj"] <= 0.05)).all()


@settings(max_examples=8, deadline=None)
@given(seed=hst.integers(0, 2**31), rs=hst.integers(0, 2**31))
def test_permutation_matches_plain_loop(seed, rs):
    runs = make_runs(seed, n_seeds=5)
    sweep = Sweep.from_runs(runs, metric="acc", params=["solver", "momentum", "lr", "depth"])
    target = seed % len(sweep)
    res = compare(sweep, target, test="permutation", random_state=rs, n_resamples=199)
    ids = [_config_tuple(sweep, int(j)) for j in res.ids]
    stat, p, _, _, status = plain_loop(
        runs,
        _config_tuple(sweep, target),
        ids,
        "permutation",
        "none",
        0.05,
        "max",
        3,
        random_state=rs,
        n_resamples=199,
    )
    _assert_close(res.statistic, stat)
    _assert_close(res.pvalue, p)
    assert res.status.tolist() == status


def _small_sweep(**kw):
    runs = pd.DataFrame(
        {
            "lr": [0.1] * 5 + [0.2] * 5 + [0.4] * 2,
            "seed": [*range(5), *range(5), 0, 1],
            "acc": [0.70, 0.71, 0.69, 0.72, 0.70, 0.80, 0.82, 0.81, 0.79, 0.83, 0.9, 0.91],
        }
    )
    return Sweep.from_runs(runs, metric="acc", params=["lr"], **kw)


def test_status_words_and_na():
    sweep = _small_sweep(seed="seed")
    res = sweep.compare({"lr": 0.2}, test="mannwhitney")
    frame = res.to_frame()
    assert frame["status"].tolist() == ["worse", "target", "na"]  # lr=0.4 has 2 < 3 runs
    assert np.isnan(frame.loc[2, "pvalue"]) and np.isnan(frame.loc[2, "pvalue_adj"])
    assert frame.loc[2, "effect"] == 1.0  # still shown, as information
    low = _small_sweep(seed="seed", goal="min").compare({"lr": 0.2}, test="mannwhitney")
    assert low.status.tolist() == ["better", "na"]
    assert "Comparison" in repr(res) and "worse=1" in repr(res)
    assert isinstance(res, Comparison) and len(res) == 2


def test_na_rows_are_left_out_of_the_family():
    sweep = _small_sweep(seed="seed", min_runs=2)
    full = sweep.compare(1, test="welch", correction="bonferroni")
    sweep3 = _small_sweep(seed="seed", min_runs=3)
    part = sweep3.compare(1, test="welch", correction="bonferroni")
    assert part.status[1] == "na"
    # with the lr=0.4 row out of the family, Bonferroni multiplies by 1, not 2
    assert part.pvalue_adj[0] == pytest.approx(part.pvalue[0])
    assert full.pvalue_adj[0] == pytest.approx(min(1.0, 2 * full.pvalue[0]))


def test_differs_when_effect_is_one_half():
    runs = pd.DataFrame({"lr": [1] * 40 + [2] * 40, "acc": [0.0] * 20 + [1.0] * 20 + [0.5] * 40})
    sweep = Sweep.from_runs(runs, metric="acc")
    res = sweep.compare(0, test="ks")
    assert res.effect[0] == 0.5
    assert res.status.tolist() == ["differs"]


def test_paired_tests_need_a_seed_column():
    sweep = _small_sweep()
    with pytest.raises(ValueError, match=r"seed=.*'ks'"):
        sweep.compare(0, test="wilcoxon")


def test_paired_too_few_shared_seeds_is_na():
    sweep = _small_sweep(seed="seed", min_runs=2)
    res = sweep.compare(1, test="ttest_rel")
    frame = res.to_frame()
    assert frame.loc[2, "n_shared"] == 2 and frame.loc[1, "n_shared"] == 5
    strict = _small_sweep(seed="seed", min_runs=3).compare(1, test="ttest_rel")
    assert strict.status.tolist()[1] == "na"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"test": "t"}, r"`test` must be one of \{'ks', 'mannwhitney'"),
        ({"correction": "bonf-holm"}, r"`correction` must be one of \{'none', .*'holm'"),
        ({"against": "some"}, r"`against` must be one of \{'neighbors', 'all'\}"),
        ({"neighbors": "near"}, r"`neighbors` must be one of \{'adjacent', 'axis'\}"),
        ({"alpha": 1.5}, r"`alpha` must be a number strictly between 0 and 1"),
        ({"alpha": True}, r"`alpha`"),
        ({"n_resamples": 0}, r"`n_resamples` must be an integer >= 1"),
    ],
)
def test_validation_lists_allowed_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _small_sweep().compare(0, **kwargs)


def test_bad_random_state_and_target():
    with pytest.raises(TypeError, match="random_state"):
        _small_sweep().compare(0, test="permutation", random_state="x")
    with pytest.raises(KeyError):
        _small_sweep().compare(7)
    with pytest.raises(KeyError):
        _small_sweep().compare({"lr": 0.3})


def test_target_without_runs_makes_everything_na():
    runs = pd.DataFrame({"lr": [1, 1, 1, 2, 2, 2], "acc": [np.nan] * 3 + [0.1, 0.2, 0.3]})
    res = Sweep.from_runs(runs, metric="acc").compare(0)
    assert res.status.tolist() == ["na"]


def test_permutation_is_reproducible_with_a_seed():
    sweep = _small_sweep()
    a = sweep.compare(0, test="permutation", random_state=1, n_resamples=99)
    b = sweep.compare(0, test="permutation", random_state=1, n_resamples=99)
    np.testing.assert_array_equal(a.pvalue, b.pvalue)


@pytest.mark.parametrize("test", ["ks", "mannwhitney", "welch", "permutation", "wilcoxon"])
def test_a_lone_configuration_compares_with_nothing(test):
    runs = pd.DataFrame({"lr": [1, 1, 1], "seed": [0, 1, 2], "acc": [0.1, 0.2, 0.3]})
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    res = sweep.compare(0, test=test, correction="holm", random_state=0)
    assert len(res) == 0 and "nothing compared" in repr(res)
    assert res.to_frame()["status"].tolist() == ["target"]


@settings(max_examples=60, deadline=None)
@given(
    pvalues=hst.lists(
        hst.sampled_from([np.nan, 0.0, 1e-9, 0.01, 0.2, 1.0]) | hst.floats(0, 1),
        min_size=1,
        max_size=60,
    ),
    k=hst.integers(1, 40),
)
def test_rows_given_seeds_needed_are_a_stable_sorts_first(pvalues, k):
    # seeds_needed goes to the k smallest p-values (NaN last), ties in order of position:
    # the first k of a stable argsort, found with a partition
    from sweepwalk.analysis.evidence import _smallest

    key = np.where(np.isnan(pvalues), np.inf, np.array(pvalues, dtype=float))
    k = min(k, len(key))
    expected = np.sort(np.argsort(key, kind="stable")[:k])
    np.testing.assert_array_equal(_smallest(key, k), expected)


@pytest.mark.parametrize("seed", range(3))
def test_intervals_against_all_from_the_ks_pass_equal_the_plain_estimate(seed, monkeypatch):
    # a grid of seeds against all: the KS pass leaves the intervals' placement sums, and the
    # intervals equal stats.estimate on the rows themselves (no second pass is made)
    from sweepwalk.stats import _placement_sums, estimate

    rng = np.random.default_rng(seed)
    n_seeds, a, b = 6, 60, 10
    grid = np.array(list(itertools.product(range(a), range(b))))
    shift = rng.normal(0, 0.03, size=len(grid))[:, None]
    scores = np.round(0.8 + shift + rng.normal(0, 0.03, size=(len(grid), n_seeds)), 2)
    runs = pd.DataFrame(
        {
            "a": np.repeat(grid[:, 0], n_seeds),
            "b": np.repeat(grid[:, 1], n_seeds),
            "seed": np.tile(np.arange(n_seeds), len(grid)),
            "acc": scores.ravel(),
        }
    )
    sweep = Sweep.from_runs(runs, metric="acc", params=["a", "b"], seed="seed")

    def no_second_pass(*args, **kwargs):
        raise AssertionError("the placement sums were computed again")

    monkeypatch.setattr(_placement_sums, "placement_sums", no_second_pass)
    target = int(rng.integers(len(sweep)))
    res = compare(sweep, target, against="all", test="ks", correction="none")
    monkeypatch.undo()
    x = sweep.score_rows(res.ids)
    want = estimate("ks", x, sweep.counts[res.ids], sweep.score_rows([target]), [n_seeds])
    for got, ref in [
        (res.effect_low, want.effect_low),
        (res.effect_high, want.effect_high),
        (res.diff_mean_low, want.diff_mean_low),
        (res.diff_mean_high, want.diff_mean_high),
    ]:
        np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    assert res.significant.any()  # the direction intervals were asked for too
