"""A fuzz pass over the API from its own OpenAPI spec (schemathesis): no request gets a 5xx.

In process (ASGI), on the test Redis; the queue is the recorder (the broker is this unit's
edge), so the sync path answers at once. Bounded: a few dozen examples per operation.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
import schemathesis
from hypothesis import HealthCheck, settings
from recording_queue import RecordingQueue

from ringkas.jobstore import JobStore
from ringkas.service.app import create_app
from ringkas.service.deps import get_queue
from ringkas.settings import Settings

REDIS_URL = os.environ.get("RINGKAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
QUEUE = RecordingQueue()
APP = create_app(
    Settings(
        redis_url=REDIS_URL, max_article_chars=300, max_articles_per_job=3, max_body_bytes=20_000
    )
)
APP.dependency_overrides[get_queue] = lambda: QUEUE
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@pytest.fixture(scope="module", autouse=True)
def _delete_fuzzed_jobs() -> Iterator[None]:
    yield
    client = redis.Redis.from_url(REDIS_URL)
    for job_id in {job_id for job_id, _ in QUEUE.articles}:
        client.delete(JobStore.key(job_id))
    client.close()


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples every run: a failure here is reproducible
)
def test_no_request_gets_a_server_error(case: schemathesis.Case) -> None:
    response = case.call()
    assert response.status_code < 500, (case.as_curl_command(), response.text)
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "detail", "errors"}, response.text
