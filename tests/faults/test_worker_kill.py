"""kill -9 a worker mid-article: the article is delivered again, finished once by another worker."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import redis
from faultkit import FaultStack, RedisServer, kill_9, poll_job
from faulty_worker import runs_key

from ringkas.jobstore import JobStore

pytestmark = pytest.mark.slow

ARTICLES = [
    {"id": "slow", "text": "[slow] Presiden meresmikan jembatan baru di Kalimantan."},
    {"id": "b", "text": "Harga beras naik di pasar tradisional Jakarta."},
    {"id": "c", "text": "Timnas Indonesia menang dua gol tanpa balas."},
]


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_kill_9_mid_article_is_redelivered_and_counted_once(
    broker: str,
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    stack = fault_stack(fault_env(own_redis.url, broker, task_max_retries=2))
    first = stack.worker("first")
    stack.wait_ready()
    store = JobStore.from_url(own_redis.url, ttl_s=3600)

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        submitted = client.post("/v1/jobs", json={"articles": ARTICLES, "tasks": ["translate"]})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]

        # The first worker takes the slow article; kill it (and its pool) in the middle of
        # the model step (it sleeps there; `runs` counts entries into it).
        runs = redis.Redis.from_url(own_redis.url)
        deadline = time.monotonic() + 60
        while runs.get(runs_key(ARTICLES[0]["text"])) is None:
            assert time.monotonic() < deadline, stack.logs()
            time.sleep(0.05)
        kill_9(first)
        assert store.article_state(job_id, 0).status == "running"
        stack.worker("second")

        job: dict[str, Any] = poll_job(client, job_id, timeout_s=120, stack=stack)

    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 3, "total": 3, "succeeded": 3, "failed": 0}
    # The three travelled in one task and were started together as a batch; the retry
    # shows: every article of the killed batch was started again, one at a time.
    assert [(a["status"], a["attempts"]) for a in job["articles"]] == [("succeeded", 2)] * 3
    # The model ran twice on the killed article (once in the dead worker), the others once
    # (the worker died before reaching them): every article has exactly one result, none
    # counted twice.
    assert [int(runs.get(runs_key(a["text"])) or 0) for a in ARTICLES] == [2, 1, 1]
