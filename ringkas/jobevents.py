"""What happens once when a job finishes: the jobs_finished metric and its webhook.

Whoever moves a job's last article to a final state calls `job_finished`: a worker
(``workers.metered_store``) or the API cancelling it (``ringkas.cancel``). Two of them
may see the job finished at the same moment; HSETNX on the job's hash lets one through,
so the job is counted and its webhook sent once.

The webhook's body is built here, when the job has finished, and travels with the
delivery task: every retry sends the same bytes, and a job purged right after it was
cancelled still gets its webhook. Deliveries are recorded on the job's hash (``deliveries``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from ringkas.jobstore import JobStore, JobView
from ringkas.metrics import MetricsStore

logger = logging.getLogger("ringkas.webhooks")

# Set with HSETNX on the job's hash by whichever writer first sees the job finished.
JOB_COUNTED_FIELD = "metrics_counted"
CALLBACK_FIELD = "callback_url"
DELIVERIES_FIELD = "deliveries"

# Appends one delivery to the job's list, only while the job exists.
APPEND_DELIVERY = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local raw = redis.call('HGET', KEYS[1], 'deliveries')
local list = {}
if raw then list = cjson.decode(raw) end
table.insert(list, cjson.decode(ARGV[1]))
redis.call('HSET', KEYS[1], 'deliveries', cjson.encode(list))
return 1
"""

# (job_id, owner, url, body) → queued for delivery
SendWebhook = Callable[[str, str | None, str, str], None]


def webhook_body(job: JobView) -> str:
    """The job's status, progress and per-article outcome as JSON: no texts, no results."""
    payload: dict[str, Any] = {
        "event": "job.finished",
        "job_id": job.job_id,
        "status": job.status,
        "created_at": job.created_at,
        "tasks": job.tasks,
        "progress": asdict(job.progress),
        "articles": [
            {
                "index": a.index,
                "id": a.input.id,
                "status": a.state.status,
                "error": a.state.error,
                "finished_at": a.state.finished_at,
            }
            for a in job.articles
        ],
        "status_url": f"/v1/jobs/{job.job_id}",
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def job_finished(
    store: JobStore, metrics: MetricsStore, job_id: str, status: str, send: SendWebhook
) -> bool:
    """Counts the finished job and queues its webhook, once per job; True if this call did."""
    client = store.client
    key = store.key(job_id)
    if not client.exists(key) or not client.hsetnx(key, JOB_COUNTED_FIELD, "1"):
        return False
    metrics.inc("jobs_finished", status=status)
    url = client.hget(key, CALLBACK_FIELD)
    if url:
        try:
            job = store.get(job_id, with_results=False)
            send(job_id, store.owner(job_id), str(url), webhook_body(job))
        except Exception:
            # The job's outcome is stored; a broker or Redis failure here must not fail
            # the article that finished it (worker) or the DELETE (API).
            logger.exception("could not queue the webhook", extra={"job_id": job_id})
            record_delivery(
                store,
                job_id,
                {
                    "attempt": 1,
                    "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                    "ok": False,
                    "status_code": None,
                    "final": True,
                    "error": "the delivery could not be queued (broker unreachable)",
                },
            )
    return True


def webhook_of(store: JobStore, job_id: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The job's callback URL and its deliveries so far."""
    url, raw = store.client.hmget(store.key(job_id), [CALLBACK_FIELD, DELIVERIES_FIELD])
    return (None if url is None else str(url)), (json.loads(raw) if raw else [])


def record_delivery(store: JobStore, job_id: str, delivery: dict[str, Any]) -> bool:
    """Adds a delivery attempt to the job; False when the job is gone (purged, expired)."""
    script = store.client.register_script(APPEND_DELIVERY)
    return bool(script(keys=[store.key(job_id)], args=[json.dumps(delivery)]))
