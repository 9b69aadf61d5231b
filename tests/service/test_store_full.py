"""Redis at its maxmemory (noeviction): submissions answer 503 store_full, nothing is evicted,
and the jobs already accepted can still finish. On a Redis of the test's own, its maxmemory
set just above what it uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from own_redis import OwnRedis
from recording_queue import RecordingQueue
from tracking_store import A_BRIEF

from ringkas.jobstore import JobStore
from ringkas.service.app import create_app
from ringkas.service.deps import get_memory_guard, get_queue
from ringkas.settings import Settings

ARTICLE = {"text": "Berita dari Jakarta hari ini. " * 500}  # about 15 KB


@pytest.fixture
def full_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    with redis.Redis.from_url(server.url) as client:
        client.config_set("maxmemory-policy", "noeviction")
    yield server
    server.stop()


class NoGuard:
    def check(self) -> None:
        pass


def limit_memory(server: OwnRedis, room: int) -> None:
    """maxmemory ``room`` bytes above what Redis uses now (its clients' buffers included)."""
    with redis.Redis.from_url(server.url) as client:
        used = int(client.info("memory")["used_memory"])
        client.config_set("maxmemory", str(used + room))


def submit_until_refused(client: TestClient, limit: int = 2000) -> tuple[int, object]:
    for accepted in range(1, limit):
        response = client.post("/v1/jobs", json={"articles": [ARTICLE]})
        if response.status_code != 202:
            return accepted, response
    raise AssertionError(f"{limit} jobs accepted: the limit never bit")


def test_submissions_answer_503_before_redis_is_full_and_nothing_is_evicted(
    full_redis: OwnRedis,
) -> None:
    settings = Settings(redis_url=full_redis.url, redis_submit_memory_share=0.9)
    app = create_app(settings)
    queue = RecordingQueue()
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app) as client:
        assert client.post("/v1/jobs", json={"articles": [ARTICLE]}).status_code == 202
        store = JobStore.from_url(full_redis.url, settings.job_ttl_s)
        store.ping()
        # Room for some 150 jobs; the last 10% (300 KB) is kept for them to finish.
        limit_memory(full_redis, 3_000_000)
        accepted, refused = submit_until_refused(client)

        assert accepted > 50
        assert refused.status_code == 503  # type: ignore[attr-defined]
        body = refused.json()  # type: ignore[attr-defined]
        assert body["code"] == "store_full"
        assert body["detail"].startswith("the job store (Redis) is full: it uses ")
        assert "RINGKAS_RESULT_STORE=postgresql" in body["detail"]
        assert refused.headers["retry-after"] == "60"  # type: ignore[attr-defined]
        # Every accepted job is still there, and the room left lets them finish.
        jobs = {job_id for job_id, _ in queue.articles}
        assert len(jobs) == accepted
        for job_id in jobs:
            store.start(job_id, 0)
            assert store.succeed(job_id, 0, A_BRIEF)
        assert all(client.get(f"/v1/jobs/{j}").json()["status"] == "succeeded" for j in jobs)


def test_a_write_redis_refuses_answers_the_same_503(full_redis: OwnRedis) -> None:
    settings = Settings(redis_url=full_redis.url)
    app = create_app(settings)
    app.dependency_overrides[get_queue] = RecordingQueue
    # Without the guard's margin, Redis itself refuses the write (OOM) at the limit.
    app.dependency_overrides[get_memory_guard] = NoGuard
    redis.Redis.from_url(full_redis.url).config_set("maxmemory", "1")
    with TestClient(app) as client:
        response = client.post("/v1/jobs", json={"articles": [ARTICLE]})

    assert response.status_code == 503
    assert response.json()["code"] == "store_full"
