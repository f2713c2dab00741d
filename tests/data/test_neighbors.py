"""The neighbour rule against a brute-force reading of the written rule."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk.data.neighbors import NeighborIndex, combine_rows
from sweepwalk.sweep import Sweep


# ---------------------------------------------------------------- brute-force reference
def _absent(x):
    return x is None or (isinstance(x, float) and np.isnan(x))


def _numeric(values):
    present = [x for x in values if not _absent(x)]
    return all(isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)) for x in present)


def along(a, b, params):
    """The parameter along which rows a and b neighbour, or None (the rule as written)."""
    d = [p for p in params if not _absent(a[p]) and not _absent(b[p]) and a[p] != b[p]]
    h = [p for p in params if _absent(a[p]) != _absent(b[p])]
    if len(d) == 1:
        return d[0]
    if not d and len(h) == 1:
        return h[0]
    return None


def reference_neighbors(table: pd.DataFrame, mode: str) -> list[set[int]]:
    params = list(table.columns)
    rows = [dict(zip(params, r, strict=False)) for r in table.itertuples(index=False)]
    numeric = {p: _numeric(table[p].tolist()) for p in params}
    out = []
    for i, a in enumerate(rows):
        axis = {}
        for j, b in enumerate(rows):
            if i != j:
                p = along(a, b, params)
                if p is not None:
                    axis[j] = p
        if mode == "axis":
            out.append(set(axis))
            continue
        keep = set()
        for p in params:
            js = [j for j, q in axis.items() if q == p]
            if not numeric[p] or _absent(a[p]):
                keep.update(js)
                continue
            keep.update(j for j in js if _absent(rows[j][p]))
            vals = [rows[j][p] for j in js if not _absent(rows[j][p])]
            lower = [x for x in vals if x < a[p]]
            higher = [x for x in vals if x > a[p]]
            for chosen in ([max(lower)] if lower else []) + ([min(higher)] if higher else []):
                keep.update(j for j in js if rows[j][p] == chosen)
        out.append(keep)
    return out


# ---------------------------------------------------------------- random conditional sweeps
POOLS = {
    "num": [2, 3, 5, 0.5, 2.5, -1.0],
    "str": ["a", "b", "c"],
    "bool": [True, False],
    "mixed": [2, "a", 0.5, "b"],
}


@st.composite
def sweeps(draw):
    n_params = draw(st.integers(1, 4))
    columns = {}
    kinds = [draw(st.sampled_from(sorted(POOLS))) for _ in range(n_params)]
    n_rows = draw(st.integers(1, 14))
    for k, kind in enumerate(kinds):
        pool = [*POOLS[kind], None]
        columns[f"p{k}"] = [draw(st.sampled_from(pool)) for _ in range(n_rows)]
    df = pd.DataFrame(columns)
    df["score"] = np.arange(n_rows, dtype=float)
    return df


@settings(max_examples=80, deadline=None)
@given(sweeps(), st.sampled_from(["axis", "adjacent"]))
def test_rule_matches_brute_force(df, mode):
    params = [c for c in df.columns if c != "score"]
    sweep = Sweep.from_runs(df, metric="score", params=params, min_runs=1)
    table = sweep.configs[params]
    expected = reference_neighbors(table, mode)
    for i in range(len(table)):
        assert sweep.neighbors(i, mode) == sorted(expected[i]), (i, mode)
        js = list(range(len(table)))
        rows = table.to_dict("records")
        assert sweep._neighbors.varied(i, js) == [along(rows[i], rows[j], params) for j in js]
        # a few rows: their own columns read (most rows: whole columns, then one take)
        for j in js:
            assert sweep._neighbors.varied(i, [j]) == [along(rows[i], rows[j], params)]
    # pairs: every unordered pair once (adjacent: if either side keeps the other).
    pairs = sweep._neighbors.pairs(mode)
    assert set(pairs) == set(params)
    got = set()
    for p, (a, b) in pairs.items():
        assert np.all(a < b)
        for x, y in zip(a.tolist(), b.tolist(), strict=False):
            assert along(rows[x], rows[y], params) == p
            got.add((x, y))
        assert len(a) == len(set(zip(a.tolist(), b.tolist(), strict=False)))
    want = {(min(i, j), max(i, j)) for i, js in enumerate(expected) for j in js}
    assert got == want


@settings(max_examples=60, deadline=None)
@given(sweeps(), st.sampled_from(["axis", "adjacent"]), st.integers(1, 7))
def test_pair_chunks_are_the_pairs_in_bounded_pieces(df, mode, max_pairs):
    params = [c for c in df.columns if c != "score"]
    sweep = Sweep.from_runs(df, metric="score", params=params, min_runs=1)
    whole = sweep.neighbor_pairs(mode)
    pieces: dict[object, list[tuple[int, int]]] = {p: [] for p in params}
    seen_order = []
    for p, a, b in sweep.neighbor_pair_chunks(mode, max_pairs):
        assert np.all(a < b) and len(a) > 0
        # a piece is whole sources: at most max_pairs plus one source's pairs
        assert len(a) <= max_pairs + len(sweep)
        pieces[p].extend(zip(a.tolist(), b.tolist(), strict=True))
        seen_order.append(params.index(p))
    assert seen_order == sorted(seen_order)  # parameter by parameter
    for p in params:
        a, b = whole[p]
        assert sorted(pieces[p]) == list(zip(a.tolist(), b.tolist(), strict=True))


@settings(max_examples=60, deadline=None)
@given(sweeps())
def test_configs_are_unique_value_combinations(df):
    params = [c for c in df.columns if c != "score"]
    sweep = Sweep.from_runs(df, metric="score", params=params, min_runs=1)
    norm = {
        tuple("<absent>" if _absent(x) else (type(x) is bool, x) for x in r)
        for r in df[params].itertuples(index=False)
    }
    assert len(sweep.configs) == len(norm)
    assert sweep.configs["n"].sum() == len(df)


# ---------------------------------------------------------------- hand examples
def test_solver_example_adam_neighbours_both_momentum_levels(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    adam = sweep.find(solver="adam", lr=0.1)
    got = sweep.configs.loc[sweep.neighbors(adam), ["solver", "momentum", "lr"]]
    as_set = {(s, None if pd.isna(m) else m, lr) for s, m, lr in got.itertuples(index=False)}
    assert as_set == {
        ("sgd", 0.5, 0.1),
        ("sgd", 0.9, 0.1),
        ("adam", None, 0.01),
        ("adam", None, 1.0),
    }
    assert sweep._neighbors.varied(adam, sweep.neighbors(adam)).count("solver") == 2


def test_solver_example_sgd_row(solver_df):
    sweep = Sweep.from_runs(solver_df, metric="acc", seed="seed")
    i = sweep.find(solver="sgd", momentum=0.5, lr=0.01)
    expected = {
        sweep.find(solver="sgd", momentum=0.9, lr=0.01),  # along momentum
        sweep.find(solver="adam", lr=0.01),  # along solver (momentum absent there)
        sweep.find(solver="sgd", momentum=0.5, lr=0.1),  # adjacent lr only
    }
    assert set(sweep.neighbors(i)) == expected
    axis = set(sweep.neighbors(i, mode="axis"))
    assert axis == expected | {sweep.find(solver="sgd", momentum=0.5, lr=1.0)}


def test_absent_present_change_is_a_neighbour_when_nothing_else_differs():
    df = pd.DataFrame(
        {"solver": ["sgd", "sgd", "sgd"], "momentum": [None, 0.9, 0.5], "acc": [1.0, 2.0, 3.0]}
    )
    sweep = Sweep.from_runs(df, metric="acc", min_runs=1)
    absent = sweep.find(momentum=None)
    # from the absent row every present level is kept (absent/present change keeps all)
    assert sweep.neighbors(absent) == sorted(set(range(3)) - {absent})
    assert sweep._neighbors.varied(absent, [0, 1, 2]).count("momentum") == 2


def test_bools_are_not_numeric_and_keep_all():
    df = pd.DataFrame({"flag": [True, False], "k": [1, 1], "acc": [1.0, 2.0]})
    sweep = Sweep.from_runs(df, metric="acc", min_runs=1)
    assert sweep.neighbors(0) == [1]
    assert list(sweep._neighbors.numeric) == [False, True]


def test_combine_rows_is_injective_and_ordered():
    rng = np.random.default_rng(1)
    codes = rng.integers(-1, 3, size=(200, 3))
    key = combine_rows(codes)
    tuples = [tuple(r) for r in codes.tolist()]
    ranks = {t: k for k, t in enumerate(sorted(set(tuples)))}
    assert key.tolist() == [ranks[t] for t in tuples]


def test_index_validates_mode_and_id():
    index = NeighborIndex(np.array([[0], [1]]), [True], ["x"])
    with pytest.raises(ValueError, match="`mode` must be one of"):
        index.neighbors(0, "near")
    with pytest.raises(KeyError, match="config id 5 does not exist"):
        index.neighbors(5)


def test_integer_levels_beyond_2_53_sort_by_their_exact_value():
    """2**62 + 1 and 2**62 + 2 are one float64: their order must not be the order met in."""
    big = 2**62 + 1
    rows = [(big + 1, s, 0.5 + s / 10) for s in range(3)] + [
        (big, s, 0.4 + s / 10) for s in range(3)
    ]
    runs = pd.DataFrame(rows, columns=["bucket", "seed", "acc"])
    for frame in (runs, runs.astype({"bucket": object})):
        sweep = Sweep.from_runs(frame, metric="acc", seed="seed")
        assert sweep.configs["bucket"].tolist() == [big, big + 1]
        assert sweep.configs["mean"].tolist() == pytest.approx([0.5, 0.6])
