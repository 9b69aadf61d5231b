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

from functools import lru_cache
from typing import Any

import redis.exceptions
from billiard.einfo import ExceptionInfo
from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.utils.log import get_task_logger

from ringkas.jobstore import ArticleState, JobNotFound, JobStore
from ringkas.settings import get_settings
from ringkas.workers.celery_app import PROCESS_ARTICLES, TRANSLATE_TEXT, app
from ringkas.workers.errors import SyncTaskError
from ringkas.workers.metered_store import MeteredJobStore
from ringkas.workers.progress import ThrottledProgress

logger = get_task_logger(__name__)

# Worth another try: the infrastructure hiccuped, the input is not at fault.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


@lru_cache(maxsize=1)
def job_store() -> JobStore:
    """This process's job store (one connection pool per worker process)."""
    settings = get_settings()
    # Rides out a Redis restart (about 30 s) rather than failing the article mid-write.
    return MeteredJobStore.from_url(settings.redis_url, settings.job_ttl_s, reconnect_s=30)


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
    busy. A redelivered or retried message, or a batch that raised something no single
    article can be blamed for, runs its unfinished articles one at a time, so an article
    that crashes or breaks the worker ends only itself.
    """
    store = job_store()
    limit = self.max_retries or 0
    try:
        pending = _unfinished(store, job_id, indices, limit)
    except JobNotFound as exc:
        # Expired, or withdrawn because the API could not enqueue all of its articles.
        logger.warning("dropping articles %s of job %s: %s", indices, job_id, exc)
        return
    started: list[int] = []
    fresh = self.request.retries == 0 and all(s.status == "queued" for s in pending.values())
    if fresh and len(pending) > 1:
        started = [i for i in pending if store.start(job_id, i, batched=True) is not None]
        try:
            _run(store, job_id, started)
            return
        except TRANSIENT_ERRORS:
            raise
        except SoftTimeLimitExceeded:
            _fail_all(store, job_id, started, soft_limit_message())
            return
        except Exception:
            logger.exception(
                "a batch of %d articles of job %s failed; running them one at a time",
                len(started),
                job_id,
            )
    for position, index in enumerate(pending):
        # start() writes nothing on a finished article; one started by the batch above may
        # have finished there.
        if index in started:
            if store.is_finished(job_id, index):
                continue
        elif store.start(job_id, index) is None:
            continue
        try:
            _run(store, job_id, [index])
        except TRANSIENT_ERRORS:
            raise
        except SoftTimeLimitExceeded:
            # No time is left for the rest of the message either.
            _fail_all(store, job_id, list(pending)[position:], soft_limit_message())
            return
        except Exception as exc:
            logger.exception("article %s of job %s failed", index, job_id)
            store.fail(job_id, index, failure_message(exc, limit))


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


def _run(store: JobStore, job_id: str, indices: list[int]) -> None:
    """Runs the model layer on started articles and stores each one's outcome."""
    from ringkas.models.pipeline import TASKS, ArticleRequest
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
            )
        )
    progress = [ThrottledProgress(store, job_id, index) for index in indices]
    outcomes = run_pipeline(requests, get_settings().pipeline_options(), progress)
    for index, outcome in zip(indices, outcomes, strict=True):
        if isinstance(outcome, Exception):
            # The input or the model setup is at fault: retrying would fail the same way.
            store.fail(job_id, index, str(outcome))
        else:
            store.succeed(job_id, index, outcome.model_dump(mode="json"))


def _fail_all(store: JobStore, job_id: str, indices: list[int], error: str) -> None:
    for index in indices:
        store.fail(job_id, index, error)


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
        options = get_settings().pipeline_options()
        result = run_translate(text, source_lang, options, glossary, check_adequacy=adequacy)
        return result.model_dump(mode="json")
    except ValidationError:
        raise  # a result that does not fit its schema is a bug, not the caller's input
    except (UnsupportedLanguage, ValueError) as exc:
        raise SyncTaskError("invalid_input", str(exc)) from None
    except ModelError as exc:
        raise SyncTaskError("model_error", str(exc)) from None
