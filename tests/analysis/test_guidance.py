"""Guidance from the data: dense axes, seeds that pair up, diverged runs; and their null twins."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Sweep
from sweepwalk.analysis.guidance import seed_icc, shared_seed_table


def _dense(trend: float, seed: int) -> Sweep:
    """60 learning rates x 10 seeds; the mean moves by ``trend`` sds across the whole range."""
    rng = np.random.default_rng(seed)
    rows = [
        (lr, s, trend * lr + rng.normal()) for lr in np.linspace(0.0, 1.0, 60) for s in range(10)
    ]
    return Sweep.from_runs(
        pd.DataFrame(rows, columns=["lr", "seed", "acc"]), metric="acc", seed="seed"
    )


def _dense_notes(sweep: Sweep) -> list[str]:
    return [n for n in sweep.compare(30, test="welch").notes if n.startswith("along lr")]


def test_a_dense_axis_with_a_trend_says_bin_it_or_compare_along_the_axis():
    sweep = _dense(3.0, seed=0)
    res = sweep.compare(30, test="welch")
    assert not res.significant.any()  # no adjacent step is resolvable ...
    (note,) = _dense_notes(sweep)  # ... while the trend is: the note says so, with the fix
    assert "over 60 levels is significant" in note
    assert "bins={'lr': " in note and "neighbors='axis'" in note
    # the suggested bins do resolve the trend that the adjacent levels did not
    k = int(note.split("bins={'lr': ")[1].split("}")[0])
    rng = np.random.default_rng(0)
    rows = [(lr, s, 3.0 * lr + rng.normal()) for lr in np.linspace(0, 1, 60) for s in range(10)]
    binned = Sweep.from_runs(
        pd.DataFrame(rows, columns=["lr", "seed", "acc"]),
        metric="acc",
        params=["lr"],
        bins={"lr": k},
    )
    assert binned.compare(k // 2, test="welch").significant.any()


def test_no_dense_axis_note_without_a_trend():
    # the null twin: the same grid with no trend; the note is a false claim at most alpha of
    # the time (the trend test's level), 3 Monte Carlo standard errors allowed
    reps = 60
    rate = np.mean([bool(_dense_notes(_dense(0.0, seed=s))) for s in range(reps)])
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps), rate


def _shared(seed_sd: float, seed: int = 0) -> Sweep:
    """lr x wd x 15 seeds, the same 15 seeds everywhere; a seed moves every score by b_s."""
    rng = np.random.default_rng(seed)
    b = rng.normal(0.0, seed_sd, 15)
    rows = [
        (lr, wd, s, 0.3 * (lr == 0.2) + b[s] + rng.normal(0.0, 0.3))
        for lr in (0.1, 0.2, 0.4)
        for wd in (0.0, 0.01)
        for s in range(15)
    ]
    runs = pd.DataFrame(rows, columns=["lr", "wd", "seed", "acc"])
    return Sweep.from_runs(runs, metric="acc", seed="seed")


def test_shared_seeds_are_noticed_and_the_paired_test_named():
    sweep = _shared(1.0)
    res = sweep.compare({"lr": 0.2, "wd": 0.0})
    (note,) = [n for n in res.notes if n.startswith("the seeds pair up")]
    assert "intraclass correlation" in note and "test='ttest_rel'" in note
    # pairing does find what the unpaired test missed
    assert not res.significant.any()
    assert sweep.compare({"lr": 0.2, "wd": 0.0}, test="ttest_rel").significant.any()
    # a paired test gets no such note
    paired = sweep.compare({"lr": 0.2, "wd": 0.0}, test="ttest_rel")
    assert not any(n.startswith("the seeds pair up") for n in paired.notes)


def test_no_pairing_note_when_seeds_do_not_share_an_effect():
    reps = 40
    rate = np.mean([
        any(n.startswith("the seeds pair up")
            for n in _shared(0.0, seed=s).compare({"lr": 0.2, "wd": 0.0}).notes)
        for s in range(reps)
    ])  # fmt: skip
    assert rate <= 0.05 + 3 * np.sqrt(0.05 * 0.95 / reps), rate


def test_seed_icc_is_the_two_way_consistency_icc():
    rng = np.random.default_rng(1)
    table = rng.normal(size=(4, 12)) + rng.normal(size=12)[None, :] * 2
    icc, low, high, p, k, n = seed_icc(table)
    # ICC(3,1) from the two-way ANOVA by hand
    grand = table.mean()
    ms_r = 4 * ((table.mean(axis=0) - grand) ** 2).sum() / 11
    e = table - table.mean(axis=1, keepdims=True) - table.mean(axis=0) + grand
    ms_e = (e**2).sum() / (11 * 3)
    assert icc == pytest.approx((ms_r - ms_e) / (ms_r + 3 * ms_e), rel=1e-12)
    assert low < icc < high and (k, n) == (4, 12) and p < 0.05


def test_diverged_runs_are_counted_in_the_notes():
    runs = pd.DataFrame({
        "lr": [1, 1, 1, 2, 2, 2], "seed": [0, 1, 2] * 2,
        "acc": [0.5, np.nan, 0.6, 0.7, 0.71, np.inf],
    })  # fmt: skip
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed")
    (note,) = sweep.notes
    assert note.startswith("2 runs without a finite score") and "2 of 2 configurations" in note
    assert note in sweep.compare(0).notes
    clean = Sweep.from_runs(runs.fillna(0.55).replace(np.inf, 0.7), metric="acc", seed="seed")
    assert clean.notes == ()


def test_seeds_needed_at_the_sd_upper_limit_reaches_its_power_in_most_pilots():
    # pilots of 5 seeds a side (8 df) from sd 1; plan to detect 1.0 with 80% power at 0.05.
    # Planned from the pilot's sd, about half the plans fall short; from the 80% upper
    # confidence limit of that sd (Browne 1995) at most a fifth do (3 MC s.e. allowed)
    from statsmodels.stats.power import TTestIndPower

    from sweepwalk.analysis.guidance import sd_upper_limit
    from sweepwalk.stats import seeds_needed

    reps, df = 400, 8
    rng = np.random.default_rng(8)
    sd_hat = np.sqrt(rng.chisquare(df, reps) / df)
    power = TTestIndPower().power

    def short(n):
        sizes, inverse = np.unique(n, return_inverse=True)
        low = np.array([power(1.0, nobs1=k, alpha=0.05) < 0.8 for k in sizes])
        return np.mean(low[inverse])

    plain = short(seeds_needed(1.0, sd_hat, "welch"))
    upper = short(seeds_needed(1.0, sd_upper_limit(sd_hat, df), "welch"))
    assert plain > 0.35
    assert upper <= 0.2 + 3 * np.sqrt(0.2 * 0.8 / reps), (plain, upper)


def test_power_notes_say_when_the_difference_is_a_default():
    sweep = _shared(1.0)
    res = sweep.compare({"lr": 0.2, "wd": 0.0})
    assert res.to_frame().attrs["effect_of_interest_source"].startswith("default")
    assert not any("upper confidence limit of its sd" in n for n in res.notes)
    given = sweep.compare({"lr": 0.2, "wd": 0.0}, effect_of_interest=0.1)
    assert given.to_frame().attrs["effect_of_interest_source"] == "given"
    assert any("upper confidence limit of its sd" in n for n in given.notes)


def test_a_default_difference_is_named_next_to_every_number_that_rests_on_it():
    from sweepwalk import Session
    from sweepwalk.widget.serialization import results_payload

    sweep = _shared(1.0)
    res = sweep.compare({"lr": 0.2, "wd": 0.0})
    said = "= half the median seed sd (default; pass effect_of_interest=)"
    assert res.power_basis.startswith("seeds_needed and ◔ (underpowered) are for a difference")
    assert said in res.power_basis and res.power_basis in res.notes
    assert f"{res.effect_of_interest:.3g} {said}" in res.power_basis
    session = Session(sweep, target={"lr": 0.2, "wd": 0.0})
    assert html.escape(res.power_basis) in session.to_html()
    payload = results_payload(session.comparison, list(sweep.params), state={})
    assert payload["power_basis"] == res.power_basis
    given = sweep.compare({"lr": 0.2, "wd": 0.0}, effect_of_interest=0.1)
    assert given.power_basis.endswith("of 0.1 (effect_of_interest, given)")
    assert not any("default; pass" in n for n in given.notes)
    frame = sweep.importance(test="welch").to_frame()
    assert any("(default; pass margin=)" in n for n in frame.attrs["notes"])
    assert not any(
        "pass margin" in n for n in sweep.importance(margin=0.1).to_frame().attrs["notes"]
    )


def test_a_dense_binned_axis_counts_configurations_per_cell_and_advises_fewer_bins():
    # 1,200 random learning rates, 2 seeds each, binned: each cell holds configurations
    rng = np.random.default_rng(1)
    lr = rng.uniform(0.0, 1.0, 1200)
    rows = [(x, s, 2.0 * x + rng.normal()) for x in lr for s in range(2)]
    sweep = Sweep.from_runs(
        pd.DataFrame(rows, columns=["lr", "seed", "acc"]), metric="acc", seed="seed",
        bins={"lr": 40},
    )  # fmt: skip
    (note,) = [n for n in sweep.compare(20, test="welch").notes if n.startswith("along lr")]
    assert "configurations per cell resolve" in note and "seeds" not in note
    k = int(note.split("Use fewer bins (bins={'lr': ")[1].split("}")[0])
    assert 2 <= k < 40


def _lr_sweep(seeds_per_lr):
    rng = np.random.default_rng(11)
    rows = [
        {"lr": lr, "seed": s, "acc": float(rng.normal())}
        for lr, n in enumerate(seeds_per_lr)
        for s in range(n)
    ]
    return Sweep.from_runs(pd.DataFrame(rows), metric="acc", seed="seed")


@pytest.mark.parametrize("test", ["mannwhitney", "brunnermunzel"])
def test_three_or_four_seeds_against_many_are_said_to_miss_the_level_of_p_beat(test):
    sweep = _lr_sweep([12, 4, 12])
    notes = [n for n in sweep.compare(0, test=test).notes if "not tested at its level" in n]
    assert len(notes) == 1 and "in 1 of 1 rows" in notes[0], notes
    (note,) = [n for n in sweep.compare(1, test=test).notes if "not tested at its level" in n]
    assert "in 2 of 2 rows" in note and "at least 5 seeds" in note


@pytest.mark.parametrize(
    ("test", "seeds"),
    [("mannwhitney", [12, 5, 12]), ("brunnermunzel", [4, 4, 4]), ("welch", [12, 4, 12])],
)
def test_no_level_note_from_five_seeds_at_equal_sizes_or_for_other_tests(test, seeds):
    sweep = _lr_sweep(seeds)
    for target in range(3):
        assert not any(
            "not tested at its level" in n for n in sweep.compare(target, test=test).notes
        )


def _table_by_dicts(sweep: Sweep, rows: np.ndarray) -> np.ndarray | None:
    """The shared-seed table built row by row with sets and dicts (the straightforward way)."""
    runs = []
    for r in rows.tolist():
        n = int(sweep.counts[r])
        runs.append((sweep.seed_rows([r])[0, :n].tolist(), sweep.score_rows([r])[0, :n].tolist()))
    shared = sorted(set.intersection(*(set(codes) for codes, _ in runs)))
    if len(shared) < 3:
        return None
    return np.array([[dict(zip(c, v, strict=True))[s] for s in shared] for c, v in runs])


@pytest.mark.parametrize("seed", range(12))
def test_the_shared_seed_table_is_the_one_built_row_by_row(seed):
    # ragged rows over partly shared seeds, in any order; most cases share 3 seeds or more
    rng = np.random.default_rng(seed)
    core = rng.choice(12, size=3 if seed % 4 else 1, replace=False)
    rows = []
    for c in range(int(rng.integers(2, 9))):
        seeds = np.union1d(core, rng.choice(12, size=int(rng.integers(0, 10)), replace=False))
        seeds = rng.permutation(seeds)
        scores = rng.normal(size=len(seeds))
        rows += [(c, int(s), float(v)) for s, v in zip(seeds, scores, strict=True)]
    sweep = Sweep.from_runs(
        pd.DataFrame(rows, columns=["c", "seed", "acc"]), metric="acc", seed="seed"
    )
    picks = rng.integers(0, len(sweep.counts), size=int(rng.integers(1, 6)))
    got, want = shared_seed_table(sweep, picks), _table_by_dicts(sweep, picks)
    if want is None:
        assert got is None
    else:
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("seed", range(4))
def test_the_shared_seed_table_of_rows_with_far_seed_codes(seed):
    # one configuration runs 600 seeds; the picked ones share a few of the last: their seed
    # codes are far above their number of runs (sorted, not counted by code)
    rng = np.random.default_rng(seed)
    rows = [(0, s, float(rng.normal())) for s in range(600)]
    for c in (1, 2, 3):
        seeds = rng.permutation(np.union1d([590, 595, 599], rng.choice(600, size=4)))
        rows += [(c, int(s), float(rng.normal())) for s in seeds]
    sweep = Sweep.from_runs(
        pd.DataFrame(rows, columns=["c", "seed", "acc"]), metric="acc", seed="seed"
    )
    picks = np.array([3, 1, 2])
    assert sweep.seed_rows(picks).max() >= 16 * int(sweep.counts[picks].sum())
    got, want = shared_seed_table(sweep, picks), _table_by_dicts(sweep, picks)
    assert want is not None
    np.testing.assert_array_equal(got, want)
    both = np.array([0, 2])  # and with the 600-seed row: codes counted
    np.testing.assert_array_equal(shared_seed_table(sweep, both), _table_by_dicts(sweep, both))
