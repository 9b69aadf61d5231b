"""Where finished articles' results live: in the job's Redis hash, or in PostgreSQL.

``RINGKAS_RESULT_STORE`` chooses. ``redis`` (the default, nothing more to run): a result is
a field of its job's hash, written in the same atomic step as the article's final state
(``ringkas/jobstore.py``). ``postgresql``: a result is written once, to PostgreSQL, when
its article finishes, just before Redis records the article finished; Redis keeps only the
job's state, progress and the queue. PostgreSQL also keeps each finished article's final
state and the job's meta, so a job whose Redis state was lost (a restart without an
append-only file) can still be read, from PostgreSQL alone, until its retention ends.

Retention is the job's: each finished article sets its job's ``expires_at`` to
``RINGKAS_JOB_TTL_S`` from now, as Redis re-arms the hash's TTL. Reads never see an expired
job, and workers delete expired rows (``purge_expired``) at most every
``RINGKAS_RESULT_PURGE_INTERVAL_S``; ``ringkas results purge`` does it on demand.

Results are stored as ``ringkas/resultcodec.py`` encodes them, in both stores.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import redis

if TYPE_CHECKING:
    import psycopg
    from psycopg_pool import ConnectionPool

    from ringkas.settings import Settings

logger = logging.getLogger(__name__)


class ResultStoreUnavailable(ConnectionError):
    """The result store cannot be reached. A ``ConnectionError``: workers retry it as a
    transient error; the API answers 503."""


@dataclass(frozen=True)
class FinishedArticle:
    """What the result store keeps of an article when it finishes."""

    job_id: str
    index: int
    meta: dict[str, Any]  # the job's: {"job_id", "created_at", "tasks", "total"}
    owner: str | None
    label: dict[str, Any]  # the article's input without its text: {"id", "title", ...}
    state: dict[str, Any]  # its final ArticleState, without the result
    sentences: dict[str, Any] | None
    result: bytes | None  # encoded (ringkas/resultcodec.py); None when it failed
    ttl_s: int


@dataclass(frozen=True)
class ArchivedArticle:
    label: dict[str, Any]
    state: dict[str, Any]
    sentences: dict[str, Any] | None
    result: bytes | None


@dataclass(frozen=True)
class ArchivedJob:
    """A job as the durable store holds it: its finished articles only, by index."""

    meta: dict[str, Any]
    owner: str | None
    articles: dict[int, ArchivedArticle]


class ResultStore:
    """The interface. ``inline``: results are written with the article's state, into the
    job's Redis hash, by the job store itself (``save`` has nothing to do)."""

    inline: bool = False

    def save(self, article: FinishedArticle) -> None:
        """Keeps a finished article; a second save of the same article changes nothing."""

    def load(self, job_id: str, indices: Sequence[int]) -> dict[int, bytes]:
        """The encoded results of those articles that have one, by index."""
        raise NotImplementedError

    def archived(self, job_id: str, *, with_results: bool = True) -> ArchivedJob | None:
        """The job as kept here (None when this store keeps no jobs, or not this one)."""
        return None

    def delete(self, job_id: str) -> None:
        """Forgets the job's results."""

    def purge_expired(self) -> int:
        """Deletes the jobs whose retention has ended; returns how many."""
        return 0

    def ping(self) -> bool:
        """True when the store answers; raises ``ResultStoreUnavailable`` otherwise."""
        return True


def _binary_twin(client: redis.Redis) -> redis.Redis:
    """A client on the same server and options as ``client``, without decoding replies
    (compressed results are bytes, not text)."""
    pool = client.connection_pool
    kwargs = {**pool.connection_kwargs, "decode_responses": False}
    return redis.Redis(
        connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **kwargs)
    )


class RedisResults(ResultStore):
    """Results in the job's hash, field ``result:{index}``."""

    inline = True

    def __init__(self, client: redis.Redis, key: Callable[[str], str]) -> None:
        self._redis = _binary_twin(client)
        self._key = key

    def load(self, job_id: str, indices: Sequence[int]) -> dict[int, bytes]:
        if not indices:
            return {}
        values = self._redis.hmget(self._key(job_id), [f"result:{i}" for i in indices])
        return {
            i: v if isinstance(v, bytes) else str(v).encode()
            for i, v in zip(indices, values, strict=True)
            if v is not None
        }


# Processes that forked from one holding a pool must not touch (or close) its connections:
# their sockets are the parent's. Kept here so they are never garbage-collected either.
_INHERITED_POOLS: list[Any] = []


