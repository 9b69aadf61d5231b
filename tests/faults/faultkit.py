"""Helpers of the fault tests (the fixtures are in conftest.py): a Redis of their own, an API
with faulty workers, kill -9, polling. A module of its own name, since test modules cannot
import ``conftest`` reliably (every test folder has one).

``RedisServer`` is a redis-server on a free port with AOF on (as in docker-compose), its
data in a tmp folder: stopping and starting it again is a real Redis restart.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
from own_redis import OwnRedis

from ringkas.jobstore import JobStore
from ringkas.processes import ManagedProcess, free_port, wait_for
from ringkas.stack import readyz_check, start_worker

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
RABBITMQ_URL = os.environ.get("RINGKAS_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
FINISHED = {"succeeded", "failed", "partial"}


class RedisServer(OwnRedis):
    """A redis-server of our own, AOF on, fsync on every write (a restart loses nothing)."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        self.data_dir = data_dir

    def persistence_args(self) -> list[str]:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = ["--dir", str(self.data_dir), "--appendonly", "yes", "--appendfsync", "always"]
        return [*args, "--save", "", "--logfile", str(self.data_dir / "redis.log")]


def purge_rabbitmq_queues(url: str) -> None:
    """Drops messages a previous, interrupted run left on the RabbitMQ queues."""
    from kombu import Connection

    with Connection(url, connect_timeout=5) as conn:
        channel = conn.channel()
        for queue in ("ringkas.jobs", "ringkas.sync"):
            with contextlib.suppress(Exception):
                channel.queue_purge(queue)


def broker_url(broker: str, redis_url: str) -> str:
    if broker == "redis":
        return redis_url
    purge_rabbitmq_queues(RABBITMQ_URL)
    return RABBITMQ_URL


class FaultStack:
    """An API and any number of faulty workers, started and stopped by the test."""

    def __init__(self, env: Mapping[str, str], log_dir: Path) -> None:
        self.env = dict(env)
        self.log_dir = log_dir
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.processes: list[ManagedProcess] = []
        args = ["-m", "uvicorn", "ringkas.service.app:app", "--host", "127.0.0.1", "--port"]
        self.api = ManagedProcess(
            "API", [sys.executable, *args, str(self.port)], log_dir / "api.log", self.env, ROOT
        )
        self.processes.append(self.api)

    def worker(self, name: str) -> ManagedProcess:
        proc = start_worker(
            self.env, self.log_dir / f"{name}.log", name=name, cwd=ROOT, celery_app="faulty_worker"
        )
        self.processes.append(proc)
        return proc

    def wait_ready(self, timeout_s: float = 90) -> None:
        live = [p for p in self.processes if p.exit_code() is None]
        try:
            wait_for(readyz_check(self.base_url), live, timeout_s)
        except Exception as exc:
            exc.add_note(self.logs())
            raise

    def logs(self) -> str:
        return "\n".join(f"--- {p.log} ---\n{p.tail(40)}" for p in self.processes)

    def stop(self) -> None:
        """kill -9 every process: the test is over and its Redis is thrown away, so a warm
        shutdown (seconds per worker) would only slow the suite down."""
        for proc in reversed(self.processes):
            # Also reaches pool processes whose parent is gone already.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill_9(proc)


def kill_9(proc: ManagedProcess) -> None:
    """kill -9 the worker and its pool processes at once: no warm shutdown, no ack."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.popen.wait(10)


def wait_article(store: JobStore, job_id: str, index: int, status: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while store.article_state(job_id, index).status != status:
        if time.monotonic() > deadline:
            raise AssertionError(f"article {index} never reached {status!r}")
        time.sleep(0.05)


def poll_job(
    client: httpx.Client, job_id: str, timeout_s: float, stack: FaultStack
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    job: dict[str, Any] = {}
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            response = client.get(f"/v1/jobs/{job_id}")
            if response.status_code == 200:
                job = response.json()
                if job["status"] in FINISHED:
                    return job
        time.sleep(0.3)
    raise AssertionError(f"job not finished in {timeout_s} s: {job}\n{stack.logs()}")
