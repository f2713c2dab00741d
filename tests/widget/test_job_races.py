"""A cancel that races the end of a job: answered "cancelled" and nothing adopted, or answered
"not cancelled" and the results follow; never both. The end of a job runs through the owner's
``post``; here that queue is drained in a second thread, as late as the schedule says."""

from __future__ import annotations

import random
import threading
from typing import Any

from sweepwalk.widget.jobs import RequestJobs


def one_race(delay_end: float, delay_cancel: float) -> tuple[bool, list[dict[str, Any]], list[int]]:
    sent: list[dict[str, Any]] = []
    posted: list[Any] = []
    finished: list[int] = []

    def finish(result: int, seconds: float) -> dict[str, Any]:
        finished.append(result)  # what adopting the results does
        return {"value": result}

    jobs = RequestJobs(send=sent.append, threaded=lambda: True, post=posted.append)
    jobs.start("compare", 7, lambda progress, cancel: 42, finish)
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
    assert sent[-1]["kind"] == "cancelled" and sent[-1]["id"] == 7


def test_a_cancel_after_the_end_is_decided_is_refused() -> None:
    cancelled, sent, finished = one_race(delay_end=0.0, delay_cancel=0.02)
    assert not cancelled and finished == [42]
    assert sent[-1]["kind"] == "compare-response" and sent[-1]["value"] == 42


def test_cancel_racing_the_end_has_exactly_one_outcome() -> None:
    rng = random.Random(20261206)
    outcomes = {True: 0, False: 0}
    for _ in range(300):
        delays = [rng.choice([0.0, 0.0, 1e-5, 1e-4]) for _ in range(2)]
        cancelled, sent, finished = one_race(*delays)
        last = sent[-1]["kind"]
        if cancelled:
            assert finished == [] and last == "cancelled"
        else:
            assert finished == [42] and last == "compare-response"
        assert sum(m["kind"] in ("cancelled", "compare-response") for m in sent) == 1
        outcomes[cancelled] += 1
    assert outcomes[True] > 0 and outcomes[False] > 0  # both orders were exercised
