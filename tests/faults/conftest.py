"""Fault tests: each runs its own Redis (and stack), so killing or restarting things never
touches the session's stack, the shared Redis, or another engineer's queues.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from faultkit import HERE, ROOT, FaultStack, RedisServer, broker_url


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def fault_env(demo_env: dict[str, str]) -> Callable[..., dict[str, str]]:
    """The environment of a fault test's processes, on its own Redis and a chosen broker."""

    def make(redis_url: str, broker: str = "redis", **settings: Any) -> dict[str, str]:
        env = {
            **os.environ,
            **demo_env,
            "RINGKAS_REDIS_URL": redis_url,
            "REDIS_URL": redis_url,
            "RINGKAS_BROKER_URL": broker_url(broker, redis_url),
            # A dead worker's started articles come back through their lease (3 s) and
            # the sweep (every second); the broker's redelivery is the slower backstop. The
            # visibility timeout may not be below the hard limit (settings refuse it); the
            # limits leave room for a new worker's first article (it loads the models) on
            # a loaded 2-core machine.
            "RINGKAS_BROKER_VISIBILITY_TIMEOUT_S": "60",
            "RINGKAS_TASK_SOFT_TIME_LIMIT_S": "50",
            "RINGKAS_TASK_TIME_LIMIT_S": "60",
            "RINGKAS_LEASE_S": "3",
            "RINGKAS_LEASE_SWEEP_INTERVAL_S": "1",
            # One thread per worker process: with the cores taken (a busy machine), torch's
            # two threads made a brief of about 2 s take 7.5 s and an article outlast its
            # time limit.
            "RINGKAS_TORCH_THREADS": "1",
            "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)]),
            "PYTHONUNBUFFERED": "1",
        }
        env.update({f"RINGKAS_{k.upper()}": str(v) for k, v in settings.items()})
        return env

    return make


@pytest.fixture
def fault_stack(tmp_path: Path) -> Iterator[Callable[[Mapping[str, str]], FaultStack]]:
    stacks: list[FaultStack] = []

    def make(env: Mapping[str, str]) -> FaultStack:
        stack = FaultStack(env, tmp_path / f"logs-{len(stacks)}")
        stacks.append(stack)
        return stack

    yield make
    for stack in stacks:
        stack.stop()
