"""Celery tasks: thin — read the input, call the model layer, write the outcome, retry.

``models`` is imported inside the task bodies, never at module level: the model layer
(and torch) loads lazily, once per worker process, on the first task.

An article's state in the job store is the source of truth, not Celery's result: the
article task stores no Celery result, and every way it can end — success, model error,
time limit, retries exhausted, an unexpected bug — ends with the article finished in the
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

from ringkas.jobstore import JobNotFound, JobStore
from ringkas.settings import get_settings
from workers.celery_app import PROCESS_ARTICLE, TRANSLATE_TEXT, app
from workers.errors import SyncTaskError
from workers.metered_store import MeteredJobStore
from workers.progress import ThrottledProgress

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


class ArticleTask(Task):
    """Records a final failure on the article, whatever raised it.

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
        job_id, index = _article_address(args, kwargs)
        try:
            job_store().fail(job_id, index, failure_message(exc, self.max_retries or 0))
        except (JobNotFound, IndexError, redis.exceptions.RedisError):
            logger.exception("could not record the failure of article %s of job %s", index, job_id)


def _article_address(args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[str, int]:
    values = {**dict(zip(("job_id", "index"), args, strict=False)), **kwargs}
    return str(values["job_id"]), int(values["index"])


@app.task(
    name=PROCESS_ARTICLE,
    base=ArticleTask,
    bind=True,
    ignore_result=True,
    autoretry_for=TRANSIENT_ERRORS,
    max_retries=get_settings().task_max_retries,
    retry_backoff=2,
    retry_backoff_max=60,
    retry_jitter=True,
)
def process_article(self: Task, job_id: str, index: int) -> None:
    """Translates and/or briefs article ``index`` of job ``job_id``; writes the outcome."""
    from models.errors import ModelError
    from models.pipeline import TASKS, ArticleRequest
    from models.pipeline import process_article as run_pipeline

    settings = get_settings()
    store = job_store()
    try:
        state = store.article_state(job_id, index)
        # A worker killed mid-article (OOM, crash) gets its message redelivered
        # (task_reject_on_worker_lost); stop an article that keeps killing workers. Runs
        # after a transient error count too: together they get max_retries + 1 attempts.
        if state.status == "running" and state.attempts > (self.max_retries or 0):
            store.fail(
                job_id,
                index,
                f"gave up after {state.attempts} attempts: the worker processing this "
                "article was lost (crashed or ran out of memory)",
            )
            return
        if store.start(job_id, index) is None:
            logger.info("article %s of job %s is already finished; skipping", index, job_id)
            return
        article, tasks = store.load_article(job_id, index)
    except (JobNotFound, IndexError) as exc:
        # Expired, or withdrawn because the API could not enqueue all of its articles.
        logger.warning("dropping article %s of job %s: %s", index, job_id, exc)
        return

    request = ArticleRequest(
        text=article.text,
        source_lang=article.source_lang,
        title=article.title,
        tasks=tuple(t for t in TASKS if t in tasks),
        glossary=article.glossary,
    )
    try:
        result = run_pipeline(request, settings, ThrottledProgress(store, job_id, index))
    except SoftTimeLimitExceeded:
        store.fail(
            job_id,
            index,
            f"processing took longer than {settings.task_soft_time_limit_s} s "
            "(RINGKAS_TASK_SOFT_TIME_LIMIT_S) and was stopped",
        )
        return
    except (ModelError, ValueError) as exc:
        # The input or the model setup is at fault: retrying would fail the same way.
        store.fail(job_id, index, str(exc))
        return
    store.succeed(job_id, index, result)


@app.task(name=TRANSLATE_TEXT)
def translate_text(
    text: str, source_lang: str | None, glossary: dict[str, str] | None = None
) -> dict[str, Any]:
    """Translates a short text for ``POST /v1/translate``; returns the model layer's dict."""
    from models.errors import ModelError, UnsupportedLanguage
    from models.pipeline import translate_text as run_translate

    try:
        return run_translate(text, source_lang, get_settings(), glossary)
    except (UnsupportedLanguage, ValueError) as exc:
        raise SyncTaskError("invalid_input", str(exc)) from None
    except ModelError as exc:
        raise SyncTaskError("model_error", str(exc)) from None
