"""Managing jobs: list a key's jobs, cancel or purge one, read usage and the webhook secret.

A key sees only its own jobs, as in ``GET /v1/jobs/{id}``; in open mode every caller sees
every job (``ringkas.joblist``).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from ringkas.cancel import cancel_job
from ringkas.joblist import BadCursor
from ringkas.service.auth import AccessDep
from ringkas.service.errors import ApiError
from ringkas.service.jobs_schemas import (
    CancelOut,
    JobListOut,
    JobSummaryOut,
    UsageDayOut,
    UsageOut,
    WebhookSecretOut,
)
from ringkas.service.jsonbody import StrictJsonRoute
from ringkas.service.routes import (
    JobIndexDep,
    MetricsDep,
    QueueDep,
    StoreDep,
    UsageDep,
    _errors,
)
from ringkas.service.schemas import JobStatus
from ringkas.signing import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, SecretStore

router = APIRouter(route_class=StrictJsonRoute)
MAX_PAGE = 100
MAX_USAGE_DAYS = 90


def get_secrets(request: Request) -> SecretStore:
    secrets: SecretStore = request.app.state.webhook_secrets
    return secrets


@router.get(
    "/v1/jobs", response_model=JobListOut, responses=_errors(400, 401, 429, 503), tags=["jobs"]
)
def list_jobs(
    caller: AccessDep,
    index: JobIndexDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Jobs per page.")] = 20,
    cursor: Annotated[
        str | None,
        Query(max_length=100, description="`next_cursor` of the previous page."),
    ] = None,
    status: Annotated[
        list[JobStatus] | None,
        Query(description="Only jobs in these statuses (repeat the parameter for several)."),
    ] = None,
) -> JobListOut:
    """Your jobs, newest first, a page at a time (open mode: every job)."""
    try:
        page = index.page(caller.key_id, limit=limit, cursor=cursor, statuses=status)
    except BadCursor as exc:
        raise ApiError(400, "bad_cursor", str(exc)) from None
    return JobListOut(
        jobs=[JobSummaryOut.model_validate(asdict(j)) for j in page.jobs],
        next_cursor=page.next_cursor,
    )


@router.delete(
    "/v1/jobs/{job_id}",
    response_model=CancelOut,
    responses=_errors(401, 404, 429, 503),
    tags=["jobs"],
)
def delete_job(
    job_id: Annotated[str, Path(max_length=100, description="The id POST /v1/jobs returned.")],
    caller: AccessDep,
    store: StoreDep,
    metrics: MetricsDep,
    index: JobIndexDep,
    queue: QueueDep,
    purge: Annotated[
        bool,
        Query(description="Also delete the job's texts and results now (then it is 404)."),
    ] = False,
) -> CancelOut:
    """Cancel a job: queued articles never run, running ones stop at their next batch,
    finished ones keep their results; `purge=true` deletes it too."""
    caller.check_can_read(store, job_id)
    done = cancel_job(store, metrics, index, job_id, queue.send_webhook, purge=purge)
    return CancelOut.model_validate(asdict(done))


@router.get("/v1/usage", response_model=UsageOut, responses=_errors(401, 429, 503), tags=["usage"])
def get_usage(
    caller: AccessDep,
    usage: UsageDep,
    days: Annotated[int, Query(ge=1, le=MAX_USAGE_DAYS, description="Days back, today first.")] = 7,
) -> UsageOut:
    """Characters and articles submitted and translated per UTC day, and your daily limit."""
    return UsageOut(
        key_id=caller.key_id,
        chars_per_day_limit=usage.limit(caller.key_id),
        days=[UsageDayOut.model_validate(asdict(d)) for d in usage.usage.days(caller.key_id, days)],
    )


@router.get(
    "/v1/webhooks/secret",
    response_model=WebhookSecretOut,
    responses=_errors(401, 429, 503),
    tags=["webhooks"],
)
def webhook_secret(
    caller: AccessDep, secrets: Annotated[SecretStore, Depends(get_secrets)]
) -> WebhookSecretOut:
    """The secret your webhooks are signed with (made on first use)."""
    return WebhookSecretOut(
        secret=secrets.secret(caller.key_id),
        signature_header=SIGNATURE_HEADER,
        timestamp_header=TIMESTAMP_HEADER,
        delivery_header=DELIVERY_HEADER,
    )
