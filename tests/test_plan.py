from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from sweepwalk import Sweep
from sweepwalk.datasets import DEMO, load_demo


@pytest.fixture(scope="module")
def demo() -> Sweep:
    return Sweep.from_runs(load_demo(), **DEMO)


def test_compare_power_columns_equal_statsmodels(demo):
    t = 5
    frame = demo.compare(t, ci=None).to_frame().drop(index=t)
    a = demo.scores(t)
    for i, row in frame.iterrows():
        b = demo.scores(int(i))
        sd = np.sqrt(
            (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2)
        )
        d = TTestIndPower().solve_power(
            effect_size=None, nobs1=len(b), ratio=len(a) / len(b), alpha=0.05, power=0.8
        )
        assert row["mde"] == pytest.approx(d * sd, rel=1e-10)
        assert row["underpowered"] == (row["status"] == "ns" and d * sd > abs(row["diff_mean"]))
    assert frame["effect_low"].isna().all()


def test_compare_intervals_reproducible_and_contain_estimate(demo):
    f1 = demo.compare(5, random_state=3).to_frame()
    f2 = demo.compare(5, random_state=3).to_frame()
    cols = ["effect_low", "effect_high", "diff_mean_low", "diff_mean_high"]
    np.testing.assert_array_equal(f1[cols].to_numpy(), f2[cols].to_numpy())
    rows = f1.drop(index=5)
    assert (rows["effect_low"] <= rows["effect_high"]).all()
    assert (rows["diff_mean_low"] <= rows["diff_mean_high"]).all()


def test_ci_max_rows_skips_with_note(demo):
    comp = demo.compare(5, against="all", ci_max_rows=10)
    assert np.isnan(comp.effect_low).all() and np.isnan(comp.seeds_needed).all()
    assert np.isfinite(comp.mde).any()
    assert any("ci_max_rows" in n for n in comp.notes)


def test_plan_rule_and_ranking(demo):
    t = 5
    out = demo.plan(t, against="all", correction="holm")
    comp = demo.compare(t, against="all", correction="holm", ci=None).to_frame()
    want = comp[(comp["status"] == "na") | ((comp["status"] == "ns") & comp["underpowered"])]
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
