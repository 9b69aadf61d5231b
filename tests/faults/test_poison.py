"""Poison articles end as per-article errors after bounded retries; the rest of the job is done."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import redis
from faultkit import FaultStack, RedisServer, poll_job
from faulty_worker import runs_key

pytestmark = pytest.mark.slow

ARTICLES = [
    {"id": "crash", "text": "[crash] Artikel ini membunuh proses worker setiap kali."},
    {"id": "ok", "text": "Harga beras naik di pasar tradisional Jakarta."},
    {"id": "raise", "text": "[raise] Artikel ini membuat model gagal setiap kali."},
    {"id": "ok2", "text": "Timnas Indonesia menang dua gol tanpa balas."},
]


def test_poison_articles_end_the_job_partial_with_their_errors(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    stack = fault_stack(fault_env(own_redis.url, task_max_retries=1))
    stack.worker("only")
    stack.wait_ready()

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        submitted = client.post("/v1/jobs", json={"articles": ARTICLES, "tasks": ["translate"]})
        assert submitted.status_code == 202, submitted.text
        job = poll_job(client, submitted.json()["job_id"], timeout_s=120, stack=stack)

    assert job["status"] == "partial", job
    assert job["progress"] == {"done": 4, "total": 4, "succeeded": 2, "failed": 2}
    crash, ok, raised, ok2 = job["articles"]
    # Killed its pool process on every attempt: max_retries + 1 = 2 attempts, then given up
    # when delivered a third time.
    assert crash["status"] == "failed" and crash["attempts"] == 2, crash
    assert crash["error"] == (
        "gave up after 2 attempts: the worker processing this article was lost "
        "(crashed or ran out of memory)"
    )
    # An unexpected exception is not transient: one attempt, the error recorded.
    assert raised["status"] == "failed" and raised["attempts"] == 1, raised
    assert raised["error"] == "internal error: RuntimeError: the model blew up on this article"
    assert [(a["status"], a["attempts"]) for a in (ok, ok2)] == [("succeeded", 1)] * 2
    runs = redis.Redis.from_url(own_redis.url)
    assert [int(runs.get(runs_key(a["text"])) or 0) for a in ARTICLES] == [2, 1, 1, 1]
