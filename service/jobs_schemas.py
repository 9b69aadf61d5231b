"""Bodies of the job-management endpoints: listing, cancelling, usage, webhook secret."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ringkas.service.schemas import JobStatus, Progress, TaskName


class JobSummaryOut(BaseModel):
    """A job in a listing: status and counts, no texts or results."""

    job_id: str
    status: JobStatus
    created_at: str
    tasks: list[TaskName]
    progress: Progress
    callback_url: str | None = None


class JobListOut(BaseModel):
    jobs: list[JobSummaryOut] = Field(description="Newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class CancelOut(BaseModel):
    job_id: str
    status: JobStatus = Field(description="The job's status after the call.")
    cancelled_articles: int = Field(
        ge=0, description="Articles this call cancelled (queued or running)."
    )
    purged: bool = Field(description="The job's texts and results were deleted.")


class UsageDayOut(BaseModel):
    date: str = Field(description="The UTC day, YYYY-MM-DD.")
    chars_submitted: int = Field(ge=0, description="Characters of jobs and sync texts accepted.")
    articles_submitted: int = Field(ge=0, description="Articles of jobs accepted.")
    chars_translated: int = Field(ge=0, description="Characters of articles that succeeded.")
    articles_translated: int = Field(ge=0, description="Articles that succeeded.")


class UsageOut(BaseModel):
    key_id: str | None = Field(description="The caller's key; null in open mode.")
    chars_per_day_limit: int | None = Field(description="null: no limit.")
    days: list[UsageDayOut] = Field(description="Newest first, today included.")


class WebhookSecretOut(BaseModel):
    secret: str = Field(description="HMAC-SHA256 key of this key's webhook signatures.")
    signature_header: str
    timestamp_header: str
    delivery_header: str
