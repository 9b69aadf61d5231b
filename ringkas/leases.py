"""Article leases: who is working on an article, and until when, kept in Redis.

A worker claims a lease on each article it starts and renews it while it works
(``workers.leasing``). A worker that dies (kill -9, a lost machine, an outage that outlived
its retries) stops renewing; once the lease runs out, a sweep hands the article over to a
new task of its own. So an article that was started is never stranded ``running``, however
long the broker takes to redeliver (``RINGKAS_BROKER_VISIBILITY_TIMEOUT_S``).

Layout:

- ``ringkas:lease:{job_id}:{index}``: the holder, a string with a TTL (the lease itself):
  a worker process's owner id, or ``handoff:{task_id}`` while the task the article was
  handed to waits in the queue (only that task may claim it then);
- ``ringkas:leases``: a sorted set of ``{job_id}:{index}``, scored by when the lease runs
  out (ms, Redis' clock), so the sweep finds expired leases without scanning keys;
- ``ringkas:leases:sweep``: a lock (SET NX PX), so one sweep runs at a time across workers.

Times come from Redis' own clock (``TIME``): workers on machines with skewed clocks agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis

LEASE_PREFIX = "ringkas:lease:"
LEASES_KEY = "ringkas:leases"
SWEEP_LOCK_KEY = "ringkas:leases:sweep"
HANDOFF_PREFIX = "handoff:"

# Sets the lease to ARGV[3] for ARGV[4] ms if it is free or held by ARGV[1] or ARGV[2]
# (the claimer's owner id and the handoff it accepts); 1 if set, 0 if someone else holds it.
_CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] and holder ~= ARGV[2] then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[3], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
return 1
"""

# Deletes the lease if ARGV[1] holds it (or it is free): the article is finished.
_RELEASE = """
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
"""

_EXPIRED = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[1])
"""


@dataclass(frozen=True)
class ArticleRef:
    job_id: str
    index: int

    @property
    def member(self) -> str:
        return f"{self.job_id}:{self.index}"

    @classmethod
    def parse(cls, member: str) -> ArticleRef:
        job_id, _, index = member.rpartition(":")
        return cls(job_id, int(index))


def handoff(task_id: str) -> str:
    """The holder of an article handed to task ``task_id`` that has not started yet."""
    return HANDOFF_PREFIX + task_id


class LeaseStore:
    """Article leases in Redis. ``client``: decode_responses=True; best kept non-retrying
    with short timeouts, since every caller treats a failure as "try again later"."""

    def __init__(self, client: redis.Redis, lease_s: float) -> None:
        self._redis = client
        self.lease_ms = max(1, int(lease_s * 1000))
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)
        self._expired = client.register_script(_EXPIRED)

    @staticmethod
    def key(ref: ArticleRef) -> str:
        return f"{LEASE_PREFIX}{ref.member}"

    def claim(self, ref: ArticleRef, owner: str, accept: str = "") -> bool:
        """Takes or renews the lease for ``owner``; False when another holder has it.

        ``accept``: a handoff the claimer may take over (its own task's, see ``handoff``).
        """
        return self._set(ref, owner, accept, owner, self.lease_ms)

    def hand_over(self, ref: ArticleRef, owner: str, task_id: str, ttl_ms: int) -> bool:
        """Reserves the article for task ``task_id`` (about to be sent) for ``ttl_ms``, if
        it is free or held by ``owner``; False when another holder has it."""
        return self._set(ref, owner, "", handoff(task_id), ttl_ms)

    def release(self, ref: ArticleRef, owner: str) -> bool:
        return bool(self._release(keys=[self.key(ref), LEASES_KEY], args=[owner, ref.member]))

    def holder(self, ref: ArticleRef) -> str | None:
        value = self._redis.get(self.key(ref))
        return None if value is None else str(value)

    def forget(self, ref: ArticleRef) -> None:
        """Drops the sweep's entry of an article that needs no lease (finished or gone)."""
        self._redis.zrem(LEASES_KEY, ref.member)

    def expired(self, limit: int = 1000) -> list[ArticleRef]:
        """Articles whose lease ran out (by the sweep's index), oldest first."""
        members = self._expired(keys=[LEASES_KEY], args=[limit])
        return [ArticleRef.parse(str(m)) for m in members]

    def sweep_lock(self, owner: str, hold_ms: int) -> bool:
        """True for one caller per ``hold_ms`` across all workers (the lock is not released:
        it is what spaces the sweeps)."""
        return bool(self._redis.set(SWEEP_LOCK_KEY, owner, nx=True, px=hold_ms))

    def _set(self, ref: ArticleRef, owner: str, accept: str, holder: str, ttl_ms: int) -> bool:
        keys = [self.key(ref), LEASES_KEY]
        return bool(self._claim(keys=keys, args=[owner, accept, holder, ttl_ms, ref.member]))