class PostgresResults(ResultStore):
    """Results in PostgreSQL (tables from ``ringkas/migrations``, applied on first use)."""

    def __init__(
        self,
        url: str,
        purge_interval_s: float = 600,
        pool_size: int = 4,
        connect_timeout_s: float = 5,
    ) -> None:
        self._url = url
        self._purge_interval_s = purge_interval_s
        self._pool_size = pool_size
        self._timeout_s = connect_timeout_s
        self._lock = threading.Lock()
        self._pool: ConnectionPool | None = None
        self._pid = 0
        self._next_purge = 0.0

    # --- connections ---------------------------------------------------------------------------

    def _get_pool(self) -> ConnectionPool:
        from psycopg_pool import ConnectionPool

        from ringkas.dbschema import apply_migrations

        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                return self._pool
            if self._pool is not None:
                _INHERITED_POOLS.append(self._pool)
            pool = ConnectionPool(
                self._url,
                min_size=1,
                max_size=self._pool_size,
                open=False,
                name="ringkas-results",
                kwargs={"autocommit": True, "connect_timeout": max(1, int(self._timeout_s))},
                check=ConnectionPool.check_connection,  # a PostgreSQL restart is survived
            )
            pool.open(wait=False)
            try:
                with pool.connection(timeout=self._timeout_s) as conn:
                    applied = apply_migrations(conn)
            except BaseException:
                pool.close()
                raise
            if applied:
                logger.info("result store: applied migrations %s", ", ".join(applied))
            self._pool, self._pid = pool, os.getpid()
            return pool

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self._get_pool().connection(timeout=self._timeout_s) as conn:
                yield conn
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise ResultStoreUnavailable(
                f"the result store (PostgreSQL) is unreachable: {exc}"
            ) from exc

    def close(self) -> None:
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.close()
            self._pool = None

    # --- the interface ---------------------------------------------------------------------------

    def save(self, article: FinishedArticle) -> None:
        from psycopg.types.json import Jsonb

        with self._connection() as conn, conn.transaction():
            conn.execute(
                "INSERT INTO ringkas_jobs (job_id, meta, owner, expires_at)"
                " VALUES (%s, %s, %s, now() + make_interval(secs => %s))"
                " ON CONFLICT (job_id) DO UPDATE SET expires_at = EXCLUDED.expires_at",
                (article.job_id, Jsonb(article.meta), article.owner, article.ttl_s),
            )
            conn.execute(
                "INSERT INTO ringkas_articles (job_id, idx, label, state, sentences, result)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (job_id, idx) DO NOTHING",
                (
                    article.job_id,
                    article.index,
                    Jsonb(article.label),
                    Jsonb(article.state),
                    None if article.sentences is None else Jsonb(article.sentences),
                    article.result,
                ),
            )
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + self._purge_interval_s
            try:
                self.purge_expired(max_batches=1)
            except ResultStoreUnavailable:
                logger.warning("result store: could not delete expired jobs", exc_info=True)

    def load(self, job_id: str, indices: Sequence[int]) -> dict[int, bytes]:
        if not indices:
            return {}
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT idx, result FROM ringkas_articles"
                " WHERE job_id = %s AND idx = ANY(%s) AND result IS NOT NULL",
                (job_id, list(indices)),
            ).fetchall()
        return {int(i): bytes(blob) for i, blob in rows}

    def archived(self, job_id: str, *, with_results: bool = True) -> ArchivedJob | None:
        result = "result" if with_results else "NULL"
        with self._connection() as conn:
            job = conn.execute(
                "SELECT meta, owner FROM ringkas_jobs WHERE job_id = %s AND expires_at > now()",
                (job_id,),
            ).fetchone()
            if job is None:
                return None
            rows = conn.execute(
                f"SELECT idx, label, state, sentences, {result} FROM ringkas_articles"
                " WHERE job_id = %s",
                (job_id,),
            ).fetchall()
        articles = {
            int(i): ArchivedArticle(label, state, sentences, None if blob is None else bytes(blob))
            for i, label, state, sentences, blob in rows
        }
        return ArchivedJob(meta=job[0], owner=job[1], articles=articles)

    def delete(self, job_id: str) -> None:
        with self._connection() as conn:
            conn.execute("DELETE FROM ringkas_jobs WHERE job_id = %s", (job_id,))

    def purge_expired(self, batch: int = 1000, max_batches: int | None = None) -> int:
        """Deletes expired jobs (their articles with them), ``batch`` jobs per statement, so
        a long backlog never holds one long transaction."""
        deleted = batches = 0
        with self._connection() as conn:
            while max_batches is None or batches < max_batches:
                cursor = conn.execute(
                    "DELETE FROM ringkas_jobs WHERE job_id IN (SELECT job_id FROM ringkas_jobs"
                    " WHERE expires_at <= now() LIMIT %s)",
                    (batch,),
                )
                deleted += cursor.rowcount
                batches += 1
                if cursor.rowcount < batch:
                    break
        return deleted

    def ping(self) -> bool:
        with self._connection() as conn:
            conn.execute("SELECT 1")
        return True


def make_result_store(settings: Settings) -> ResultStore | None:
    """The result store ``settings`` choose; None for Redis (the job store's own client)."""
    if settings.result_store == "redis":
        return None
    assert settings.database_url is not None  # Settings refuses postgresql without it
    return PostgresResults(settings.database_url, settings.result_purge_interval_s)
