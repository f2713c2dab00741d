"""The grid's rows a window at a time give the grid of the full payload.

``src/window.fixture.json`` holds a small sweep's payloads and the kernel's row order for every
sortable column, both directions, both scopes and each status filter, for a comparison and for
the early answer of a permutation test (rows ``pending``); the vitest suite
(src/model/window.test.ts) checks the frontend's ``rowOrder`` against the same orders.
Regenerate it with ``PYTHONPATH=python:tests .venv/bin/python tests/widget/test_window.py``.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from helpers import window_sweep as make_sweep
from sweepwalk import Sweep
from sweepwalk._vocab import PENDING, STATUSES, Against
from sweepwalk.analysis.pending import pending_comparison
from sweepwalk.widget.serialization import (
    PENDING_CODE,
    RESULT_COLUMNS,
    results_payload,
    sweep_payload,
)
from sweepwalk.widget.sweep_rows import score_range, sweep_rows
from sweepwalk.widget.widget import SweepWidget
from sweepwalk.widget.window import (
    MAX_WINDOW,
    OUT,
    RESULT_SORT,
    Listings,
    listing,
    row_order,
    window_payload,
    window_reply,
)

FIXTURE = Path(__file__).parents[2] / "src" / "window.fixture.json"


def payloads(sweep: Sweep, against: Against) -> dict[str, Any]:
    comparison = sweep.compare(7, against=against)
    payload: dict[str, Any] = results_payload(comparison, sweep.params, state={"target": 7})
    return payload


def pending_payload(sweep: Sweep, against: Against = "neighbors") -> dict[str, Any]:
    """The early answer to a permutation test of config 7: rows ``pending``, ``na``, target."""
    comparison = pending_comparison(sweep, 7, against=against, test="permutation")
    payload: dict[str, Any] = results_payload(comparison, sweep.params, state={"target": 7})
    return payload


def sort_columns(sweep: Sweep) -> list[str]:
    return [*RESULT_SORT, "n", "mean", "std", "status", *sweep.params, "config"]


def cases(sweep: Sweep) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for scope in ("compared", "all"):
        out.append({"scope": scope, "sort": None, "filter": None})
        for column in sort_columns(sweep):
            for direction in ("asc", "desc"):
                out.append({"scope": scope, "sort": [column, direction], "filter": None})
        for status in (*STATUSES, PENDING, OUT):
            out.append({"scope": scope, "sort": ["mean", "desc"], "filter": status})
    return out


def _json_number(x: float) -> float | str | None:
    """JSON has no NaN nor infinity: NaN as None, infinity as the string JavaScript reads."""
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, float) and math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _json_buffers(payload: dict[str, Any]) -> dict[str, Any]:
    """bytes -> lists of numbers (see _json_number), the rest as it is."""
    out: dict[str, Any] = {}
    for name, value in payload.items():
        if isinstance(value, bytes):
            dtype = RESULT_COLUMNS.get(name, {"codes": "i4", "scores": "u2"}.get(name, "f8"))
            if name in ("n", "n_missing", "pooled"):
                dtype = "i4"
            values = np.frombuffer(value, dtype=np.dtype(dtype).newbyteorder("<")).tolist()
            out[name] = [_json_number(x) for x in values]
        elif name == "params":
            out[name] = [_json_buffers(p) for p in value]
        else:
            out[name] = value
    return out


#: views the fixture scrolls through a window at a time: (scope, sort, filter)
WINDOWED: list[tuple[str, list[str] | None, str | None]] = [
    ("all", ["mean", "desc"], None),
    ("compared", ["pvalue", "asc"], None),
    ("all", ["opt", "asc"], "out"),
]


def _json_rows(rows: dict[str, Any]) -> dict[str, Any]:
    """A ``sweep_rows`` dict with its buffers as lists of numbers (see _json_number)."""
    types = {"mean": "f8", "std": "f8", "scores": "u2"}

    def numbers(value: bytes, dtype: str) -> list[Any]:
        values = np.frombuffer(value, dtype=np.dtype(dtype).newbyteorder("<")).tolist()
        return [_json_number(x) for x in values]

    out: dict[str, Any] = {
        k: numbers(v, types.get(k, "i4")) for k, v in rows.items() if k != "codes"
    }
    out["codes"] = [numbers(v, "i4") for v in rows["codes"]]
    return out


#: the views the fixture scrolls through for the pending payload
WINDOWED_PENDING: list[tuple[str, list[str] | None, str | None]] = [
    ("all", ["status", "asc"], None),
    ("all", ["mean", "desc"], PENDING),
    ("all", ["status", "desc"], OUT),
]


def _listed(sweep: Sweep, results: dict[str, Any]) -> list[dict[str, Any]]:
    """The kernel's row order of every case (:func:`cases`)."""
    listed = []
    for case in cases(sweep):
        sort = tuple(case["sort"]) if case["sort"] else None
        order = row_order(sweep, results, scope=case["scope"], sort=sort, filter=case["filter"])
        listed.append({**case, "order": order.tolist()})
    return listed


