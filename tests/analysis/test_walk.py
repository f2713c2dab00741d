"""Greedy walks, checked against a walk written with plain scipy/statsmodels loops."""

from __future__ import annotations

import itertools
import types
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import sweepwalk
from sweepwalk import Sweep
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.analysis.walk import Walk


def a12(row: np.ndarray, target: np.ndarray, goal: str) -> float:
    wins = ties = 0.0
    for r in row:
        for t in target:
            wins += (r > t) if goal == "max" else (r < t)
            ties += r == t
    return (wins + 0.5 * ties) / (len(row) * len(target))


def pvalue(test: str, row: np.ndarray, target: np.ndarray) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if test == "ks":
            return float(stats.ks_2samp(target, row).pvalue)
        if test == "mannwhitney":
            return float(stats.mannwhitneyu(row, target, alternative="two-sided").pvalue)
        return float(stats.ttest_ind(row, target, equal_var=False).pvalue)


def reference_walk(sweep, start, test, correction, alpha, neighbors):
    """The walk's definition, one scipy call per pair."""
    path, steps = [start], []
    while True:
        here = path[-1]
        target = sweep.scores(here)
        rows = [
            j
            for j in sweep.neighbors(here, mode=neighbors)
            if min(len(sweep.scores(j)), len(target)) >= sweep.min_runs
        ]
        p = np.array([pvalue(test, sweep.scores(j), target) for j in rows])
        eff = np.array([a12(sweep.scores(j), target, sweep.goal) for j in rows])
        p_adj = p if correction == "none" else multipletests(p, method=correction)[1]
        better = [
            k for k, j in enumerate(rows) if p_adj[k] < alpha and eff[k] > 0.5 and j not in path
        ]
        if not better:
            return path, steps
        k = sorted(better, key=lambda k: (-eff[k], p[k], rows[k]))[0]
        steps.append((here, rows[k], p[k], p_adj[k], eff[k]))
        path.append(rows[k])


@pytest.mark.parametrize(
    ("test", "correction", "neighbors"),
    [
        ("ks", "none", "adjacent"),
        ("mannwhitney", "holm", "adjacent"),
        ("welch", "fdr_bh", "axis"),
    ],
)
def test_demo_walks_equal_the_reference(demo, test, correction, neighbors):
    rng = np.random.default_rng(7)
    for start in rng.choice(len(demo), 6, replace=False).tolist():
        w = demo.walk(start, test=test, correction=correction, alpha=0.05, neighbors=neighbors)
        path, steps = reference_walk(demo, start, test, correction, 0.05, neighbors)
        assert w.path == path
        frame = w.to_frame()
        assert len(frame) == len(steps) == len(w) == len(path) - 1
        if steps:
            got = frame[["from", "to", "pvalue", "pvalue_adj", "effect"]].to_numpy()
            np.testing.assert_allclose(got, np.array(steps), rtol=1e-12)
        for (a, b), varied in zip(itertools.pairwise(path), frame["varied"], strict=True):
            cfg = demo.configs
            changed = [p for p in demo.params if not _same(cfg.at[a, p], cfg.at[b, p])]
            assert varied in changed
        assert w.stopped == "no better neighbour"
        assert len(w.comparisons) == len(path)
        assert [c.target for c in w.comparisons] == path


def _same(x, y) -> bool:
    return (pd.isna(x) and pd.isna(y)) or x == y


def test_walk_is_exported_and_repr(demo):
    w = demo.walk(0)
    assert isinstance(w, sweepwalk.Walk)
    assert w.start == 0 and w.end == w.path[-1]
    assert "Walk(start=0" in repr(w)
    assert list(w.to_frame().columns) == ["from", "to", "varied", "pvalue", "pvalue_adj", "effect"]
    assert w.to_frame().index.name == "step"


def test_start_as_dict(demo):
    values = demo.configs.loc[5, list(demo.params)].to_dict()
    assert demo.walk(values, test="welch").path == demo.walk(5, test="welch").path


def _chain(means, n=8, seed=0):
    rng = np.random.default_rng(seed)
    rows = [
        {"lr": lr, "seed": s, "score": m + 0.01 * rng.standard_normal()}
        for lr, m in enumerate(means)
        for s in range(n)
    ]
    return Sweep.from_runs(pd.DataFrame(rows), metric="score", seed="seed")


def test_climbs_a_known_hill_and_stops_at_the_top():
    sweep = _chain([0, 1, 2, 3, 2, 1])  # lr = 3 is the top; neighbours one step apart
    w = sweep.walk(sweep.find(lr=0), test="welch")
    assert [sweep.configs.at[i, "lr"] for i in w.path] == [0, 1, 2, 3]
    assert w.to_frame()["varied"].tolist() == ["lr"] * 3
    assert (w.to_frame()["effect"] == 1.0).all()


