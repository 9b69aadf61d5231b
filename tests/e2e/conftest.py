"""A second stack for the end-to-end job tests: results in PostgreSQL (``RINGKAS_RESULT_STORE``),
on a Redis of its own, so its worker never takes the first stack's tasks."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from own_redis import OwnRedis

from ringkas.stack import Stack, running_stack

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def postgresql_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgresql_stack(
    demo_env: dict[str, str],
    database_url: str,
    postgresql_redis: OwnRedis,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Stack]:
    """The API and a worker with the demo models, their results in PostgreSQL."""
    env = {
        **os.environ,
        **demo_env,
        "RINGKAS_REDIS_URL": postgresql_redis.url,
        "REDIS_URL": postgresql_redis.url,
        "RINGKAS_BROKER_URL": postgresql_redis.url,
        "RINGKAS_RESULT_STORE": "postgresql",
        "RINGKAS_DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    logs = tmp_path_factory.mktemp("postgresql-stack-logs")
    with running_stack(env, logs, cwd=ROOT) as stack:
        yield stack
