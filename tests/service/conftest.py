"""An in-process API (FastAPI TestClient) on the test Redis, with small limits.

The job store is real (Redis, test database). The queue is replaced by a recorder — the
broker is this unit's edge; tests/e2e send through a real broker to a real worker.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from own_redis import OwnRedis
from recording_queue import RecordingQueue

from ringkas.jobstore import JobStore
from ringkas.service.app import create_app
from ringkas.service.deps import get_queue
from ringkas.settings import Settings


@pytest.fixture
def api_settings(test_redis_url: str) -> Settings:
    # Small limits keep the over-the-limit bodies small; messages are derived from them.
    return Settings(
        redis_url=test_redis_url,
        max_article_chars=300,
        max_articles_per_job=3,
        max_sync_chars=50,
        sync_timeout_s=1.0,
    )


@pytest.fixture
def queue() -> RecordingQueue:
    return RecordingQueue()


@pytest.fixture
def app(api_settings: Settings, queue: RecordingQueue) -> Iterator[FastAPI]:
    app = create_app(api_settings)
    app.dependency_overrides[get_queue] = lambda: queue
    yield app
    # Delete the jobs this test created (the recorder saw every one of them).
    client = redis.Redis.from_url(api_settings.redis_url)
    for job_id in {job_id for job_id, _ in queue.articles}:
        client.delete(JobStore.key(job_id))
    client.close()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    """A Redis of the test's own (its connections are the test's alone; it may restart it)."""
    server = OwnRedis()
    server.start()
    yield server
    server.stop()
