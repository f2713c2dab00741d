"""Long jobs: progress, cancellation between batches, executors with results equal to serial."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from sweepwalk import Cancelled, Sweep
from sweepwalk.analysis import compare
from sweepwalk.analysis.importance import pairwise


def _sweep(n_seeds: int = 8, random_state: int = 0) -> Sweep:
    rng = np.random.default_rng(random_state)
    grid = pd.MultiIndex.from_product(
        [[1, 2, 3, 4, 5], ["a", "b", "c", "d"], [0.1, 0.2, 0.3]], names=["width", "act", "lr"]
    ).to_frame(index=False)
    runs = grid.loc[grid.index.repeat(n_seeds)].reset_index(drop=True)
    runs["seed"] = np.tile(np.arange(n_seeds), len(grid))
    runs["acc"] = np.round(0.7 + 0.01 * runs["width"] + rng.normal(0, 0.02, len(runs)), 3)
    return Sweep.from_runs(runs, metric="acc", params=["width", "act", "lr"], seed="seed")


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    # many batches on a small sweep, so batching, progress and cancellation are exercised
    monkeypatch.setattr(compare, "_SLOW_BATCH", 7)
    monkeypatch.setattr(compare, "_FAST_BATCH", 9)
    monkeypatch.setattr(pairwise, "_SLOW_BATCH", 11)
    monkeypatch.setattr(pairwise, "_BATCH", 13)


def _same_comparison(got: object, want: object) -> None:
    pd.testing.assert_frame_equal(got.to_frame(), want.to_frame())  # type: ignore[attr-defined]
    assert got.notes == want.notes  # type: ignore[attr-defined]


@pytest.mark.parametrize("test", ["permutation", "ks", "ttest_rel"])
def test_compare_in_batches_equals_one_batch(monkeypatch: pytest.MonkeyPatch, test: str) -> None:
    sweep = _sweep()
    batched = sweep.compare(3, against="all", test=test, correction="holm", random_state=4)
    monkeypatch.setattr(compare, "_SLOW_BATCH", 10**9)
    monkeypatch.setattr(compare, "_FAST_BATCH", 10**9)
    whole = sweep.compare(3, against="all", test=test, correction="holm", random_state=4)
    _same_comparison(batched, whole)


@pytest.mark.parametrize("test", ["permutation", "mannwhitney", "wilcoxon"])
def test_importance_in_batches_equals_one_batch(monkeypatch: pytest.MonkeyPatch, test: str) -> None:
    sweep = _sweep()
    batched = sweep.importance(test=test, neighbors="axis", random_state=2).to_frame()
    monkeypatch.setattr(pairwise, "_SLOW_BATCH", 10**9)
    monkeypatch.setattr(pairwise, "_BATCH", 10**9)
    pd.testing.assert_frame_equal(
        batched, sweep.importance(test=test, neighbors="axis", random_state=2).to_frame()
    )


def test_progress_rises_to_one() -> None:
    sweep = _sweep()
    seen: list[float] = []
    sweep.compare(0, against="all", test="permutation", random_state=0, progress=seen.append)
    assert len(seen) == -(-(len(sweep) - 1) // 7)  # one call per batch of 7 rows
    assert seen == sorted(seen) and seen[-1] == 1.0
    seen.clear()
    sweep.importance(test="welch", progress=seen.append).to_frame()
    assert len(seen) > 2 and seen == sorted(seen) and seen[-1] == 1.0


def test_cancel_event_stops_compare_between_batches() -> None:
    sweep = _sweep()
    stop = threading.Event()
    seen: list[float] = []

    def progress(fraction: float) -> None:
        seen.append(fraction)
        stop.set()  # a UI pressing "cancel" while the first batch ran

    with pytest.raises(Cancelled):
        sweep.compare(0, against="all", test="permutation", progress=progress, cancel=stop)
    assert len(seen) == 1  # nothing ran after the cancellation


def test_cancel_callable_stops_importance_and_set_event_stops_before_any_work() -> None:
    sweep = _sweep()
    calls = iter(range(100))
    seen: list[float] = []
    with pytest.raises(Cancelled):
        sweep.importance(
            test="ks", progress=seen.append, cancel=lambda: next(calls) >= 2
        ).to_frame()
    assert 0 < len(seen) < 10
    stop = threading.Event()
    stop.set()
    seen.clear()
    with pytest.raises(Cancelled):
        sweep.importance(progress=seen.append, cancel=stop).to_frame()
    assert seen == []


def test_cancel_from_another_thread_with_an_executor() -> None:
    sweep = _sweep()
    stop = threading.Event()
    stop.set()
    with ThreadPoolExecutor(2) as pool, pytest.raises(Cancelled):
        sweep.compare(0, against="all", test="permutation", cancel=stop, executor=pool)


def test_process_pool_equals_serial() -> None:
    sweep = _sweep()
    context = multiprocessing.get_context("spawn")  # no fork of a process with BLAS threads
    with ProcessPoolExecutor(2, mp_context=context) as pool:
        for test in ("permutation", "ks"):
            _same_comparison(
                sweep.compare(5, against="all", test=test, random_state=3, executor=pool),
                sweep.compare(5, against="all", test=test, random_state=3),
            )
        pd.testing.assert_frame_equal(
            sweep.importance(test="permutation", random_state=1, executor=pool).to_frame(),
            sweep.importance(test="permutation", random_state=1).to_frame(),
        )


def test_dask_client_executor_equals_serial() -> None:
    distributed = pytest.importorskip("distributed")
    sweep = _sweep()
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ) as client:
        pool = client.get_executor()
        _same_comparison(
            sweep.compare(2, against="all", test="permutation", random_state=5, executor=pool),
            sweep.compare(2, against="all", test="permutation", random_state=5),
        )
        pd.testing.assert_frame_equal(
            sweep.importance(test="mannwhitney", executor=pool).to_frame(),
            sweep.importance(test="mannwhitney").to_frame(),
        )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"cancel": 3}, "`cancel` must be None, a threading.Event"),
        ({"executor": "pool"}, "`executor`"),
    ],
)
def test_bad_hooks_are_refused(kwargs: dict[str, object], match: str) -> None:
    sweep = _sweep()
    with pytest.raises(TypeError, match=match):
        sweep.compare(0, against="all", **kwargs)
    with pytest.raises(TypeError, match=match):
        sweep.importance(**kwargs).to_frame()


def test_a_long_job_is_announced_with_its_size_and_an_estimate(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from sweepwalk.analysis import jobs as _jobs

    sweep = _sweep()
    monkeypatch.setattr(_jobs, "ANNOUNCE_SECONDS", 0.0)  # every job counts as long here
    with caplog.at_level("INFO", logger="sweepwalk"):
        frame = sweep.importance(test="ks", neighbors="axis").to_frame()
    total = int(frame["pairs"].sum())
    assert [r.getMessage().split(" about ")[0] for r in caplog.records] == [
        f"{total:,} neighbour pairs to test,"
    ]
    monkeypatch.setattr(_jobs, "ANNOUNCE_SECONDS", 1e9)
    caplog.clear()
    with caplog.at_level("INFO", logger="sweepwalk"):
        sweep.importance(test="ks", neighbors="axis").to_frame()
    assert caplog.records == []


def test_session_importance_in_background_answers_clicks_and_cancels() -> None:
    from sweepwalk import Session

    session = Session(_sweep())
    first_batch_done, release = threading.Event(), threading.Event()

    def progress(fraction: float) -> None:  # holds the job after its first batch
        first_batch_done.set()
        assert release.wait(10)

    job = session.importance_in_background(progress=progress)
    assert first_batch_done.wait(10) and not job.done()
    session.target = 7  # a click while the job runs is answered at once
    assert session.target == 7 and len(session.comparison) > 0
    job.cancel()
    release.set()
    with pytest.raises(Cancelled):
        job.result(timeout=20)
    assert job.done()


def test_session_importance_in_background_equals_the_blocking_call() -> None:
    from sweepwalk import Session

    session = Session(_sweep())
    job = session.importance_in_background(margin=0.01)
    pd.testing.assert_frame_equal(job.result(timeout=60), session.importance(margin=0.01))
    with pytest.raises(ValueError, match="`margin`"):
        session.importance_in_background(margin=-1.0)  # refused before any thread starts


def test_a_cancel_stops_a_permutation_batch_between_chunks_of_permutations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # many seeds: one batch of rows, its permutations taken a few at a time; a cancel that
    # comes while the batch runs stops it there, not after every row is done
    from sweepwalk.stats import _permutation

    monkeypatch.setattr(_permutation, "_LABEL_BYTES", 8 * 16 * 50)  # 50 permutations a chunk
    sweep = _sweep(n_seeds=8)
    checks: list[int] = []
    done: list[float] = []

    def cancel() -> bool:
        checks.append(1)
        return len(checks) >= 3  # the check before the batch, then two chunks

    with pytest.raises(Cancelled):
        compare.compare(sweep, 0, test="permutation", n_resamples=999, cancel=cancel,
                        progress=done.append)  # fmt: skip
    assert len(checks) == 3 and done == []  # stopped inside the first (and only) batch
    _permutation.null_labels.cache_clear()
