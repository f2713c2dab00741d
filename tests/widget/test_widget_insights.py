"""The widget's walk insights without a browser: ledger, walk-wide statuses, importance, walks.

Every expectation is computed with the engine alone (``Ledger``, ``Sweep.compare``,
``Sweep.importance``, ``Sweep.walk``) and compared with what the widget holds and sends.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import traitlets

from sweepwalk import SweepWidget, explore
from sweepwalk._vocab import is_underpowered as shown_underpowered
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.widget.serialization import STATUSES, importance_reply


def decode(buf: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<"))


def shown_status(w: SweepWidget) -> dict[int, str]:
    rows = decode(w._results["rows"], "i4")
    codes = decode(w._results["status"], "u1")
    return {int(r): STATUSES[c] for r, c in zip(rows, codes, strict=True)}


def neighbours(w: SweepWidget, status: set[str] | None = None) -> list[int]:
    frame = w.results
    keep = frame["status"] != "target"
    if status is not None:
        keep &= frame["status"].isin(status)
    return [int(i) for i in frame.index[keep]]


def capture(w: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    sent: list[dict] = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append(content))
    return sent


# --------------------------------------------------------------------------- ledger
def test_ledger_grows_with_each_click_and_equals_an_engine_ledger(widget: SweepWidget) -> None:
    engine = Ledger("per-target", alpha=widget.alpha)
    sweep = widget.sweep
    settings = dict(test=widget.test, correction=widget.correction, alpha=widget.alpha)

    def compare(i: int):
        return sweep.compare(i, **settings, random_state=widget.random_state)

    engine.record(compare(widget.target))
    assert len(widget.ledger) == len(engine) > 0
    assert widget._ledger["n_tests"] == len(engine)
    sizes = [len(widget.ledger)]
    for _ in range(3):
        nxt = neighbours(widget)[-1]
        widget.target = nxt
        engine.record(compare(nxt))
        sizes.append(len(widget.ledger))
        assert widget._ledger["n_tests"] == sizes[-1] == len(engine)
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    pd.testing.assert_frame_equal(widget.ledger, engine.to_frame())
    assert widget.ledger.attrs["rule"] == engine.rule == widget._ledger["rule"]
    assert list(widget.ledger.columns[:4]) == ["order", "target", "row", "test"]


def test_revisits_add_no_tests(widget: SweepWidget) -> None:
    start = widget.target
    first = len(widget.ledger)
    widget.target = neighbours(widget)[0]
    second = len(widget.ledger)
    widget.back()
    assert widget.target == start and len(widget.ledger) == second > first


@pytest.mark.parametrize(
    ("name", "value"), [("test", "welch"), ("alpha", 0.1), ("error_control", "walk")]
)
def test_a_change_of_rule_alpha_or_test_starts_a_fresh_ledger(
    widget: SweepWidget, name: str, value: object
) -> None:
    widget.target = neighbours(widget)[0]
    before = widget._ledger
    setattr(widget, name, value)
    after = widget._ledger
    assert after["generation"] == before["generation"] + 1
    assert name.replace("error_control", "rule") in after["reason"]
    assert "fresh ledger" in after["reason"]
    # the fresh ledger holds only the comparison made under the new settings
    engine = Ledger(widget.error_control, alpha=widget.alpha)
    engine.record(widget.comparison)
    assert len(widget.ledger) == len(engine) == after["n_tests"]


def test_correction_or_scope_changes_keep_the_ledger(widget: SweepWidget) -> None:
    generation = widget._ledger["generation"]
    widget.correction = "holm"
    widget.neighbors = "axis"
    assert widget._ledger["generation"] == generation


def test_walk_mode_statuses_are_the_engine_ledgers_decisions(widget: SweepWidget) -> None:
    sweep = widget.sweep
    widget.error_control = "walk"
    engine = Ledger("walk", alpha=widget.alpha)
    settings = dict(test=widget.test, correction=widget.correction, alpha=widget.alpha)
    targets = [widget.target]
    for _ in range(3):
        targets.append(neighbours(widget)[0])
        widget.target = targets[-1]
    for target in targets:
        expected = engine.record(sweep.compare(target, **settings, random_state=0))
    assert widget._ledger["error_control"] == "walk" and "LOND" in widget._ledger["rule"]
    assert len(widget.ledger) == len(engine)
    pd.testing.assert_series_equal(
        widget.results["status"].astype(object), expected.astype(object), check_names=False
    )
    assert shown_status(widget) == {int(k): str(v) for k, v in expected.items()}
    # walk-wide decisions are stricter than per-target ones here: fewer discoveries
    per_target = sweep.compare(widget.target, **settings).to_frame()["status"]
    assert (expected != "ns").sum() <= (per_target != "ns").sum()
    assert widget.selection.empty  # selection is built from the shown results
    widget.selected = [targets[0]]
    assert widget.selection.loc[targets[0], "status"] == expected.get(targets[0], "out")


def test_walk_mode_sends_the_level_and_the_pvalue_that_decided_each_row(
    widget: SweepWidget,
) -> None:
    # per-target: each row's level is the family's alpha (its p adj is what is compared)
    payload = widget._results
    rows = decode(payload["rows"], "i4")
    assert "level_pvalue" not in payload
    np.testing.assert_allclose(
        decode(payload["level"], "f8"), widget.results.loc[rows, "level"].to_numpy()
    )
    sweep = widget.sweep
    widget.error_control = "walk"
    engine = Ledger("walk", alpha=widget.alpha)
    settings = dict(test=widget.test, correction=widget.correction, alpha=widget.alpha)
    targets = [widget.target]
    for _ in range(3):  # the second target's comparison re-tests the first pair from its side
        targets.append(neighbours(widget)[0])
        widget.target = targets[-1]
    for target in targets:
        engine.record(sweep.compare(target, **settings, random_state=0))
    # the first test of each pair (either side) in the engine's ledger decided it
    first: dict[tuple[int, int], tuple[float, float]] = {}
    for r in engine.to_frame().itertuples():
        first.setdefault((min(r.target, r.row), max(r.target, r.row)), (r.pvalue, r.level))
    payload = widget._results
    rows = decode(payload["rows"], "i4")
    level = decode(payload["level"], "f8")
    held = decode(payload["level_pvalue"], "f8")
    status = [STATUSES[c] for c in decode(payload["status"], "u1")]
    target = widget.target
    revisited = 0
    for k, row in enumerate(rows.tolist()):
        if row == target:
            assert np.isnan(held[k])
            continue
        key = (min(row, target), max(row, target))
        assert (held[k], level[k]) == first[key]
        revisited += key[0] in targets and key[1] in targets
        assert (status[k] in {"better", "worse", "differs"}) == (held[k] <= level[k])
    assert revisited >= 1  # a pair first tested from the other side keeps that test
    # the online levels are below the family's alpha: a different number from p adj's rule
    assert np.nanmax(level) < widget.alpha


def test_error_control_is_validated(widget: SweepWidget) -> None:
    with pytest.raises(traitlets.TraitError, match="error_control"):
        widget.error_control = "global"
    with pytest.raises(ValueError, match="error_control"):
        explore(widget.sweep, error_control="fwer")


def test_error_control_from_the_frontend_is_applied(widget: SweepWidget) -> None:
    widget.set_state({"error_control": "walk"})
    assert widget.error_control == "walk" and widget._ledger["error_control"] == "walk"
    widget.set_state({"error_control": "nope"})
    assert widget.error_control == "walk" and "error_control" in widget._error


# --------------------------------------------------------------------------- power marker
def test_shown_underpowered_definition() -> None:
    # ns and the test could not see the difference worth detecting (0.1), whatever was observed
    status = np.array(["ns", "ns", "better", "ns"], dtype=object)
    mde = np.array([0.2, 0.05, 0.5, np.nan])
    assert shown_underpowered(status, mde, 0.1).tolist() == [True, False, False, False]
    assert shown_underpowered(status, None, 0.1) is None


def test_power_columns_reach_the_frontend_when_compare_has_them(widget: SweepWidget) -> None:
    frame = widget.results
    rows = decode(widget._results["rows"], "i4")
    for column in ("effect_low", "effect_high", "diff_mean_low", "diff_mean_high", "mde"):
        np.testing.assert_array_equal(
            decode(widget._results[column], "f8"), frame.loc[rows, column].to_numpy(float)
        )
    flags = decode(widget._results["underpowered"], "u1").astype(bool)
    want = shown_underpowered(
        frame["status"].to_numpy(object),
        frame["mde"].to_numpy(float),
        widget.comparison.effect_of_interest,
    )
    np.testing.assert_array_equal(flags, want)
    np.testing.assert_array_equal(frame["underpowered"].to_numpy(bool), want)


# --------------------------------------------------------------------------- importance
def test_importance_reply_equals_sweep_importance(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = capture(widget, monkeypatch)
    progress: list[float] = []
    widget.observe(lambda c: progress.append(c["new"]), names="_progress")
    widget._handle_custom_msg({"kind": "importance", "id": "a1", "margin": 0.01}, [])
    assert widget._jobs.wait("importance", timeout=60)
    *running, reply = sent
    assert {m["kind"] for m in running} == {"progress"} and running[-1]["fraction"] == 1.0
    assert reply["kind"] == "importance-response" and reply["id"] == "a1"
    want = widget.sweep.importance(
        test=widget.test, alpha=widget.alpha, neighbors=widget.neighbors, margin=0.01
    ).to_frame()
    assert reply == {"kind": "importance-response", "id": "a1", **importance_reply(want, 0.0)} | {
        "seconds": reply["seconds"]
    }
    assert reply["params"] == list(widget.sweep.params)
    assert reply["significant"] == want["significant"].tolist()
    np.testing.assert_allclose(
        np.array(reply["share_significant"], dtype=float), want["share_significant"].to_numpy()
    )
    assert reply["settings"]["correction"] == "fdr_bh" and reply["settings"]["margin"] == 0.01
    assert progress == []  # the request's progress are messages: a worker thread writes no trait
    assert widget._progress == -1.0


def test_python_importance_reports_progress_in_its_trait(widget: SweepWidget) -> None:
    progress: list[float] = []
    widget.observe(lambda c: progress.append(c["new"]), names="_progress")
    frame = widget.importance(margin=0.01)
    assert progress[0] == 0.0 and progress[-1] == -1.0 and 1.0 in progress
    assert frame.attrs["seconds"] >= 0


def test_importance_errors_are_replies(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = capture(widget, monkeypatch)
    widget._handle_custom_msg({"kind": "importance", "id": 5, "margin": -1}, [])
    widget._handle_custom_msg({"kind": "importance", "id": 6, "correction": "nope"}, [])
    assert [m["kind"] for m in sent] == ["error", "error"]
    assert "margin" in sent[0]["message"] and sent[1]["id"] == 6
    assert widget._progress == -1.0


# --------------------------------------------------------------------------- walks
def test_walk_button_path_equals_sweep_walk(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = int(widget.sweep.configs["mean"].idxmin())
    widget.target = start
    history = list(widget._history)
    sent = capture(widget, monkeypatch)
    widget._handle_custom_msg({"kind": "walk", "id": "w1", "start": start}, [])
    want = widget.sweep.walk(start, test=widget.test, correction=widget.correction, alpha=0.05)
    assert len(want.path) > 1
    assert widget._jobs.wait("walk", 60.0)  # the walk runs as a job, in a worker thread
    (reply,) = [m for m in sent if m["kind"] != "progress"]
    assert reply == {"kind": "walk-response", "id": "w1", "seconds": reply["seconds"]}
    assert widget._walk["stopped"] == want.stopped
    assert widget.last_walk is not None and widget.last_walk.path == want.path
    assert widget._walk["path"] == want.path and widget._walk["offset"] == len(history) - 1
    assert [s["to"] for s in widget._walk["steps"]] == want.path[1:]
    assert widget._history == history + want.path[1:] and widget.target == start
    # stepping forward plays the path; the ledger has the walk's tests
    for expected in want.path[1:]:
        widget.forward()
        assert widget.target == expected
    assert widget.path[-len(want.path) :] == want.path
    engine = Ledger("per-target", alpha=0.05)
    for cmp in want.comparisons:
        engine.record(cmp)
    assert len(widget.ledger) >= len(engine)


def test_walk_in_walk_mode_uses_the_ledger(widget: SweepWidget) -> None:
    start = int(widget.sweep.configs["mean"].idxmin())
    widget.target = start
    widget.error_control = "walk"
    engine = Ledger("walk", alpha=widget.alpha)
    engine.record(widget.sweep.compare(start, test=widget.test, random_state=0))
    result = widget.walk()
    want = widget.sweep.walk(start, test=widget.test, ledger=engine, random_state=0)
    assert result.path == want.path
    assert len(widget.ledger) == len(engine)
    assert widget._walk["error_control"] == "walk"


def test_walk_method_from_another_start_moves_the_target(widget: SweepWidget) -> None:
    start = neighbours(widget)[0]
    result = widget.walk(start)
    assert widget.target == start and result.start == start
    with pytest.raises(KeyError, match="start"):
        widget.walk(10_000)
