"""The headless walk: Session moves, history, path, settings, ledger, walks and selection.

Every expectation is computed with the engine alone (``Sweep.compare``, ``Sweep.walk``,
``Sweep.importance``, ``Ledger``) and compared with what the session holds.
"""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import sweepwalk
from sweepwalk import Session, Sweep
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.datasets import DEMO, load_demo
from sweepwalk.session.session import default_target


@pytest.fixture
def session(demo: Sweep) -> Session:
    return Session(demo)


def neighbours(s: Session) -> list[int]:
    return [int(i) for i in s.comparison.ids]


def compare(s: Session, target: int) -> sweepwalk.Comparison:
    return s.sweep.compare(
        target,
        test=s.test,
        correction=s.correction,
        alpha=s.alpha,
        against=s.against,
        neighbors=s.neighbors,
        random_state=s.random_state,
    )


# --------------------------------------------------------------------------- construction
def test_defaults_and_exported(demo: Sweep) -> None:
    s = Session(demo)
    assert sweepwalk.Session is Session
    assert s.target == default_target(demo)
    assert (s.test, s.correction, s.alpha, s.against, s.neighbors, s.error_control) == (
        "ks",
        "none",
        0.05,
        "neighbors",
        "adjacent",
        "per-target",
    )
    assert s.history == [s.target] and s.cursor == 0 and s.path == [s.target]
    assert s.last_walk is None and s.walk_offset == -1 and s.selected == []
    assert s.settings == {
        "target": s.target,
        "test": "ks",
        "correction": "none",
        "alpha": 0.05,
        "against": "neighbors",
        "neighbors": "adjacent",
        "error_control": "per-target",
    }


def test_target_as_values(demo: Sweep) -> None:
    values = demo.configs.loc[3, list(demo.params)].to_dict()
    assert Session(demo, target=values).target == demo.find(**values) == 3


def test_not_a_sweep() -> None:
    with pytest.raises(TypeError, match=r"sweepwalk\.Sweep"):
        Session(load_demo())  # type: ignore[arg-type]


# --------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("name", "value", "error", "match"),
    [
        ("test", "t", ValueError, r"`test` must be one of \{'ks'"),
        ("test", None, ValueError, "`test`"),
        ("correction", "holmes", ValueError, r"`correction` must be one of .*'fdr_bh'"),
        ("correction", 3, ValueError, "`correction`"),
        ("alpha", 0.0, ValueError, "0 < alpha < 1"),
        ("alpha", 1.0, ValueError, "0 < alpha < 1"),
        ("alpha", float("nan"), ValueError, "0 < alpha < 1"),
        ("alpha", "0.05", ValueError, "`alpha`"),
        ("alpha", True, ValueError, "`alpha`"),
        ("against", "some", ValueError, r"\{'neighbors', 'all'\}"),
        ("neighbors", "near", ValueError, r"\{'adjacent', 'axis'\}"),
        ("error_control", "fwer", ValueError, r"\{'per-target', 'walk'\}"),
        ("random_state", 1.5, TypeError, "random_state"),
        ("random_state", -1, ValueError, "random_state"),
        ("random_state", "seed", TypeError, "random_state"),
        ("target", 10**6, KeyError, "`target` must be in 0.."),
        ("target", -1, KeyError, "`target`"),
        ("target", True, TypeError, "integer config id"),
        ("target", 2.0, TypeError, "integer config id"),
        ("target", {"nope": 1}, ValueError, "unknown parameter"),
        ("selected", [0, 10**6], KeyError, "`selected`"),
        ("selected", [True], TypeError, "`selected`"),
        ("selected", "0,1", TypeError, "list of config ids"),
        ("selected", 3, TypeError, "list of config ids"),
    ],
)
def test_every_setting_is_validated(
    demo: Sweep, session: Session, name: str, value: object, error: type, match: str
) -> None:
    before, version = getattr(session, name), session.version
    with pytest.raises(error, match=match):
        setattr(session, name, value)
    assert getattr(session, name) == before or name == "random_state"
    assert session.version == version
    if name != "selected":
        with pytest.raises(error, match=match):
            Session(demo, **{name: value})  # type: ignore[arg-type]


def test_numpy_scalars_and_aliases_are_accepted(session: Session) -> None:
    session.alpha = np.float32(0.25)
    assert session.alpha == pytest.approx(0.25) and type(session.alpha) is float
    session.target = np.int64(2)
    assert session.target == 2 and type(session.target) is int
    session.correction = "h"
    assert session.correction == "holm"
    session.correction = "FDR_BH"
    assert session.correction == "fdr_bh"
    session.random_state = np.random.default_rng(3)
    session.selected = [np.int32(4), 1, 4]
    assert session.selected == [4, 1]


