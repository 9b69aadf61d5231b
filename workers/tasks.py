"""Celery tasks: thin — read the input, call the model layer, write the outcome, retry.

``models`` is imported inside the task bodies, never at module level: the model layer
(and torch) loads lazily, once per worker process, on the first task.

A job's articles travel in messages of a few articles each (``service.queue``). An
article's state in the job store is the source of truth, not Celery's result: the task
stores no Celery result, and every way it can end — success, model error, time limit,
retries exhausted, an unexpected bug — ends with each of its articles finished in the
store, never left ``running``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import redis.exceptions
from billiard.einfo import ExceptionInfo
from celery import Task, signals
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.utils.log import get_task_logger
from kombu.utils.uuid import uuid

from ringkas.jobstore import ArticleState, JobNotFound, JobStore
from ringkas.leases import ArticleRef, handoff
from ringkas.resultstore import make_result_store
from ringkas.settings import get_settings
from ringkas.workers import leasing
from ringkas.workers.cancel import ArticleCancelled, StopIfCancelled
from ringkas.workers.celery_app import PROCESS_ARTICLES, TRANSLATE_TEXT, app
from ringkas.workers.errors import SyncTaskError
from ringkas.workers.metered_store import MeteredJobStore
from ringkas.workers.progress import ThrottledProgress

if TYPE_CHECKING:
    from ringkas.models.memory import TranslationMemory
    from ringkas.models.options import PipelineOptions

logger = get_task_logger(__name__)

# Worth another try: the infrastructure hiccuped, the input is not at fault.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    # Redis at its maxmemory (noeviction): room comes back as jobs expire.
    redis.exceptions.OutOfMemoryError,
    ConnectionError,  # the PostgreSQL result store's ResultStoreUnavailable among them
    TimeoutError,
)


def pipeline_options() -> PipelineOptions:
    """The model layer's options, with this process's translation memory plugged in."""
    settings = get_settings()
    memory = _translation_memory(
        settings.translation_memory,
        settings.redis_url,
        settings.translation_memory_ttl_s,
        settings.translation_memory_max_entries,
    )
    return replace(settings.pipeline_options(), translation_memory=memory)


@lru_cache(maxsize=4)
def _translation_memory(
    enabled: bool, redis_url: str, ttl_s: int, max_entries: int
) -> TranslationMemory | None:
    """One memory (one connection pool) per process and configuration; ``None`` when off."""
    if not enabled:
        return None
    from ringkas.translation_memory import RedisTranslationMemory

    return RedisTranslationMemory.from_url(redis_url, ttl_s, max_entries)


@lru_cache(maxsize=1)
def job_store() -> JobStore:
    """This process's job store (one connection pool per worker process)."""
    settings = get_settings()
    # Rides out a Redis restart (about 30 s) rather than failing the article mid-write.
    return MeteredJobStore.from_url(
        settings.redis_url,
        settings.job_ttl_s,
        reconnect_s=settings.store_reconnect_s,
        results=make_result_store(settings),
    )


@lru_cache(maxsize=4)
def _keeper(pid: int) -> leasing.Keeper:
    return leasing.Keeper(requeue_alone)


def keeper() -> leasing.Keeper:
    """This process's lease keeper (a thread, started with the pool process)."""
    return _keeper(os.getpid())


@signals.worker_process_init.connect
def _start_keeper(**kwargs: Any) -> None:
    # From the start, not the first task: an idle worker sweeps for a dead one too.
    keeper()


def failure_message(exc: BaseException, max_retries: int) -> str:
    """What a user reads on an article that failed outside the model layer."""
    settings = get_settings()
    if isinstance(exc, TimeLimitExceeded):
        return (
            f"processing took longer than {settings.task_time_limit_s} s "
            "(RINGKAS_TASK_TIME_LIMIT_S); the worker process was stopped"
        )
    if isinstance(exc, TRANSIENT_ERRORS):
        return f"gave up after {max_retries} retries: {type(exc).__name__}: {exc}"
    return f"internal error: {type(exc).__name__}: {exc}"


def soft_limit_message() -> str:
    return (
        f"processing took longer than {get_settings().task_soft_time_limit_s} s "
        "(RINGKAS_TASK_SOFT_TIME_LIMIT_S) and was stopped"
    )


class ArticlesTask(Task):
    """Records a final failure on the task's unfinished articles, whatever raised it.

    Celery calls ``on_failure`` once retries are exhausted, for unexpected exceptions, and
    (in the worker's main process) when the hard time limit killed the child.
    """

    def on_failure(
        self,
        exc: BaseException,
        task_id: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        einfo: ExceptionInfo | None,
    ) -> None:
        values = {**dict(zip(("job_id", "indices"), args, strict=False)), **kwargs}
        job_id = str(values["job_id"])
        for index in values["indices"]:
            try:
                # fail() writes nothing on an article that already finished.
                job_store().fail(job_id, int(index), failure_message(exc, self.max_retries or 0))
            except (JobNotFound, IndexError, redis.exceptions.RedisError):
                logger.exception(
                    "could not record the failure of article %s of job %s", index, job_id
                )


