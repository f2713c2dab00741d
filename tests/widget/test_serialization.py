"""Tests of the widget payloads: decode the little-endian buffers and compare with the engine."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sweepwalk import _vocab
from sweepwalk.analysis.settings import USER_SETTINGS
from sweepwalk.sweep import Sweep
from sweepwalk.widget.serialization import (
    RESULT_COLUMNS,
    SCORE_LEVELS,
    STATUSES,
    importance_reply,
    param_codes,
    quantize_scores,
    results_payload,
    sweep_payload,
)


def decode(buf: bytes, dtype: str) -> np.ndarray:
    return np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<"))


# --------------------------------------------------------------------------- params
def _one_param_sweep(values: list, dtype: object = object) -> Sweep:
    runs = pd.DataFrame({"p": pd.Series(values, dtype=dtype), "acc": np.arange(len(values))})
    return Sweep.from_runs(runs, metric="acc", params=["p"], min_runs=1)


def test_param_codes_numeric_with_absent() -> None:
    sweep = _one_param_sweep([0.1, np.nan, 0.001, 0.1, 1.0, None])
    numeric, labels, codes = param_codes(sweep, 0)
    assert numeric
    assert labels == ["0.001", "0.1", "1"]
    assert codes.dtype == np.int32
    assert codes.tolist() == [0, 1, 2, -1]  # one per configuration, in config order


def test_param_codes_bools_and_strings_are_not_numeric() -> None:
    numeric, labels, codes = param_codes(_one_param_sweep([True, False, True]), 0)
    assert not numeric
    assert [labels[c] for c in codes] == ["False", "True"]
    sweep = _one_param_sweep(["sgd", "adam", "<b>x</b>", "adam"])
    numeric, labels, codes = param_codes(sweep, 0)
    assert not numeric
    assert labels == sorted(labels)
    assert [labels[c] for c in codes] == sweep.configs["p"].tolist()


def test_param_codes_follow_an_ordered_categorical_as_config_ids_do() -> None:
    # the grid sorts a column by its codes: that order must be config order
    order = ["small", "medium", "large"]
    sweep = _one_param_sweep(["large", "small", "medium"], pd.CategoricalDtype(order, ordered=True))
    _, labels, codes = param_codes(sweep, 0)
    assert labels == order and codes.tolist() == [0, 1, 2]
    assert sweep.configs["p"].tolist() == order


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.sampled_from([-2, 0, 3]), st.sampled_from([0.25, 1e-5, 64.0])),
        min_size=1,
        max_size=30,
    )
)
def test_param_codes_decode_and_order(values: list) -> None:
    sweep = _one_param_sweep(values)
    numeric, labels, codes = param_codes(sweep, 0)
    present = [v for v in values if v is not None]
    assert len(labels) == len({float(v) for v in present})
    for v, c in zip(sweep.configs["p"], codes, strict=True):
        if pd.isna(v):
            assert c == -1
        else:
            assert float(labels[c]) == float(v)
    if present:
        assert numeric
        assert [float(x) for x in labels] == sorted(float(x) for x in labels)
    assert np.all(np.diff(np.where(codes < 0, len(labels), codes)) >= 0)  # config order


# --------------------------------------------------------------------------- scores
@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=12),
        elements=st.one_of(st.just(np.nan), st.floats(-1e6, 1e6)),
    )
)
def test_quantize_scores_round_trip(values: np.ndarray) -> None:
    codes, lo, hi = quantize_scores(values)
    assert codes.dtype == np.uint16 and codes.shape == values.shape
    finite = np.isfinite(values)
    assert ((codes == 0) == ~finite).all()
    if finite.any():
        assert lo == values[finite].min() and hi == values[finite].max()
        decoded = lo + (codes[finite].astype(np.float64) - 1) / (SCORE_LEVELS - 1) * (hi - lo)
        assert np.all(np.abs(decoded - values[finite]) <= (hi - lo) / 131068 * (1 + 1e-9) + 1e-9)
        assert codes[finite].min() == 1
        assert codes[finite].max() == (SCORE_LEVELS if hi > lo else 1)


# --------------------------------------------------------------------------- sweep payload
@pytest.fixture
def sweep() -> Sweep:
    rng = np.random.default_rng(1)
    rows = []
    for solver in ["sgd", "adam"]:
        for lr in [0.001, 0.01, 0.1]:
            for momentum in [0.0, 0.9] if solver == "sgd" else [np.nan]:
                n_seeds = 3 + int(rng.integers(0, 4))
                for seed in range(n_seeds):
                    score = rng.normal(lr * 5, 0.1) if seed != 1 or lr != 0.1 else np.inf
                    rows.append((solver, lr, momentum, seed, score))
    frame = pd.DataFrame(rows, columns=["solver", "lr", "momentum", "seed", "acc"])
    return Sweep.from_runs(frame, metric="acc", seed="seed", params=["solver", "lr", "momentum"])


def test_sweep_payload_decodes_to_the_engine(sweep: Sweep) -> None:
    payload = sweep_payload(sweep, ["ks", "welch"], ["none", "holm"])
    configs = sweep.configs
    n_configs = len(configs)
    assert payload["n_configs"] == n_configs
    assert payload["metric"] == "acc" and payload["goal"] == "max"
    assert payload["min_runs"] == sweep.min_runs
    assert payload["tests"] == ["ks", "welch"] and payload["corrections"] == ["none", "holm"]
    assert [p["name"] for p in payload["params"]] == list(sweep.params)
    for p in payload["params"]:
        codes = decode(p["codes"], "i4")
        assert len(codes) == n_configs
        for value, code in zip(configs[p["name"]], codes, strict=True):
            if pd.isna(value):
                assert code == -1
            else:
                label = p["labels"][code]
                assert label == str(value) or float(label) == float(value)
    assert payload["params"][0]["numeric"] is False
    assert payload["params"][1]["numeric"] is True
    np.testing.assert_array_equal(decode(payload["n"], "i4"), configs["n"])
    np.testing.assert_array_equal(decode(payload["n_missing"], "i4"), configs["n_missing"])
    np.testing.assert_array_equal(decode(payload["mean"], "f8"), configs["mean"])
    np.testing.assert_array_equal(decode(payload["std"], "f8"), configs["std"])
    # ragged: each configuration's n scores, configuration by configuration, no padding
    n = decode(payload["n"], "i4")
    scores = decode(payload["scores"], "u2")
    assert len(scores) == n.sum()
    assert payload["scores_k"] == n.max()
    starts = np.cumsum(n) - n
    lo, hi = payload["score_min"], payload["score_max"]
    tolerance = (hi - lo) / 131068 * (1 + 1e-9)
    for i in range(n_configs):
        exact = sweep.scores(i)
        row = scores[starts[i] : starts[i] + n[i]]
        assert len(row) == len(exact) and (row > 0).all()
        approx = lo + (row - 1.0) / (SCORE_LEVELS - 1) * (hi - lo)
        np.testing.assert_allclose(approx, exact, rtol=0, atol=tolerance)
    assert any(configs["n_missing"] > 0)  # the inf run is missing, not a score
    json.dumps({k: v for k, v in payload.items() if not isinstance(v, bytes | list)})


def test_statuses_match_the_protocol() -> None:
    assert STATUSES == ("target", "better", "worse", "differs", "ns", "na")


def test_sweep_payload_carries_the_vocabulary(sweep: Sweep) -> None:
    vocabulary = sweep_payload(sweep)["vocabulary"]
    assert vocabulary == _vocab.vocabulary_payload()
    assert [c for c, _ in vocabulary["correction"]] == list(_vocab.CORRECTIONS)
    assert dict(vocabulary["correction"])["simes-hochberg"] == "Simes-Hochberg"
    assert [s for s, _ in vocabulary["status"]] == list(STATUSES)
    json.dumps(vocabulary, allow_nan=False)


def test_results_payload_state_is_plain_json(sweep: Sweep) -> None:
    comparison = sweep.compare(0)
    state = {"target": np.int64(0), "alpha": np.float32(0.25), "test": "ks", "history": (0, 3)}
    payload = results_payload(comparison, sweep.params, state=state)
    assert payload["state"] == {"target": 0, "alpha": 0.25, "test": "ks", "history": [0, 3]}
    assert json.loads(json.dumps(payload["state"])) == payload["state"]


def test_the_frontend_test_fixture_is_pythons_vocabulary() -> None:
    # src/testutil.ts feeds this file to the vitest suites as `_sweep.vocabulary`
    fixture = Path(__file__).parents[2] / "src" / "vocabulary.fixture.json"
    assert json.loads(fixture.read_text(encoding="utf-8")) == _vocab.vocabulary_payload()


def test_sweep_payload_carries_the_settings_and_the_results_schema(sweep: Sweep) -> None:
    payload = sweep_payload(sweep)
    assert payload["settings"] == list(USER_SETTINGS)
    assert payload["results_columns"] == RESULT_COLUMNS
    # src/testutil.ts feeds this file to the vitest suites as the sweep payload's fields
    fixture = Path(__file__).parents[2] / "src" / "payload.fixture.json"
    sent = {"settings": payload["settings"], "results_columns": payload["results_columns"]}
    assert json.loads(fixture.read_text(encoding="utf-8")) == sent


def test_results_payload_buffers_follow_the_results_schema(sweep: Sweep) -> None:
    comparison = sweep.compare(0)
    n = len(comparison.ids)
    # a walk-wide rule's decisions carry the p-value each level was compared with
    decided = comparison.with_decisions(comparison.status, np.full(n, np.nan), [0.5] * n)
    payload = results_payload(decided, sweep.params, state={"target": 0})
    rows = len(decode(payload["rows"], "i4"))
    buffers = {name: value for name, value in payload.items() if isinstance(value, bytes)}
    assert set(buffers) <= set(RESULT_COLUMNS)
    for column in ("status", "varied", "estimate", "reachable", "level_pvalue"):
        assert column in buffers
    for name, value in buffers.items():
        assert len(value) == rows * np.dtype(RESULT_COLUMNS[name]).itemsize, name


def test_sweep_payload_names_the_significant_statuses(sweep: Sweep) -> None:
    assert sweep_payload(sweep)["significant"] == list(_vocab.SIGNIFICANT_STATUSES)


def test_results_payload_carries_the_verdict_evidence(sweep: Sweep) -> None:
    comparison = sweep.compare(0)
    payload = results_payload(comparison, sweep.params, state={"target": 0})
    rows = np.frombuffer(payload["rows"], dtype="<i4")
    frame = comparison.to_frame().loc[rows]
    for column in ("estimate", "estimate_low", "estimate_high", "min_pvalue"):
        sent = np.frombuffer(payload[column], dtype="<f8")
        np.testing.assert_array_equal(sent, frame[column].to_numpy(dtype=np.float64))
    reachable = np.frombuffer(payload["reachable"], dtype="u1").astype(bool)
    compared = rows != comparison.target
    np.testing.assert_array_equal(reachable[compared], frame["reachable"][compared].astype(bool))
    assert payload["notes"] == list(comparison.notes)
    assert payload["estimand"] == comparison.estimand


def test_importance_reply_carries_the_three_way_split(sweep: Sweep) -> None:
    frame = sweep.importance().to_frame()
    reply = importance_reply(frame, 0.0)
    for column in ("matters", "negligible", "inconclusive"):
        assert reply[column] == [int(x) for x in frame[column]]
    assert reply["share_negligible"] == pytest.approx(list(frame["share_negligible"]), nan_ok=True)
    assert reply["settings"]["margin"] == pytest.approx(frame.attrs["margin"])
    assert reply["settings"]["margin_source"] == frame.attrs["margin_source"]
    json.dumps(reply, allow_nan=False)


@pytest.mark.parametrize("against", ["neighbors", "all"])
def test_results_payload_from_codes_equals_the_payload_from_values(
    sweep: Sweep, against: str
) -> None:
    # compare() gives varied and status as codes; the payload reads them without look-ups
    import dataclasses

    from sweepwalk.analysis.comparison import held_codes

    coded = sweep.compare(3, against=against)
    assert held_codes(coded, "status") is not None and held_codes(coded, "varied") is not None
    plain = dataclasses.replace(coded, varied=list(coded.varied), status=np.array(coded.status))
    assert held_codes(plain, "status") is None and held_codes(plain, "varied") is None
    got, want = (results_payload(c, sweep.params, state={}) for c in (coded, plain))
    assert got.keys() == want.keys()
    for name in want:
        assert got[name] == want[name], name
    assert set(decode(got["varied"], RESULT_COLUMNS["varied"])) - {-1}  # a parameter named
    with pytest.raises(ValueError, match="'varied' or 'status'"):
        held_codes(coded, "pvalue")
