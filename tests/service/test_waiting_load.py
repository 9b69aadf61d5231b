"""Waiting requests under load, against a real uvicorn process on a Redis of its own.

- 60 ``POST /v1/translate`` wait for a worker while another client polls a job: the polls
  still answer in under 100 ms at the 99th percentile.
- 100 long polls (``?wait=``) share the process's one pub/sub connection, and all wake
  when their job finishes.

Why this set-up: a real server, because the fault was the server's thread pool (an
in-process client would share the test's threads); a Redis of its own, so the connections
counted are the API's alone and nothing else consumes its queues; and no worker at all,
because a worker that does not answer is the worst case of a busy one and the only one
that is the same on every machine: the sync requests wait their whole timeout.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from own_redis import OwnRedis
from tracking_store import A_BRIEF

from ringkas.jobstore import JobStore
from ringkas.processes import ManagedProcess, free_port, wait_for
from ringkas.workers.celery_app import SYNC_QUEUE

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SYNC_WAITING = 60
LONG_POLLS = 100


@pytest.fixture
def api(own_redis: OwnRedis, tmp_path: Path) -> Iterator[str]:
    """The API alone (no worker) on its own Redis; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "RINGKAS_REDIS_URL": own_redis.url,
        "REDIS_URL": own_redis.url,
        "RINGKAS_SYNC_TIMEOUT_S": "60",
        "RINGKAS_MAX_SYNC_IN_FLIGHT": str(SYNC_WAITING + 10),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("RINGKAS_BROKER_URL", None)
    args = ["-m", "uvicorn", "ringkas.service.app:app", "--host", "127.0.0.1", "--port"]
    proc = ManagedProcess(
        "API", [sys.executable, *args, str(port)], tmp_path / "api.log", env, ROOT
    )
    base_url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, [proc], 60)
        yield base_url
    finally:
        proc.stop(timeout_s=5)


def submit_job(base_url: str) -> str:
    response = httpx.post(f"{base_url}/v1/jobs", json={"articles": [{"text": "Halo dunia."}]})
    assert response.status_code == 202, response.text
    return str(response.json()["job_id"])


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def test_job_polls_stay_fast_while_60_sync_requests_wait(api: str, own_redis: OwnRedis) -> None:
    job_id = submit_job(api)
    broker = redis.Redis.from_url(own_redis.url)

    async def scenario() -> tuple[list[float], int, int]:
        limits = httpx.Limits(max_connections=SYNC_WAITING + 10)
        async with (
            httpx.AsyncClient(base_url=api, timeout=90, limits=limits) as waiting_client,
            httpx.AsyncClient(base_url=api, timeout=5) as poller,
        ):
            waiting = [
                asyncio.ensure_future(
                    waiting_client.post("/v1/translate", json={"text": f"Halo {i}."})
                )
                for i in range(SYNC_WAITING)
            ]
            # Until every one of them has reached the API and sent its task (nobody takes
            # it); a server that cannot take them all gets 15 s.
            deadline = time.monotonic() + 15
            while broker.llen(SYNC_QUEUE) < SYNC_WAITING and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            queued = int(broker.llen(SYNC_QUEUE))
            latencies = []
            for _ in range(200):
                start = time.perf_counter()
                try:
                    response = await poller.get(f"/v1/jobs/{job_id}")
                    assert response.status_code == 200
                except httpx.TimeoutException:
                    pass  # counted at its full wait
                latencies.append(time.perf_counter() - start)
            still_waiting = sum(not w.done() for w in waiting)
            for w in waiting:
                w.cancel()
            await asyncio.gather(*waiting, return_exceptions=True)
            return latencies, still_waiting, queued

    latencies, still_waiting, queued = asyncio.run(scenario())
    broker.close()

    ms = sorted(x * 1000 for x in latencies)
    print(f"job polls while {queued} sync requests wait: p50 {ms[100]:.1f} ms, "
          f"p99 {p99(ms):.1f} ms, max {ms[-1]:.1f} ms")  # fmt: skip
    assert (queued, still_waiting) == (SYNC_WAITING, SYNC_WAITING)
    assert p99(latencies) < 0.100, ms[-10:]


def status_reads(client: redis.Redis) -> int:
    return int(client.info("commandstats").get("cmdstat_hmget", {}).get("calls", 0))


def pubsub_connections(client: redis.Redis) -> int:
    return sum(1 for c in client.client_list() if int(c["sub"]) or int(c["psub"]))


def test_long_polls_share_one_pubsub_connection(api: str, own_redis: OwnRedis) -> None:
    job_id = submit_job(api)
    watcher = redis.Redis.from_url(own_redis.url, decode_responses=True)
    before = len(watcher.client_list())
    reads_before = status_reads(watcher)

    async def scenario() -> tuple[int, int, list[httpx.Response], float]:
        limits = httpx.Limits(max_connections=LONG_POLLS + 10)
        async with httpx.AsyncClient(base_url=api, timeout=60, limits=limits) as http:
            polls = [
                asyncio.ensure_future(http.get(f"/v1/jobs/{job_id}", params={"wait": 30}))
                for _ in range(LONG_POLLS)
            ]
            # Every poll has read the job's status (HMGET of its states) once: it waits.
            deadline = time.monotonic() + 30
            while status_reads(watcher) < reads_before + LONG_POLLS:
                assert time.monotonic() < deadline, status_reads(watcher) - reads_before
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.5)
            assert not any(p.done() for p in polls)
            connections = len(watcher.client_list()) - before
            subscribed = pubsub_connections(watcher)
            store = JobStore(watcher, ttl_s=60)
            finished_at = time.monotonic()
            store.start(job_id, 0)
            store.succeed(job_id, 0, A_BRIEF)
            answers = await asyncio.gather(*polls)
            return connections, subscribed, answers, time.monotonic() - finished_at

    connections, subscribed, answers, woke_after_s = asyncio.run(scenario())
    watcher.close()

    print(f"{LONG_POLLS} long polls: {connections} more Redis connections, {subscribed} "
          f"subscribed; all answered {woke_after_s:.2f} s after the finish")  # fmt: skip
    assert subscribed == 1
    # The listener, and the thread pool's connections for status reads (40 threads at most).
    assert connections <= 45
    assert [a.json()["status"] for a in answers] == ["succeeded"] * LONG_POLLS
    assert woke_after_s < 5
