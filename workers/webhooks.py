"""The webhook delivery task: POSTs a finished job's status to its ``callback_url``.

Sent once per job by ``ringkas.jobevents.job_finished`` with the body fixed there. Each
attempt is signed afresh (``ringkas.signing``: the timestamp is part of what is signed),
checked against the address rules again (``ringkas.webhook_targets``), recorded on the
job (``deliveries``), and, unless the receiver answered 2xx, retried after
RINGKAS_WEBHOOK_RETRY_BACKOFF_S, doubling, up to RINGKAS_WEBHOOK_MAX_ATTEMPTS attempts.
Redirects are not followed (a 3xx is a failed attempt).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import httpx
import redis
from celery import Task
from celery.utils.log import get_task_logger

from ringkas.jobevents import record_delivery
from ringkas.jobstore import JobStore
from ringkas.settings import get_settings
from ringkas.signing import SecretStore, signed_headers
from ringkas.webhook_targets import UnsafeTarget, check_target
from ringkas.workers.celery_app import DELIVER_WEBHOOK, app

logger = get_task_logger(__name__)
MAX_BACKOFF_S = 3600.0


@lru_cache(maxsize=1)
def _stores() -> tuple[JobStore, SecretStore]:
    settings = get_settings()
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    return JobStore(client, settings.job_ttl_s), SecretStore(client, settings.webhook_secret)


def backoff_s(attempt: int, base_s: float) -> float:
    """The wait after failed attempt ``attempt`` (1-based): base × 2^(attempt-1), capped,
    ±20 % jitter so that many failed deliveries do not come back at once."""
    return min(MAX_BACKOFF_S, base_s * 2 ** (attempt - 1)) * random.uniform(0.8, 1.2)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def attempt_delivery(
    url: str, body: bytes, headers: dict[str, str], timeout_s: float
) -> dict[str, Any]:
    """One POST; what happened, as a delivery record (without its attempt number)."""
    started = time.perf_counter()
    record: dict[str, Any] = {"at": _now(), "status_code": None, "error": None}
    try:
        response = httpx.post(
            url, content=body, headers=headers, timeout=timeout_s, follow_redirects=False
        )
        record["status_code"] = response.status_code
        if not response.is_success:
            record["error"] = f"the receiver answered {response.status_code}"
    except httpx.HTTPError as exc:
        record["error"] = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    record["duration_ms"] = round((time.perf_counter() - started) * 1000)
    record["ok"] = record["error"] is None
    return record


@app.task(name=DELIVER_WEBHOOK, bind=True, ignore_result=True, max_retries=None)
def deliver_webhook(self: Task, job_id: str, owner: str | None, url: str, body: str) -> None:
    """Delivers job ``job_id``'s webhook; retries with backoff until 2xx or out of attempts."""
    settings = get_settings()
    store, secrets = _stores()
    attempt = self.request.retries + 1
    try:
        check_target(url, settings.webhook_allowed_networks)
    except UnsafeTarget as exc:
        record = {"at": _now(), "status_code": None, "error": str(exc), "ok": False}
        record_delivery(store, job_id, {"attempt": attempt, **record, "final": True})
        logger.warning("webhook of job %s refused: %s", job_id, exc)
        return
    raw = body.encode("utf-8")
    headers = signed_headers(secrets.secret(owner), raw, delivery_id=job_id)
    record = attempt_delivery(url, raw, headers, settings.webhook_timeout_s)
    final = record["ok"] or attempt >= settings.webhook_max_attempts
    record_delivery(store, job_id, {"attempt": attempt, **record, "final": final})
    if final:
        log = logger.info if record["ok"] else logger.warning
        log("webhook of job %s: attempt %d, %s", job_id, attempt, record["error"] or "delivered")
        return
    raise self.retry(countdown=backoff_s(attempt, settings.webhook_retry_backoff_s))