def test_to_html_max_rows_is_validated(session: Session) -> None:
    for bad in (0, -3, 2.5, "10", True):
        with pytest.raises(ValueError, match="max_rows"):
            session.to_html(max_rows=bad)  # type: ignore[arg-type]
    assert "sweepwalk-table" in session.to_html(max_rows=2)


# --------------------------------------------------------------------------- moves
def test_moves_back_forward_and_branch_truncation(session: Session) -> None:
    start = session.target
    a, b, c = [i for i in range(len(session.sweep.configs)) if i != start][:3]
    session.target = a
    session.target = b
    assert session.history == [start, a, b] and session.cursor == 2
    session.back()
    assert session.target == a and session.cursor == 1
    session.back()
    session.back()  # no-op at the start
    assert session.target == start and session.cursor == 0
    session.forward()
    assert session.target == a and session.history == [start, a, b]
    session.target = c  # a new step after going back drops the forward branch
    assert session.history == [start, a, c] and session.cursor == 2
    session.forward()  # no-op at the end
    session.target = c  # the same target is no move
    assert session.path == [start, a, b, a, start, a, c]
    session.go(0)
    assert session.target == start and session.path[-1] == start
    with pytest.raises(ValueError, match=r"`position` must be in 0\.\.2"):
        session.go(3)
    with pytest.raises(ValueError, match="position"):
        session.go(-1)
    assert session.cursor == 0


def test_the_comparison_follows_the_state(session: Session) -> None:
    for change in (
        {},
        {"test": "mannwhitney", "correction": "holm"},
        {"against": "all"},
        {"neighbors": "axis", "alpha": 0.2},
        {"test": "permutation"},
    ):
        for name, value in change.items():
            setattr(session, name, value)
        for target in (session.target, neighbours(session)[0]):
            session.target = target
            expected = compare(session, target).to_frame()
            pd.testing.assert_frame_equal(session.results, expected)
            assert session.comparison.target == target and session.statuses is None


def test_results_are_a_copy(session: Session) -> None:
    frame = session.results
    frame["status"] = "forged"
    assert (session.results["status"] != "forged").all()


# --------------------------------------------------------------------------- ledger
def test_ledger_reused_across_moves_and_equal_to_an_engine_ledger(session: Session) -> None:
    engine = Ledger("per-target", alpha=session.alpha)
    engine.record(compare(session, session.target))
    session.comparison  # noqa: B018 - looking at a comparison records it
    first = session.ledger
    for _ in range(3):
        nxt = neighbours(session)[-1]
        session.target = nxt
        engine.record(compare(session, nxt))
        session.comparison  # noqa: B018
        assert session.ledger is first and len(first) == len(engine)
    session.back()
    session.comparison  # noqa: B018 - a revisit adds no test
    assert len(session.ledger) == len(engine)
    pd.testing.assert_frame_equal(session.ledger_frame(), engine.to_frame())
    assert session.ledger_frame().attrs["rule"] == engine.rule
    assert session.ledger_generation == 1 and session.ledger_reason == ""


@pytest.mark.parametrize(
    ("name", "value", "word"),
    [("test", "welch", "test"), ("alpha", 0.1, "alpha"), ("error_control", "walk", "rule")],
)
def test_fresh_ledger_on_a_change_of_rule_alpha_or_test(
    session: Session, name: str, value: object, word: str
) -> None:
    session.comparison  # noqa: B018
    old = session.ledger
    setattr(session, name, value)
    assert session.ledger is old  # reading does not start one: the next comparison does
    session.comparison  # noqa: B018
    assert session.ledger is not old and session.ledger_generation == 2
    assert word in session.ledger_reason and "fresh ledger" in session.ledger_reason
    assert session.ledger_test == session.test
    engine = Ledger(session.error_control, alpha=session.alpha)
    engine.record(compare(session, session.target))
    assert len(session.ledger) == len(engine)


def test_correction_scope_or_target_changes_keep_the_ledger(session: Session) -> None:
    session.comparison  # noqa: B018
    ledger = session.ledger
    for name, value in (("correction", "holm"), ("neighbors", "axis"), ("against", "all")):
        setattr(session, name, value)
        session.comparison  # noqa: B018
    assert session.ledger is ledger and session.ledger_generation == 1


def test_a_failed_comparison_keeps_the_ledger() -> None:
    runs = load_demo().drop(columns=DEMO["seed"])
    s = Session(Sweep.from_runs(runs, metric=DEMO["metric"], params=DEMO["params"]))
    s.comparison  # noqa: B018
    tests = len(s.ledger)
    s.test = "wilcoxon"  # paired tests need seeds: the engine refuses
    with pytest.raises(ValueError, match="seed"):
        s.comparison  # noqa: B018
    assert len(s.ledger) == tests and s.ledger_generation == 1
    s.test = "ks"
    s.comparison  # noqa: B018
    assert s.ledger_generation == 1 and len(s.ledger) == tests


