"""Fixtures shared by every test folder.

Redis: the tests use database 15 of the Redis at ``RINGKAS_TEST_REDIS_URL`` (default
127.0.0.1:6379), so a developer's own jobs in database 0 are never touched.
Models: the tiny random-weight demo models, built once into ``var/demo-models`` (which
``.ci/run`` and ``make test`` build before pytest starts) and reused.
Stack: one real uvicorn + Celery worker with those models on that database, started by the
first test that asks for it and shared by the whole session (``ringkas.stack``), so no two
workers ever compete for the same queues.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from shared_env import ROOT, SEEDS, TEST_REDIS_URL, WEBHOOK_TEST_ENV  # noqa: F401 (re-exported)

from ringkas.jobstore import JobStore
from ringkas.settings import Settings
from ringkas.stack import Stack, running_stack


@pytest.fixture(scope="session")
def demo_models_dir() -> Path:
    from ringkas.models.build import build_demo_models

    out = ROOT / "var" / "demo-models"
    build_demo_models(out)  # no-op when already complete
    return out


@pytest.fixture(scope="session")
def demo_env(demo_models_dir: Path) -> dict[str, str]:
    """Environment variables that point every model setting at the demo models."""
    from ringkas.models.build import demo_model_env

    return {**demo_model_env(demo_models_dir), "RINGKAS_REDIS_URL": TEST_REDIS_URL}


@pytest.fixture(scope="session")
def settings(demo_env: dict[str, str]) -> Settings:
    """Settings with the demo models and the test Redis database."""
    values = {k.removeprefix("RINGKAS_").lower(): v for k, v in demo_env.items()}
    return Settings(**values)


@pytest.fixture(scope="session")
def test_redis_url() -> str:
    """The test Redis database (TEST_REDIS_URL), for tests that need no models."""
    return TEST_REDIS_URL


@pytest.fixture(scope="session")
def stack(demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The API and a worker with the demo models, ready (``/readyz`` answered 200)."""
    env = {
        **os.environ,
        **demo_env,
        "REDIS_URL": TEST_REDIS_URL,  # in case a child reads this name instead
        "PYTHONUNBUFFERED": "1",  # logs appear as they happen
        **WEBHOOK_TEST_ENV,
    }
    with running_stack(env, tmp_path_factory.mktemp("stack-logs"), cwd=ROOT) as stack:
        yield stack


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """A PostgreSQL database of this session's own (tests/own_postgres.py), for the
    PostgreSQL result store."""
    from own_postgres import temporary_database

    with temporary_database() as url:
        yield url


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
