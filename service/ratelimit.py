"""Per-key request rate (fixed one-minute windows) and per-key unfinished-job quota, in Redis.

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


class RateLimiter:
    def __init__(self, client: redis.Redis, clock: Callable[[], float] = time.time) -> None:
        self._redis = client
        self._clock = clock

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

    def check_active_jobs(self, key_id: str, limit: int, store: JobStore) -> None:
        """Raises a 429 when ``key_id`` already has ``limit`` unfinished jobs."""
        active_key = ACTIVE_PREFIX + key_id
        active = 0
        for job_id in self._redis.smembers(active_key):
            try:
                finished = store.status(str(job_id)) in FINISHED
            except JobNotFound:
                finished = True
            if finished:
                self._redis.srem(active_key, job_id)
            else:
                active += 1
        if active >= limit:
            raise too_many(
                f"this key has {active} unfinished jobs; the limit is {limit} "
                "(RINGKAS_MAX_ACTIVE_JOBS_PER_KEY); retry when one has finished",
                QUOTA_RETRY_AFTER_S,
            )

    def add_active_job(self, key_id: str, job_id: str, ttl_s: int) -> None:
        active_key = ACTIVE_PREFIX + key_id
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.sadd(active_key, job_id)
            pipe.expire(active_key, ttl_s)
            pipe.execute()