def _scrolls(
    sweep: Sweep, results: dict[str, Any], views: list[tuple[str, list[str] | None, str | None]]
) -> list[dict[str, Any]]:
    """The replies a scroll through ``views`` gets, 7 rows at a time."""
    lo, hi = score_range(sweep)
    windows = []
    for scope, by, status in views:
        request = {"limit": 7, "scope": scope, "sort": by, "filter": status}
        replies = []
        for offset in range(0, len(sweep), 7):
            body, buffers = window_reply(
                sweep,
                results,
                {**request, "offset": offset},
                rows=lambda ids: sweep_rows(sweep, ids, lo, hi),
            )
            raw = [np.frombuffer(b, dtype="u1").tolist() for b in buffers]
            replies.append({"msg": body, "buffers": raw})
        windows.append({**request, "replies": replies})
    return windows


def window_fixture() -> dict[str, Any]:
    sweep = make_sweep()
    results = payloads(sweep, "neighbors")
    raw_sweep = _json_buffers(sweep_payload(sweep))
    # the same sweep sent a window at a time: a slim `_sweep`, the results' rows' columns
    lo, hi = score_range(sweep)
    windowed = _json_buffers(sweep_payload(sweep, windowed=True))
    compared = np.frombuffer(results["rows"], dtype="<i4")
    results_rows = _json_rows(sweep_rows(sweep, compared, lo, hi))
    early = pending_payload(sweep)
    return {
        "sweep": raw_sweep,
        "windowed_sweep": windowed,
        "results_rows": results_rows,
        "results": _json_buffers(results),
        "counts": listing(sweep, results).counts,
        "cases": _listed(sweep, results),
        "windows": _scrolls(sweep, results, WINDOWED),
        # a permutation test's early answer: the same views of rows still being tested
        "pending": {
            "results": _json_buffers(early),
            "counts": listing(sweep, early).counts,
            "cases": _listed(sweep, early),
            "windows": _scrolls(sweep, early, WINDOWED_PENDING),
        },
    }


def _numbers(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if x is None else float(x) for x in values])


def _same_listings(saved: dict[str, Any], now: dict[str, Any]) -> None:
    """The saved payload, counts, orders and windows are the kernel's now."""
    assert saved["cases"] == now["cases"] and saved["counts"] == now["counts"]
    assert saved["results"].keys() == now["results"].keys()
    for name, value in now["results"].items():
        if isinstance(value, list) and name in RESULT_COLUMNS:
            np.testing.assert_allclose(_numbers(saved["results"][name]), _numbers(value), 1e-12)
        else:
            assert saved["results"][name] == value, name
    for old, new in zip(saved["windows"], now["windows"], strict=True):
        for a, b in zip(old["replies"], new["replies"], strict=True):
            assert a["msg"]["results"]["window"] == b["msg"]["results"]["window"]
            k = b["msg"]["results"]["order"]["buffer"]
            assert a["buffers"][k] == b["buffers"][k]  # the window's order
            assert a["msg"]["sweep_rows"] == b["msg"]["sweep_rows"]
            for ref in [*b["msg"]["sweep_rows"].values()]:
                for one in ref if isinstance(ref, list) else [ref]:
                    assert a["buffers"][one["buffer"]] == b["buffers"][one["buffer"]]


