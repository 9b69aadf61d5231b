"""ThrottledProgress: at most one write per interval, the first and the last always."""

from __future__ import annotations

from typing import Any

import redis

from ringkas.workers.progress import ThrottledProgress


class Store:
    def __init__(self, fail: bool = False) -> None:
        self.writes: list[tuple[Any, ...]] = []
        self.fail = fail

    def report_sentences(self, job_id: str, index: int, done: int, total: int) -> bool:
        if self.fail:
            raise redis.exceptions.ConnectionError("down")
        self.writes.append((job_id, index, done, total))
        return True


def test_reports_are_throttled_but_the_last_is_always_written() -> None:
    store, now = Store(), [0.0]
    report = ThrottledProgress(store, "j", 2, interval_s=0.5, clock=lambda: now[0])  # type: ignore[arg-type]
    for done, at in [(0, 0.0), (8, 0.1), (16, 0.6), (24, 0.7), (30, 0.8)]:
        now[0] = at
        report(done, 30)
    assert store.writes == [("j", 2, 0, 30), ("j", 2, 16, 30), ("j", 2, 30, 30)]


def test_a_redis_error_does_not_fail_the_translation() -> None:
    ThrottledProgress(Store(fail=True), "j", 0)(1, 2)  # type: ignore[arg-type]
