"""from_wandb (export CSV, Api-run-shaped objects) and from_tensorboard (real event files)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from io_helpers import assert_same_sweep, grid_runs

from sweepwalk import Sweep
from sweepwalk.io import from_tensorboard, from_wandb, open_source, source_info

CSV = Path(__file__).resolve().parents[1] / "fixtures" / "wandb_export.csv"


def _want(goal: str = "max", params: tuple[str, ...] = ("lr", "opt")) -> Sweep:
    runs = grid_runs().assign(epochs=10)
    return Sweep.from_runs(runs, metric="acc", params=list(params), seed="seed", goal=goal)


def test_wandb_csv_export():
    with pytest.raises(
        ValueError, match=r"pass `metric=`, e.g. one of \['lr', 'acc', 'val_loss'\]"
    ):
        from_wandb(CSV)
    sweep = from_wandb(CSV, metric="acc")
    # an export cannot tell config from summary columns: one with a single value in every run
    # (epochs here, a summary's final epoch elsewhere) tells configurations nothing, and is said
    assert_same_sweep(sweep, _want(params=("lr", "opt")))
    info = source_info(sweep)
    assert "columns with one value in every run left out: ['epochs']" in info.notes
    assert info.dropped == {"crashed": 1, "running": 1}
    assert info.seed == "seed" and "seed" in info.inferred
    assert any("'val_loss'" in n for n in info.notes)  # left out as a likely metric
    assert_same_sweep(from_wandb(str(CSV), metric="acc", params=["lr", "opt"]), _want())


class _Summary:
    """Like wandb's summary objects: keys() and [], no items()."""

    def __init__(self, data: dict) -> None:
        self._data = data

    def keys(self):
        return self._data.keys()

    def __getitem__(self, key):
        return self._data[key]


def _api_runs() -> list[SimpleNamespace]:
    runs = [
        SimpleNamespace(
            name=f"run-{k}",
            state="finished",
            config={"lr": r.lr, "optimizer": {"name": r.opt}, "seed": r.seed, "layers": [64, 64],
                    "_wandb": {"cli_version": "0.17"}},
            summary=(_Summary if k % 2 else dict)(
                {"acc": r.acc, "_step": 9, "_runtime": 3.5, "note": "ok",
                 "hist": {"_type": "histogram", "values": [1, 2]}}
            ),
        )
        for k, r in enumerate(grid_runs().itertuples())
    ]  # fmt: skip
    runs.append(SimpleNamespace(name="x", state="crashed", config={"lr": 1.0}, summary={}))
    return runs


def test_wandb_api_runs():
    sweep = from_wandb(_api_runs(), metric="acc")
    assert sweep.params == ("lr", "optimizer.name", "layers")
    runs = grid_runs().rename(columns={"opt": "optimizer.name"})
    runs["layers"] = [(64, 64)] * len(runs)
    want = Sweep.from_runs(runs, metric="acc", params=list(sweep.params), seed="seed")
    assert_same_sweep(sweep, want)
    assert source_info(sweep).dropped == {"crashed": 1}
    # the one numeric summary key: text, histograms and W&B's own `_` keys are not candidates
    assert_same_sweep(from_wandb(_api_runs()), want)
    assert "metric" in source_info(from_wandb(_api_runs())).inferred