def test_the_frontend_fixture_is_the_kernels_row_order() -> None:
    # src/model/window.test.ts checks the frontend's rowOrder against these orders; the
    # orders must be the kernel's exactly, the numbers up to the engine's last digits
    saved = json.loads(FIXTURE.read_text(encoding="utf-8"))
    now = json.loads(json.dumps(window_fixture()))
    assert saved["sweep"] == now["sweep"]
    assert saved["windowed_sweep"] == now["windowed_sweep"]
    assert saved["results_rows"] == now["results_rows"]
    _same_listings(saved, now)
    _same_listings(saved["pending"], now["pending"])


def _frontend_key(sweep: Sweep, frame: pd.DataFrame, column: str, c: int) -> float:
    """The frontend's sortKey (src/panels/columns.ts) of config ``c`` in ``column``."""
    compared = c in frame.index
    if column in RESULT_SORT:
        return (
            float(frame[column].to_numpy(dtype=np.float64)[frame.index.get_loc(c)])
            if compared
            else math.nan
        )
    if column in ("n", "mean", "std"):
        return float(sweep.configs[column].to_numpy(dtype=np.float64)[c])
    if column == "status":
        # a rank in [*statuses, OUT]; `pending` has none: NaN
        rank = {s: float(i) for i, s in enumerate([*STATUSES, OUT])}
        return rank.get(str(frame.loc[c, "status"]) if compared else OUT, math.nan)
    if column in sweep.params:
        code = int(sweep.level_codes[c, sweep.params.index(column)])
        return float(code) if code >= 0 else math.nan
    return float(c)


def frontend_order(
    sweep: Sweep, comparison: Any, scope: str, sort: tuple[str, str] | None, status_filter: Any
) -> list[int]:
    """The frontend's rowOrder and sortIds, written out from src/model/rows.ts and sort.ts."""
    frame = comparison.to_frame()
    ids = sorted(frame.index.tolist()) if scope == "compared" else list(range(len(sweep)))
    if status_filter is not None:
        words = {c: str(frame.loc[c, "status"]) for c in frame.index}
        ids = [c for c in ids if words.get(c, OUT) == status_filter]
    if sort is None:
        return ids
    column, direction = sort
    keys = [_frontend_key(sweep, frame, column, c) for c in ids]
    sign = 1 if direction == "asc" else -1

    def compare(i: int, j: int) -> int:
        a, b = keys[i], keys[j]
        if math.isnan(a) or math.isnan(b):
            return (i - j) if math.isnan(a) == math.isnan(b) else (1 if math.isnan(a) else -1)
        if a != b:
            return -sign if a < b else sign
        return i - j

    order = sorted(range(len(ids)), key=functools.cmp_to_key(compare))
    return [ids[i] for i in order]


@pytest.mark.parametrize("early", [False, True], ids=["compared", "pending"])
@pytest.mark.parametrize("against", ["neighbors", "all"])
def test_row_order_is_the_frontends(against: Against, early: bool) -> None:
    sweep = make_sweep()
    if early:
        comparison = pending_comparison(sweep, 7, against=against, test="permutation")
    else:
        comparison = sweep.compare(7, against=against)
    results = results_payload(comparison, sweep.params, state={"target": 7})
    for case in cases(sweep):
        sort = tuple(case["sort"]) if case["sort"] else None
        got = row_order(sweep, results, scope=case["scope"], sort=sort, filter=case["filter"])
        want = frontend_order(sweep, comparison, case["scope"], sort, case["filter"])
        assert got.tolist() == want, case


def test_the_sorts_see_ties_and_missing_keys() -> None:
    # the fixture exercises what the comparator has rules for: NaN keys and ties
    sweep = make_sweep()
    results = payloads(sweep, "neighbors")
    assert np.isnan(sweep.configs["mean"].to_numpy(dtype=float)).any()
    assert (sweep.level_codes < 0).any()
    statuses = {c["filter"] for c in cases(sweep) if c["filter"]}
    words = np.frombuffer(results["status"], dtype="u1")
    assert len(set(words.tolist())) >= 3 and statuses >= {"target", OUT}


