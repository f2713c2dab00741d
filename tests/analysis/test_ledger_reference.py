"""The columnar Ledger against a plain reference: one tuple per test, one dict entry per pair.

``ReferenceLedger`` is the ledger's rule written the straightforward way (a Python loop over the
rows, a dict of decided pairs); random sequences of calls go into both and every reading must be
the same, exactly.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hst

from sweepwalk._vocab import decide_status
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.stats import LOND, LORDPlusPlus, finite_horizon_gamma

COLUMNS = ["order", "target", "row", "test", "pvalue", "pvalue_adj", "level", "decision"]


class ReferenceLedger:
    """The ledger's rule with a tuple per test and a dict ``(lo, hi, test) -> decision``."""

    def __init__(self, error_control: str, method: str, alpha: float, horizon: int | None):
        gamma = None if horizon is None else finite_horizon_gamma(horizon).tolist()
        self.error_control = error_control
        self.procedure = (
            LOND(alpha, gamma=gamma, dependence="positive")
            if method == "lond"
            else LORDPlusPlus(alpha, gamma=gamma)
        )
        self.rows: list[tuple[Any, ...]] = []
        self.decided: dict[tuple[int, int, str], bool] = {}

    def record_tests(self, target, rows, pvalues, effects, *, test, pvalue_adj, alpha):
        rows = [int(r) for r in rows]
        p = np.asarray(pvalues, dtype=float)
        p_adj = np.full_like(p, np.nan) if pvalue_adj is None else np.asarray(pvalue_adj, float)
        per_target = self.error_control == "per-target"
        significant = np.zeros(len(rows), dtype=bool)
        new, fresh, later = [], {}, []
        for k, row in enumerate(rows):
            if np.isnan(p[k]):
                continue
            key = (target, row, test) if target <= row else (row, target, test)
            if per_target:
                significant[k] = p_adj[k] <= alpha
                if key not in self.decided:
                    self.decided[key] = bool(significant[k])
                    new.append((k, key, alpha))
            else:
                if key not in self.decided:
                    fresh.setdefault(key, k)
                later.append((k, key))
        if fresh:
            first = list(fresh.values())
            levels, rejects = self.procedure.test_many(p[first].tolist())
            for k, key, level, reject in zip(first, fresh, levels, rejects, strict=True):
                self.decided[key] = bool(reject)
                new.append((k, key, float(level)))
        for k, key in later:
            significant[k] = self.decided[key]
        out = decide_status(significant, np.asarray(effects) - 0.5, np.isnan(p))
        for k, key, level in new:
            adj = float(p_adj[k]) if per_target else np.nan
            self.rows.append(
                (len(self.rows) + 1, target, rows[k], key[2], p[k], adj, level, out[k])
            )
        return out

    def first_tests(self, target, rows, test):
        first = {(r[1], r[2], r[3]): (r[4], r[6]) for r in reversed(self.rows)}
        pvalues, levels = np.full(len(rows), np.nan), np.full(len(rows), np.nan)
        for k, row in enumerate(rows):
            found = first.get((target, row, test), first.get((row, target, test)))
            if found is not None:
                pvalues[k], levels[k] = found
        return pvalues, levels

    def to_frame(self) -> pd.DataFrame:
        cols = list(zip(*self.rows, strict=True)) if self.rows else [()] * len(COLUMNS)
        dtypes = (np.int64, np.int64, np.int64, object, float, float, float, object)
        return pd.DataFrame(
            {n: np.array(c, dtype=d) for n, c, d in zip(COLUMNS, cols, dtypes, strict=True)}
        )

    @property
    def n_discoveries(self) -> int:
        return sum(self.decided.values())


#: small ids (many repeats and revisits) and the extremes a pair key must hold
IDS = hst.one_of(hst.integers(0, 9), hst.sampled_from([-(2**31), -1, 2**31 - 2, 2**31 - 1]))
PVALUE = hst.one_of(
    hst.just(float("nan")), hst.floats(0, 1), hst.floats(0, 0.01), hst.sampled_from([0.0, 1.0])
)


