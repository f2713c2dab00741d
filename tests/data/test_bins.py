"""Binning continuous parameters (random/Bayesian search) and telling when a sweep needs it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers import random_search
from sweepwalk import Sweep
from sweepwalk.data.bins import interval_label

BINS = {"lr": 8, "weight_decay": "auto"}


def test_random_search_without_bins_says_why_there_are_no_neighbours():
    sweep = Sweep.from_runs(random_search(), metric="acc", seed="seed",
                            params=["lr", "weight_decay"])  # fmt: skip
    assert len(sweep) == 200
    (note,) = sweep.notes
    assert "'lr' (200 distinct values)" in note and "'weight_decay'" in note
    assert "200 of 200 configurations have no neighbour" in note
    assert "bins=" in note and "--bins lr=auto,weight_decay=auto" in note
    comparison = sweep.compare(0)
    assert len(comparison.ids) == 0
    assert note in comparison.notes


def test_a_metric_like_column_points_to_bins():
    runs = random_search(n_seeds=1)  # one run per configuration: lr looks like a metric
    with pytest.raises(ValueError, match=r"bin it: bins=\{'lr': 'auto'\}"):
        Sweep.from_runs(runs, metric="acc", seed="seed")
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", bins=BINS, min_runs=2)
    assert sweep.params == ("lr", "weight_decay")


def test_random_search_with_bins_gets_neighbours_and_tests():
    runs = random_search()
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", bins=BINS)  # params inferred
    assert sweep.params == ("lr", "weight_decay")
    lr_levels = sweep.levels["lr"]
    assert len(lr_levels) == 8
    assert lr_levels[0].startswith("[1.03e-05, ") and lr_levels[-1].endswith("]")
    # log-spaced: every lr interval spans the same ratio
    edges = [float(x.strip("[]()").split(",")[0]) for x in lr_levels]
    ratios = np.diff(np.log10(edges))
    assert np.allclose(ratios, ratios[0], rtol=0.02)
    assert sweep.seed is None  # cells pool configurations: not paired by seed
    assert any("pool runs of several original configurations" in n for n in sweep.notes)
    assert not any("hardly repeat" in n for n in sweep.notes)
    assert int(sweep.configs["pooled"].sum()) == 200  # every original configuration once
    # the units are the configurations: n counts them, runs holds one row per configuration
    assert sweep.configs["n"].tolist() == sweep.configs["pooled"].tolist()
    assert len(sweep.runs) == 200 and sweep.runs["n_runs"].tolist() == [5] * 200
    has_neighbours = [len(sweep.neighbor_ids(i)) > 0 for i in range(len(sweep))]
    assert all(has_neighbours)
    frame = sweep.compare(int(sweep.configs["n"].idxmax())).to_frame()
    assert "pooled" in frame.columns
    assert frame["pvalue"].notna().sum() >= 2
    assert (~frame["status"].isin(["na", "target"])).sum() >= 2  # tested, not na
    with pytest.raises(ValueError, match="pools runs of several configurations"):
        sweep.compare(0, test="wilcoxon")


def _cell(runs: pd.DataFrame, sweep: Sweep, i: int) -> np.ndarray:
    """The raw runs whose values fall in configuration i's intervals, found from the labels."""
    keep = np.ones(len(runs), dtype=bool)
    for p in sweep.params:
        label = sweep.configs.loc[i, p]
        low, high = (float(x) for x in label.strip("[]()").split(","))
        right = runs[p] <= high if label.endswith("]") else runs[p] < high
        # labels carry 3 significant digits: compare against the rounded edges
        keep &= (runs[p].map(lambda x: float(f"{x:.3g}")) >= low) & right.to_numpy()
    return runs.loc[keep, "acc"].to_numpy()


@pytest.mark.parametrize("test", ["ks", "mannwhitney", "welch"])
def test_pooled_cells_compare_their_configuration_means_exactly_to_scipy(test):
    runs = random_search(n_configs=60, n_seeds=4, random_state=3)
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", bins={"lr": 4, "weight_decay": 3})
    means = runs.groupby(["lr", "weight_decay"], sort=False)["acc"].mean()

    def cell_means(i: int) -> np.ndarray:
        keys = sweep.runs.loc[sweep.runs["config"] == i, ["lr", "weight_decay"]].to_numpy()
        return np.sort(means.loc[list(map(tuple, keys))].to_numpy())

    target = int(sweep.configs["n"].idxmax())
    comparison = sweep.compare(target, test=test)
    y = sweep.scores(target)
    in_cell = runs.set_index(["lr", "weight_decay"]).loc[
        list(map(tuple, sweep.runs.loc[sweep.runs["config"] == target, ["lr", "weight_decay"]]
                 .to_numpy()))
    ]  # fmt: skip
    assert np.array_equal(np.sort(_cell(runs, sweep, target)), np.sort(in_cell["acc"]))
    assert np.allclose(np.sort(y), cell_means(target), rtol=1e-14, atol=0)
    assert len(comparison.ids) > 0
    for j, p in zip(comparison.ids, comparison.pvalue, strict=True):
        x = sweep.scores(j)
        assert np.allclose(np.sort(x), cell_means(j), rtol=1e-14, atol=0)
        if test == "ks":
            want = stats.ks_2samp(x, y).pvalue
        elif test == "mannwhitney":
            want = stats.mannwhitneyu(x, y).pvalue
        else:
            want = stats.ttest_ind(x, y, equal_var=False).pvalue
        assert p == pytest.approx(want, rel=1e-12, abs=1e-300)


