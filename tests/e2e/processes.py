"""Start and stop the real processes of a Ringkas stack: uvicorn and a Celery worker.

Reusable outside these tests (the batch and demo tests start the same stack)::

    with running_stack(env, log_dir) as stack:
        httpx.post(f"{stack.base_url}/v1/jobs", json=...)

Each process writes its output to a log file; when one dies or never gets ready, the
error carries the tail of its log.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ManagedProcess:
    """A child process and its log."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout_s: float = 20.0) -> None:
        """SIGTERM (a worker finishes its task: warm shutdown), then SIGKILL on timeout."""
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            # The whole group, so a prefork worker's children go too.
            os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


@dataclass
class Stack:
    base_url: str
    api: ManagedProcess
    worker: ManagedProcess


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(name: str, argv: list[str], env: Mapping[str, str], log_dir: Path) -> ManagedProcess:
    """Starts ``argv`` in its own process group with ``env`` on top of this environment."""
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        popen = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return ManagedProcess(name, popen, log_path)


def start_api(env: Mapping[str, str], log_dir: Path, port: int) -> ManagedProcess:
    argv = [sys.executable, "-m", "uvicorn", "service.app:app"]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "info"]
    return start("api", argv, env, log_dir)


def start_worker(
    env: Mapping[str, str],
    log_dir: Path,
    queues: str = "ringkas.jobs,ringkas.sync",
    concurrency: int = 1,
) -> ManagedProcess:
    # A unique node name: another worker on the same Redis must not clash with it.
    node = f"ringkas-test-{uuid.uuid4().hex[:8]}@%h"
    argv = [sys.executable, "-m", "celery", "-A", "workers.celery_app", "worker"]
    argv += ["--pool=prefork", f"--concurrency={concurrency}", "-Q", queues]
    argv += ["-n", node, "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    return start("worker", argv, env, log_dir)


def wait_until_ready(
    base_url: str, processes: list[ManagedProcess], timeout_s: float = 120.0
) -> None:
    """Polls ``/readyz`` until it answers 200; fails early if a process exits."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        for process in processes:
            if not process.alive():
                raise RuntimeError(
                    f"{process.name} exited with {process.popen.returncode}:\n{process.log_tail()}"
                )
        try:
            response = httpx.get(f"{base_url}/readyz", timeout=5)
            if response.status_code == 200:
                return
            last = response.text
        except httpx.HTTPError as exc:
            last = repr(exc)
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name} ---\n{p.log_tail()}" for p in processes)
    raise RuntimeError(f"not ready after {timeout_s:g} s (last /readyz: {last})\n{tails}")


@contextmanager
def running_stack(
    env: Mapping[str, str], log_dir: Path, ready_timeout_s: float = 120.0
) -> Iterator[Stack]:
    """A worker and an API server with ``env``, ready; both stopped on exit."""
    port = free_port()
    with ExitStack() as cleanup:
        worker = start_worker(env, log_dir)
        cleanup.callback(worker.stop)
        api = start_api(env, log_dir, port)
        cleanup.callback(api.stop)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_ready(base_url, [api, worker], ready_timeout_s)
        yield Stack(base_url=base_url, api=api, worker=worker)