def test_walk_wide_statuses_are_the_ledgers_decisions(session: Session) -> None:
    session.error_control = "walk"
    engine = Ledger("walk", alpha=session.alpha)
    for _ in range(3):
        expected = engine.record(compare(session, session.target))
        session.comparison  # noqa: B018
        session.target = neighbours(session)[0]
    expected = engine.record(compare(session, session.target))
    results = session.results
    pd.testing.assert_series_equal(
        results["status"].astype(object), expected.astype(object), check_names=False
    )
    words = session.statuses
    assert words is not None
    np.testing.assert_array_equal(words, expected.reindex(session.comparison.ids).to_numpy())
    significant = results["status"].isin(["better", "worse", "differs"])
    np.testing.assert_array_equal(results["significant"].to_numpy(bool), significant.to_numpy())


# --------------------------------------------------------------------------- walks
def test_walk_lays_the_path_after_the_cursor(session: Session) -> None:
    start = int(session.sweep.configs["mean"].idxmin())
    session.target = start
    other = neighbours(session)[0]
    session.target = other
    session.back()  # the walk replaces the forward branch [other]
    before = session.history[: session.cursor + 1]
    result = session.walk()
    want = session.sweep.walk(start, test="ks", correction="none", alpha=0.05)
    assert len(want.path) > 1 and result.path == want.path
    assert session.last_walk is result and session.walk_offset == session.cursor
    assert session.history == before + want.path[1:] and session.target == start
    assert session.walk_rule == "per-target"
    for expected in want.path[1:]:
        session.forward()
        assert session.target == expected
    assert session.path[-len(want.path) :] == want.path
    engine = Ledger("per-target", alpha=0.05)
    for cmp in want.comparisons:
        engine.record(cmp)
    assert len(session.ledger) >= len(engine)


def test_walk_from_a_start_moves_there_first(session: Session) -> None:
    start = neighbours(session)[0]
    first = session.target
    result = session.walk(start)
    assert result.start == start and session.history[:2] == [first, start]
    assert session.target == start and session.cursor == 1
    with pytest.raises(KeyError, match="start"):
        session.walk(10**6)


def test_walk_wide_walk_uses_the_sessions_ledger(session: Session) -> None:
    start = int(session.sweep.configs["mean"].idxmin())
    session.target = start
    session.error_control = "walk"
    engine = Ledger("walk", alpha=session.alpha)
    engine.record(compare(session, start))
    session.comparison  # noqa: B018
    result = session.walk()
    want = session.sweep.walk(start, ledger=engine, random_state=0)
    assert result.path == want.path and len(session.ledger) == len(engine)
    assert session.walk_rule == "walk"


def test_importance_uses_the_sessions_settings(session: Session) -> None:
    session.test = "mannwhitney"
    got = session.importance(margin=0.01, correction="h")
    want = session.sweep.importance(
        test="mannwhitney", correction="holm", alpha=0.05, margin=0.01, random_state=0
    ).to_frame()
    pd.testing.assert_frame_equal(got, want)
    with pytest.raises(ValueError, match="margin"):
        session.importance(margin=-1)
    with pytest.raises(ValueError, match="correction"):
        session.importance(correction="nope")


# --------------------------------------------------------------------------- selection
def test_selection_and_selected_runs(session: Session) -> None:
    compared = set(session.results.index)
    outside = next(i for i in range(len(session.sweep.configs)) if i not in compared)
    inside = next(i for i in compared if i != session.target)
    session.selected = [inside, outside]
    sel = session.selection
    configs = session.sweep.configs
    assert sel.index.tolist() == [inside, outside]
    pd.testing.assert_frame_equal(sel[configs.columns], configs.loc[[inside, outside]])
    assert sel.loc[inside, "status"] == session.results.loc[inside, "status"]
    assert sel.loc[outside, "status"] == "out"
    runs = session.selected_runs
    assert set(runs["config"]) == {inside, outside}
    assert len(runs) == int(
        configs.loc[[inside, outside], "n"].sum()
        + configs.loc[[inside, outside], "n_missing"].sum()
    )
    session.selected = []
    assert session.selection.empty and session.selected_runs.empty


# --------------------------------------------------------------------------- observing
def test_one_notification_per_change_and_per_batch(session: Session) -> None:
    seen: list[int] = []

    def callback(s: Session) -> None:
        seen.append(s.version)

    session.observe(callback)
    session.target = neighbours(session)[0]
    session.alpha = 0.1
    session.alpha = 0.1  # no change, no notification
    assert len(seen) == 2 and seen == sorted(seen)
    with session.batch():
        session.test = "welch"
        session.correction = "holm"
        session.back()
    assert len(seen) == 3
    session.walk()
    assert len(seen) == 4
    session.selected = [1]
    assert len(seen) == 5
    session.unobserve(callback)
    session.target = 0 if session.target != 0 else 1
    assert len(seen) == 5


