"""The job store: jobs, their articles and per-article state, kept in Redis.

The API writes a job here before it enqueues anything, the workers write each article's
progress and result here, and a poll reads only from here — so a poll never depends on a
worker (or Celery's result backend, which reports unknown ids as PENDING) being alive.

Layout: one hash per job, ``ringkas:job:{job_id}``, with the fields

- ``meta``: ``{"job_id", "created_at", "tasks", "total"}``
- ``input:{i}``: ``{"id", "title", "text", "source_lang", "glossary", "format"}``
- ``state:{i}``: ``{"status", "attempts", "started_at", "finished_at", "error", "batched"}``
- ``result:{i}``: the article's result, written with its final state in one step; kept
  apart so that a status poll (``get(..., with_results=False)``) never reads or parses it.
  Encoded by ``ringkas/resultcodec.py`` (each text once, zstd); absent when the results
  live in PostgreSQL (``ringkas/resultstore.py``, ``RINGKAS_RESULT_STORE``)
- ``sentences:{i}``: ``{"done", "total"}``, the worker's running count of translated
  sentences (advisory: written without compare-and-set, absent until the worker starts)
- ``owner``: the submitting key's id; ``callback_url`` and ``deliveries``: the job's
  webhook and its delivery attempts (``ringkas.jobevents``, ``workers.webhooks``)

When an article succeeds, its ``input:{i}`` keeps only its labels (``id``, ``title``,
``source_lang``): its text is not needed any more, and its result holds the cleaned body.

The whole hash expires ``ttl_s`` after its last write. A job's status is derived from its
articles' states on read; there is no job-level status field for workers to race on.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from ringkas import resultcodec
from ringkas.resultstore import (
    ArchivedJob,
    FinishedArticle,
    RedisResults,
    ResultStore,
    ResultStoreUnavailable,
)

ArticleStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]
JobStatus = Literal["queued", "running", "succeeded", "failed", "partial", "cancelled"]
# A job has finished when every article has; "partial": some succeeded, some failed;
# "cancelled": DELETE /v1/jobs/{id} stopped it (articles finished before keep their results).
FINISHED: frozenset[JobStatus] = frozenset({"succeeded", "failed", "partial", "cancelled"})
ARTICLE_FINISHED: frozenset[ArticleStatus] = frozenset({"succeeded", "failed", "cancelled"})
KEY_PREFIX = "ringkas:job:"
LOST_ARTICLE = (
    "this article had not finished when the job store (Redis) lost the job's state; its "
    "task was lost with it: submit the article again"
)
logger = logging.getLogger(__name__)

# Compare-and-set of one hash field: write only if the field still holds what the caller
# read, so two workers (or a redelivered task) can never both move an article forward.
# Returns -1 when the job is gone, 0 when the field changed under us, 1 when written.
# ARGV[5], ARGV[6]…, when given, are more fields and values written with it.
_CAS_FIELD = """
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current == false then return -1 end
if current ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
for i = 5, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# Write a field only while the job exists: a progress report must not resurrect a deleted
# or expired job as a hash without its meta.
_SET_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
"""


class JobNotFound(LookupError):
    """No job with this id: never created, or expired after the TTL."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id!r} not found")
        self.job_id = job_id


@dataclass(frozen=True)
class ArticleInput:
    """An article as submitted."""

    text: str
    source_lang: str | None  # None: detected by the worker
    id: str | None = None
    title: str | None = None
    glossary: dict[str, str] | None = None
    format: str = "text"  # "html": text is an HTML document
    brief_mode: str = "full"  # "full" or "triage" (models.pipeline.ArticleRequest)


@dataclass(frozen=True)
class ArticleState:
    """Where one article of a job stands."""

    status: ArticleStatus = "queued"
    attempts: int = 0
    started_at: str | None = None
    finished_at: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    # Started together with other articles in one batch (workers.tasks): when a batch's
    # worker dies, any of its articles may be the cause, so that attempt is not held
    # against each of them.
    batched: bool = False

    @property
    def finished(self) -> bool:
        return self.status in ARTICLE_FINISHED


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    succeeded: int
    failed: int


