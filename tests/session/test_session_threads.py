"""One Session used from two threads: one moves the target (and a setting), one reads the
comparison and the static table. Every read is of one state, and at rest the session shows the
comparison of its own target. The schedule of each trial is drawn from a seeded generator."""

from __future__ import annotations

import random
import re
import sys
import threading

from sweepwalk import Session, Sweep

CAPTION = re.compile(r"target #(\d+) · test=(\w+)")
TARGET_ROW = re.compile(r"row_heading[^>]*>(\d+)</th>\s*<td[^>]*>target<")


def consistent_html(html: str) -> tuple[int, str]:
    caption = CAPTION.search(html)
    row = TARGET_ROW.search(html)
    assert caption and row, "the static table lacks its caption or its target row"
    assert int(caption.group(1)) == int(row.group(1)), "caption of one target over another's table"
    return int(caption.group(1)), caption.group(2)


def test_moves_and_reads_from_two_threads_stay_consistent(demo: Sweep) -> None:
    rng = random.Random(1206)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-4)  # switch threads often: many interleavings per trial
    try:
        s = Session(demo, correction="holm")
        start = s.target
        ids = [start, *demo.neighbors(start)[:4]]
        interleavings = 0
        while interleavings < 1000:
            moves = [rng.choice(ids) for _ in range(rng.randint(1, 4))]
            tests = [rng.choice(["ks", "welch"]) for _ in moves]
            reads = rng.randint(1, 3)
            seen: list[tuple[int, int, str]] = []

            def mover(moves: list[int] = moves, tests: list[str] = tests) -> None:
                for target, test in zip(moves, tests, strict=True):
                    with s.batch():
                        s.target = target
                        s.test = test

            def reader(reads: int = reads, seen: list[tuple[int, int, str]] = seen) -> None:
                for k in range(reads):
                    comparison = s.comparison
                    if k == reads - 1:  # the static table costs more: once a trial
                        seen.append((comparison.target, *consistent_html(s.to_html())))

            threads = [threading.Thread(target=mover), threading.Thread(target=reader)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            interleavings += len(moves) + reads
            assert s.comparison.target == s.target == moves[-1]
            assert consistent_html(s.to_html()) == (s.target, tests[-1])
            assert s.results.loc[s.target, "status"] == "target"
            assert all(t in ids and h in ids for t, h, _ in seen)
    finally:
        sys.setswitchinterval(old)