def test_walk_wide_power_columns_are_at_the_online_levels(demo: Sweep) -> None:
    # under error_control="walk" the rows are held to LOND's levels, so is their power
    from statsmodels.stats.power import TTestIndPower

    session = Session(demo, target=0, test="welch", error_control="walk")
    comparison = session.comparison
    levels = session.ledger.levels(comparison.target, comparison.ids, "welch")
    tested = ~np.isnan(comparison.pvalue)
    assert tested.any()
    np.testing.assert_array_equal(comparison.level[tested], levels[tested])
    per_target = demo.compare(0, test="welch")
    assert (comparison.level[tested] < per_target.level[tested]).all()  # LOND is stricter
    for k in np.flatnonzero(tested):
        a, b = demo.scores(int(comparison.ids[k])), demo.scores(0)
        sd = np.sqrt(
            (((a - a.mean()) ** 2).sum() + ((b - b.mean()) ** 2).sum()) / (len(a) + len(b) - 2)
        )
        d = TTestIndPower().solve_power(
            effect_size=None, nobs1=len(a), ratio=len(b) / len(a), alpha=levels[k], power=0.8
        )
        assert comparison.mde[k] == pytest.approx(d * sd, rel=1e-4)  # statsmodels stops early
    frame = session.results
    np.testing.assert_array_equal(frame.loc[comparison.ids, "level"], comparison.level)


def test_a_job_comparison_is_adopted_only_by_the_state_it_was_made_for(session: Session) -> None:
    key, job = session.comparison_job()
    comparison = job(None, None)
    assert not session.computed and len(session.ledger) == 0
    session.target = int(
        session.sweep.neighbors(session.target)[0]
    )  # a move: the job's comparison is stale
    assert not session.adopt_comparison(key, comparison) and len(session.ledger) == 0
    key, job = session.comparison_job()
    assert session.adopt_comparison(key, job(None, None)) and session.computed
    pd.testing.assert_frame_equal(session.results, compare(session, session.target).to_frame())
    assert not session.adopt_comparison(key, comparison)  # shown already: once only


def test_a_job_walk_is_adopted_only_if_nothing_was_recorded_meanwhile(session: Session) -> None:
    session.error_control = "walk"
    session.comparison  # noqa: B018 (recorded)
    key, job = session.walk_job()
    result = job(None, None)
    session.target = neighbours(session)[0]
    session.comparison  # noqa: B018 (recorded: the walk's ledger copy is stale)
    assert not session.adopt_walk(key, result) and session.last_walk is None
    key, job = session.walk_job()
    walk, ledger = job(None, None)
    assert session.adopt_walk(key, (walk, ledger)) and session.last_walk is walk
    assert session.ledger is ledger and session.history[session.cursor + 1 :] == walk.path[1:]


def test_neighbours_computed_ahead_serve_the_click_and_record_the_same(
    session: Session, demo: Sweep, monkeypatch: pytest.MonkeyPatch
) -> None:
    twin = Session(demo)  # no prefetch: every comparison computed on the click
    for s in (session, twin):
        s.comparison  # noqa: B018 (recorded)
    job = session.prefetch_job()
    assert job is not None
    assert job(threading.Event()) == len(neighbours(session))
    row = neighbours(session)[0]
    calls: list[int] = []
    real = demo.compare
    monkeypatch.setattr(demo, "compare", lambda *a, **k: calls.append(1) or real(*a, **k))
    for s in (session, twin):
        s.target = row
    pd.testing.assert_frame_equal(session.results, twin.results)
    assert len(calls) == 1  # the twin's: the session's click came from the store
    pd.testing.assert_frame_equal(session.ledger_frame(), twin.ledger_frame())
    stop = threading.Event()
    stop.set()
    assert session.prefetch_job()(stop) == 0  # type: ignore[misc]  # cancelled before the first


def test_nothing_is_computed_ahead_when_it_cannot_be_reused_or_is_slow(
    demo: Sweep, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Session(demo, against="all").prefetch_job() is None  # too big to keep
    drawn = Session(demo, test="permutation", random_state=np.random.default_rng(0))
    assert drawn.prefetch_job() is None  # each call draws anew: not the same result
    assert Session(demo, test="permutation", random_state=3).prefetch_job() is not None
    monkeypatch.setattr("sweepwalk.session.jobs.PREFETCH_SECONDS", 0.0)
    assert Session(demo).prefetch_job() is None
