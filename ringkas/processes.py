"""Child processes with their output in a log file, stopped for sure (see ``ringkas.stack``).

Each child runs in its own session (process group): a Ctrl-C in the terminal then reaches
only ``ringkas demo``, which stops the children itself, in order, instead of all of them
dying at once mid-request. A Celery worker forks pool processes; stopping the group after
the main process has had its chance to shut down leaves none of them behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now.

    The OS picks it; the server binds it a moment later. Another process could take it in
    between; the server's start then fails and says so.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ManagedProcess:
    """A started child process whose stdout and stderr go to ``log``."""

    def __init__(
        self, name: str, args: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path
    ) -> None:
        self.name = name
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as log_file:  # the child keeps its own copy of the descriptor
            self.popen = subprocess.Popen(
                list(args),
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=dict(env),
                cwd=cwd,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exit_code(self) -> int | None:
        """None while running."""
        return self.popen.poll()

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM (Celery: warm shutdown; uvicorn: graceful), then SIGKILL to the group."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout_s)
        # The group id is the child's pid (start_new_session); this reaches pool processes
        # a killed or crashed parent left behind.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)

    def tail(self, lines: int = 30) -> str:
        """The last lines of the log."""
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def pid_alive(pid: int) -> bool:
    """Whether a process runs (a zombie, exited but not yet reaped, does not count)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


def wait_for(
    check: Callable[[], bool],
    processes: Sequence[ManagedProcess],
    timeout_s: float,
    interval_s: float = 0.5,
) -> None:
    """Calls ``check()`` until it returns True.

    Raises:
        ChildExited: a process exited while waiting.
        TimeoutError: ``timeout_s`` passed.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        for proc in processes:
            code = proc.exit_code()
            if code is not None:
                raise ChildExited(proc, code)
        if check():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"not ready within {timeout_s:.0f} s")
        time.sleep(interval_s)


class ChildExited(RuntimeError):
    def __init__(self, proc: ManagedProcess, code: int) -> None:
        super().__init__(f"{proc.name} exited with code {code} (log: {proc.log})")
        self.proc = proc
