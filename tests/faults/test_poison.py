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


@pytest.mark.parametrize("per_task", [1, 16], ids=["one-article-tasks", "batched-task"])
def test_poison_articles_end_the_job_partial_with_their_errors(
    per_task: int,
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    env = fault_env(own_redis.url, task_max_retries=1, task_max_articles=per_task)
    stack = fault_stack(env)
    stack.worker("only")
    stack.wait_ready()

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        submitted = client.post("/v1/jobs", json={"articles": ARTICLES, "tasks": ["translate"]})
        assert submitted.status_code == 202, submitted.text
        job = poll_job(client, submitted.json()["job_id"], timeout_s=180, stack=stack)

    assert job["status"] == "partial", job
    assert job["progress"] == {"done": 4, "total": 4, "succeeded": 2, "failed": 2}
    crash, ok, raised, ok2 = job["articles"]
    # Killed its pool process on every attempt: max_retries + 1 = 2 attempts of its own
    # (plus, when batched, the batch's attempt, which it also ended), then given up when
    # delivered again.
    crash_attempts = 2 if per_task == 1 else 3
    assert crash["status"] == "failed" and crash["attempts"] == crash_attempts, crash
    assert crash["error"] == (
        f"gave up after {crash_attempts} attempts: the worker processing this article was "
        "lost (crashed or ran out of memory)"
    )
    # An unexpected exception is not transient: not retried, the error recorded.
    others_attempts = 1 if per_task == 1 else 2  # the batch's attempt, then their own
    assert raised["status"] == "failed" and raised["attempts"] == others_attempts, raised
    assert raised["error"] == "internal error: RuntimeError: the model blew up on this article"
    assert [(a["status"], a["attempts"]) for a in (ok, ok2)] == [("succeeded", others_attempts)] * 2
    runs = redis.Redis.from_url(own_redis.url)
    # The crashing article is first: in the batch it ended the run before the others ran.
    assert [int(runs.get(runs_key(a["text"])) or 0) for a in ARTICLES] == [crash_attempts, 1, 1, 1]
