"""A cancel that races the end of a runner's job: answered "cancelled" and nothing adopted, or
answered "not cancelled" and the results follow; never both. The end of a job runs through the
owner's ``post``; here that queue is drained in a second thread, as late as the schedule says."""

from __future__ import annotations

import random
import threading
from typing import Any

from sweepwalk.session.runner import JobEvent, Runner


def one_race(delay_end: float, delay_cancel: float) -> tuple[bool, list[JobEvent], list[int]]:
    sent: list[JobEvent] = []
    posted: list[Any] = []
    finished: list[int] = []

    def finish(result: int) -> dict[str, Any]:
        finished.append(result)  # what adopting the results does
        return {"value": result}

    jobs = Runner(post=posted.append, report=sent.append)
    jobs.submit("compare", lambda progress, cancel: 42, job_id=7, finish=finish)
    while not posted:  # the work ended; its end waits in the owner's queue
        threading.Event().wait(0.0005)
    go = threading.Barrier(2)
    answer: list[bool] = []

    def end() -> None:
        go.wait()
        threading.Event().wait(delay_end)
        posted[0]()

    def cancel() -> None:
        go.wait()
        threading.Event().wait(delay_cancel)
        answer.append(jobs.cancel("compare"))

    threads = [threading.Thread(target=end), threading.Thread(target=cancel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answer[0], sent, finished


def test_cancel_before_the_end_is_decided_wins() -> None:
    cancelled, sent, finished = one_race(delay_end=0.02, delay_cancel=0.0)
    assert cancelled and finished == []
    assert sent[-1].state == "cancelled" and sent[-1].id == 7


def test_a_cancel_after_the_end_is_decided_is_refused() -> None:
    cancelled, sent, finished = one_race(delay_end=0.0, delay_cancel=0.02)
    assert not cancelled and finished == [42]
    assert sent[-1].state == "done" and sent[-1].value == {"value": 42}


def test_cancel_racing_the_end_has_exactly_one_outcome() -> None:
    rng = random.Random(20261206)
    outcomes = {True: 0, False: 0}
    for _ in range(300):
        delays = [rng.choice([0.0, 0.0, 1e-5, 1e-4]) for _ in range(2)]
        cancelled, sent, finished = one_race(*delays)
        last = sent[-1].state
        if cancelled:
            assert finished == [] and last == "cancelled"
        else:
            assert finished == [42] and last == "done"
        assert sum(m.state in ("cancelled", "done") for m in sent) == 1
        outcomes[cancelled] += 1
    assert outcomes[True] > 0 and outcomes[False] > 0  # both orders were exercised


def test_a_cancel_while_the_results_are_adopted_is_refused() -> None:
    # the end is decided before `finish` adopts the results: a cancel meanwhile is too late
    sent: list[JobEvent] = []
    adopting, release = threading.Event(), threading.Event()

    def finish(result: int) -> int:
        adopting.set()
        assert release.wait(10)
        return result

    jobs = Runner(report=sent.append)  # the end runs in the worker thread, as without a kernel
    job = jobs.submit("walk", lambda progress, cancel: 42, job_id="w", finish=finish)
    assert adopting.wait(10)
    answer = jobs.cancel("walk")
    release.set()
    assert job.wait(10)
    assert answer is False and [e.state for e in sent][-1] == "done" and sent[-1].value == 42