def test_goal_min_walks_downhill():
    # a monotone chain: from lr = 3 only lr = 2 is lower (better for goal="min") and lr = 4 is
    # clearly higher (worse), so the direction does not hinge on a p-value tie-break
    sweep = _chain([0, 1, 2, 3, 4, 5])
    sweep_min = Sweep.from_runs(sweep.runs.drop(columns="config"), metric="score", seed="seed",
                                goal="min")  # fmt: skip
    start = sweep_min.find(lr=3)
    status = sweep_min.compare(start, test="welch").to_frame().set_index("lr")["status"]
    assert status.to_dict() == {2: "better", 3: "target", 4: "worse"}
    w = sweep_min.walk(start, test="welch")
    assert [sweep_min.configs.at[i, "lr"] for i in w.path] == [3, 2, 1, 0]
    assert w.stopped == "no better neighbour"
    # the same runs with goal="max" walk the other way
    w_max = sweep.walk(sweep.find(lr=3), test="welch")
    assert [sweep.configs.at[i, "lr"] for i in w_max.path] == [3, 4, 5]


def test_max_steps(demo):
    full = demo.walk(0, test="welch")
    assert len(full) >= 1
    w = demo.walk(0, test="welch", max_steps=0)
    assert w.path == [0] and len(w) == 0 and w.stopped == "max_steps"
    w1 = demo.walk(0, test="welch", max_steps=1)
    assert w1.path == full.path[:2]
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="`max_steps` must be None or an integer >= 0"):
            demo.walk(0, max_steps=bad)


def test_bad_test_name_is_reported_by_compare(demo):
    with pytest.raises(ValueError, match="test"):
        demo.walk(0, test="chisq")


# ---------------------------------------------------------------- never revisit, ledger


class _Stub:
    """Comparison stand-in: the given neighbour is 'better' with effect 0.9."""

    def __init__(self, target, better):
        self.target, self.test, self.alpha, self.correction = target, "ks", 0.05, "none"
        self.ids = np.array(sorted({better, 100 + target}), dtype=np.int64)
        is_better = self.ids == better
        self.status = np.where(is_better, "better", "ns").astype(object)
        self.effect = np.where(is_better, 0.9, 0.5)
        self.pvalue = np.where(is_better, 1e-9, 0.5)
        self.pvalue_adj = self.pvalue.copy()
        self.varied = ["p"] * len(self.ids)


def _cycle_compare(sweep, current, **kwargs):
    """0 -> 1 -> 2 -> 0: significance need not be transitive; the walk must not loop."""
    return _Stub(current, {0: 1, 1: 2, 2: 0}[current])


def test_never_revisits_so_cycles_end(monkeypatch):
    monkeypatch.setattr(sweepwalk.analysis.walk, "compare", _cycle_compare)
    means = pd.DataFrame({"mean": [0.0, 1.0, 2.0]})
    w = sweepwalk.analysis.walk.walk(types.SimpleNamespace(configs=means), 0)
    assert w.path == [0, 1, 2]
    assert w.stopped == "no better neighbour"


def test_ledger_decides_the_moves(demo):
    per_target = Ledger("per-target")
    w = demo.walk(0, test="mannwhitney", correction="holm", ledger=per_target)
    assert w.path == demo.walk(0, test="mannwhitney", correction="holm").path
    assert len(per_target) == sum(int((c.status != "na").sum()) for c in w.comparisons) - (
        len(w.path) - 1
    )  # each step's pair (from, to) is seen again from `to`: not a new test

    walkwide = Ledger("walk")
    ww = demo.walk(0, test="mannwhitney", ledger=walkwide)
    frame = walkwide.to_frame()
    assert len(walkwide) == len(frame) > 0
    for a, b in zip(ww.path, ww.path[1:], strict=False):
        row = frame[(frame["target"] == a) & (frame["row"] == b)]
        assert row["decision"].tolist() == ["better"]
        assert (row["pvalue"] <= row["level"]).all()


def test_walk_is_a_lazy_public_name():
    assert sweepwalk.Walk is Walk


def test_a_walk_keeps_its_settings_as_checked(demo: Sweep) -> None:
    # the walk validates its settings once, before the first comparison, as compare does
    w = demo.walk(0, correction="h", max_steps=1)
    assert (w.test, w.correction) == ("ks", "holm") == (w.comparisons[0].test, "holm")
    with pytest.raises(TypeError, match="`ledger` must be None or a sweepwalk Ledger"):
        demo.walk(0, ledger="walk", holdout=2.0)  # refused before the holdout is read