def _write_tensorboard(logdir: Path, *, subdir: str = "", declare: bool = False) -> None:
    """One HParams session per run, written with tensorboard's own writer and protos."""
    from tensorboard.compat.proto import event_pb2, summary_pb2
    from tensorboard.plugins.hparams import summary_v2 as hp
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    def event(summary, step=0):
        return event_pb2.Event(wall_time=time.time(), step=step, summary=summary)

    if declare:
        root = EventFileWriter(str(logdir))
        metrics = [hp.Metric("acc", group="validation"), hp.Metric("loss", group="validation")]
        root.add_event(event(hp.hparams_config_pb(hparams=[hp.HParam("lr")], metrics=metrics)))
        root.close()
    for k, r in enumerate(grid_runs().itertuples()):
        run = logdir / f"run-{k}"
        session = EventFileWriter(str(run))
        hparams = {"lr": r.lr, "opt": r.opt, "seed": r.seed, "fast": True}
        session.add_event(event(hp.hparams_pb(hparams, trial_id=f"run-{k}")))
        session.close()
        writer = EventFileWriter(str(run / subdir) if subdir else str(run))
        for step, value in enumerate([0.1, 0.2, r.acc]):  # the last step's value is the score
            scalar = summary_pb2.Summary.Value(tag="acc", simple_value=value)
            loss = summary_pb2.Summary.Value(tag="loss", simple_value=1 - value)
            writer.add_event(event(summary_pb2.Summary(value=[scalar, loss]), step))
        writer.close()


def _float32_runs():
    """simple_value is a float32: the scores as TensorBoard keeps them."""
    import numpy as np

    runs = grid_runs().assign(fast=True)
    runs["acc"] = runs["acc"].astype(np.float32).astype(float)
    return runs


def test_tensorboard_sessions_and_final_scalars(tmp_path):
    _write_tensorboard(tmp_path)
    with pytest.raises(ValueError, match=r"several metrics: \['acc', 'loss'\]"):
        from_tensorboard(tmp_path)
    sweep = from_tensorboard(tmp_path, metric="acc", params=["lr", "opt"])
    want = Sweep.from_runs(_float32_runs(), metric="acc", params=["lr", "opt"], seed="seed")
    assert_same_sweep(sweep, want)
    assert source_info(sweep).seed == "seed"
    assert_same_sweep(open_source(str(tmp_path), metric="acc", params=["lr", "opt"]), want)
    loss = from_tensorboard(tmp_path, metric="loss", params=["lr", "opt"])
    assert loss.goal == "min"


def test_tensorboard_declared_metrics_and_subfolder_tags(tmp_path):
    _write_tensorboard(tmp_path, subdir="validation", declare=True)
    with pytest.raises(ValueError, match=r"\['validation/acc', 'validation/loss'\]"):
        from_tensorboard(tmp_path)  # the declared metrics, by group and tag
    sweep = from_tensorboard(tmp_path, metric="validation/acc", params=["lr", "opt"])
    runs = _float32_runs().rename(columns={"acc": "validation/acc"})
    want = Sweep.from_runs(runs, metric="validation/acc", params=["lr", "opt"], seed="seed")
    assert_same_sweep(sweep, want)
    assert source_info(sweep).dropped == {}


def test_tensorboard_cut_off_and_corrupt_event_files_leave_their_session_out(tmp_path):
    """A run still writing (its last record cut off) would read as the step before (0.2 for
    the score); a corrupt file would drop its session uncounted. Both are left out, counted."""
    _write_tensorboard(tmp_path)
    scalars = max((tmp_path / "run-0").glob("*tfevents*"), key=lambda f: f.stat().st_size)
    scalars.write_bytes(scalars.read_bytes()[:-3])
    hparams = min((tmp_path / "run-1").glob("*tfevents*"), key=lambda f: f.stat().st_size)
    raw = bytearray(hparams.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    hparams.write_bytes(bytes(raw))
    sweep = from_tensorboard(tmp_path, metric="acc", params=["lr", "opt"])
    want = Sweep.from_runs(
        _float32_runs().iloc[2:], metric="acc", params=["lr", "opt"], seed="seed"
    )
    assert_same_sweep(sweep, want)
    assert source_info(sweep).dropped == {
        "sessions with a truncated event file": 1,
        "sessions with a corrupt event file": 1,
    }


def test_missing_extras_name_the_install(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    with pytest.raises(ImportError, match=r"pip install sweepwalk\[tensorboard\]"):
        from_tensorboard(tmp_path)