@dataclass(frozen=True)
class SentenceProgress:
    """How many of an article's sentences the worker has translated."""

    done: int
    total: int


@dataclass(frozen=True)
class ArticleView:
    """One article of a job as a poll shows it: its input's labels and its state."""

    index: int
    input: ArticleInput
    state: ArticleState
    sentences: SentenceProgress | None = None


@dataclass(frozen=True)
class JobView:
    """A whole job as a poll shows it."""

    job_id: str
    created_at: str
    tasks: list[str]
    status: JobStatus
    progress: Progress
    articles: list[ArticleView]


def derive_status(states: Sequence[ArticleState]) -> JobStatus:
    """A job's status from its articles' states.

    All queued → queued; all finished → cancelled (any cancelled), succeeded, failed or
    partial (mixed); anything else (some running, or some finished and some still queued)
    → running.
    """
    if all(s.status == "queued" for s in states):
        return "queued"
    if not all(s.finished for s in states):
        return "running"
    if any(s.status == "cancelled" for s in states):
        return "cancelled"
    if all(s.status == "succeeded" for s in states):
        return "succeeded"
    if all(s.status == "failed" for s in states):
        return "failed"
    return "partial"


def progress_of(states: Sequence[ArticleState]) -> Progress:
    succeeded = sum(s.status == "succeeded" for s in states)
    failed = sum(s.status == "failed" for s in states)
    return Progress(done=succeeded + failed, total=len(states), succeeded=succeeded, failed=failed)


def _state(raw: str | bytes, result: str | bytes | None) -> ArticleState:
    state = ArticleState(**json.loads(raw))
    return replace(state, result=resultcodec.decode(result)) if result is not None else state


def _sentences(raw: str | bytes | None) -> SentenceProgress | None:
    return SentenceProgress(**json.loads(raw)) if raw else None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _job_view(meta: dict[str, Any], articles: list[ArticleView]) -> JobView:
    states = [a.state for a in articles]
    return JobView(
        job_id=meta["job_id"],
        created_at=meta["created_at"],
        tasks=meta["tasks"],
        status=derive_status(states),
        progress=progress_of(states),
        articles=articles,
    )