@pytest.mark.parametrize(
    ("test", "min_runs"),
    [("welch", 3), ("welch", 2), ("ks", 2), ("mannwhitney", 2), ("permutation", 2)],
)
def test_the_readme_random_search_keeps_its_level_along_weight_decay(test, min_runs):
    # weight decay has no effect in the README's random search; lr does (|log10 lr + 3|).
    # Pooled runs rejected 10-12% of the adjacent weight-decay pairs at 0.05 (the cells hold
    # different lr values and each configuration's runs cluster); configuration means hold
    # 0.05 within 3 Monte Carlo standard errors (pairs of all sweeps counted together)
    tested = rejected = 0
    for rep in range(30):
        sweep = Sweep.from_runs(random_search(random_state=100 + rep), metric="acc",
                                seed="seed", bins=BINS, min_runs=min_runs)  # fmt: skip
        frame = sweep.importance(test=test, correction="none", random_state=rep).to_frame()
        tested += int(frame.loc["weight_decay", "tested"])
        rejected += int(frame.loc["weight_decay", "significant"])
    assert tested >= 300
    bound = 0.05 + 3 * np.sqrt(0.05 * 0.95 / tested)
    assert rejected / tested <= bound, (rejected, tested)


def test_bins_on_a_grid_without_pooling_keep_the_seed_and_linear_edges():
    runs = pd.DataFrame(
        [{"width": w, "seed": s, "acc": w / 100 + s / 1000} for w in (8, 16, 24, 32)
         for s in range(3)]
    )  # fmt: skip
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", bins={"width": 4})
    assert sweep.seed == "seed"  # one configuration per cell: still paired
    assert sweep.levels["width"] == ("[8, 14)", "[14, 20)", "[20, 26)", "[26, 32]")
    assert sweep.configs["pooled"].tolist() == [1, 1, 1, 1]
    assert "equal-width" in sweep.notes[0]
    sweep.compare(0, test="wilcoxon")  # paired tests still apply


def test_log_scale_from_the_adapter_attrs():
    runs = pd.DataFrame(
        [{"lr": lr, "seed": s, "acc": lr + s} for lr in (0.01, 0.02, 0.04, 0.08) for s in range(3)]
    )
    runs.attrs["log_scale"] = ("lr",)
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", bins={"lr": 3})
    assert sweep.levels["lr"] == ("[0.01, 0.02)", "[0.02, 0.04)", "[0.04, 0.08]")
    assert "log-scaled" in sweep.notes[0]


def test_bad_bins_are_named():
    runs = random_search(20, 3)
    with pytest.raises(ValueError, match=r"`bins`: 'momentum' is not a parameter"):
        Sweep.from_runs(runs, metric="acc", seed="seed", bins={"momentum": 4})
    with pytest.raises(ValueError, match=r'must be an int >= 2 or "auto", got 1'):
        Sweep.from_runs(runs, metric="acc", seed="seed", bins={"lr": 1})
    with pytest.raises(TypeError, match="`bins` must be a dict"):
        Sweep.from_runs(runs, metric="acc", seed="seed", bins=8)
    runs["opt"] = "adam"
    with pytest.raises(ValueError, match="'opt' is not numeric"):
        Sweep.from_runs(runs, metric="acc", seed="seed", params=["lr", "opt"], bins={"opt": 2})


def test_interval_label_has_three_significant_digits():
    assert interval_label(0.0010000000000000002, 0.0031622776601683794) == "[0.001, 0.00316)"
    assert interval_label(1.0, 2.0, closed_right=True) == "[1, 2]"


def test_holdout_split_keeps_pooling():
    sweep = Sweep.from_runs(random_search(60, 4), metric="acc", seed="seed",
                            bins={"lr": 4, "weight_decay": 3})  # fmt: skip
    explore, _confirm = sweep.split_runs(0.5, random_state=0)
    assert explore.configs["pooled"].tolist() == sweep.configs["pooled"].tolist()
    assert explore.notes[: len(sweep.notes)] == sweep.notes


def test_widget_payload_and_html_say_it_in_words_with_three_digits():
    from sweepwalk import Session, explore
    from sweepwalk.widget.serialization import sweep_payload

    runs = random_search(60, 4)
    plain = Sweep.from_runs(runs, metric="acc", seed="seed", params=["lr", "weight_decay"])
    payload = sweep_payload(plain)
    assert payload["notes"] == list(plain.notes) and "hardly repeat" in payload["notes"][0]
    labels = payload["params"][0]["labels"]
    assert labels == [f"{x:.3g}" for x in plain.levels["lr"]]  # 3 significant digits
    html = Session(plain, target=0, against="all").to_html()
    assert f"{plain.levels['lr'][0]:.3g}" in html and repr(plain.levels["lr"][0]) not in html

    binned = Sweep.from_runs(runs, metric="acc", seed="seed", bins={"lr": 4, "weight_decay": 3})
    payload = sweep_payload(binned)
    assert payload["params"][0]["labels"] == list(binned.levels["lr"])
    assert payload["params"][0]["numeric"] is True  # ordered intervals
    pooled = np.frombuffer(payload["pooled"], dtype="<i4")
    assert pooled.tolist() == binned.configs["pooled"].tolist()
    assert any("pool runs" in n for n in payload["notes"])
    widget = explore(binned)
    assert widget.session.sweep is binned


def test_a_binned_sweep_that_cannot_reach_significance_counts_configurations_per_cell():
    sweep = Sweep.from_runs(random_search(10, 3), metric="acc", seed="seed",
                            params=["lr", "weight_decay"], bins={"lr": 3, "weight_decay": 2},
                            min_runs=2)  # fmt: skip
    target = int(sweep.configs["n"].idxmax())
    (note,) = [n for n in sweep.compare(target).notes if n.startswith("nothing can")]
    assert f"at most {sweep.configs['n'].max()} configurations per cell" in note
    assert "hold at least 4 configurations per cell (sample more, or pass fewer bins)" in note
    assert "seeds" not in note
