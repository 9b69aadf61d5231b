"""The Ringkas stack as child processes: uvicorn (``ringkas.service.app:app``) and a Celery worker.

``ringkas demo`` starts it with ``start_services``; the tests start one for the whole session
with ``running_stack``::

    with running_stack(env, log_dir) as stack:
        httpx.post(f"{stack.base_url}/v1/jobs", json=...)
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from ringkas.processes import ChildExited, ManagedProcess, free_port, wait_for


def readyz_check(base_url: str) -> Callable[[], bool]:
    """A check for ``wait_for``: GET /readyz answers 200 (Redis and a worker answer)."""

    def check() -> bool:
        try:
            return httpx.get(f"{base_url}/readyz", timeout=3.0).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def start_services(
    port: int, env: Mapping[str, str], out_dir: Path, cwd: Path | None = None
) -> list[ManagedProcess]:
    """Starts uvicorn (``ringkas.service.app:app``, on ``port``) and a Celery worker; logs in
    ``out_dir``.

    ``env`` is their whole environment. They run in ``cwd`` (default: the current folder), so
    relative paths in the settings mean the same to them.
    """
    cwd = cwd or Path.cwd()
    api_args = ["ringkas.service.app:app", "--host", "127.0.0.1", "--port", str(port)]
    python = sys.executable
    return [
        ManagedProcess(
            "API (uvicorn)", [python, "-m", "uvicorn", *api_args], out_dir / "api.log", env, cwd
        ),
        start_worker(env, out_dir / "worker.log", cwd=cwd),
    ]


def start_worker(
    env: Mapping[str, str],
    log: Path,
    name: str | None = None,
    cwd: Path | None = None,
    celery_app: str = "ringkas.workers.celery_app",
) -> ManagedProcess:
    """Starts one Celery worker on both queues, with ``RINGKAS_WORKER_CONCURRENCY`` pool
    processes (1 by default); its output goes to ``log``.

    ``celery_app`` is the ``-A`` module: the fault tests pass one that wraps the model layer.
    """
    args = ["-A", celery_app, "worker"]
    args += ["-Q", "ringkas.jobs,ringkas.sync", "--loglevel=INFO"]
    # A unique name, so it cannot clash with another worker on the same Redis; no syncing
    # with other workers at start (faster, and there is nothing to sync with).
    name = name or f"ringkas-demo-{os.getpid()}"
    args += ["-n", f"{name}@%h", "--without-mingle", "--without-gossip"]
    return ManagedProcess(
        "Celery worker", [sys.executable, "-m", "celery", *args], log, env, cwd or Path.cwd()
    )


@dataclass(frozen=True)
class Stack:
    base_url: str
    api: ManagedProcess
    worker: ManagedProcess


@contextlib.contextmanager
def running_stack(
    env: Mapping[str, str],
    log_dir: Path,
    ready_timeout_s: float = 120.0,
    cwd: Path | None = None,
) -> Iterator[Stack]:
    """The API on a free port and a worker, ready (``/readyz`` answered 200); both stopped on exit.

    Raises:
        ChildExited: one of them exited before it was ready.
        TimeoutError: not ready within ``ready_timeout_s``.
        Either carries the last lines of both logs as a note.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with contextlib.ExitStack() as cleanup:
        processes = start_services(port, env, log_dir, cwd)
        for proc in processes:
            cleanup.callback(proc.stop)  # stopped in reverse: worker first, then the API
        try:
            wait_for(readyz_check(base_url), processes, ready_timeout_s)
        except (ChildExited, TimeoutError) as exc:
            for proc in processes:
                exc.add_note(f"--- last lines of {proc.log} ({proc.name}) ---\n{proc.tail()}")
            raise
        api, worker = processes
        yield Stack(base_url=base_url, api=api, worker=worker)
