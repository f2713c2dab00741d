"""One validator, so a shared argument means the same everywhere.

Every public entry point is called with the same good and bad values of each shared argument: the
good ones work everywhere, the bad ones fail everywhere with the same exception and the same message
(naming the argument, listing what is allowed). Also: alpha anywhere in (0, 1), random_state as
``numpy.random.default_rng`` takes it, the other optional arguments, and work too large for memory.
"""

from __future__ import annotations

import fractions

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sweepwalk import Sweep, SweepWidget
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.cli.app import main
from sweepwalk.validation import arguments as v
from sweepwalk.validation import limits as _limits


def small_sweep() -> Sweep:
    rng = np.random.default_rng(0)
    rows = [
        {"lr": lr, "bs": bs, "seed": s, "acc": float(rng.normal(10 * lr, 0.05))}
        for lr in (0.1, 0.2, 0.4)
        for bs in (16, 32)
        for s in range(5)
    ]
    return Sweep.from_runs(pd.DataFrame(rows), metric="acc", seed="seed")


SWEEP = small_sweep()

#: every public entry point taking the shared arguments (the facade's and the module functions
#: are one code path: the facade forwards)
ENTRY_POINTS = {
    "compare": lambda **kw: SWEEP.compare(1, **kw),
    "importance": lambda **kw: SWEEP.importance(**kw).to_frame(),
    "walk": lambda **kw: SWEEP.walk(0, **kw),
    "plan": lambda **kw: SWEEP.plan(1, **kw),
}
SHARED = {
    "test": (["ks", "mannwhitney", "welch", "wilcoxon"], ["t", "KS ", "", None, 1]),
    "correction": (
        ["none", "None", "NONE", "holm", "H", "Holm", "fdr_i", " fdr_bh "],
        ["bh", "", None, 1, "holm,fdr_bh"],
    ),
    "alpha": (
        [0.05, np.float32(0.05), np.float64(0.3), 1e-9, fractions.Fraction(1, 20), 1 / 3],
        [0, 1, -0.1, 1.5, float("nan"), float("inf"), True, np.bool_(True), "0.05", None],
    ),
    "neighbors": (["adjacent", "axis"], ["near", "ADJACENT", None]),
    "random_state": (
        [
            None,
            0,
            np.int64(3),
            [1, 2],
            np.array([5, 6]),
            np.random.SeedSequence(1),
            np.random.PCG64(1),
            np.random.default_rng(1),
        ],
        [-1, 1.5, np.float64(2.0), "x", True, [True], [-1], object()],
    ),
}
CASES = [(arg, value) for arg, (good, _) in SHARED.items() for value in good]
BAD_CASES = [(arg, value) for arg, (_, bad) in SHARED.items() for value in bad]


