"""The HTTP endpoints. Handlers validate, talk to the job store and the queue, and answer.

Handlers whose work is short blocking Redis calls are plain ``def``: FastAPI runs them in
its thread pool instead of on the event loop. Handlers that wait (``get_job`` up to a
minute, ``translate`` for a worker) are ``async`` and wait on the event loop, through the
process's shared pub/sub `Listener`, holding no thread: 60 waiting translations once held
every thread of the pool and froze every other request. Their short Redis reads go
through the pool.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

import redis.exceptions
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ringkas.jobevents import webhook_of
from ringkas.joblist import JobIndex
from ringkas.jobstore import ArticleInput, JobStore, JobView
from ringkas.metrics import MetricsStore
from ringkas.progress import estimate
from ringkas.redismemory import MemoryGuard
from ringkas.report import markdown_document
from ringkas.service import limits
from ringkas.service.auth import AccessDep
from ringkas.service.deps import (
    get_job_index,
    get_memory_guard,
    get_metrics,
    get_queue,
    get_settings,
    get_store,
    get_sync_slots,
    get_usage_gate,
    listener_for,
)
from ringkas.service.errors import ApiError
from ringkas.service.jsonbody import StrictJsonRoute
from ringkas.service.queue import (
    BROKER_ERRORS,
    QueueUnavailable,
    TaskQueue,
    WorkerFailed,
    WorkerTimeout,
    group_articles,
)
from ringkas.service.schemas import (
    DeliveryOut,
    ErrorOut,
    Health,
    JobAccepted,
    JobOut,
    JobRequest,
    Readiness,
    TranslateOut,
    TranslateRequest,
)
from ringkas.service.syncslots import SyncSlots
from ringkas.service.usagegate import UsageGate
from ringkas.service.waiting import wait_until_finished
from ringkas.settings import Settings
from ringkas.workers.errors import SyncTaskError

router = APIRouter(route_class=StrictJsonRoute)
logger = logging.getLogger("ringkas.api")
MAX_WAIT_S = 60

SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[JobStore, Depends(get_store)]
QueueDep = Annotated[TaskQueue, Depends(get_queue)]
MetricsDep = Annotated[MetricsStore, Depends(get_metrics)]
SyncSlotsDep = Annotated[SyncSlots, Depends(get_sync_slots)]


UsageDep = Annotated[UsageGate, Depends(get_usage_gate)]
JobIndexDep = Annotated[JobIndex, Depends(get_job_index)]


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorOut} for status in statuses}


@router.post(
    "/v1/jobs",
    status_code=202,
    response_model=JobAccepted,
    responses=_errors(400, 401, 413, 422, 429, 503),
    tags=["jobs"],
)
def submit_job(
    body: JobRequest,
    response: Response,
    settings: SettingsDep,
    store: StoreDep,
    queue: QueueDep,
    metrics: MetricsDep,
    caller: AccessDep,
    usage: UsageDep,
    index: JobIndexDep,
    memory: Annotated[MemoryGuard, Depends(get_memory_guard)],
) -> JobAccepted:
    """Submit articles to translate and/or brief; poll the returned status URL."""
    limits.check_job(body, settings)
    limits.check_callback(body, settings)
    memory.check()  # 503 store_full near Redis's maxmemory (ringkas/redismemory.py)
    articles = [
        ArticleInput(
            text=a.text,
            source_lang=a.source_lang,
            id=a.id,
            title=a.title,
            glossary={**(body.glossary or {}), **(a.glossary or {})} or None,
            format=a.format,
            brief_mode=a.brief_mode or body.brief_mode,
        )
        for a in body.articles
    ]
    # Recorded before anything is queued, so a worker never meets an unknown job.
    job_id = store.create(articles, body.tasks, owner=caller.key_id, callback_url=body.callback_url)
    sizes = [len(a.text) + len(a.title or "") for a in articles]
    try:
        # After create: the quota counts jobs that exist, so a concurrent submission's
        # clean-up never mistakes a reserved place for an expired job.
        caller.reserve_job(store, job_id)
        reservation = usage.reserve(caller.key_id, sum(sizes), len(articles))
    except Exception:
        store.delete(job_id)  # refused (429) or Redis failed: nothing was queued
        caller.release_job(job_id)
        raise
    try:
        for group in group_articles(sizes, settings.task_max_articles, settings.task_max_chars):
            queue.enqueue_articles(job_id, group)
    except Exception as exc:
        # Withdraw the job, whatever failed: the articles already queued find no job and
        # are dropped, so a client never sees a job that can never finish.
        store.delete(job_id)
        caller.release_job(job_id)
        usage.refund(reservation)
        if not isinstance(exc, QueueUnavailable):
            raise
        raise ApiError(
            503,
            "queue_unavailable",
            f"the job could not be queued, the task broker is unreachable ({exc}); "
            "nothing was kept, try again later",
        ) from exc
    index.add(job_id, caller.key_id)
    _count_submitted(metrics, job_id, len(articles))
    status_url = f"/v1/jobs/{job_id}"
    response.headers["Location"] = status_url
    return JobAccepted(job_id=job_id, status_url=status_url, articles=len(articles))


@router.get(
    "/v1/jobs/{job_id}", response_model=JobOut, responses=_errors(401, 404, 429, 503), tags=["jobs"]
)
async def get_job(
    job_id: Annotated[str, Path(max_length=100, description="The id POST /v1/jobs returned.")],
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    caller: AccessDep,
    results: Annotated[
        bool,
        Query(
            description="false: status, progress and errors only, every `result` null. A "
            "cheap poll for a large job; fetch the results once it has finished."
        ),
    ] = True,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=MAX_WAIT_S,
            description="Long polling: seconds to wait for the job to finish before "
            "answering. The answer comes as soon as it has finished, or when the wait is "
            "over, whatever the job's status; 0 answers at once.",
        ),
    ] = 0,
) -> JobOut:
    """A job's status, progress and per-article results or errors."""
    await run_in_threadpool(caller.check_can_read, store, job_id)
    if wait > 0:
        async with listener_for(request) as listener:
            await wait_until_finished(store, listener, job_id, wait)
    job = await run_in_threadpool(store.get, job_id, with_results=results)
    callback_url, deliveries = await run_in_threadpool(webhook_of, store, job_id)
    out = _job_out(job)
    return out.model_copy(
        update={
            "callback_url": callback_url,
            "deliveries": [DeliveryOut.model_validate(d) for d in deliveries],
        }
    )


