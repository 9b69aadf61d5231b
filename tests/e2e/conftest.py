"""A real stack for the end-to-end tests: uvicorn + a Celery worker on the test Redis."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import redis
from processes import Stack, running_stack

from ringkas.jobstore import JobStore
from ringkas.settings import Settings


@pytest.fixture(scope="session")
def stack(demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The API and a worker with the demo models, ready (``/readyz`` answered 200)."""
    with running_stack(demo_env, tmp_path_factory.mktemp("e2e-logs")) as stack:
        yield stack


@pytest.fixture
def http(stack: Stack, settings: Settings) -> Iterator[httpx.Client]:
    """A client of the stack's API; jobs it submits are deleted afterwards."""
    submitted: list[str] = []

    def remember_job(response: httpx.Response) -> None:
        if response.request.url.path == "/v1/jobs" and response.status_code == 202:
            response.read()
            submitted.append(response.json()["job_id"])

    with httpx.Client(
        base_url=stack.base_url, timeout=30, event_hooks={"response": [remember_job]}
    ) as client:
        yield client
    store = redis.Redis.from_url(settings.redis_url)
    for job_id in submitted:
        store.delete(JobStore.key(job_id))
    store.close()
