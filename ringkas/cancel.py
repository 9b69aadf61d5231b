"""Cancelling and purging a job (``DELETE /v1/jobs/{id}``).

Cancelling marks every unfinished article ``cancelled`` in the job store, with the same
compare-and-set the workers use: an article a worker finishes at that moment ends up
either finished (it won) or cancelled (the worker's result is then not written, nor
counted). Queued articles are skipped when their task comes; running ones stop at their
next batch (``workers.cancel``). Articles that had finished keep their results.

Purging also deletes the job (texts, results, deliveries) at once; its usage counts stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from ringkas.jobevents import SendWebhook, job_finished
from ringkas.joblist import JobIndex
from ringkas.jobstore import FINISHED, JobStatus, JobStore
from ringkas.metrics import MetricsStore


@dataclass(frozen=True)
class Cancelled:
    job_id: str
    status: JobStatus
    cancelled_articles: int
    purged: bool


def cancel_job(
    store: JobStore,
    metrics: MetricsStore,
    index: JobIndex,
    job_id: str,
    send_webhook: SendWebhook,
    *,
    purge: bool = False,
) -> Cancelled:
    """Cancels the job's unfinished articles; with ``purge``, deletes the job too.

    Raises:
        JobNotFound: no such job.
    """
    cancelled = store.cancel(job_id)
    if cancelled:
        metrics.inc("articles", float(len(cancelled)), status="cancelled")
    status = store.status(job_id)
    if status in FINISHED:
        job_finished(store, metrics, job_id, status, send_webhook)
    if purge:
        owner = store.owner(job_id)
        store.delete(job_id)
        index.remove(job_id, owner)
    return Cancelled(job_id, status, len(cancelled), purge)
