"""The comparison settings as one frozen value: defaults written once, checked once."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from sweepwalk import Session, Sweep, explore
from sweepwalk.analysis.settings import DEFAULTS, USER_SETTINGS, Settings


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
