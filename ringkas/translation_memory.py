"""The translation memory in Redis: the ``models.memory.TranslationMemory`` the workers use.

Layout:

- ``ringkas:tm:e:{key}``: one entry, JSON ``{"t": text, "c": confidence}``, written with
  ``EX ttl_s``: an entry lives ``ttl_s`` after it was written, however often it is read, so
  a changed model under the same id stops being served within the TTL.
- ``ringkas:tm:lru``: a sorted set of the entries' keys, scored by when each was last
  written or read. After each write, entries past the TTL are dropped from it and, while it
  holds more than ``max_entries``, the least recently used entries are deleted (LRU-ish:
  recency is per write or hit, not per access order). The bound holds whatever Redis's
  ``maxmemory`` policy is; at about 300 bytes an entry, the default 200,000 entries are
  about 60 MB.

Every Redis error is swallowed and logged: a lookup that fails is a miss, a write that
fails is lost, and the translation goes on without the memory.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping, Sequence

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from ringkas.models.translator import Translation

logger = logging.getLogger(__name__)

PREFIX = "ringkas:tm:"


class RedisTranslationMemory:
    """Sentence translations kept in Redis, bounded in number and in time.

    The hits are counted from each article's result (``Timings.tm_hits``), in
    ``workers.metered_store``, so that ``/metrics`` and the results agree.
    """

    def __init__(
        self, client: redis.Redis, ttl_s: int, max_entries: int, prefix: str = PREFIX
    ) -> None:
        """Args:
        client: A Redis client created with ``decode_responses=True``.
        ttl_s: Seconds an entry lives after it was written.
        max_entries: Entries kept at most; the least recently used go first.
        prefix: Of every key (tests use one of their own).
        """
        self.client = client
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.entry_prefix = f"{prefix}e:"
        self.lru_key = f"{prefix}lru"

    @classmethod
    def from_url(cls, redis_url: str, ttl_s: int, max_entries: int) -> RedisTranslationMemory:
        """A memory on ``redis_url`` whose client never retries and gives up on a connect
        after 1 s and a command after 2 s: with Redis refusing, hung or unreachable, a
        lookup is a miss within seconds. (redis-py's defaults have no socket timeout, and
        ``redis.Redis(...)``, unlike ``from_url``, retries 10 times with backoff: 3.6 s
        against a refused port.)"""
        client = redis.Redis.from_url(
            redis_url,
            decode_responses=True,
            retry=Retry(NoBackoff(), retries=0),
            socket_connect_timeout=1,
            socket_timeout=2,
        )
        return cls(client, ttl_s, max_entries)

    def get_many(self, keys: Sequence[str]) -> list[Translation | None]:
        if not keys:
            return []
        try:
            raw = self.client.mget([self.entry_prefix + k for k in keys])
            found = [_decode(value) for value in raw]
            hit_keys = {k for k, t in zip(keys, found, strict=True) if t is not None}
            if hit_keys:
                # XX: only entries still listed (a trimmed one is not brought back).
                self.client.zadd(self.lru_key, dict.fromkeys(hit_keys, time.time()), xx=True)
            return found
        except redis.exceptions.RedisError:
            logger.warning("translation memory unreachable; translating without it")
            return [None] * len(keys)

    def put_many(self, entries: Mapping[str, Translation]) -> None:
        if not entries:
            return
        now = time.time()
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for key, translation in entries.items():
                    value = json.dumps({"t": translation.text, "c": translation.confidence})
                    pipe.set(self.entry_prefix + key, value, ex=self.ttl_s)
                pipe.zadd(self.lru_key, dict.fromkeys(entries, now))
                pipe.zremrangebyscore(self.lru_key, "-inf", now - self.ttl_s)
                pipe.expire(self.lru_key, self.ttl_s)
                pipe.zcard(self.lru_key)
                size = int(pipe.execute()[-1])
            if size > self.max_entries:
                self._evict(size - self.max_entries)
        except redis.exceptions.RedisError:
            logger.warning("translation memory unreachable; %d entries not stored", len(entries))

    def _evict(self, count: int) -> None:
        popped: list[tuple[str, float]] = self.client.zpopmin(self.lru_key, count)  # type: ignore[assignment]
        oldest = [str(member) for member, _score in popped]
        if oldest:
            self.client.delete(*(self.entry_prefix + k for k in oldest))

    def size(self) -> int:
        """Entries listed now (those past their TTL go at the next write)."""
        return int(self.client.zcard(self.lru_key))


def _decode(value: object) -> Translation | None:
    if value is None:
        return None
    try:
        data = json.loads(str(value))
        confidence = data["c"]
        return Translation(str(data["t"]), None if confidence is None else float(confidence))
    except (ValueError, KeyError, TypeError):
        return None  # a damaged entry is a miss, and is overwritten