@router.get(
    "/v1/jobs/{job_id}/markdown",
    response_class=Response,
    responses={
        200: {"content": {"text/markdown": {}}, "description": "The document."},
        **_errors(401, 404, 429, 503),
    },
    tags=["jobs"],
)
async def get_job_markdown(
    job_id: Annotated[str, Path(max_length=100, description="The id POST /v1/jobs returned.")],
    store: StoreDep,
    caller: AccessDep,
) -> Response:
    """The job's finished articles as Markdown, as `ringkas batch --markdown` writes them;
    everything from the articles is escaped."""
    await run_in_threadpool(caller.check_can_read, store, job_id)
    job = await run_in_threadpool(store.get, job_id)
    return Response(markdown_document(_records(job)), media_type="text/markdown; charset=utf-8")


def _records(job: JobView) -> list[dict[str, Any]]:
    """The finished articles as `ringkas batch` result records."""
    records: list[dict[str, Any]] = []
    for a in job.articles:
        base = {"id": a.input.id or str(a.index), "title": a.input.title}
        if a.state.status == "succeeded":
            records.append({**base, "status": "succeeded", "result": a.state.result})
        elif a.state.status == "failed":
            error = {"code": "failed", "detail": a.state.error}
            records.append({**base, "status": "failed", "error": error})
    return records


def _count_submitted(metrics: MetricsStore, job_id: str, articles: int) -> None:
    logger.info("job submitted", extra={"job_id": job_id, "articles": articles})
    try:
        metrics.inc("jobs_submitted")
    except redis.exceptions.RedisError:
        logger.exception("could not count the job", extra={"job_id": job_id})


