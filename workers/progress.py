"""Throttled sentence-progress reports from a running article to the job store.

The model layer calls back after every few sentences; a Redis write per call would be
cheap but pointless faster than anyone polls, so reports are written at most every
``interval_s`` seconds, plus always the first and the last (done == total).

Progress is best effort: it goes through a store on a client that fails at once while
Redis is down (``workers.leasing.quick_store``), and after a failed write reports are
dropped for ``QUIET_AFTER_ERROR_S``, so an outage never holds up the model loop. Only
outcomes are retried.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import redis.exceptions

from ringkas.jobstore import JobStore

REPORT_INTERVAL_S = 0.5
QUIET_AFTER_ERROR_S = 5.0


class ThrottledProgress:
    """A ``(done, total)`` callback for ``models.pipeline.process_article``."""

    def __init__(
        self,
        store: JobStore,
        job_id: str,
        index: int,
        interval_s: float = REPORT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._job_id = job_id
        self._index = index
        self._interval_s = interval_s
        self._clock = clock
        self._last: float | None = None
        self._quiet_until = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        if self._last is not None and done < total and now - self._last < self._interval_s:
            return
        if now < self._quiet_until:
            return  # dropped: Redis failed a moment ago
        self._last = now
        # Progress is advisory: a Redis hiccup must not fail (or retry) the translation.
        try:
            self._store.report_sentences(self._job_id, self._index, done, total)
        except redis.exceptions.RedisError:
            self._quiet_until = self._clock() + QUIET_AFTER_ERROR_S
