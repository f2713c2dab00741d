"""Helpers shared by the tests: a random-search sweep, a recorded comm wire, a row to click."""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np
import pandas as pd
import pytest
from ipywidgets.widgets.widget import _remove_buffers

from sweepwalk import Sweep, SweepWidget


def random_search(n_configs: int = 200, n_seeds: int = 5, random_state: int = 0) -> pd.DataFrame:
    """Log-uniform lr in [1e-5, 1e-1] and weight decay in [1e-6, 1e-2], n_seeds seeds each."""
    rng = np.random.default_rng(random_state)
    lr = 10 ** rng.uniform(-5, -1, n_configs)
    wd = 10 ** rng.uniform(-6, -2, n_configs)
    rows = [
        {"lr": lr[i], "weight_decay": wd[i], "seed": s,
         "acc": 0.8 - 0.05 * abs(np.log10(lr[i]) + 3) + rng.normal(0, 0.02)}
        for i in range(n_configs)
        for s in range(n_seeds)
    ]  # fmt: skip
    return pd.DataFrame(rows)


class Wire:
    """Feed frontend messages to a widget and record every message the kernel sends back.

    Every message leaves through ``_send`` (``send`` wraps custom content in it), from any
    thread: ``sent`` holds each one whole and in order, ``updates`` the state ones, ``custom``
    the content of the custom ones with their ``buffers`` alongside, and ``threads`` the names
    of the threads the custom ones left from. Frontend messages go in as the comm delivers them
    (``update``, ``request``); each returns what the kernel sent while handling it, after
    checking that every one crosses as JSON (+ buffers).
    """

    def __init__(self, w: SweepWidget, monkeypatch: pytest.MonkeyPatch) -> None:
        self.w = w
        self.sent: list[dict[str, Any]] = []
        self.updates: list[dict[str, Any]] = []
        self.custom: list[dict[str, Any]] = []
        self.buffers: list[Any] = []
        self.threads: set[str] = set()
        monkeypatch.setattr(w, "_send", self._record)

    def _record(self, msg: dict[str, Any], buffers: Any = None) -> None:
        self.sent.append(msg)
        if msg.get("method") == "custom":
            self.threads.add(threading.current_thread().name)
            self.custom.append(msg["content"])
            self.buffers.append(buffers)
        else:
            self.updates.append(msg)

    def kinds(self) -> list[str]:
        """The ``kind`` of each custom message, in order."""
        return [m["kind"] for m in self.custom]

    def _deliver(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        first = len(self.sent)
        self.w._handle_msg({"content": {"data": data}, "buffers": []})
        answered = self.sent[first:]
        for msg in answered:
            state, _, _ = _remove_buffers(msg.get("state", {}))
            json.dumps({**msg, "state": state}, allow_nan=False)
        return answered

    def update(self, **state: Any) -> list[dict[str, Any]]:
        """Deliver a state update from the frontend."""
        return self._deliver({"method": "update", "state": state, "buffer_paths": []})

    def request(self, content: Any) -> list[dict[str, Any]]:
        """Deliver a custom message (a request) from the frontend."""
        return self._deliver({"method": "custom", "content": content})


def other_row(w: SweepWidget) -> int:
    """A row of the widget's results other than its target."""
    return int(next(i for i in w.results.index if i != w.target))


def window_sweep() -> Sweep:
    """30 configurations: ties in every parameter, an absent value, NaN means, 2-4 seeds."""
    rng = np.random.default_rng(7)
    rows = []
    for a in range(5):
        for b in range(3):
            for c in ("x", "y"):
                n_seeds = 2 + int(rng.integers(0, 3))
                for seed in range(n_seeds):
                    score = a * 0.3 + rng.normal(0, 0.1)
                    if a == 4 and b == 2:
                        score = np.nan  # a configuration without a finite score
                    cat = None if (a == 1 and c == "y") else c
                    rows.append((a * 0.1, b, cat, seed, round(score, 1)))
    frame = pd.DataFrame(rows, columns=["lr", "width", "opt", "seed", "acc"])
    return Sweep.from_runs(frame, metric="acc", seed="seed", params=["lr", "width", "opt"])