def _job_out(job: JobView) -> JobOut:
    articles = [
        {
            "index": a.index,
            "id": a.input.id,
            "title": a.input.title,
            "source_lang": a.input.source_lang,
            **asdict(a.state),
            "sentences_done": a.sentences.done if a.sentences else None,
            "sentences_total": a.sentences.total if a.sentences else None,
        }
        for a in job.articles
    ]
    return JobOut.model_validate(
        {
            "job_id": job.job_id,
            "status": job.status,
            "created_at": job.created_at,
            "tasks": job.tasks,
            "progress": asdict(job.progress),
            "progress_detail": asdict(estimate(job, datetime.now(UTC))),
            "articles": articles,
        }
    )


@router.post(
    "/v1/translate",
    response_model=TranslateOut,
    responses=_errors(400, 401, 413, 422, 429, 500, 503, 504),
    tags=["translate"],
)
async def translate(
    body: TranslateRequest,
    request: Request,
    settings: SettingsDep,
    queue: QueueDep,
    slots: SyncSlotsDep,
    caller: AccessDep,
    usage: UsageDep,
) -> Any:
    """Translate a short text now; longer texts go through POST /v1/jobs.

    Design choice: the text is translated by a worker (queue ``ringkas.sync``), not in the
    API process. The API never loads models — no torch, a small footprint, as many
    replicas as needed — and the workers already hold the models. The cost is one queue
    round trip and the need for a running worker, which ``/readyz`` reports. The wait
    holds no thread; the requests waiting at once are bounded per process and per key
    (RINGKAS_MAX_SYNC_IN_FLIGHT, RINGKAS_MAX_SYNC_IN_FLIGHT_PER_KEY).
    """
    limits.check_translate(body, settings)
    timeout_s = settings.sync_timeout_s
    reservation = await run_in_threadpool(usage.reserve, caller.key_id, len(body.text), 0)
    try:
        async with slots.slot(caller.key_id), listener_for(request) as listener:
            answer = await queue.translate(
                body.text,
                body.source_lang,
                timeout_s,
                listener,
                glossary=body.glossary,
                adequacy=body.adequacy,
            )
    except (SyncTaskError, ApiError):
        # Nothing was translated: the characters are given back. (After a timeout or a
        # worker failure the worker may have translated it: it stays submitted.)
        await run_in_threadpool(usage.refund, reservation)
        raise
    except QueueUnavailable as exc:
        await run_in_threadpool(usage.refund, reservation)
        raise ApiError(
            503, "queue_unavailable", f"the task broker is unreachable ({exc}); try again later"
        ) from exc
    except WorkerTimeout as exc:
        raise ApiError(
            504,
            "worker_timeout",
            f"no worker answered within {timeout_s:g} s; the workers may be busy or down "
            "(see GET /readyz). Try again, or submit the text as a job to POST /v1/jobs",
        ) from exc
    except WorkerFailed as exc:
        raise ApiError(500, "worker_error", f"the worker failed: {exc}") from exc
    await run_in_threadpool(usage.usage.add_translated, caller.key_id, len(body.text), 0)
    return answer


@router.get("/healthz", response_model=Health, tags=["health"])
async def healthz() -> Health:
    """The process is up (checks nothing else)."""
    return Health()


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness}},
    tags=["health"],
)
def readyz(store: StoreDep, queue: QueueDep) -> Any:
    """Ready when Redis answers and at least one Celery worker answers a ping."""
    checks = {"redis": "ok", "workers": "ok"}
    try:
        store.ping()
    except redis.exceptions.RedisError as exc:
        checks["redis"] = f"unreachable: {exc}"
    try:
        workers = queue.ping_workers(timeout_s=1.0)
        if not workers:
            checks["workers"] = "no Celery worker answered a ping within 1 s"
    except BROKER_ERRORS as exc:
        checks["workers"] = f"cannot reach the broker to ping workers: {exc}"
    ready = all(v == "ok" for v in checks.values())
    body = Readiness(status="ok" if ready else "unavailable", checks=checks)
    return JSONResponse(status_code=200 if ready else 503, content=body.model_dump())
