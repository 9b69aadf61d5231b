"""Who submitted which job, newest first: the index behind ``GET /v1/jobs``.

Layout: sorted sets scored by the job's creation time in milliseconds,

- ``ringkas:jobindex:key:{key_id}``: the jobs a key submitted (key mode lists this one);
- ``ringkas:jobindex:all``: every job (open mode lists this one: there, any caller may read
  any job, so the listing shows every job of the deployment).

Jobs expire (``job_ttl_s``) and may be purged; their entries are dropped on the next write
(older than the TTL) or the next read that finds the job gone. The sets themselves expire
``job_ttl_s`` after their last job was added.

Paging is by cursor, ``{score}-{job_id}`` of the last job of a page: stable while jobs are
added (a new job sorts before the first page, never into a later one). Redis orders equal
scores by member, so the cursor breaks ties by id.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import cast

import redis

from ringkas.jobstore import ArticleState, JobStatus, JobStore, Progress, derive_status, progress_of

INDEX_PREFIX = "ringkas:jobindex:"
ALL_JOBS = INDEX_PREFIX + "all"
_CURSOR = re.compile(r"^(\d{1,16})-([0-9a-f]{32})$")
# How many index entries one read takes at a time while filling a page.
_CHUNK = 100


class BadCursor(ValueError):
    """A ``cursor`` that no listing handed out."""


@dataclass(frozen=True)
class JobSummary:
    """A job as a listing shows it: status and counts, no texts or results."""

    job_id: str
    created_at: str
    tasks: list[str]
    status: JobStatus
    progress: Progress
    callback_url: str | None


@dataclass(frozen=True)
class JobPage:
    jobs: list[JobSummary]
    next_cursor: str | None  # None: this was the last page


def owner_index(key_id: str) -> str:
    return f"{INDEX_PREFIX}key:{key_id}"


def parse_cursor(cursor: str) -> tuple[int, str]:
    match = _CURSOR.match(cursor)
    if match is None:
        raise BadCursor(f"cursor {cursor!r} is not one a listing returned (next_cursor)")
    return int(match.group(1)), match.group(2)


class JobIndex:
    """Adds jobs to the index and reads pages of it."""

    def __init__(self, client: redis.Redis, ttl_s: int) -> None:
        """``client`` must be created with ``decode_responses=True``; ``ttl_s``: the jobs'."""
        self._redis = client
        self._ttl_s = ttl_s

    def add(self, job_id: str, owner: str | None, now_ms: int | None = None) -> None:
        """Indexes a new job under ``ALL_JOBS`` and its owner's set (when it has one)."""
        score = now_ms if now_ms is not None else int(time.time() * 1000)
        oldest = score - self._ttl_s * 1000
        keys = [ALL_JOBS] + ([owner_index(owner)] if owner is not None else [])
        with self._redis.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.zadd(key, {job_id: score})
                pipe.zremrangebyscore(key, "-inf", f"({oldest}")
                pipe.expire(key, self._ttl_s)
            pipe.execute()

    def remove(self, job_id: str, owner: str | None) -> None:
        """Drops a purged or withdrawn job from the index."""
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zrem(ALL_JOBS, job_id)
            if owner is not None:
                pipe.zrem(owner_index(owner), job_id)
            pipe.execute()

    def page(
        self,
        key_id: str | None,
        *,
        limit: int,
        cursor: str | None = None,
        statuses: Collection[str] | None = None,
    ) -> JobPage:
        """Up to ``limit`` jobs of ``key_id`` (None: every job), newest first, after
        ``cursor``, only those whose status is in ``statuses`` (when given).

        Raises:
            BadCursor: ``cursor`` is malformed.
        """
        index = ALL_JOBS if key_id is None else owner_index(key_id)
        after = parse_cursor(cursor) if cursor else None
        found: list[JobSummary] = []
        while len(found) < limit:
            entries = self._entries_after(index, after)
            if not entries:
                return JobPage(found, None)
            for entry in entries:
                after = entry
                summary = self._summary(index, entry[1])
                if summary is not None and (not statuses or summary.status in statuses):
                    found.append(summary)
                    if len(found) == limit:
                        break
        # The page is full and `after` is its last job: is anything left behind it?
        assert after is not None
        more = bool(self._entries_after(index, after))
        return JobPage(found, f"{after[0]}-{after[1]}" if more else None)

    def _entries_after(self, index: str, after: tuple[int, str] | None) -> list[tuple[int, str]]:
        """Up to `_CHUNK` ``(score, job_id)`` entries that sort after ``after``."""
        raw = cast(
            "list[tuple[str, float]]",
            self._redis.zrevrangebyscore(
                index,
                "+inf" if after is None else after[0],
                "-inf",
                start=0,
                num=_CHUNK,
                withscores=True,
            ),
        )
        entries = [(int(score), str(job_id)) for job_id, score in raw]
        if after is None:
            return entries
        # Equal scores come in descending id order: drop those up to the cursor's id.
        return [(s, j) for s, j in entries if s < after[0] or j < after[1]]

    def _summary(self, index: str, job_id: str) -> JobSummary | None:
        """The job's summary; None (and its entry dropped) when it expired or was purged."""
        key = JobStore.key(job_id)
        raw_meta, callback_url = self._redis.hmget(key, ["meta", "callback_url"])
        if raw_meta is None:
            self._redis.zrem(index, job_id)
            return None
        meta = json.loads(raw_meta)
        raws = self._redis.hmget(key, [f"state:{i}" for i in range(int(meta["total"]))])
        if any(raw is None for raw in raws):
            return None  # expired between the two reads
        states = [ArticleState(**json.loads(raw)) for raw in raws if raw is not None]
        return JobSummary(
            job_id=job_id,
            created_at=meta["created_at"],
            tasks=meta["tasks"],
            status=derive_status(states),
            progress=progress_of(states),
            callback_url=None if callback_url is None else str(callback_url),
        )
