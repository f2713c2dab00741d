"""The comparison settings as one frozen value: defaults written once, checked once."""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any

import pytest

from sweepwalk import Session, Sweep, explore
from sweepwalk.analysis.compare import compare
from sweepwalk.analysis.importance import importance
from sweepwalk.analysis.ledger import Ledger
from sweepwalk.analysis.plan import plan
from sweepwalk.analysis.settings import (
    DEFAULTS,
    IMPORTANCE_CORRECTION,
    USER_SETTINGS,
    Settings,
)
from sweepwalk.analysis.walk import walk


def test_settings_are_checked_and_frozen() -> None:
    assert Settings.of(correction="h").correction == "holm"
    with pytest.raises(ValueError, match="`test` must be one of"):
        Settings.of(test="t-test")
    with pytest.raises(TypeError, match="unknown settings \\['tset'\\]"):
        DEFAULTS.replace(tset="welch")
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.test = "welch"  # type: ignore[misc]
    assert DEFAULTS.replace(alpha=0.1).alpha == 0.1 and DEFAULTS.alpha == 0.05


def test_every_signature_takes_its_defaults_from_settings() -> None:
    from sweepwalk.widget.widget import SweepWidget

    for fn in (Session.__init__, SweepWidget.__init__, explore):
        params = inspect.signature(fn).parameters
        for name in USER_SETTINGS:
            assert params[name].default == getattr(DEFAULTS, name), (fn, name)


def test_the_session_holds_one_settings_value(demo: Sweep) -> None:
    s = Session(demo, test="welch", correction="h")
    assert s.options == Settings.of(test="welch", correction="holm")
    before = s.options
    s.alpha = 0.1
    assert s.options == before.replace(alpha=0.1) and before.alpha == 0.05
    assert s.settings == {"target": s.target, **s.options.shown()}
    with pytest.raises(ValueError, match="`alpha`"):
        s.alpha = 2.0
    assert s.options.alpha == 0.1
    w = explore(demo, test="mannwhitney")
    assert {name: getattr(w, name) for name in USER_SETTINGS} == w.session.options.shown()


def test_the_defaults_pass_their_checks_unchanged() -> None:
    # Settings does not check a value that is its field's default object: this makes that safe
    from sweepwalk.analysis.settings import _checks

    for field in dataclasses.fields(Settings):
        assert _checks()[field.name](field.default) == field.default, field.name
    assert Settings.of(**DEFAULTS.shown()) == DEFAULTS


@pytest.mark.parametrize(
    "fn",
    [
        compare,
        Sweep.compare,
        walk,
        Sweep.walk,
        plan,
        importance,
        Sweep.importance,
        Ledger.__init__,
    ],
)
def test_the_engine_takes_its_defaults_from_settings(fn: Any) -> None:
    params = inspect.signature(fn).parameters
    shared = [name for name in USER_SETTINGS if name in params]
    assert shared, fn
    for name in shared:
        want = getattr(DEFAULTS, name)
        if fn in (importance, Sweep.importance) and name == "correction":
            want = IMPORTANCE_CORRECTION  # a whole sweep's pairs: FDR by default
        assert params[name].default == want, (fn, name)


@pytest.mark.parametrize("command", ["report", "importance", "walk"])
def test_the_command_line_takes_its_defaults_from_settings(command: str) -> None:
    from sweepwalk.cli.app import build_parser

    args = vars(build_parser().parse_args([command, "runs.csv"]))
    shown = {name: args[name] for name in USER_SETTINGS if name in args}
    want = DEFAULTS.replace(correction=IMPORTANCE_CORRECTION if command == "importance" else "none")
    assert shown == {name: getattr(want, name) for name in shown}
    assert args["random_state"] == DEFAULTS.random_state
    assert len(shown) == {"report": 5, "importance": 4, "walk": 5}[command]
