"""Redis (job store and broker) restarts mid-job: API and worker reconnect, the job completes."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx
import pytest
from faultkit import FaultStack, RedisServer, poll_job, wait_article

from ringkas.jobstore import JobStore

pytestmark = pytest.mark.slow

ARTICLES = [{"id": f"a{i}", "text": f"[slow] Berita nomor {i} dari Jakarta."} for i in range(4)]


def test_redis_restart_mid_job_and_the_job_completes(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    env = fault_env(own_redis.url)
    env["FAULTY_SLOW_S"] = "1"
    stack = fault_stack(env)
    stack.worker("only")
    stack.wait_ready()
    store = JobStore.from_url(own_redis.url, ttl_s=3600)

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        submitted = client.post("/v1/jobs", json={"articles": ARTICLES, "tasks": ["translate"]})
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]
        wait_article(store, job_id, 1, "running", timeout_s=60)

        own_redis.stop()  # graceful: the AOF has every write (appendfsync always)
        time.sleep(2)  # the worker, mid-article, and the API find Redis gone
        down = client.get(f"/v1/jobs/{job_id}")
        assert down.status_code == 503 and down.json()["code"] == "store_unavailable"
        own_redis.start()  # same port, same data folder

        job = poll_job(client, job_id, timeout_s=120, stack=stack)
        # The API reconnected by itself: a new job goes through too.
        again = client.post("/v1/jobs", json={"articles": [{"text": "Halo dunia."}]})
        assert again.status_code == 202, again.text

    assert job["status"] == "succeeded", job
    assert job["progress"]["succeeded"] == len(ARTICLES)
    assert all(a["status"] == "succeeded" for a in job["articles"])
