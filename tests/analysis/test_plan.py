from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower

from sweepwalk import Sweep


def test_compare_power_columns_equal_statsmodels(demo):
    # Welch without correction: the mde is TTestIndPower's at alpha, on the pooled sd
    t = 5
    comp = demo.compare(t, test="welch", ci=None)
    frame = comp.to_frame().drop(index=t)
    a = demo.scores(t)
    for i, row in frame.iterrows():
        b = demo.scores(int(i))
        sd = np.sqrt(
            (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2)
        )
        d = TTestIndPower().solve_power(
            effect_size=None, nobs1=len(b), ratio=len(a) / len(b), alpha=0.05, power=0.8
        )
        assert row["level"] == 0.05
        assert row["mde"] == pytest.approx(d * sd, rel=1e-6)  # two root solvers
        # underpowered: the test could not see the difference worth detecting (not post hoc)
        want = row["status"] == "ns" and d * sd > comp.effect_of_interest
        assert row["underpowered"] == want
    assert frame["effect_low"].isna().all()


def test_paired_power_is_the_paired_t_power(demo):
    t = 19
    comp = demo.compare(t, test="ttest_rel", correction="bonferroni", ci=None)
    frame = comp.to_frame().drop(index=t)
    m = int((frame["status"] != "na").sum())
    for i, row in frame[frame["status"] != "na"].iterrows():
        d = demo.scores(int(i)) - demo.scores(t)  # the demo's configurations share all seeds
        assert row["level"] == pytest.approx(0.05 / m, rel=1e-9)  # Bonferroni's per-row level
        es = TTestPower().solve_power(effect_size=None, nobs=len(d), alpha=0.05 / m, power=0.8)
        assert row["mde"] == pytest.approx(es * d.std(ddof=1), rel=1e-6)


def test_intervals_are_the_tests_own(demo):
    t, row = 19, 21
    x, y = demo.scores(row), demo.scores(t)
    welch = demo.compare(t, test="welch").to_frame().loc[row]
    ci = stats.ttest_ind(x, y, equal_var=False).confidence_interval(0.95)
    assert (welch["estimate_low"], welch["estimate_high"]) == pytest.approx(ci, rel=1e-12)
    assert (welch["diff_mean_low"], welch["diff_mean_high"]) == pytest.approx(ci, rel=1e-12)
    rel = demo.compare(t, test="ttest_rel").to_frame().loc[row]
    ci = stats.ttest_rel(x, y).confidence_interval(0.95)
    assert (rel["estimate_low"], rel["estimate_high"]) == pytest.approx(ci, rel=1e-12)
    # README's pair: paired, the interval excludes 0 as the p-value says (0.0069)
    assert rel["pvalue"] < 0.05 and rel["estimate_low"] > 0
    # paired effect: share of seeds on which 21 beats 19 (ties one half)
    assert rel["effect"] == pytest.approx(((x > y) + 0.5 * (x == y)).mean())


def test_nothing_can_be_significant_is_said_in_words():
    rng = np.random.default_rng(0)
    runs = pd.DataFrame(
        {
            "lr": np.repeat(np.arange(200), 5),
            "acc": rng.normal(size=1000),
        }
    )
    sweep = Sweep.from_runs(runs, metric="acc", params=["lr"])
    comp = sweep.compare(0, against="all", correction="holm", ci=None)
    assert not comp.reachable.any()
    note = " ".join(comp.notes)
    assert "nothing can be significant" in note and "holm over 199 rows" in note
    assert "at least" in note and "seeds per configuration" in note
    assert (comp.status == "ns").all()
    assert sweep.compare(0, ci=None).reachable.all()  # neighbours: 2 rows, reachable


def test_plan_rule_and_ranking(demo):
    t = 5
    out = demo.plan(t, against="all", correction="holm")
    comp = demo.compare(t, against="all", correction="holm", ci=None).to_frame()
    want = comp[(comp["status"] == "na") | ((comp["status"] == "ns") & comp["underpowered"])]
    assert out.index[0] == t and out["reason"].iloc[0] == "confirm"
    out = out.iloc[1:]
    assert sorted(out.index) == sorted(want.index)
    # promising rows first, then fewer more_seeds
    prom = out["promising"].to_numpy()
    assert not np.any(~prom[:-1] & prom[1:])
    for flag in (True, False):
        part = out[out["promising"] == flag]["more_seeds"].fillna(np.inf).to_numpy()
        assert np.all(np.diff(part) >= 0)
    need = np.maximum(out["seeds_needed"], demo.min_runs)
    np.testing.assert_array_equal(out["more_seeds"], np.maximum(need - out["n"], 0))
    if len(out):
        d = abs(out["diff_mean"].iloc[0])
        assert np.isfinite(stats.norm.ppf(0.5)) and d >= 0


def test_plan_validation(demo):
    with pytest.raises(ValueError, match="`max_seeds`"):
        demo.plan(5, max_seeds=0)
    with pytest.raises(ValueError, match="`ci`"):
        demo.compare(5, ci=1.5)