def _fails(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except (TypeError, ValueError, KeyError) as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize(("argument", "value"), CASES, ids=repr)
@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
def test_good_values_work_everywhere(entry, argument, value):
    ENTRY_POINTS[entry](**{argument: value})
    if argument == "random_state" and entry != "plan":  # where it seeds a permutation test
        extra = {"n_resamples": 99} if entry != "importance" else {}
        ENTRY_POINTS[entry](test="permutation", random_state=value, **extra)


@pytest.mark.parametrize(("argument", "value"), BAD_CASES, ids=repr)
def test_bad_values_fail_alike_everywhere(argument, value):
    seen = {name: _fails(call, **{argument: value}) for name, call in ENTRY_POINTS.items()}
    assert None not in seen.values(), seen
    assert len(set(seen.values())) == 1, seen  # same type, same words
    _, message = next(iter(seen.values()))
    assert message.startswith(f"`{argument}` must be"), message
    if argument in ("test", "correction", "neighbors"):
        assert "one of {" in message  # lists the allowed values


@pytest.mark.parametrize(("argument", "value"), BAD_CASES, ids=repr)
def test_the_checkers_themselves_say_the_same(argument, value):
    checker = {
        "test": v.check_test,
        "correction": v.check_correction,
        "alpha": v.check_alpha,
        "neighbors": v.check_neighbors,
        "random_state": v.check_random_state,
    }[argument]
    direct = _fails(lambda **kw: checker(kw[argument]), **{argument: value})
    assert direct == _fails(ENTRY_POINTS["compare"], **{argument: value})


def test_ledger_shares_alpha_and_error_control():
    for value in SHARED["alpha"][0]:
        assert Ledger("walk", alpha=value).alpha == float(value)
    for value in SHARED["alpha"][1]:
        assert _fails(lambda **kw: Ledger("walk", **kw), alpha=value) == _fails(
            ENTRY_POINTS["compare"], alpha=value
        )
    assert _fails(Ledger, error_control="global") == _fails(v.check_error_control, "global")


def test_the_issue_cases_now_work_as_compare_does():
    SWEEP.importance(correction="None").to_frame()
    SWEEP.importance(alpha=np.float32(0.05)).to_frame()
    assert SWEEP.compare(1, correction="H").correction == "holm"


@settings(max_examples=25, deadline=None)
@given(alpha=st.floats(0.0, 1.0, exclude_min=True, exclude_max=True))
def test_alpha_anywhere_in_0_1_works_everywhere(alpha):
    for call in ENTRY_POINTS.values():
        call(alpha=alpha)
    Ledger("walk", alpha=alpha)


# ------------------------------------------------------------------ the other optional arguments


@pytest.mark.parametrize(
    ("call", "kwargs", "message"),
    [
        (SWEEP.compare, {"n_resamples": 0}, "`n_resamples` must be an integer >= 1"),
        (SWEEP.compare, {"n_resamples": 9.5}, "`n_resamples` must be an integer >= 1"),
        (SWEEP.compare, {"ci": 1.0}, "`ci` must be a number strictly between 0 and 1"),
        (SWEEP.compare, {"ci": "95%"}, "`ci` must be a number strictly between 0 and 1"),
        (
            SWEEP.compare,
            {"effect_of_interest": -1},
            "`effect_of_interest` must be None or a positive finite number",
        ),
        (SWEEP.compare, {"against": "others"}, "`against` must be one of {'neighbors', 'all'}"),
        (SWEEP.plan, {"against": "others"}, "`against` must be one of {'neighbors', 'all'}"),
        (SWEEP.plan, {"max_seeds": 0}, "`max_seeds` must be None or an integer >= 1"),
        (SWEEP.plan, {"max_seeds": True}, "`max_seeds` must be None or an integer >= 1"),
        (SWEEP.walk, {"max_steps": -1}, "`max_steps` must be None or an integer >= 0"),
        (SWEEP.walk, {"max_steps": 2.0}, "`max_steps` must be None or an integer >= 0"),
        (SWEEP.walk, {"ledger": "walk"}, "`ledger` must be None or a sweepwalk Ledger"),
        (SWEEP.importance, {"margin": 0}, "`margin` must be None or a positive finite number"),
        (SWEEP.importance, {"margin": np.nan}, "`margin` must be None or a positive finite"),
        (SWEEP.importance, {"margin": "0.1"}, "`margin` must be None or a positive finite"),
        (SWEEP.importance, {"progress": 1}, "`progress` must be None or a callable"),
        (SWEEP.importance, {"target": 99}, "`target` must be in 0..5"),
        (Ledger, {"method": "bh"}, "`method` must be one of {'lond', 'lord++'}"),
    ],
    ids=repr,
)
def test_optional_arguments_are_checked(call, kwargs, message):
    first = {Ledger: (), SWEEP.importance: ()}.get(call, (0,))
    with pytest.raises((TypeError, ValueError, KeyError)) as info:
        call(*first, **kwargs)
    assert message in str(info.value)


def test_numpy_scalars_are_taken_by_every_integer_argument():
    SWEEP.compare(1, test="permutation", n_resamples=np.int32(50))
    SWEEP.plan(1, max_seeds=np.int16(50))
    assert len(SWEEP.walk(0, max_steps=np.uint8(0))) == 0
    SWEEP.importance(margin=np.float32(0.1)).to_frame()


@pytest.mark.parametrize("max_rows", ["5", 2.5, None, True])
def test_to_html_max_rows_is_checked(max_rows):
    with pytest.raises(ValueError, match="`max_rows` must be an integer >= 1"):
        SweepWidget(SWEEP).to_html(max_rows=max_rows)


# ------------------------------------------------------------------ work too large for memory


@settings(max_examples=30, deadline=None)
@given(
    levels=st.lists(st.integers(1, 6), min_size=1, max_size=3),
    keep=st.floats(0.3, 1.0),
    mode=st.sampled_from(["adjacent", "axis"]),
    text=st.booleans(),
)
def test_pair_estimate_equals_the_pairs_tested(levels, keep, mode, text):
    """Without absent values the estimate from the levels is exact (the refusal's number)."""
    rng = np.random.default_rng(len(levels) * 7 + int(keep * 100))
    grid = pd.MultiIndex.from_product([range(k) for k in levels]).to_frame(index=False)
    grid = grid.iloc[np.flatnonzero(rng.random(len(grid)) < keep)].reset_index(drop=True)
    if len(grid) == 0:
        return
    grid.columns = [f"p{k}" for k in range(len(levels))]
    if text:  # a non-numeric parameter: every level a neighbour
        grid["p0"] = "v" + grid["p0"].astype(str)
    runs = grid.loc[grid.index.repeat(3)].assign(acc=rng.normal(size=3 * len(grid)))
    sweep = Sweep.from_runs(runs, metric="acc", params=list(grid.columns), min_runs=1)
    numeric = [not (text and k == 0) for k in range(len(levels))]
    estimate = _limits.pair_counts(sweep.configs[list(sweep.params)], numeric, mode == "adjacent")
    assert estimate == sweep.importance(neighbors=mode).to_frame()["pairs"].to_dict()


def _many_levels(n: int) -> Sweep:
    runs = pd.DataFrame(
        {"model": np.repeat([f"m{i}" for i in range(n)], 2), "acc": np.arange(2.0 * n)}
    )
    return Sweep.from_runs(runs, metric="acc", min_runs=1)


def test_too_many_pairs_are_refused_with_the_size(monkeypatch):
    sweep = _many_levels(400)  # a text parameter: all 400 * 399 / 2 = 79,800 pairs
    monkeypatch.setattr(_limits, "available_memory", lambda: 2**20)
    with pytest.raises(_limits.SweepMemoryError) as info:
        sweep.importance().to_frame()
    message = str(info.value)
    assert "about 79,800 neighbour pairs (79,800 along 'model')" in message
    assert "iB" in message and "target=" in message
    assert isinstance(info.value, MemoryError)
    sweep.importance(target=0).to_frame()  # one configuration's pairs are few: no refusal


def test_too_many_pairs_are_one_line_on_the_command_line(monkeypatch, tmp_path, capsys):
    path = tmp_path / "runs.csv"
    _many_levels(400).runs.drop(columns="config").to_csv(path, index=False)
    monkeypatch.setattr(_limits, "available_memory", lambda: 2**20)
    code = main(["importance", str(path), "--metric", "acc", "--min-runs", "1"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "79,800 neighbour pairs" in err