@app.task(
    name=PROCESS_ARTICLES,
    base=ArticlesTask,
    bind=True,
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=get_settings().task_max_retries,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def process_articles(self: Task, job_id: str, indices: list[int]) -> None:
    """Translates and/or briefs articles ``indices`` of job ``job_id``; writes each outcome.

    A message delivered for the first time runs its articles as one batch: their sentences
    are translated together (``models.pipeline.process_articles``), which keeps the engine
    busy, and each article's outcome is stored as soon as it is complete. What a batch
    leaves unfinished (a time limit, a bug no single article can be blamed for), and every
    article of a redelivered or retried message, is handed to a task of its own, with its
    own time budget: an article that crashes, breaks or outlasts the worker ends only
    itself. Each article is leased while it runs (``workers.leasing``).

    Cancelled articles are finished to the store: they are skipped like any finished one,
    and one cancelled while running stops at its next batch (``workers.cancel``).
    """
    try:
        _process_articles(self, job_id, indices)
    except JobNotFound as exc:  # purged (DELETE ?purge=true) while it ran
        logger.warning("dropping articles %s of job %s: %s", indices, job_id, exc)


def _process_articles(self: Task, job_id: str, indices: list[int]) -> None:
    store = job_store()
    limit = self.max_retries or 0
    try:
        pending = _unfinished(store, job_id, indices, limit)
    except JobNotFound as exc:
        # Expired, or withdrawn because the API could not enqueue all of its articles.
        logger.warning("dropping articles %s of job %s: %s", indices, job_id, exc)
        return
    fresh = self.request.retries == 0 and all(s.status == "queued" for s in pending.values())
    if len(pending) > 1 and not fresh:
        _hand_over_each(job_id, list(pending))
        return
    batched = len(pending) > 1
    task_id = str(self.request.id or "")
    started = [i for i in pending if _claim(store, job_id, i, task_id, batched=batched)]
    try:
        if batched:
            _run_batch(store, job_id, started)
        elif started:
            _run_alone(store, job_id, started[0], limit)
    finally:
        _let_go(store, job_id, started)


def _unfinished(
    store: JobStore, job_id: str, indices: list[int], max_retries: int
) -> dict[int, ArticleState]:
    """The articles still to run, by index; gives up those that keep killing workers."""
    pending: dict[int, ArticleState] = {}
    for index in indices:
        try:
            state = store.article_state(job_id, index)
        except IndexError as exc:
            logger.warning("dropping article %s of job %s: %s", index, job_id, exc)
            continue
        if state.finished:
            logger.info("article %s of job %s is already finished; skipping", index, job_id)
            continue
        # A worker killed mid-article (OOM, crash) gets its message redelivered
        # (task_reject_on_worker_lost); stop an article that keeps killing workers. Runs
        # after a transient error count too: together they get max_retries + 1 attempts,
        # plus the batch attempt, which a crash of any article of the batch may have cost.
        if state.status == "running" and state.attempts - state.batched > max_retries:
            store.fail(
                job_id,
                index,
                f"gave up after {state.attempts} attempts: the worker processing this "
                "article was lost (crashed or ran out of memory)",
            )
            continue
        pending[index] = state
    return pending


def _claim(store: JobStore, job_id: str, index: int, task_id: str, *, batched: bool) -> bool:
    """Leases and starts the article; False when another worker holds it or it finished."""
    ref = ArticleRef(job_id, index)
    if not leasing.lease_store().claim(ref, leasing.owner_id(), handoff(task_id)):
        logger.info("article %s of job %s is leased to another task; skipping", index, job_id)
        return False
    if store.start(job_id, index, batched=batched) is None:
        leasing.lease_store().release(ref, leasing.owner_id())
        return False
    keeper().hold(ref)
    return True


def _run_batch(store: JobStore, job_id: str, started: list[int]) -> None:
    try:
        _run(store, job_id, started)
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        # The finished articles are stored; the rest get a time budget of their own.
        rest = _still_unfinished(store, job_id, started)
        logger.warning(
            "a batch of job %s hit the soft time limit with %d of %d articles unfinished; "
            "running each of them as a task of its own",
            job_id,
            len(rest),
            len(started),
        )
        _hand_over_each(job_id, rest)
    except ArticleCancelled as exc:
        # Its job was cancelled: the cancelled articles count as finished, so none is left.
        logger.info("batch stopped: %s", exc)
        _hand_over_each(job_id, _still_unfinished(store, job_id, started))
    except Exception:
        logger.exception(
            "a batch of %d articles of job %s failed; running them one at a time",
            len(started),
            job_id,
        )
        _hand_over_each(job_id, _still_unfinished(store, job_id, started))


def _run_alone(store: JobStore, job_id: str, index: int, limit: int) -> None:
    try:
        _run(store, job_id, [index])
    except TRANSIENT_ERRORS:
        raise
    except SoftTimeLimitExceeded:
        store.fail(job_id, index, soft_limit_message())
    except ArticleCancelled as exc:
        logger.info("stopped: %s", exc)
    except Exception as exc:
        logger.exception("article %s of job %s failed", index, job_id)
        store.fail(job_id, index, failure_message(exc, limit))


def _still_unfinished(store: JobStore, job_id: str, indices: list[int]) -> list[int]:
    return [i for i in indices if not store.is_finished(job_id, i)]


def requeue_alone(ref: ArticleRef) -> bool:
    """Sends the article in a task of its own (reserved for that task by its lease); False
    when another worker holds its lease."""
    settings = get_settings()
    task_id = uuid()
    # The reservation covers the wait in the queue (the broker keeps the message, and
    # redelivers it if its worker dies before claiming); it runs out, and the sweep sends the
    # article again, only if the message itself was lost. Long, so that a long queue does not
    # fill up with copies (a stale copy finds the article reserved and skips it).
    ttl_ms = int(10 * max(settings.lease_s, settings.broker_visibility_timeout_s) * 1000)
    if not leasing.lease_store().hand_over(ref, leasing.owner_id(), task_id, ttl_ms):
        return False
    process_articles.apply_async(args=[ref.job_id, [ref.index]], task_id=task_id)
    return True


def _hand_over_each(job_id: str, indices: list[int]) -> None:
    for index in indices:
        ref = ArticleRef(job_id, index)
        keeper().drop(ref)
        if not requeue_alone(ref):
            logger.info("article %s of job %s is leased to another task; left to it", index, job_id)


def _let_go(store: JobStore, job_id: str, started: list[int]) -> None:
    """Stops renewing the task's leases; releases those of finished articles. An unfinished
    one (the task is failing) keeps its lease until it runs out and the sweep takes it."""
    for index in started:
        ref = ArticleRef(job_id, index)
        keeper().drop(ref)
        try:
            if store.is_finished(job_id, index):
                leasing.lease_store().release(ref, leasing.owner_id())
        except (JobNotFound, IndexError, redis.exceptions.RedisError):
            pass


def _run(store: JobStore, job_id: str, indices: list[int]) -> None:
    """Runs the model layer on started articles and stores each outcome once it is complete."""
    from ringkas.models.pipeline import TASKS, ArticleOutcome, ArticleRequest
    from ringkas.models.pipeline import process_articles as run_pipeline

    requests = []
    for index in indices:
        article, tasks = store.load_article(job_id, index)
        requests.append(
            ArticleRequest(
                text=article.text,
                source_lang=article.source_lang,
                title=article.title,
                tasks=tuple(t for t in TASKS if t in tasks),
                glossary=article.glossary,
                format="html" if article.format == "html" else "text",
                brief_mode="triage" if article.brief_mode == "triage" else "full",
            )
        )
    stored: set[int] = set()

    def store_outcome(position: int, outcome: ArticleOutcome) -> None:
        _until_stored(lambda: _store_outcome(store, job_id, indices[position], outcome))
        stored.add(position)

    # Progress is best effort, on a client that fails at once while Redis is down.
    # A cancelled job stops its articles at their next batch (workers.cancel).
    quick = leasing.quick_store()
    progress = [
        StopIfCancelled(quick, job_id, index, ThrottledProgress(quick, job_id, index))
        for index in indices
    ]
    outcomes = run_pipeline(requests, pipeline_options(), progress, store_outcome)
    for position, outcome in enumerate(outcomes):
        if position not in stored:
            store_outcome(position, outcome)


def _store_outcome(store: JobStore, job_id: str, index: int, outcome: object) -> None:
    if isinstance(outcome, Exception):
        # The input or the model setup is at fault: retrying would fail the same way.
        store.fail(job_id, index, str(outcome))
    else:
        store.succeed(job_id, index, outcome.model_dump(mode="json"))  # type: ignore[attr-defined]


def _until_stored(write: Callable[[], None]) -> None:
    """Retries an outcome write while Redis is unreachable, within the task's soft time
    limit: finished work is not given up for an outage the store's own retries did not
    outlast (the message stays unacknowledged meanwhile)."""
    deadline = time.monotonic() + get_settings().task_soft_time_limit_s
    while True:
        try:
            write()
            return
        except TRANSIENT_ERRORS as exc:
            if time.monotonic() > deadline:
                raise
            logger.warning("could not store an article's outcome (%s); trying again", exc)
            time.sleep(1)


@app.task(name=TRANSLATE_TEXT)
def translate_text(
    text: str,
    source_lang: str | None,
    glossary: dict[str, str] | None = None,
    adequacy: bool = False,
) -> dict[str, Any]:
    """Translates a short text for ``POST /v1/translate``; returns the model layer's dict."""
    from pydantic import ValidationError

    from ringkas.models.errors import ModelError, UnsupportedLanguage
    from ringkas.models.pipeline import translate_text as run_translate

    try:
        result = run_translate(
            text, source_lang, pipeline_options(), glossary, check_adequacy=adequacy
        )
        return result.model_dump(mode="json")
    except ValidationError:
        raise  # a result that does not fit its schema is a bug, not the caller's input
    except (UnsupportedLanguage, ValueError) as exc:
        raise SyncTaskError("invalid_input", str(exc)) from None
    except ModelError as exc:
        raise SyncTaskError("model_error", str(exc)) from None
