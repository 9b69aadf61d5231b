"""Bounds on synchronous requests in flight: per API process and per key.

``POST /v1/translate`` waits for a worker. Waiting holds no thread (``service/queue.py``),
but each waiting request still holds a connection and a place on the ``ringkas.sync``
queue, so there are two bounds, both settings:

- per process (``RINGKAS_MAX_SYNC_IN_FLIGHT``): a counter of this process's event loop;
  beyond it 503 ``sync_busy`` with ``Retry-After`` (this replica is busy, another may not be);
- per key (``RINGKAS_MAX_SYNC_IN_FLIGHT_PER_KEY``, key mode only): counted in Redis so every
  replica shares it, as the other per-key limits are; beyond it 429 ``rate_limited`` with
  ``Retry-After``. Each place is a sorted-set member that expires by itself a few seconds
  after the longest wait, so a replica that dies mid-request holds no place for long.
"""

from __future__ import annotations

import contextlib
import math
import uuid
from collections.abc import AsyncIterator

import redis
from fastapi.concurrency import run_in_threadpool

from ringkas.service.errors import ApiError

PREFIX = "ringkas:sync-in-flight:"
# A translation takes about a second with real models on a free worker: come back soon.
RETRY_AFTER_S = 2
# Take a place unless the key holds ``limit`` unexpired ones: -1 when taken, else how many.
_TAKE = """
local now = redis.call('TIME')
local t = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', t)
local held = redis.call('ZCARD', KEYS[1])
if held >= tonumber(ARGV[1]) then return held end
redis.call('ZADD', KEYS[1], t + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return -1
"""


class SyncSlots:
    def __init__(self, client: redis.Redis, per_process: int, per_key: int, hold_s: float) -> None:
        """``hold_s``: how long a place lasts at most (the longest wait, and a margin)."""
        self._redis = client
        self._take = client.register_script(_TAKE)
        self.per_process = per_process
        self.per_key = per_key
        self.hold_s = hold_s
        self.in_flight = 0

    @contextlib.asynccontextmanager
    async def slot(self, key_id: str | None) -> AsyncIterator[None]:
        """A place for one request while the block runs; 503 or 429 when there is none."""
        if self.in_flight >= self.per_process:
            raise ApiError(
                503,
                "sync_busy",
                f"this API process has {self.in_flight} synchronous translations in "
                f"flight, its limit (RINGKAS_MAX_SYNC_IN_FLIGHT); retry in {RETRY_AFTER_S} s, "
                "or submit the text as a job to POST /v1/jobs",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )
        self.in_flight += 1
        try:
            if key_id is None:
                yield
                return
            member = uuid.uuid4().hex
            await run_in_threadpool(self._take_for_key, key_id, member)
            try:
                yield
            finally:
                await run_in_threadpool(self._redis.zrem, PREFIX + key_id, member)
        finally:
            self.in_flight -= 1

    def _take_for_key(self, key_id: str, member: str) -> None:
        held = int(self._take(keys=[PREFIX + key_id], args=[self.per_key, self.hold_s, member]))
        if held >= 0:
            raise ApiError(
                429,
                "rate_limited",
                f"this key has {held} synchronous translations in flight; the limit is "
                f"{self.per_key} (RINGKAS_MAX_SYNC_IN_FLIGHT_PER_KEY); retry in "
                f"{RETRY_AFTER_S} s",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            )


def hold_for(timeout_s: float) -> float:
    """A place's lifetime: the longest wait and a margin for the answer."""
    return math.ceil(timeout_s) + 5.0
