"""Per-key request rate (fixed one-minute windows) and per-key unfinished-job quota, in Redis.

The quota is a set of job ids per key; a new job takes its place in one Lua script
(`RateLimiter.reserve_active_job`), so concurrent submissions cannot beat it.

Both answer 429 with ``Retry-After`` and the limit in the message (LibreTranslate's bare
"Slowdown" told clients neither). Fixed windows are one INCR per request and shared by
every API replica; their known flaw, up to twice the rate across a window boundary, is
acceptable for a per-minute limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import redis

from ringkas.jobstore import FINISHED, JobNotFound, JobStore
from ringkas.service.errors import ApiError

RATE_PREFIX = "ringkas:ratelimit:"
ACTIVE_PREFIX = "ringkas:activejobs:"
# A job's finish is not pushed anywhere; a client over its quota is told to come back
# after about the time a short job takes.
QUOTA_RETRY_AFTER_S = 10


def too_many(detail: str, retry_after_s: int) -> ApiError:
    return ApiError(429, "rate_limited", detail, headers={"Retry-After": str(retry_after_s)})


# Reserve a place among a key's unfinished jobs: -1 when taken, else how many it has.
_RESERVE = """
local active = redis.call('SCARD', KEYS[1])
if active >= tonumber(ARGV[2]) then return active end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return -1
"""


class RateLimiter:
    def __init__(self, client: redis.Redis, clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._clock = clock
        self._reserve = client.register_script(_RESERVE)

    def hit(self, key_id: str, per_minute: int) -> None:
        """Counts one request of ``key_id``; raises a 429 once the minute's limit is passed."""
        now = self._clock()
        window = int(now // 60)
        counter = f"{RATE_PREFIX}{key_id}:{window}"
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(counter)
            pipe.expire(counter, 120)
            count = int(pipe.execute()[0])
        if count > per_minute:
            retry_after = max(1, math.ceil((window + 1) * 60 - now))
            raise too_many(
                f"rate limit exceeded: this key may make {per_minute} requests per minute "
                f"(RINGKAS_RATE_LIMIT_PER_MINUTE); retry in {retry_after} s",
                retry_after,
            )

    def reserve_active_job(
        self, key_id: str, job_id: str, limit: int, ttl_s: int, store: JobStore
    ) -> None:
        """Counts ``job_id`` (already created) among ``key_id``'s unfinished jobs, or raises
        a 429 when the key already has ``limit`` of them.

        Check and reserve are one Lua script, so concurrent submissions cannot all pass a
        check before any of them is counted (40 at once at a limit of 20 were all accepted
        when they were two steps). Finished jobs are dropped from the count first; that
        step needs no atomicity, a finished job never becomes unfinished again.
        """
        active_key = ACTIVE_PREFIX + key_id
        self._drop_finished(active_key, store)
        active = int(self._reserve(keys=[active_key], args=[job_id, limit, ttl_s]))
        if active >= 0:
            raise too_many(
                f"this key has {active} unfinished jobs; the limit is {limit} "
                "(RINGKAS_MAX_ACTIVE_JOBS_PER_KEY); retry when one has finished",
                QUOTA_RETRY_AFTER_S,
            )

    def release_active_job(self, key_id: str, job_id: str) -> None:
        """Gives the place back (the job was withdrawn before it was queued)."""
        self._redis.srem(ACTIVE_PREFIX + key_id, job_id)

    def _drop_finished(self, active_key: str, store: JobStore) -> None:
        for job_id in self._redis.smembers(active_key):
            try:
                finished = store.status(str(job_id)) in FINISHED
            except JobNotFound:
                finished = True  # expired, or withdrawn
            if finished:
                self._redis.srem(active_key, job_id)
