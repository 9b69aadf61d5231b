"""18.3: progress reports are best effort: while Redis is down they are dropped at once,
never waited on (each waited out the job store's reconnect retries, about 30 s, before)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from faultkit import RedisServer

from ringkas.jobstore import ArticleInput
from ringkas.settings import get_settings
from ringkas.workers import leasing, tasks
from ringkas.workers.progress import QUIET_AFTER_ERROR_S, ThrottledProgress


@pytest.fixture
def worker_stores(own_redis: RedisServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("RINGKAS_REDIS_URL", own_redis.url)
    for cache in (get_settings, tasks.job_store, leasing._per_process):
        cache.cache_clear()
    yield
    tasks.job_store()._redis.close()
    leasing.quick_store()._redis.close()
    for cache in (get_settings, tasks.job_store, leasing._per_process):
        cache.cache_clear()


def test_progress_is_dropped_while_redis_is_down_and_resumes_after(
    own_redis: RedisServer, worker_stores: None
) -> None:
    store = tasks.job_store()  # the worker's retrying store, for outcomes
    job_id = store.create([ArticleInput(text="Halo.", source_lang="id")], ["translate"])
    clock = [0.0]
    progress = ThrottledProgress(leasing.quick_store(), job_id, 0, clock=lambda: clock[0])
    progress(1, 10)
    assert store.get(job_id).articles[0].sentences is not None

    own_redis.stop()
    started = time.monotonic()
    for done in range(2, 12):
        clock[0] += 1.0
        progress(min(done, 10), 10)
    blocked_s = time.monotonic() - started
    own_redis.start()

    assert blocked_s < 2.0, f"ten progress reports held the model loop up {blocked_s:.1f} s"
    clock[0] += QUIET_AFTER_ERROR_S + 1
    progress(10, 10)
    sentences = store.get(job_id).articles[0].sentences
    assert sentences is not None and (sentences.done, sentences.total) == (10, 10)