@hst.composite
def calls(draw: Any) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(hst.integers(1, 8))):
        n = draw(hst.integers(0, 12))
        out.append(
            {
                "target": draw(IDS),
                "rows": draw(hst.lists(IDS, min_size=n, max_size=n)),
                "pvalues": draw(hst.lists(PVALUE, min_size=n, max_size=n)),
                "pvalue_adj": draw(hst.lists(PVALUE, min_size=n, max_size=n)),
                "effects": draw(
                    hst.lists(hst.sampled_from([0.1, 0.5, 0.9]), min_size=n, max_size=n)
                ),
                "test": draw(hst.sampled_from(["ks", "mannwhitney", "welch"])),
                "alpha": draw(hst.sampled_from([0.05, 0.2])),
            }
        )
    return out


def assert_same(new: Ledger, ref: ReferenceLedger, queries: list[tuple[int, str]]) -> None:
    pd.testing.assert_frame_equal(new.to_frame(), ref.to_frame())
    assert len(new) == len(ref.rows)
    assert new.n_discoveries == ref.n_discoveries
    rows = [-(2**31), -1, *range(10), 2**31 - 2, 2**31 - 1]
    for target, test in queries:
        got, want = new.first_tests(target, rows, test), ref.first_tests(target, rows, test)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
        np.testing.assert_array_equal(new.levels(target, rows, test), want[1])


@settings(max_examples=300, deadline=None)
@given(
    error_control=hst.sampled_from(["per-target", "walk"]),
    method=hst.sampled_from(["lond", "lord++"]),
    horizon=hst.one_of(hst.none(), hst.integers(1, 40)),
    script=calls(),
    copy_at=hst.integers(0, 8),
)
def test_the_columnar_ledger_reads_as_the_reference(
    error_control: str, method: str, horizon: int | None, script: list[dict], copy_at: int
) -> None:
    new = Ledger(error_control, method=method, alpha=0.1, horizon=horizon)  # type: ignore[arg-type]
    ref = ReferenceLedger(error_control, method, 0.1, horizon)
    queries = [(0, "ks"), (3, "welch"), (2**31 - 1, "mannwhitney"), (0, "unknown")]
    before: tuple[Ledger, ReferenceLedger] | None = None
    for step, call in enumerate(script):
        if step == copy_at:  # from here on record into copies; the originals must not move
            before = (new, copy.deepcopy(ref))
            new, ref = new.copy(), copy.deepcopy(ref)
        kwargs = {k: call[k] for k in ("test", "pvalue_adj", "alpha")}
        args = (call["target"], call["rows"], call["pvalues"], call["effects"])
        got = new.record_tests(*args, **kwargs)
        want = ref.record_tests(*args, **kwargs)
        assert got.dtype == object
        assert got.tolist() == want.tolist()
        queries.append((call["target"], call["test"]))
        assert_same(new, ref, queries)
    if before is not None:
        assert_same(*before, queries)


def test_config_ids_past_32_bits_are_refused_with_the_range_named() -> None:
    ledger = Ledger("walk")
    with pytest.raises(ValueError, match=r"`target` and `rows` must be config ids in"):
        ledger.record_tests(0, [2**31], [0.01], [0.9], test="ks")
    with pytest.raises(ValueError, match=r"must be config ids in \[-2147483648, 2147483647\]"):
        ledger.record_tests(-(2**31) - 1, [1], [0.01], [0.9], test="ks")
    assert len(ledger) == 0 and ledger.procedure.n_tests == 0  # nothing recorded or decided
    # a row with no test (NaN p-value) is never keyed, so its id is not checked
    assert ledger.record_tests(0, [2**40], [np.nan], [0.9], test="ks").tolist() == ["na"]
    assert ledger.record_tests(2**70, [1], [np.nan], [0.9], test="ks").tolist() == ["na"]
    assert len(ledger) == 0