@pytest.mark.parametrize(
    ("scope", "sort", "status_filter"),
    [
        ("compared", None, None),
        ("all", ("mean", "desc"), None),
        ("all", ("pvalue", "asc"), None),
        ("all", ("opt", "desc"), OUT),
        ("compared", ("status", "asc"), "ns"),
    ],
)
def test_windows_together_are_the_full_grid(
    scope: str, sort: tuple[str, str] | None, status_filter: str | None
) -> None:
    sweep = make_sweep()
    comparison = sweep.compare(7, against="all" if scope == "compared" else "neighbors")
    full = results_payload(comparison, sweep.params, state={"target": 7})
    expected = row_order(sweep, full, scope=scope, sort=sort, filter=status_filter)
    rows = np.frombuffer(full["rows"], dtype="<i4")
    position = {int(c): i for i, c in enumerate(rows)}
    seen: list[int] = []
    for offset in range(0, len(sweep) + 7, 7):
        window = window_payload(
            sweep, full, offset=offset, limit=7, scope=scope, sort=sort, filter=status_filter
        )
        assert window["window"]["total"] == len(expected)
        assert window["state"] == full["state"] and window["target"] == full["target"]
        order = np.frombuffer(window["order"], dtype="<i4").tolist()
        seen += order
        sent = np.frombuffer(window["rows"], dtype="<i4").tolist()
        assert sent == [c for c in order if c in position]  # the compared ones, in order
        at = [position[c] for c in sent]
        for name, value in full.items():
            if isinstance(value, bytes):
                dtype = np.dtype(RESULT_COLUMNS[name]).newbyteorder("<")
                np.testing.assert_array_equal(
                    np.frombuffer(window[name], dtype=dtype), np.frombuffer(value, dtype=dtype)[at]
                )
    assert seen == expected.tolist()


def test_window_counts_are_the_legends() -> None:
    sweep = make_sweep()
    comparison = sweep.compare(7)
    full = results_payload(comparison, sweep.params, state={"target": 7})
    counts = window_payload(sweep, full, offset=0, limit=3)["window"]["counts"]
    want = comparison.to_frame()["status"].value_counts().to_dict()
    want[OUT] = len(sweep) - len(comparison.to_frame())
    assert counts == want


def test_pending_rows_are_their_own_status_not_out() -> None:
    # the frontend's statusOf reads them `pending`: counted, filtered and sorted as such
    sweep = make_sweep()
    early = pending_payload(sweep)
    rows = np.frombuffer(early["rows"], dtype="<i4")
    codes = np.frombuffer(early["status"], dtype="u1")
    assert early["pending"] is True
    pending = rows[codes == PENDING_CODE].tolist()
    na = rows[codes == STATUSES.index("na")].tolist()
    out = sorted(set(range(len(sweep))) - set(rows.tolist()))
    assert len(pending) >= 2 and len(na) >= 1 and len(out) >= 2
    assert listing(sweep, early).counts == {
        "target": 1,
        "na": len(na),
        PENDING: len(pending),
        OUT: len(out),
    }
    assert window_payload(sweep, early, offset=0, limit=1)["window"]["counts"][PENDING] == len(
        pending
    )
    for scope in ("compared", "all"):
        assert row_order(sweep, early, scope=scope, filter=PENDING).tolist() == pending
    assert row_order(sweep, early, scope="all", filter=OUT).tolist() == out
    assert row_order(sweep, early, scope="compared", filter=OUT).tolist() == []
    # by status: target, na, the rows not compared, then the pending ones (no rank) in either
    # direction, in config id order
    up = row_order(sweep, early, scope="all", sort=("status", "asc")).tolist()
    down = row_order(sweep, early, scope="all", sort=("status", "desc")).tolist()
    assert up == [7, *na, *out, *pending]
    assert down == [*out, *na, 7, *pending]


