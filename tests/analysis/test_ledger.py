"""Ledger: recording, per-target and walk-wide decisions, revisits, the rule text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sweepwalk.analysis.ledger import Ledger
from sweepwalk.stats._online_fdr import LOND, LORDPlusPlus, gamma_sequence

COLUMNS = ["order", "target", "row", "test", "pvalue", "pvalue_adj", "level", "decision"]


def expected_status(significant, effect):
    if not significant:
        return "ns"
    return "better" if effect > 0.5 else "worse" if effect < 0.5 else "differs"


class FakeComparison:
    """Duck-typed stand-in for compare.Comparison (its documented attributes)."""

    def __init__(self, target, rows, p, p_adj, effect, test="ks", alpha=0.05):
        self.test, self.alpha, self.target = test, alpha, target
        order = np.argsort(rows)
        self.ids = np.asarray(rows, dtype=np.int64)[order]
        self.pvalue = np.asarray(p, dtype=float)[order]
        self.pvalue_adj = np.asarray(p_adj, dtype=float)[order]
        self.effect = np.asarray(effect, dtype=float)[order]
        self.direction = np.sign(self.effect - 0.5)  # this stand-in's test is about A12
        self.status = np.array(
            [
                "na" if np.isnan(pv) else expected_status(pa < alpha, e)
                for pv, pa, e in zip(self.pvalue, self.pvalue_adj, self.effect, strict=True)
            ],
            dtype=object,
        )

    def to_frame(self):
        index = pd.Index(np.append(self.ids, self.target), name="config")
        return pd.DataFrame({"status": np.append(self.status, "target")}, index=index).sort_index()


def random_families(seed, n_families=12):
    rng = np.random.default_rng(seed)
    out = []
    for f in range(n_families):
        k = int(rng.integers(1, 6))
        rows = rng.choice(np.arange(100, 200), k, replace=False) + 100 * f
        p = np.where(rng.random(k) < 0.4, rng.random(k) * 1e-3, rng.random(k))
        p[rng.random(k) < 0.1] = np.nan
        out.append((f, rows, p, np.minimum(p * k, 1.0), rng.random(k)))
    return out


# ---------------------------------------------------------------- per-target


def test_per_target_uses_the_family_decisions():
    ledger = Ledger("per-target")
    st = ledger.record_tests(
        3, [1, 2, 4, 5], [0.01, 0.2, np.nan, 0.001], [0.9, 0.1, 0.5, 0.3],
        test="welch", pvalue_adj=[0.03, 0.4, np.nan, 0.004], alpha=0.05,
    )  # fmt: skip
    assert st.tolist() == ["better", "ns", "na", "worse"]
    frame = ledger.to_frame()
    assert list(frame.columns) == COLUMNS
    assert frame["row"].tolist() == [1, 2, 5]
    assert frame["order"].tolist() == [1, 2, 3]
    np.testing.assert_array_equal(frame["pvalue_adj"], [0.03, 0.4, 0.004])
    np.testing.assert_array_equal(frame["level"], [0.05, 0.05, 0.05])
    assert frame["decision"].tolist() == ["better", "ns", "worse"]
    assert len(ledger) == 3 and ledger.n_discoveries == 2


def test_per_target_record_returns_the_comparisons_own_status():
    ledger = Ledger("per-target")
    for target, rows, p, p_adj, eff in random_families(0):
        cmp = FakeComparison(target, rows, p, p_adj, eff)
        got = ledger.record(cmp)
        want = cmp.to_frame()["status"]
        pd.testing.assert_series_equal(got, want, check_dtype=False)


def test_per_target_requires_the_family():
    with pytest.raises(ValueError, match="`pvalue_adj` and `alpha` are required"):
        Ledger("per-target").record_tests(0, [1], [0.1], [0.5], test="ks")


# ---------------------------------------------------------------- walk-wide


@pytest.mark.parametrize("method", ["lond", "lord++"])
def test_walk_decisions_equal_the_online_procedure(method):
    ledger = Ledger("walk", method=method, alpha=0.1)
    ref = LOND(0.1, dependence="positive") if method == "lond" else LORDPlusPlus(0.1)
    for target, rows, p, p_adj, eff in random_families(1):
        cmp = FakeComparison(target, rows, p, p_adj, eff, alpha=0.5)
        got = ledger.record(cmp)
        # new tests enter in the order of the comparison's rows (sorted config ids)
        for row, pv, e in zip(cmp.ids, cmp.pvalue, cmp.effect, strict=True):
            if np.isnan(pv):
                assert got[row] == "na"
            else:
                _level, reject = ref.test(pv)
                assert got[row] == expected_status(reject, e)
        assert got[target] == "target"
    frame = ledger.to_frame()
    np.testing.assert_allclose(frame["level"], ref.levels, rtol=1e-15)
    assert frame["pvalue_adj"].isna().all()
    assert len(ledger) == ref.n_tests and ledger.n_discoveries == ref.n_rejections
    assert ref.n_rejections > 3  # the example does exercise discoveries


def test_walk_ignores_the_comparisons_correction_and_alpha():
    a = Ledger("walk").record(FakeComparison(0, [1, 2], [1e-4, 0.02], [1.0, 1.0], [0.9, 0.9]))
    b = Ledger("walk").record(FakeComparison(0, [1, 2], [1e-4, 0.02], [0.0, 0.0], [0.9, 0.9]))
    pd.testing.assert_series_equal(a, b)
    # 1e-4 <= alpha * gamma_1 = 0.00274 is a discovery; 0.02 > alpha * gamma_2 * 1 is not
    assert a.tolist() == ["target", "better", "ns"]
    assert 0.05 * gamma_sequence(2)[1] < 0.02


@pytest.mark.parametrize("method", ["lond", "lord++"])
def test_a_copy_decides_as_the_original_and_apart_from_it(method):
    families = random_families(3)
    original = Ledger("walk", method=method, alpha=0.1)
    for family in families[:6]:
        original.record(FakeComparison(*family, alpha=0.5))
    before = original.to_frame()
    twin = original.copy()
    for family in families[6:]:  # the copy goes on, the original stays
        twin.record(FakeComparison(*family, alpha=0.5))
    pd.testing.assert_frame_equal(original.to_frame(), before)
    assert len(twin) > len(original)
    for family in families[6:]:  # the original, going on the same way, decides the same
        original.record(FakeComparison(*family, alpha=0.5))
    pd.testing.assert_frame_equal(original.to_frame(), twin.to_frame())
    assert original.n_discoveries == twin.n_discoveries


def test_default_method_is_lond_prds_variant():
    ledger = Ledger("walk")
    assert ledger.method == "lond"
    ledger.record_tests(0, [1, 2], [0.0, 0.9], [0.9, 0.9], test="ks")
    # after one discovery, the PRDS variant keeps the factor max(D, 1) = 1 (not D + 1 = 2)
    assert ledger.to_frame()["level"][1] == pytest.approx(0.05 * gamma_sequence(2)[1])


# ---------------------------------------------------------------- revisits


@pytest.mark.parametrize("control", ["per-target", "walk"])
def test_revisiting_adds_no_tests(control):
    ledger = Ledger(control)
    fam = ([1, 2, 3], [1e-6, 0.5, 1e-6], [1e-6, 0.5, 1e-6], [0.9, 0.6, 0.1])
    first = ledger.record(FakeComparison(0, *fam))
    n = len(ledger)
    again = ledger.record(FakeComparison(0, *fam))
    assert len(ledger) == n == 3
    pd.testing.assert_series_equal(first, again)
    # the pair (0, 1) seen from config 1: same test, direction from the new comparison
    back = ledger.record(FakeComparison(1, [0, 7], [1e-6, 0.9], [1e-6, 0.9], [0.1, 0.5]))
    assert back[0] == "worse"
    assert len(ledger) == 4  # only (1, 7) is new
    assert ledger.to_frame()["row"].tolist() == [1, 2, 3, 7]


def test_walk_revisit_reuses_the_first_decision():
    ledger = Ledger("walk")
    ledger.record_tests(0, [1], [0.02], [0.9], test="ks")  # level 0.0027: ns
    for _ in range(5):  # discoveries raise later levels ...
        ledger.record_tests(0, [10 + _], [0.0], [0.9], test="ks")
    # ... but the pair (0, 1) keeps its first decision
    assert ledger.record_tests(1, [0], [0.02], [0.1], test="ks").tolist() == ["ns"]
    assert len(ledger) == 6


def test_another_test_is_a_new_test():
    ledger = Ledger("walk")
    ledger.record_tests(0, [1], [0.3], [0.9], test="ks")
    ledger.record_tests(0, [1], [0.3], [0.9], test="welch")
    assert len(ledger) == 2
    assert ledger.to_frame()["test"].tolist() == ["ks", "welch"]


# ---------------------------------------------------------------- description, frame, errors


def test_rule_and_repr():
    assert "per-target" in Ledger().rule and "no error control" in Ledger().rule
    assert "LOND" in Ledger("walk").rule and "0.05" in Ledger("walk").rule
    assert "LORD++" in Ledger("walk", method="lord++", alpha=0.1).rule
    assert "0.1" in Ledger("walk", method="lord++", alpha=0.1).rule
    assert "tests=0" in repr(Ledger("walk"))


def test_empty_frame_has_the_columns():
    frame = Ledger().to_frame()
    assert list(frame.columns) == COLUMNS and len(frame) == 0


def test_bad_arguments_list_the_allowed_values():
    with pytest.raises(
        ValueError, match=r"`error_control` must be one of \{'per-target', 'walk'\}"
    ):
        Ledger("global")
    with pytest.raises(ValueError, match=r"`method` must be one of \{'lond', 'lord\+\+'\}"):
        Ledger("walk", method="bh")
    with pytest.raises(ValueError, match="`alpha`"):
        Ledger("walk", alpha=1.5)
    with pytest.raises(ValueError, match="same length"):
        Ledger("walk").record_tests(0, [1, 2], [0.1], [0.5], test="ks")


# ---------------------------------------------------------------- with the real compare()


def test_record_real_comparisons_on_the_demo():
    from sweepwalk import Sweep
    from sweepwalk.datasets import DEMO, load_demo

    sweep = Sweep.from_runs(load_demo(), **DEMO)
    per_target, walkwide = Ledger("per-target"), Ledger("walk")
    lond = LOND(0.05, dependence="positive")
    seen: set[tuple[int, int]] = set()
    for target in (0, 8, 9, 0):  # the last one is a revisit
        cmp = sweep.compare(target, test="mannwhitney", correction="holm")
        frame = cmp.to_frame()
        got = per_target.record(cmp)
        pd.testing.assert_series_equal(got, frame["status"], check_dtype=False, check_names=False)
        statuses = walkwide.record(cmp)
        assert statuses.index.equals(frame.index)
        for row in frame.index[frame["status"] != "target"]:
            key = (min(target, row), max(target, row))
            if key in seen or np.isnan(frame.at[row, "pvalue"]):
                continue
            seen.add(key)
            _level, reject = lond.test(frame.at[row, "pvalue"])
            assert statuses[row] == expected_status(reject, frame.at[row, "effect"])
    assert len(walkwide) == len(per_target) == lond.n_tests == len(seen)


def test_horizon_spends_the_budget_on_a_bounded_walk():
    from sweepwalk.stats import finite_horizon_gamma

    bounded = Ledger("walk", horizon=10)
    endless = Ledger("walk")
    same = Ledger("walk", gamma=finite_horizon_gamma(10).tolist())
    p = [1e-3, 0.2, 0.004, 0.5, 0.01]
    out = bounded.record_tests(0, [1, 2, 3, 4, 5], p, [0.9] * 5, test="ks")
    assert out.tolist() == same.record_tests(0, [1, 2, 3, 4, 5], p, [0.9] * 5, test="ks").tolist()
    endless.record_tests(0, [1, 2, 3, 4, 5], p, [0.9] * 5, test="ks")
    levels = bounded.to_frame()["level"].to_numpy()
    assert (levels > endless.to_frame()["level"].to_numpy()).all()
    with pytest.raises(ValueError, match="`gamma` or `horizon`"):
        Ledger("walk", gamma=[0.5], horizon=3)
    with pytest.raises(ValueError, match="`horizon`"):
        Ledger("walk", horizon=0)


def test_decide_gives_one_comparison_that_every_view_reads(demo):
    from sweepwalk._vocab import SIGNIFICANT_STATUSES, is_underpowered

    per_target, recorded, decided = Ledger("per-target"), Ledger("walk"), Ledger("walk")
    changed = 0
    for target in (0, 8, 9, 0):  # the last one revisits pairs first tested from the other side
        cmp = demo.compare(target, test="welch", correction="none", alpha=0.2)
        assert per_target.decide(cmp) is cmp  # the family's own correction decides
        statuses = recorded.record(cmp)
        held, levels = recorded.first_tests(target, cmp.ids, "welch")
        got = decided.decide(cmp)
        assert got.error_control == "walk" and cmp.error_control == "per-target"
        words = statuses.reindex(got.ids).to_numpy(dtype=object)
        np.testing.assert_array_equal(got.status, words)
        np.testing.assert_array_equal(got.significant, np.isin(words, SIGNIFICANT_STATUSES))
        np.testing.assert_array_equal(got.level_pvalue, held)
        np.testing.assert_array_equal(got.level, np.where(np.isnan(levels), cmp.level, levels))
        flags = is_underpowered(words, got.mde, got.effect_of_interest)
        np.testing.assert_array_equal(got.underpowered, flags)
        frame = got.to_frame()  # the frame is the decided comparison's, column for column
        pd.testing.assert_series_equal(
            frame["status"].astype(object), statuses.astype(object), check_names=False
        )
        np.testing.assert_array_equal(frame.loc[got.ids, "significant"], got.significant)
        np.testing.assert_array_equal(got.pvalue, cmp.pvalue)  # the test's own numbers stay
        changed += int((got.significant != cmp.significant).sum())
    assert changed > 0  # the walk-wide rule decided some rows otherwise than the family's
    with pytest.raises(ValueError, match="`level_pvalue` must have one value per compared row"):
        cmp.with_decisions(words, levels, held[:-1])
