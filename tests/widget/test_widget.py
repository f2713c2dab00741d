"""The widget's Python side without a browser: traits, results, walk, selection, HTML, messages."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
import traitlets
from ipywidgets.widgets.widget import _remove_buffers
from scipy import stats

import sweepwalk
from sweepwalk import Sweep, SweepWidget, explore
from sweepwalk.widget.serialization import STATUS_COLORS, STATUSES

XSS = "<img src=x onerror=alert(1)>"
FLOATS = ("statistic", "pvalue", "pvalue_adj", "effect", "diff_mean")


def make_runs(n_seeds: int = 8, random_state: int = 0, solvers=("sgd", "adam")) -> pd.DataFrame:
    """Long-format runs: solver x lr x (momentum only for sgd) x seeds, with real differences."""
    rng = np.random.default_rng(random_state)
    rows = []
    for solver in solvers:
        for lr in (0.001, 0.01, 0.1):
            for momentum in (0.0, 0.9) if solver == "sgd" else (np.nan,):
                level = {0.001: 0.5, 0.01: 0.7, 0.1: 0.72}[lr] + (0.05 if momentum == 0.9 else 0)
                for seed in range(n_seeds):
                    rows.append((solver, lr, momentum, seed, rng.normal(level, 0.03)))
    return pd.DataFrame(rows, columns=["solver", "lr", "momentum", "seed", "acc"])


PARAMS = ["solver", "lr", "momentum"]


@pytest.fixture
def runs() -> pd.DataFrame:
    return make_runs()


@pytest.fixture
def widget(runs: pd.DataFrame) -> SweepWidget:
    return explore(runs, metric="acc", seed="seed", params=PARAMS)


def decode(buf: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<"))


def state_of(w: SweepWidget) -> dict:
    return {k: getattr(w, k) for k in ("test", "correction", "alpha", "against", "neighbors")}


# --------------------------------------------------------------------------- construction
def test_explore_returns_a_widget_with_the_best_mean_as_target(runs: pd.DataFrame) -> None:
    w = explore(runs, metric="acc", seed="seed", params=PARAMS)
    assert isinstance(w, SweepWidget)
    means = runs.groupby(PARAMS, dropna=False)["acc"].mean()
    best = means.idxmax()
    row = w.sweep.configs.loc[w.target]
    assert (row["solver"], row["lr"]) == best[:2]
    assert row["mean"] == pytest.approx(means.max(), abs=1e-12)
    assert (w.test, w.correction, w.alpha, w.against, w.neighbors) == (
        "ks",
        "none",
        0.05,
        "neighbors",
        "adjacent",
    )
    assert w.path == [w.target] and w._history == [w.target] and w._history_index == 0
    assert w._error == "" and w._results["state"]["target"] == w.target


def test_default_target_respects_goal_and_min_runs(runs: pd.DataFrame) -> None:
    # The best-mean config gets only 2 runs: below min_runs=3, so it must not be the target.
    w_min = explore(runs, metric="acc", seed="seed", params=PARAMS, goal="min")
    worst = w_min.sweep.configs["mean"].idxmin()
    assert w_min.target == worst
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", params=PARAMS)
    top = int(sweep.configs["mean"].idxmax())
    thin = sweep.runs.drop(columns="config")
    thin.loc[(sweep.runs["config"] == top) & (thin["seed"] >= 2), "acc"] = np.nan
    w = explore(thin, metric="acc", seed="seed", params=PARAMS)
    configs = w.sweep.configs
    eligible = configs[configs["n"] >= w.sweep.min_runs]
    assert configs.loc[top, "n"] < w.sweep.min_runs
    assert w.target == eligible["mean"].idxmax()


def test_explore_accepts_a_sweep_and_a_dict_target(runs: pd.DataFrame) -> None:
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", params=PARAMS)
    w = explore(sweep, target={"solver": "adam", "lr": 0.01}, test="welch", correction="holm")
    assert w.sweep is sweep
    assert w.target == sweep.find(solver="adam", lr=0.01)
    assert (w.test, w.correction) == ("welch", "holm")
    assert sweepwalk.explore is explore


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, TypeError, "`metric` is required.*'acc'"),
        ({"metric": "acc", "params": PARAMS, "test": "t"}, ValueError, "`test` must be one of"),
        ({"metric": "acc", "params": PARAMS, "correction": "x"}, ValueError, "'holm'"),
        ({"metric": "acc", "params": PARAMS, "against": "some"}, ValueError, "'neighbors'"),
        ({"metric": "acc", "params": PARAMS, "neighbors": "near"}, ValueError, "'adjacent'"),
        ({"metric": "acc", "params": PARAMS, "alpha": 1.5}, ValueError, "0 < alpha < 1"),
        ({"metric": "acc", "params": PARAMS, "target": 999}, KeyError, "0..8"),
        ({"metric": "acc", "params": PARAMS, "colour": "red"}, TypeError, "colour"),
        ({"metric": "nope", "params": PARAMS}, KeyError, "nope"),
    ],
)
def test_explore_bad_arguments(runs: pd.DataFrame, kwargs: dict, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        explore(runs.drop(columns="seed"), **kwargs)


def test_explore_bad_data_and_sweep_arguments(runs: pd.DataFrame) -> None:
    with pytest.raises(TypeError, match=r"DataFrame .* or a sweepwalk\.Sweep"):
        explore(runs.to_dict())  # type: ignore[arg-type]
    sweep = Sweep.from_runs(runs, metric="acc", seed="seed", params=PARAMS)
    with pytest.raises(TypeError, match="`metric`"):
        explore(sweep, metric="acc")
    with pytest.raises(ValueError, match="goal"):
        explore(sweep, goal="min")
    low = Sweep.from_runs(runs, metric="acc", seed="seed", params=PARAMS, goal="min")
    w = explore(low)  # the default goal="max" does not override the Sweep's own
    assert w.sweep.goal == "min" and w.target == low.configs["mean"].idxmin()
    with pytest.raises(TypeError, match=r"sweepwalk\.Sweep"):
        SweepWidget(runs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- traits
@pytest.mark.parametrize(
    ("name", "value", "match"),
    [
        ("test", "ttest", r"`test` must be one of \{'ks', 'mannwhitney'"),
        ("correction", "holmes", r"`correction` must be one of \{'none', .*'fdr_bh'"),
        ("against", "everything", r"\{'neighbors', 'all'\}"),
        ("neighbors", "close", r"\{'adjacent', 'axis'\}"),
        ("alpha", 0.0, "0 < alpha < 1"),
        ("alpha", float("nan"), "0 < alpha < 1"),
        ("target", 9, r"0\.\.8"),
        ("target", -1, r"0\.\.8"),
        ("target", True, "integer"),
        ("target", 1.5, "int"),
        ("selected", [0, 42], r"0\.\.8"),
    ],
)
def test_trait_validation(widget: SweepWidget, name: str, value: object, match: str) -> None:
    before = getattr(widget, name)
    results = widget._results
    with pytest.raises(traitlets.TraitError, match=match):
        setattr(widget, name, value)
    assert getattr(widget, name) == before
    assert widget._results is results


def test_numpy_integers_are_config_ids(widget: SweepWidget) -> None:
    widget.target = np.int64(2)
    assert widget.target == 2 and type(widget.target) is int
    widget.selected = [np.int32(3), 1, 3]
    assert widget.selected == [3, 1]


def test_observe_target_and_one_results_per_change(widget: SweepWidget) -> None:
    seen: list[int] = []
    states: list[dict] = []
    widget.observe(lambda change: seen.append(change["new"]), names="target")
    widget.observe(lambda change: states.append(change["new"]["state"]), names=["_results"])
    widget.target = 1
    widget.alpha = 0.2
    assert seen == [1]
    assert [(s["target"], s["alpha"]) for s in states] == [(1, 0.05), (1, 0.2)]


# --------------------------------------------------------------------------- results
STATES = [
    {},
    {"test": "mannwhitney", "correction": "holm"},
    {"test": "welch", "against": "all", "correction": "fdr_bh", "alpha": 0.2},
    {"neighbors": "axis", "correction": "bonferroni"},
    {"test": "wilcoxon"},
    {"test": "ttest_rel", "against": "all", "alpha": 5e-05},
    {"test": "permutation", "correction": "h"},
]


@pytest.mark.parametrize("state", STATES)
def test_results_equal_compare_and_the_payload(widget: SweepWidget, state: dict) -> None:
    for target in (0, 4):
        widget.target = target
        for name, value in state.items():
            setattr(widget, name, value)
        expected = widget.sweep.compare(
            target, **state_of(widget), random_state=widget.random_state
        ).to_frame()
        pd.testing.assert_frame_equal(widget.results, expected)
        payload = widget._results
        names = ("target", "test", "correction", "alpha", "against", "neighbors", "error_control")
        assert payload["state"] == {
            **{name: getattr(widget, name) for name in names},
            "history": widget._history,
            "cursor": widget._history_index,
        }
        assert payload["target"] == target
        rows = decode(payload["rows"], "i4")
        np.testing.assert_array_equal(rows, expected.index.to_numpy())
        status = [STATUSES[s] for s in decode(payload["status"], "u1")]
        assert status == expected["status"].tolist()
        for column in FLOATS:
            want = pd.to_numeric(expected[column]).to_numpy(dtype=np.float64, na_value=np.nan)
            np.testing.assert_array_equal(decode(payload[column], "f8"), want)
        varied = decode(payload["varied"], "i2")
        names = [None if v < 0 else widget.sweep.params[v] for v in varied]
        assert names == [v if isinstance(v, str) else None for v in expected["varied"]]
        assert widget._error == ""


def test_ks_results_equal_a_scipy_loop(widget: SweepWidget) -> None:
    widget.against = "all"
    frame = widget.results
    target = widget.sweep.scores(widget.target)
    for config, row in frame.drop(index=widget.target).iterrows():
        res = stats.ks_2samp(target, widget.sweep.scores(config))
        assert row["pvalue"] == pytest.approx(res.pvalue, abs=1e-12)
        assert row["statistic"] == pytest.approx(res.statistic, abs=1e-12)
        significant = res.pvalue < widget.alpha
        assert (row["status"] in {"better", "worse", "differs"}) == significant
    assert frame.loc[widget.target, "status"] == "target"


def test_state_crosses_as_json_plus_buffers(widget: SweepWidget) -> None:
    widget.against = "all"
    full = widget.get_state(key=list(widget.keys))  # every synced trait, as the open message
    state, _, buffers = _remove_buffers(
        {k: v for k, v in full.items() if k not in {"_esm", "_css"}}
    )
    text = json.dumps(state, allow_nan=False)  # no NaN, no bytes left in the JSON part
    assert len(buffers) >= 10
    assert len(text) < 5000


# --------------------------------------------------------------------------- walk
def test_walk_path_history_back_forward(widget: SweepWidget) -> None:
    start = widget.target
    widget.target = 1
    widget.target = 2
    assert widget._history == [start, 1, 2] and widget._history_index == 2
    widget.back()
    assert widget.target == 1 and widget._history_index == 1
    widget.back()
    widget.back()  # no-op at the start
    assert widget.target == start and widget._history_index == 0
    widget.forward()
    assert widget.target == 1
    assert widget._history == [start, 1, 2]
    widget.target = 5  # a new step after going back drops the forward branch
    assert widget._history == [start, 1, 5] and widget._history_index == 2
    widget.forward()  # no-op at the end
    assert widget.target == 5
    assert widget.path == [start, 1, 2, 1, start, 1, 5]
    assert widget._results["state"]["target"] == 5
    assert widget._results["state"]["history"] == [start, 1, 5]


def test_frontend_back_moves_only_the_cursor(widget: SweepWidget) -> None:
    start = widget.target
    widget.target = 3
    # What the frontend sends for Alt+Left: target and _history_index in one message.
    widget.set_state({"target": start, "_history_index": 0})
    assert widget._history == [start, 3] and widget._history_index == 0
    assert widget.path == [start, 3, start]
    assert widget._results["target"] == start
    widget.set_state({"target": 7})  # a click: a new step
    assert widget._history == [start, 7] and widget._history_index == 1


def test_invalid_frontend_update_is_refused_visibly(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    resent: list[list[str]] = []
    monkeypatch.setattr(widget, "send_state", lambda key=None: resent.append(key))
    before = (widget.target, widget.alpha, widget._results)
    widget.set_state({"target": 1, "alpha": 1.5})  # no exception escapes into the kernel log
    assert (widget.target, widget.alpha, widget._results) == before
    assert "alpha" in widget._error and "0 < alpha < 1" in widget._error
    assert resent[-1] == ["target", "alpha"]  # the frontend gets the kernel's values back
    widget.set_state({"target": 1, "_history_index": 7})  # out of range: clamped
    assert widget._history_index == len(widget._history) - 1 and widget._error == ""


# --------------------------------------------------------------------------- selection
def test_selection_and_selected_runs(widget: SweepWidget, runs: pd.DataFrame) -> None:
    widget.target = 0
    compared = set(widget.results.index)
    outside = next(i for i in range(len(widget.sweep.configs)) if i not in compared)
    inside = next(i for i in compared if i != 0)
    widget.selected = [inside, outside]
    sel = widget.selection
    assert sel.index.tolist() == [inside, outside]
    configs = widget.sweep.configs
    pd.testing.assert_frame_equal(sel[configs.columns], configs.loc[[inside, outside]])
    assert sel.loc[inside, "status"] == widget.results.loc[inside, "status"]
    assert sel.loc[inside, "pvalue"] == widget.results.loc[inside, "pvalue"]
    assert sel.loc[outside, "status"] == "out"
    got = widget.selected_runs
    assert set(got["config"]) == {inside, outside}
    want = runs.merge(configs.loc[[inside, outside], PARAMS], on=PARAMS)
    assert len(got) == len(want)
    assert sorted(got["acc"]) == sorted(want["acc"])
    widget.selected = []
    assert widget.selection.empty and widget.selected_runs.empty


# --------------------------------------------------------------------------- HTML export
def test_to_html_is_coloured_and_escaped() -> None:
    runs = make_runs(solvers=("sgd", XSS))
    runs = runs.rename(columns={"lr": "<b>lr</b>"})
    w = explore(runs, metric="acc", seed="seed", params=["solver", "<b>lr</b>", "momentum"])
    w.target = w.sweep.find(solver=XSS, **{"<b>lr</b>": 0.01})
    w.against = "all"
    out = w.to_html()
    assert "<img" not in out and "<b>lr" not in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out
    assert "&lt;b&gt;lr&lt;/b&gt;" in out
    statuses = set(w.results["status"])
    assert len(statuses) >= 3
    for status in statuses:
        strong, pale = STATUS_COLORS[status]
        assert pale in out and strong in out
    for status in STATUSES:  # the legend names every status
        assert f"</span> {status}</span>" in out
    assert len(set(re.findall(r"_row(\d+)_col", out))) == len(w.results)


def test_to_html_max_rows_keeps_the_target_and_the_smallest_p(widget: SweepWidget) -> None:
    widget.against = "all"
    frame = widget.results
    out = widget.to_html(max_rows=4)
    assert "showing 4 of 9 rows" in out
    rows = {
        int(i)
        for i in re.findall(r'<th id="T_\w+_level0_row\d+" class="row_heading[^>]*>(\d+)<', out)
    }
    others = frame.drop(index=widget.target)["pvalue_adj"].sort_values(kind="stable")
    assert rows == {widget.target, *others.index[:3]}
    with pytest.raises(ValueError, match="max_rows"):
        widget.to_html(max_rows=0)


# --------------------------------------------------------------------------- messages
def test_detail_request_reply(widget: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[dict, list]] = []
    monkeypatch.setattr(
        widget, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    widget._handle_custom_msg({"kind": "detail", "id": 17, "config": 3}, [])
    (content, buffers), *_ = sent
    assert content == {"kind": "detail-response", "id": 17, "config": 3, "target": widget.target}
    np.testing.assert_array_equal(decode(buffers[0], "f8"), widget.sweep.scores(widget.target))
    np.testing.assert_array_equal(decode(buffers[1], "f8"), widget.sweep.scores(3))
    widget._handle_custom_msg({"kind": "detail", "id": 18, "config": 99}, [])
    widget._handle_custom_msg({"kind": "explode", "id": 19}, [])
    assert sent[1][0]["kind"] == "error" and sent[1][0]["id"] == 18
    assert "0..8" in sent[1][0]["message"]
    assert sent[2][0] == {
        "kind": "error",
        "id": 19,
        "message": (
            "unknown message kind 'explode'; allowed: "
            "['detail', 'importance', 'walk', 'cancel', 'rows']"
        ),
    }


# --------------------------------------------------------------------------- errors
def test_kernel_error_sets_error_and_recovers(runs: pd.DataFrame) -> None:
    w = explore(runs.drop(columns="seed"), metric="acc", params=PARAMS)
    old = w._results
    w.test = "wilcoxon"  # paired tests need seeds: the engine refuses
    assert "seed" in w._error
    assert w._results is old  # the last good results stay; their state no longer matches
    with pytest.raises(ValueError, match="seed"):
        w.results  # noqa: B018
    w.test = "ks"
    assert w._error == ""
    assert w._results["state"]["test"] == "ks"


def test_reading_the_ledger_after_a_failed_recompute_keeps_it(runs: pd.DataFrame) -> None:
    w = explore(runs.drop(columns="seed"), metric="acc", params=PARAMS)
    tests, generation = len(w.ledger), w._ledger["generation"]
    assert tests > 0
    w.test = "wilcoxon"  # refused by the engine: nothing recorded
    assert len(w.ledger) == tests  # reading does not start a fresh ledger
    w.test = "ks"
    assert w._ledger["generation"] == generation and len(w.ledger) == tests


def test_unexpected_engine_exception_is_shown(
    widget: SweepWidget, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(widget.sweep, "compare", boom)
    widget.target = 2
    assert widget._error == "RuntimeError: disk on fire"
    assert "disk on fire" in caplog.text
    monkeypatch.undo()
    widget.target = 3
    assert widget._error == "" and widget._results["target"] == 3


def test_bundle_or_fallback_esm() -> None:
    from sweepwalk.widget import bundle as _widget

    esm = str(SweepWidget._esm)
    if _widget.BUNDLE.is_file():
        assert esm != _widget.MISSING_BUNDLE_ESM and len(esm) > 1000  # the real bundle
    else:  # a checkout without the esbuild bundle: a visible message, not an import error
        assert esm == _widget.MISSING_BUNDLE_ESM
    assert "pip install -e ." in _widget.MISSING_BUNDLE_ESM
    assert "export default" in _widget.MISSING_BUNDLE_ESM