def test_a_pending_code_without_pending_reads_out() -> None:
    # statusOf reads PENDING_CODE `pending` only in a `pending` payload; else it is no status
    sweep = make_sweep()
    early = pending_payload(sweep)
    del early["pending"]
    rows = np.frombuffer(early["rows"], dtype="<i4")
    codes = np.frombuffer(early["status"], dtype="u1")
    assert PENDING not in listing(sweep, early).counts
    assert listing(sweep, early).counts[OUT] == len(sweep) - rows.size  # not compared only
    odd = rows[codes == PENDING_CODE].tolist()
    listed = row_order(sweep, early, scope="compared", filter=OUT).tolist()
    assert listed == odd and row_order(sweep, early, filter=PENDING).size == 0


def test_pending_is_a_filter_the_errors_name() -> None:
    sweep = make_sweep()
    with pytest.raises(ValueError, match="`filter`") as error:
        row_order(sweep, payloads(sweep, "neighbors"), filter="good")
    assert "'pending'" in str(error.value) and "'out'" in str(error.value)


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"offset": -1, "limit": 3}, "`offset`"),
        ({"offset": 0, "limit": 2.5}, "`limit`"),
        ({"offset": 0, "limit": 3, "scope": "some"}, "`scope`"),
        ({"offset": 0, "limit": 3, "filter": "good"}, "`filter`"),
        ({"offset": 0, "limit": 3, "sort": ("mean", "up")}, "`sort direction`"),
    ],
)
def test_window_arguments_are_checked(kwargs: dict[str, Any], named: str) -> None:
    sweep = make_sweep()
    with pytest.raises(ValueError, match=named):
        window_payload(sweep, payloads(sweep, "neighbors"), **kwargs)


if __name__ == "__main__":
    FIXTURE.write_text(json.dumps(window_fixture(), allow_nan=False) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")


def test_a_rows_request_is_answered_with_its_window(monkeypatch: pytest.MonkeyPatch) -> None:
    widget = SweepWidget(make_sweep(), target=7, against="all")
    sent: list[tuple[dict[str, Any], list[bytes]]] = []
    monkeypatch.setattr(
        widget, "send", lambda content, buffers=None: sent.append((content, buffers))
    )
    request = {"kind": "rows", "id": "r1", "offset": 4, "limit": 6, "sort": ["pvalue", "desc"]}
    widget._handle_custom_msg({**request, "filter": "ns"}, [])
    widget._handle_custom_msg({**request, "id": "r2", "limit": MAX_WINDOW + 1}, [])
    widget._handle_custom_msg({**request, "id": "r3", "sort": "pvalue"}, [])
    (reply, buffers), (too_many, _), (bad_sort, _) = sent
    want = window_payload(
        widget.sweep, widget._results, offset=4, limit=6, sort=("pvalue", "desc"), filter="ns"
    )
    assert reply["kind"] == "rows-response" and reply["id"] == "r1"
    body = reply["results"]
    assert body["window"] == want["window"] and body["state"] == want["state"]
    for name, value in want.items():
        if isinstance(value, bytes):
            assert buffers[body[name]["buffer"]] == value, name
    assert too_many["kind"] == "error" and f"at most {MAX_WINDOW}" in too_many["message"]
    assert bad_sort["kind"] == "error" and "`sort`" in bad_sort["message"]


def test_listings_sort_once_per_results_and_view() -> None:
    sweep = make_sweep()
    full = payloads(sweep, "all")
    listings = Listings(size=2)
    view: dict[str, Any] = {"scope": "all", "sort": ("mean", "desc"), "filter": None}
    first = listings.get(sweep, full, **view)
    assert listings.get(sweep, full, **view) is first  # a second window of the same view
    for offset in (0, 7, 28):
        cached = window_payload(sweep, full, offset=offset, limit=7, listings=listings, **view)
        assert cached == window_payload(sweep, full, offset=offset, limit=7, **view)
    listings.get(sweep, full, scope="compared")
    listings.get(sweep, full, scope="all")
    assert listings.get(sweep, full, **view) is not first  # the two newest views are kept
    again = payloads(sweep, "all")  # the same numbers in a new payload: sorted again
    assert listings.get(sweep, again, **view) is not listings.get(sweep, full, **view)
