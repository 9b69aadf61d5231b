"""A worker with two pool processes runs two jobs side by side, each with its own models.

Forked workers whose OpenMP pools were shared deadlocked LibreTranslate (#1008): Ringkas
loads models lazily in each pool process, after the fork, with its thread count set.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import httpx
import pytest
from faultkit import FaultStack, RedisServer, poll_job

pytestmark = pytest.mark.slow

# [slow]: each waits 2 s in the model step first, so that two processes overlap for sure.
TEXTS = [
    "[slow] Presiden meresmikan jembatan baru di Kalimantan.",
    "[slow] Harga beras naik di pasar tradisional Jakarta.",
]


def test_two_pool_processes_translate_two_jobs_at_once(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    stack = fault_stack(fault_env(own_redis.url, worker_concurrency=2, torch_threads=1))
    stack.worker("pair")
    stack.wait_ready()

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        job_ids = []
        for text in TEXTS:
            body = {"articles": [{"text": text, "source_lang": "id"}], "tasks": ["translate"]}
            submitted = client.post("/v1/jobs", json=body)
            assert submitted.status_code == 202, submitted.text
            job_ids.append(submitted.json()["job_id"])
        jobs = [poll_job(client, job_id, timeout_s=120, stack=stack) for job_id in job_ids]

    assert [job["status"] for job in jobs] == ["succeeded", "succeeded"], stack.logs()
    assert all(job["articles"][0]["result"]["translation"] for job in jobs)
    (start_a, end_a), (start_b, end_b) = [
        (
            datetime.fromisoformat(job["articles"][0]["started_at"]),
            datetime.fromisoformat(job["articles"][0]["finished_at"]),
        )
        for job in jobs
    ]
    assert start_a < end_b and start_b < end_a, "the two ran one after the other"
