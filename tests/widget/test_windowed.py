"""A sweep above ``window_rows`` is sent a window at a time: no message carries every row.

The ``_sweep`` payload then holds no per-configuration column; each ``_results`` payload and
each ``rows`` reply carries the sweep columns of its own rows (``sweep_rows``), equal to what
the full payload holds for them. Scores cross ragged, so a skewed sweep sends its runs only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers import window_sweep as make_sweep
from sweepwalk import Sweep
from sweepwalk.widget import widget as widget_module
from sweepwalk.widget.serialization import RESULT_COLUMNS, ahead_message, sweep_payload
from sweepwalk.widget.sweep_rows import score_range, sweep_rows
from sweepwalk.widget.widget import SweepWidget
from sweepwalk.widget.window import WINDOW_ROWS

PER_CONFIG = ("n", "n_missing", "pooled", "mean", "std", "scores")
TYPES = {"mean": "<f8", "std": "<f8", "scores": "<u2"}


def _array(raw: bytes, name: str) -> np.ndarray:
    return np.frombuffer(raw, dtype=TYPES.get(name, "<i4"))


def _full_rows(full: dict[str, Any], ids: np.ndarray) -> dict[str, Any]:
    """The full payload's columns of configurations ``ids`` (its ragged scores cut per row)."""
    n = _array(full["n"], "n")
    starts = np.cumsum(n) - n
    scores = _array(full["scores"], "scores")
    out: dict[str, Any] = {name: _array(full[name], name)[ids] for name in PER_CONFIG[:-1]}
    out["codes"] = [_array(p["codes"], "codes")[ids] for p in full["params"]]
    out["scores"] = np.concatenate(
        [scores[starts[c] : starts[c] + n[c]] for c in ids] or [np.zeros(0, "<u2")]
    )
    return out


def _assert_rows_are_the_full_payloads(rows: dict[str, Any], full: dict[str, Any]) -> None:
    ids = _array(rows["ids"], "ids")
    want = _full_rows(full, ids)
    for name in PER_CONFIG:
        np.testing.assert_array_equal(_array(rows[name], name), want[name], err_msg=name)
    for got, codes in zip(rows["codes"], want["codes"], strict=True):
        np.testing.assert_array_equal(_array(got, "codes"), codes)


def test_a_sweep_above_window_rows_sends_no_per_configuration_column() -> None:
    sweep = make_sweep()
    whole = SweepWidget(sweep, target=7)
    windowed = SweepWidget(sweep, target=7, window_rows=len(sweep) - 1)
    assert whole._sweep["windowed"] is False and "sweep_rows" not in whole._results
    slim = windowed._sweep
    assert slim["windowed"] is True
    assert not set(PER_CONFIG) & slim.keys()
    assert all("codes" not in p for p in slim["params"])
    assert [p["labels"] for p in slim["params"]] == [p["labels"] for p in whole._sweep["params"]]
    for name in ("n_configs", "score_min", "score_max", "scores_k", "vocabulary", "notes"):
        assert slim[name] == whole._sweep[name], name
    # the results bring their own rows' columns, the full payload's values
    rows = windowed._results["sweep_rows"]
    np.testing.assert_array_equal(_array(rows["ids"], "ids"), _array(whole._results["rows"], "ids"))
    _assert_rows_are_the_full_payloads(rows, whole._sweep)


