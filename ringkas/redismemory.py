"""Redis at its memory limit: refuse new jobs before Redis would refuse the workers' writes.

Redis runs with a ``maxmemory`` and ``maxmemory-policy noeviction`` (docker-compose.yml):
at the limit it refuses writes instead of evicting keys, because an evicted key would be a
job, a queued task or an API key silently gone. The API checks before recording a job:
once Redis uses ``RINGKAS_REDIS_SUBMIT_MEMORY_SHARE`` of its ``maxmemory`` (0.9 by
default), submissions answer 503 ``store_full``, and the memory left is for the jobs
already accepted to finish and be read. Any write Redis refuses all the same (OOM) answers
the same 503.
"""

from __future__ import annotations

import redis

STORE_FULL_HINT = (
    "new jobs are refused until finished jobs expire (RINGKAS_JOB_TTL_S); try again later. "
    "Operators: raise Redis's maxmemory, or keep results in PostgreSQL "
    "(RINGKAS_RESULT_STORE=postgresql)"
)


class StoreFull(Exception):
    """Redis is at (or near) its maxmemory; nothing was recorded."""

    def __init__(self, used: int, maxmemory: int) -> None:
        super().__init__(
            f"the job store (Redis) is full: it uses {_mb(used)} of its {_mb(maxmemory)} "
            f"maxmemory; {STORE_FULL_HINT}"
        )
        self.used = used
        self.maxmemory = maxmemory


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


class MemoryGuard:
    """Checks Redis's memory before a submission (one ``INFO memory``)."""

    def __init__(self, client: redis.Redis, share: float) -> None:
        self._redis = client
        self._share = share

    @classmethod
    def from_url(cls, redis_url: str, share: float) -> MemoryGuard:
        return cls(redis.Redis.from_url(redis_url, decode_responses=True), share)

    def check(self) -> None:
        """Raises ``StoreFull`` when Redis uses ``share`` of its maxmemory or more."""
        info = self._redis.info("memory")
        maxmemory, used = int(info.get("maxmemory", 0)), int(info["used_memory"])
        if maxmemory and used >= self._share * maxmemory:
            raise StoreFull(used, maxmemory)