class JobStore:
    """Jobs in Redis. Every method raises `JobNotFound` for an unknown or expired job."""

    def __init__(self, client: redis.Redis, ttl_s: int, results: ResultStore | None = None) -> None:
        """Args:
        client: A Redis client created with ``decode_responses=True``.
        ttl_s: Seconds a job is kept after its last write.
        results: Where finished articles' results live; default: the job's hash.
        """
        self._redis = client
        self._ttl_s = ttl_s
        self._results = results or RedisResults(client, self.key)
        self._cas = client.register_script(_CAS_FIELD)
        self._set_if_exists = client.register_script(_SET_IF_EXISTS)

    @classmethod
    def from_url(
        cls,
        redis_url: str,
        ttl_s: int,
        reconnect_s: float = 0,
        results: ResultStore | None = None,
    ) -> JobStore:
        """A store on ``redis_url``.

        ``reconnect_s``: how long each command keeps retrying while Redis is unreachable
        (a restart), about a second apart. Workers ride out a Redis restart this way instead
        of failing the article they are writing; the API answers 503 at once (0).
        """
        options: dict[str, Any] = {}
        if reconnect_s > 0:
            options["retry"] = Retry(
                ExponentialBackoff(cap=1.0, base=0.1), retries=int(reconnect_s) + 4
            )
            options["retry_on_error"] = [redis.ConnectionError, redis.TimeoutError]
        client = redis.Redis.from_url(redis_url, decode_responses=True, **options)
        return cls(client, ttl_s, results)

    @property
    def client(self) -> redis.Redis:
        """The Redis client, for modules that keep their own fields on a job's hash
        (``ringkas.jobevents``: ``callback_url``, ``deliveries``)."""
        return self._redis

    @staticmethod
    def key(job_id: str) -> str:
        return f"{KEY_PREFIX}{job_id}"

    @staticmethod
    def finish_channel(job_id: str) -> str:
        """The pub/sub channel that hears the index of each article of the job as it
        finishes (``service.waiting`` listens to it)."""
        return f"{KEY_PREFIX}{job_id}:finished"

    def ping(self) -> bool:
        """True when Redis answers; raises redis' ConnectionError when it does not."""
        return bool(self._redis.ping())

    @property
    def results(self) -> ResultStore:
        """Where this store keeps finished articles' results."""
        return self._results

    # --- the API's side ----------------------------------------------------------------------

    def create(
        self,
        articles: Sequence[ArticleInput],
        tasks: Sequence[str],
        owner: str | None = None,
        callback_url: str | None = None,
    ) -> str:
        """Records a new job with every article queued, all at once; returns its id.

        ``owner``: the API key id that submitted it (None in open mode).
        ``callback_url``: where the job's status is POSTed once it has finished
        (``workers.webhooks``), kept in the field ``callback_url``.
        """
        if not articles:
            raise ValueError("a job needs at least one article")
        job_id = uuid.uuid4().hex
        meta = {
            "job_id": job_id,
            "created_at": _now(),
            "tasks": list(tasks),
            "total": len(articles),
        }
        fields: dict[Any, str] = {"meta": _dumps(meta)}
        for i, article in enumerate(articles):
            fields[f"input:{i}"] = _dumps(asdict(article))
            fields[f"state:{i}"] = _dumps(asdict(ArticleState()))
        if owner is not None:
            fields["owner"] = owner
        if callback_url is not None:
            fields["callback_url"] = callback_url
        # MULTI/EXEC: a reader sees the whole job or none of it, never one without its TTL.
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.key(job_id), mapping=fields)
            pipe.expire(self.key(job_id), self._ttl_s)
            pipe.execute()
        return job_id

    def get(self, job_id: str, *, with_results: bool = True) -> JobView:
        """The job with its derived status, progress and every article.

        ``with_results=False`` leaves the articles' results out (``None``) without reading
        them: a status poll of a large job stays cheap. A job that Redis no longer holds is
        read from the durable result store, when it keeps it (``_archived_view``).
        """
        key = self.key(job_id)
        try:
            total = self._total(job_id)
        except JobNotFound:
            return self._archived_view(job_id, with_results)
        names = ["meta"] + [
            f"{kind}:{i}" for i in range(total) for kind in ("input", "state", "sentences")
        ]
        values = self._redis.hmget(key, names)
        fields = {n: v for n, v in zip(names, values, strict=True) if v is not None}
        if "meta" not in fields:
            raise JobNotFound(job_id)
        meta = json.loads(fields["meta"])
        articles = [
            ArticleView(
                index=i,
                input=ArticleInput(**json.loads(fields[f"input:{i}"])),
                state=_state(fields[f"state:{i}"], None),
                sentences=_sentences(fields.get(f"sentences:{i}")),
            )
            for i in range(meta["total"])
        ]
        if with_results:
            articles = self._with_results(job_id, articles)
        return _job_view(meta, articles)

    def status(self, job_id: str) -> JobStatus:
        """The job's derived status alone: reads its articles' states and nothing else (a
        worker asks after every article it finishes)."""
        try:
            total = self._total(job_id)
        except JobNotFound:
            return self._archived_view(job_id, with_results=False).status
        raws = self._redis.hmget(self.key(job_id), [f"state:{i}" for i in range(total)])
        states = [_state(raw, None) for raw in raws if raw is not None]
        if len(states) < total:  # expired between the two reads
            raise JobNotFound(job_id)
        return derive_status(states)

    def _with_results(self, job_id: str, articles: list[ArticleView]) -> list[ArticleView]:
        """The articles with the results of those that succeeded, from the result store."""
        done = [a.index for a in articles if a.state.status == "succeeded"]
        blobs = self._results.load(job_id, done)
        return [
            replace(a, state=replace(a.state, result=resultcodec.decode(blobs[a.index])))
            if a.index in blobs
            else a
            for a in articles
        ]

    def _archived(self, job_id: str, with_results: bool = False) -> ArchivedJob:
        """The job from the durable result store; ``JobNotFound`` where it has none."""
        archived = self._results.archived(job_id, with_results=with_results)
        if archived is None:
            raise JobNotFound(job_id)
        return archived

    def _archived_view(self, job_id: str, with_results: bool) -> JobView:
        """A job that Redis lost (or expired) as the durable result store keeps it.

        Only its finished articles are there; one that had not finished when Redis lost
        the job can never finish (its queued task went with it), so it reads as failed.
        """
        archived = self._archived(job_id, with_results)
        meta = archived.meta
        articles = []
        for i in range(meta["total"]):
            kept = archived.articles.get(i)
            if kept is None:
                articles.append(
                    ArticleView(
                        index=i,
                        input=ArticleInput(text="", source_lang=None),
                        state=ArticleState(status="failed", error=LOST_ARTICLE),
                    )
                )
                continue
            state = ArticleState(**kept.state)
            if kept.result is not None:
                state = replace(state, result=resultcodec.decode(kept.result))
            articles.append(
                ArticleView(
                    index=i,
                    input=ArticleInput(**kept.label),
                    state=state,
                    sentences=SentenceProgress(**kept.sentences) if kept.sentences else None,
                )
            )
        return _job_view(meta, articles)

    def _total(self, job_id: str) -> int:
        """How many articles the job has; raises ``JobNotFound``."""
        raw_meta = self._redis.hget(self.key(job_id), "meta")
        if raw_meta is None:
            raise JobNotFound(job_id)
        return int(json.loads(raw_meta)["total"])

    def owner(self, job_id: str) -> str | None:
        """The API key id that submitted the job; None when submitted in open mode."""
        meta, owner = self._redis.hmget(self.key(job_id), ["meta", "owner"])
        if meta is None:
            return self._archived(job_id).owner
        return None if owner is None else str(owner)

    def delete(self, job_id: str) -> None:
        """Removes a job (used when it could not be enqueued); unknown ids are ignored."""
        self._redis.delete(self.key(job_id))
        try:
            self._results.delete(job_id)
        except ResultStoreUnavailable:
            # Its rows, if any, go when its retention ends (resultstore.purge_expired).
            logger.warning("could not delete the results of job %s", job_id, exc_info=True)

    def ttl(self, job_id: str) -> int:
        """Seconds until the job expires."""
        ttl = int(self._redis.ttl(self.key(job_id)))
        if ttl == -2:
            raise JobNotFound(job_id)
        return ttl

    # --- the workers' side -------------------------------------------------------------------

    def load_article(self, job_id: str, index: int) -> tuple[ArticleInput, list[str]]:
        """An article's input and the job's tasks."""
        meta, raw = self._redis.hmget(self.key(job_id), ["meta", f"input:{index}"])
        if meta is None:
            raise JobNotFound(job_id)
        if raw is None:
            raise IndexError(f"job {job_id!r} has no article {index}")
        return ArticleInput(**json.loads(raw)), json.loads(meta)["tasks"]

    def article_state(self, job_id: str, index: int) -> ArticleState:
        raw = self._redis.hget(self.key(job_id), f"state:{index}")
        if raw is None:
            if not self._redis.exists(self.key(job_id)):
                raise JobNotFound(job_id)
            raise IndexError(f"job {job_id!r} has no article {index}")
        state = _state(raw, None)
        if state.status != "succeeded":
            return state
        blob = self._results.load(job_id, [index]).get(index)
        return state if blob is None else replace(state, result=resultcodec.decode(blob))

    def is_finished(self, job_id: str, index: int) -> bool:
        """Whether the article already succeeded or failed (a redelivered task skips it)."""
        return self.article_state(job_id, index).finished

    def start(self, job_id: str, index: int, *, batched: bool = False) -> ArticleState | None:
        """Marks the article running and counts an attempt (``batched``: as one of a batch).

        Returns the new state, or None when the article is already finished, in which case
        nothing is written.
        """
        return self._update(
            job_id,
            index,
            lambda s: replace(
                s,
                status="running",
                attempts=s.attempts + 1,
                batched=s.batched or batched,
                started_at=_now(),
                finished_at=None,
                error=None,
            ),
        )

    def succeed(self, job_id: str, index: int, result: dict[str, Any]) -> bool:
        """Stores the article's result. False (nothing written) if it was already finished."""
        return self._finish(job_id, index, result=result, error=None)

    def fail(self, job_id: str, index: int, error: str) -> bool:
        """Stores the article's error. False (nothing written) if it was already finished."""
        return self._finish(job_id, index, result=None, error=error)

    def cancel(self, job_id: str) -> list[int]:
        """Marks every unfinished article (queued or running) cancelled; returns their
        indices. A worker skips a cancelled article, stops a running one at its next batch
        (``workers.cancel``) and writes nothing over it; finished articles are untouched."""
        cancelled = []
        for index in range(self._total(job_id)):
            # Finishing: a durable result store records the cancelled state too.
            written = self._update(
                job_id,
                index,
                lambda s: replace(s, status="cancelled", finished_at=_now()),
                finishing=True,
            )
            if written is not None:
                cancelled.append(index)
                self._redis.publish(self.finish_channel(job_id), index)
        return cancelled

    def report_sentences(self, job_id: str, index: int, done: int, total: int) -> bool:
        """Records how many sentences of the article are translated; False if the job is gone."""
        value = _dumps({"done": done, "total": total})
        return bool(
            self._set_if_exists(keys=[self.key(job_id)], args=[f"sentences:{index}", value])
        )

    # --- internals ---------------------------------------------------------------------------

    def _finish(
        self, job_id: str, index: int, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        status: ArticleStatus = "failed" if error is not None else "succeeded"
        written = self._update(
            job_id,
            index,
            lambda s: replace(s, status=status, finished_at=_now(), error=error),
            result,
            finishing=True,
        )
        if written is not None:
            self._redis.publish(self.finish_channel(job_id), index)
        return written is not None

    def _update(
        self,
        job_id: str,
        index: int,
        change: Callable[[ArticleState], ArticleState],
        result: dict[str, Any] | None = None,
        finishing: bool = False,
    ) -> ArticleState | None:
        """Applies ``change`` to an unfinished article atomically, writing ``result`` with it
        when given; None if the article is finished. ``finishing``: the change finishes
        the article (``_finished_fields``)."""
        key, field = self.key(job_id), f"state:{index}"
        blob = None if result is None else resultcodec.encode(result)
        while True:
            raw = self._redis.hget(key, field)
            if raw is None:
                self.article_state(job_id, index)  # raises JobNotFound or IndexError
                continue
            current = ArticleState(**json.loads(raw))
            if current.finished:
                return None
            new = change(current)
            args: list[Any] = [field, raw, _dumps(asdict(new)), self._ttl_s]
            if finishing:
                args += self._finished_fields(job_id, index, new, blob)
            outcome = self._cas(keys=[key], args=args)
            if outcome == 1:
                return replace(new, result=result)
            if outcome == -1:
                raise JobNotFound(job_id)
            # 0: another writer got there first; read again and decide again.

    def _finished_fields(
        self, job_id: str, index: int, state: ArticleState, blob: bytes | None
    ) -> list[Any]:
        """The fields written with an article's final state, as field, value, …

        A durable result store gets the article first, so that no reader ever sees it
        finished before its result can be read (a second save changes nothing: the first
        finish wins, in both stores).
        """
        key = self.key(job_id)
        meta, owner, raw_input, sentences = self._redis.hmget(
            key, ["meta", "owner", f"input:{index}", f"sentences:{index}"]
        )
        if meta is None:
            raise JobNotFound(job_id)
        if raw_input is None:
            raise IndexError(f"job {job_id!r} has no article {index}")
        label = {**json.loads(raw_input), "text": "", "glossary": None}
        if not self._results.inline:
            self._results.save(
                FinishedArticle(
                    job_id=job_id,
                    index=index,
                    meta=json.loads(meta),
                    owner=None if owner is None else str(owner),
                    label=label,
                    state=asdict(replace(state, result=None)),
                    sentences=json.loads(sentences) if sentences else None,
                    result=blob,
                    ttl_s=self._ttl_s,
                )
            )
        fields: list[Any] = []
        if state.status == "succeeded":
            fields += [f"input:{index}", _dumps(label)]  # the text is no longer needed
        if blob is not None and self._results.inline:
            fields += [f"result:{index}", blob]
        return fields