def test_a_rows_reply_carries_its_rows_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    sweep = make_sweep()
    full = sweep_payload(sweep)
    widget = SweepWidget(sweep, target=7, window_rows=10)
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    monkeypatch.setattr(
        widget, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    view = {"kind": "rows", "scope": "all", "sort": ["mean", "desc"], "filter": None}
    widget._handle_custom_msg({**view, "id": "a", "offset": 5, "limit": 9}, [])
    widget._handle_custom_msg({**view, "id": "b", "offset": 5, "limit": 9, "columns": False}, [])
    (reply, buffers), (ids_only, _) = sent
    assert reply["kind"] == "rows-response", reply

    def resolve(value: Any) -> Any:
        if isinstance(value, list):
            return [resolve(x) for x in value]
        return buffers[value["buffer"]]

    rows = {name: resolve(value) for name, value in reply["sweep_rows"].items()}
    order = np.frombuffer(buffers[reply["results"]["order"]["buffer"]], dtype="<i4")
    means = sweep.configs["mean"].to_numpy(dtype=float)
    want = np.argsort(np.where(np.isnan(means), np.inf, -means), kind="stable")[5:14]
    np.testing.assert_array_equal(order, want)
    np.testing.assert_array_equal(_array(rows["ids"], "ids"), order)
    _assert_rows_are_the_full_payloads(rows, full)
    assert "sweep_rows" not in ids_only and ids_only["results"]["window"]["offset"] == 5


def test_window_rows_is_checked() -> None:
    with pytest.raises(ValueError, match="`window_rows`"):
        SweepWidget(make_sweep(), window_rows=-1)
    assert WINDOW_ROWS == 50_000


def test_a_skewed_sweep_sends_its_runs_not_a_padded_matrix() -> None:
    # 2,000 configurations x 2 seeds and one with 20,000: 24,000 scores, not 2,001 x 20,000
    sweep = _skewed()
    runs = sweep.runs
    payload = sweep_payload(sweep)
    assert len(payload["scores"]) == 2 * len(runs)  # uint16 per run
    assert payload["scores_k"] == 20_000
    last = _array(payload["scores"], "scores")[-20_000:]
    lo, hi = payload["score_min"], payload["score_max"]
    approx = lo + (last - 1.0) / 65534 * (hi - lo)
    np.testing.assert_allclose(approx, sweep.scores(2_000), atol=(hi - lo) / 131068 * 1.01)


def test_many_compared_rows_send_the_targets_row_and_the_legends_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(widget_module, "RESULT_ROWS", 5)
    sweep = make_sweep()
    whole = SweepWidget(sweep, target=7, against="all")
    widget = SweepWidget(sweep, target=7, against="all", window_rows=10)
    cut = widget._results
    assert _array(cut["rows"], "ids").tolist() == [7]
    assert _array(cut["sweep_rows"]["ids"], "ids").tolist() == [7]
    full_rows = _array(whole._results["rows"], "ids")
    t = int(np.flatnonzero(full_rows == 7)[0])
    for name, value in whole._results.items():
        if isinstance(value, bytes):
            dtype = np.dtype(RESULT_COLUMNS[name]).newbyteorder("<")
            want = np.frombuffer(value, dtype=dtype)[t : t + 1]
            np.testing.assert_array_equal(np.frombuffer(cut[name], dtype=dtype), want)
    words = whole.results["status"].value_counts().to_dict()
    words["out"] = len(sweep) - len(full_rows)
    assert cut["partial"] == {"total": len(full_rows), "counts": words}
    # the windows are cut from the whole results
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    monkeypatch.setattr(
        widget, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    widget._handle_custom_msg({"kind": "rows", "id": "a", "offset": 0, "limit": 30}, [])
    (reply, buffers), *_ = sent
    rows = buffers[reply["results"]["rows"]["buffer"]]
    assert np.frombuffer(rows, "<i4").tolist() == full_rows.tolist()


def test_results_computed_ahead_carry_their_rows_columns() -> None:
    sweep = make_sweep()
    full = sweep_payload(sweep)
    lo, hi = full["score_min"], full["score_max"]
    entries = [(c, sweep.compare(c), {"target": c}) for c in sweep.neighbor_ids(7)[:2]]
    body, buffers = ahead_message(
        entries, sweep.params, {"target": 7}, rows=lambda ids: sweep_rows(sweep, ids, lo, hi)
    )
    plain, _ = ahead_message(entries, sweep.params, {"target": 7})
    assert all("sweep_rows" not in e["results"] for e in plain["entries"])
    for entry in body["entries"]:
        results = entry["results"]
        rows = {
            name: [buffers[x["buffer"]] for x in ref]
            if isinstance(ref, list)
            else buffers[ref["buffer"]]
            for name, ref in results["sweep_rows"].items()
        }
        ids = _array(rows["ids"], "ids")
        np.testing.assert_array_equal(ids, _array(buffers[results["rows"]["buffer"]], "ids"))
        _assert_rows_are_the_full_payloads(rows, full)


def _skewed() -> Sweep:
    """2,000 configurations x 2 seeds and one with 20,000 (kept ragged)."""
    small = pd.DataFrame(
        {"a": np.repeat(np.arange(2_000), 2), "seed": np.tile([0, 1], 2_000), "acc": 0.5}
    )
    big = pd.DataFrame({"a": 2_000, "seed": np.arange(20_000), "acc": 0.6})
    runs = pd.concat([small, big], ignore_index=True)
    runs["acc"] += np.random.default_rng(0).normal(0, 0.01, len(runs))
    return Sweep.from_runs(runs, metric="acc", seed="seed", params=["a"])


@pytest.mark.parametrize("dense", [True, False])
def test_the_score_range_is_the_scores_whichever_the_layout(dense: bool) -> None:
    sweep = make_sweep() if dense else _skewed()
    assert sweep.is_dense == dense
    values = np.concatenate([sweep.scores(i) for i in range(len(sweep))])
    assert score_range(sweep) == (float(values.min()), float(values.max()))
