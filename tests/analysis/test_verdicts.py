"""What a verdict says holds at its level: the rejection rule, identical pairs, directions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sweepwalk import Sweep


def _runs(levels: dict[float, list[float]]) -> pd.DataFrame:
    rows = [(lr, s, v) for lr, vals in levels.items() for s, v in enumerate(vals)]
    return pd.DataFrame(rows, columns=["lr", "seed", "acc"])


def test_the_most_extreme_data_is_significant_exactly_at_its_min_pvalue():
    # 3 vs 3 fully separated: Mann-Whitney's exact p = 0.1 = min_pvalue; at alpha = 0.1 it
    # is reachable, and rejected as statsmodels rejects (p <= alpha), not left ns
    sweep = Sweep.from_runs(
        _runs({0.1: [0.5, 0.51, 0.52], 0.2: [0.6, 0.61, 0.62]}), metric="acc", seed="seed"
    )
    res = sweep.compare({"lr": 0.1}, test="mannwhitney", alpha=0.1)
    assert res.reachable[0]
    assert res.pvalue_adj[0] == res.min_pvalue[0] == 0.1
    assert res.significant[0]
    assert res.status[0] != "ns"


def test_identical_configurations_are_a_tested_pair_under_ttest_rel():
    same = [0.7, 0.72, 0.69, 0.71]
    runs = _runs({0.1: same, 0.2: same, 0.4: [0.6, 0.61, 0.62, 0.6]})
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    res = sweep.compare({"lr": 0.2}, test="ttest_rel")
    assert res.pvalue[0] == 1.0
    assert res.status.tolist()[0] == "ns"
    imp = sweep.importance(test="ttest_rel", margin=0.01).to_frame()
    assert imp.loc["lr", "tested"] == imp.loc["lr", "pairs"] == 2
    assert imp.loc["lr", "equivalent"] >= 1  # identical on every seed: within any margin
    assert np.isfinite(imp.loc["lr", "share_significant"])
