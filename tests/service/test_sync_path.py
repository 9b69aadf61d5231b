"""POST /v1/translate in process, with a real Celery client and Redis: the answer comes through
the shared listener, decoded as Celery stores it; the requests in flight are bounded per
process (503) and per key (429).

The worker is this test: it takes the task message off the broker's list and stores the
task's outcome with Celery's own result backend (which publishes it, as a worker's would).
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis
from fastapi import FastAPI

from ringkas.keys import KeyStore
from ringkas.models.result import BodySentence, TextResult
from ringkas.service.app import create_app
from ringkas.service.deps import get_queue
from ringkas.service.queue import TaskQueue
from ringkas.service.syncslots import PREFIX as SLOTS_PREFIX
from ringkas.settings import Settings
from ringkas.workers.celery_app import SYNC_QUEUE, make_celery
from ringkas.workers.errors import SyncTaskError


@contextmanager
def isolated_queue(settings: Settings) -> Iterator[tuple[TaskQueue, str]]:
    """A real Celery client whose queues no worker listens on (a unique key prefix), and the
    Redis list its sync tasks land in."""
    prefix = f"ringkas-test-{uuid.uuid4().hex[:8]}:"
    celery_app = make_celery(settings)
    celery_app.conf.broker_transport_options = {"global_keyprefix": prefix}
    try:
        yield TaskQueue(celery_app), f"{prefix}{SYNC_QUEUE}"
    finally:
        client = redis.Redis.from_url(settings.redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def play_worker(
    queue: TaskQueue,
    sync_list: str,
    redis_url: str,
    outcome: Callable[[Any, str], None],
    answered: list[str],
) -> threading.Thread:
    """Answers the first sync task that arrives with ``outcome(backend, task_id)``; its id
    goes into ``answered``."""

    def run() -> None:
        client = redis.Redis.from_url(redis_url)
        popped = client.blpop([sync_list], timeout=10)
        client.close()
        assert popped is not None, "no task arrived"
        task_id = json.loads(popped[1])["headers"]["id"]
        outcome(queue._celery.backend, task_id)
        answered.append(task_id)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def post_translate(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.Response:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            return await http.post("/v1/translate", json={"text": "Halo."}, headers=headers)

    return asyncio.run(call())


# What a worker stores: a TextResult as JSON.
ANSWER = TextResult(
    source_lang="id",
    target_lang="en",
    translation="Hello.",
    sentences=1,
    sentences_detail=[
        BodySentence(
            paragraph=0, source="Halo.", translation="Hello.", confidence=-0.5, warnings=[]
        )
    ],
    warnings=[],
    model="test",
    backend="ctranslate2",
    demo_model=True,
    timing_s=0.01,
).model_dump(mode="json")


@pytest.mark.parametrize(
    ("outcome", "status", "body"),
    [
        (lambda b, t: b.mark_as_done(t, ANSWER), 200, ANSWER),
        (
            lambda b, t: b.mark_as_failure(t, SyncTaskError("invalid_input", "looks like 'fr'")),
            422,
            {"code": "invalid_request", "detail": "looks like 'fr'", "errors": []},
        ),
        (
            lambda b, t: b.mark_as_failure(t, SyncTaskError("model_error", "no model")),
            503,
            {"code": "model_error", "detail": "no model", "errors": []},
        ),
    ],
)
def test_the_answer_arrives_through_the_listener(
    api_settings: Settings, outcome: Callable[[Any, str], None], status: int, body: Any
) -> None:
    settings = api_settings.model_copy(update={"sync_timeout_s": 10.0})
    app = create_app(settings)
    with isolated_queue(settings) as (queue, sync_list):
        app.dependency_overrides[get_queue] = lambda: queue
        answered: list[str] = []
        worker = play_worker(queue, sync_list, settings.redis_url, outcome, answered)

        response = post_translate(app)
        worker.join(5)

    assert response.status_code == status, response.text
    assert {k: response.json()[k] for k in body} == body
    # The answer was read, then forgotten: its result key is gone.
    client = redis.Redis.from_url(settings.redis_url)
    assert client.exists(queue.result_channel(answered[0])) == 0
    client.close()


async def send_while_others_wait(
    app: FastAPI, waiting: int, headers: dict[str, str] | None = None
) -> tuple[list[httpx.Response], httpx.Response]:
    """``waiting`` requests that wait (no worker answers), then one more."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:

        def send() -> Any:
            return http.post("/v1/translate", json={"text": "Halo."}, headers=headers)

        first = [asyncio.ensure_future(send()) for _ in range(waiting)]
        for _ in range(500):
            if app.state.sync_slots.in_flight == waiting:
                break
            await asyncio.sleep(0.01)
        assert app.state.sync_slots.in_flight == waiting
        extra = await send()
        return list(await asyncio.gather(*first)), extra


def test_requests_in_flight_are_bounded_per_process(api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"sync_timeout_s": 2.0, "max_sync_in_flight": 2})
    app = create_app(settings)
    with isolated_queue(settings) as (queue, _):
        app.dependency_overrides[get_queue] = lambda: queue
        waited, extra = asyncio.run(send_while_others_wait(app, 2))

    assert extra.status_code == 503
    assert extra.headers["Retry-After"] == "2"
    assert extra.json() == {
        "code": "sync_busy",
        "detail": "this API process has 2 synchronous translations in flight, its limit "
        "(RINGKAS_MAX_SYNC_IN_FLIGHT); retry in 2 s, or submit the text as a job to "
        "POST /v1/jobs",
        "errors": [],
    }
    assert [r.status_code for r in waited] == [504, 504]  # nobody answered them
    assert app.state.sync_slots.in_flight == 0


def test_requests_in_flight_are_bounded_per_key(api_settings: Settings) -> None:
    settings = api_settings.model_copy(
        update={"sync_timeout_s": 2.0, "auth_required": True, "max_sync_in_flight_per_key": 1}
    )
    keys = KeyStore.from_url(settings.redis_url)
    (alice, alice_token), (_, bob_token) = keys.create("alice"), keys.create("bob")
    app = create_app(settings)
    try:
        with isolated_queue(settings) as (queue, _):
            app.dependency_overrides[get_queue] = lambda: queue
            alice_headers = {"Authorization": f"Bearer {alice_token}"}
            waited, extra = asyncio.run(send_while_others_wait(app, 1, alice_headers))
            bob = post_translate(app, {"Authorization": f"Bearer {bob_token}"})
        client = redis.Redis.from_url(settings.redis_url)
        left = client.zcard(SLOTS_PREFIX + alice.id)
        client.close()
    finally:
        for key in keys.list():
            if key.name in {"alice", "bob"}:
                keys.revoke(key.id)

    assert extra.status_code == 429
    assert extra.headers["Retry-After"] == "2"
    assert extra.json()["detail"] == (
        "this key has 1 synchronous translations in flight; the limit is 1 "
        "(RINGKAS_MAX_SYNC_IN_FLIGHT_PER_KEY); retry in 2 s"
    )
    assert [r.status_code for r in waited] == [504]
    assert bob.status_code == 504  # another key has its own places (nobody answers it either)
    assert left == 0  # every place was given back
