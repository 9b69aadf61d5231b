"""No started article is stranded (issue 18) and no finished one is thrown away (issue 14.3).

Real Redis of the test's own (stopped and started again), real API, real Celery workers
(the fault-test app, which can slow the model step down), kill -9. Each test prints the
recovery time it measured (``pytest -s`` shows them).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import redis
from faultkit import FaultStack, RedisServer, kill_9, poll_job
from faulty_worker import runs_key

from ringkas.jobstore import JobStore
from ringkas.processes import ManagedProcess

pytestmark = pytest.mark.slow


def _submit(client: httpx.Client, articles: list[dict[str, str]], tasks: list[str]) -> str:
    submitted = client.post("/v1/jobs", json={"articles": articles, "tasks": tasks})
    assert submitted.status_code == 202, submitted.text
    return str(submitted.json()["job_id"])


def _wait_model_entered(url: str, text: str, stack: FaultStack, timeout_s: float = 90) -> None:
    runs = redis.Redis.from_url(url)
    deadline = time.monotonic() + timeout_s
    while runs.get(runs_key(text)) is None:
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.05)
    runs.close()


def test_redis_down_longer_than_the_store_retries_during_the_write_and_the_job_finishes(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    """18.1 and 18.3: the outcome write outlives the store's own retries (2 s here) and
    the message is not lost; progress reports while Redis is down do not hold the model
    loop up (each would wait the store's retries before)."""
    env = fault_env(
        own_redis.url,
        store_reconnect_s=2,
        task_soft_time_limit_s=120,
        task_time_limit_s=130,
        broker_visibility_timeout_s=140,
    )
    env["FAULTY_SLOW_S"] = "3"
    articles = [{"id": "slow", "text": "[slow] Berita dari Jakarta hari ini."}]
    articles += [{"id": f"a{i}", "text": f"Berita nomor {i} dari Bandung."} for i in range(5)]
    stack = fault_stack(env)
    stack.worker("only")
    stack.wait_ready()

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        warm = _submit(
            client, [{"text": "Halo dunia.", "source_lang": "id"}], ["translate"]
        )  # models loaded
        poll_job(client, warm, timeout_s=120, stack=stack)
        job_id = _submit(client, articles, ["translate"])
        _wait_model_entered(own_redis.url, articles[0]["text"], stack)
        own_redis.stop()
        time.sleep(6)  # three times the store's retry window; the model step ends meanwhile
        own_redis.start()
        restarted = time.monotonic()
        job = poll_job(client, job_id, timeout_s=90, stack=stack)
        recovery_s = time.monotonic() - restarted

    print(f"\nRedis down 6 s during the result write: job finished {recovery_s:.1f} s after")
    assert job["status"] == "succeeded", job
    assert [a["status"] for a in job["articles"]] == ["succeeded"] * len(articles)


def test_a_dead_workers_articles_run_again_within_the_lease_each_with_its_own_budget(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    """18.1 (second line) and 18.2: with a visibility timeout of 10 minutes, the lease
    sweep hands a kill -9'd worker's articles on within seconds, each in a task of its own
    (18.5), and all succeed. (Generous time limits: the new worker's first task loads the
    models, which takes a minute on a loaded 2-core machine.)"""
    env = fault_env(
        own_redis.url,
        broker_visibility_timeout_s=600,
        task_soft_time_limit_s=300,
        task_time_limit_s=310,
        task_max_retries=2,
    )
    env["FAULTY_SLOW_S"] = "3"
    articles = [{"id": f"s{i}", "text": f"[slow] Berita lambat nomor {i}."} for i in range(3)]
    stack = fault_stack(env)
    first = stack.worker("first")
    stack.wait_ready()
    store = JobStore.from_url(own_redis.url, ttl_s=3600)

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        # Each [slow] article sleeps in the model step: the batch of three would take 9 s.
        warm = _submit(
            client, [{"text": "Halo dunia.", "source_lang": "id"}], ["translate"]
        )  # models loaded
        poll_job(client, warm, timeout_s=120, stack=stack)
        job_id = _submit(client, articles, ["translate"])
        _wait_model_entered(own_redis.url, articles[0]["text"], stack)
        kill_9(first)
        killed = time.monotonic()
        assert store.article_state(job_id, 0).status == "running"
        stack.worker("second")
        deadline = killed + 120
        while all(store.article_state(job_id, i).attempts < 2 for i in range(3)):
            assert time.monotonic() < deadline, "not running again 2 min after\n" + stack.logs()
            time.sleep(0.2)
        rerun_s = time.monotonic() - killed
        job: dict[str, Any] = poll_job(client, job_id, timeout_s=400, stack=stack)
        recovery_s = time.monotonic() - killed

    print(
        f"\nkill -9 mid-batch, visibility timeout 600 s: running again {rerun_s:.1f} s after, "
        f"job finished {recovery_s:.1f} s after (a new worker started meanwhile)"
    )
    assert job["status"] == "succeeded", job
    # The batch's attempt, then each article's own.
    assert [(a["status"], a["attempts"]) for a in job["articles"]] == [("succeeded", 2)] * 3


def test_a_soft_limit_keeps_finished_articles_and_spares_short_neighbours(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    """14.3: 29 articles in two tasks whose briefs outlast the soft limit (12 s): those finished
    are kept, the rest run in tasks of their own, and all succeed. One article that alone
    outlasts the limit fails with the reason; its short neighbours succeed."""
    env = fault_env(
        own_redis.url,
        task_soft_time_limit_s=12,
        task_time_limit_s=16,
        broker_visibility_timeout_s=20,
        task_max_articles=15,
    )
    # Not less: an article run alone, on a busy machine (the rest of the suite runs beside
    # this one), must finish well within the soft limit.
    env["FAULTY_BRIEF_S"] = "1"  # 15 briefs: 15 s, beyond the 12 s soft limit
    env["FAULTY_SLOW_S"] = "15"
    stack = fault_stack(env)
    stack.worker("only")
    stack.wait_ready()
    many = [{"id": f"a{i}", "text": f"Harga beras naik {i} persen di Jakarta."} for i in range(29)]
    long_one = [
        {"id": "short1", "text": "Timnas menang dua gol."},
        {"id": "long", "text": "[slow] Artikel yang sangat panjang."},
        {"id": "short2", "text": "Hujan turun di Bogor."},
    ]

    with httpx.Client(base_url=stack.base_url, timeout=10) as client:
        warm = _submit(
            client, [{"text": "Halo dunia.", "source_lang": "id"}], ["translate"]
        )  # models loaded
        poll_job(client, warm, timeout_s=120, stack=stack)
        job_id = _submit(client, many, ["translate", "brief"])
        job = poll_job(client, job_id, timeout_s=600, stack=stack)
        neighbours_id = _submit(client, long_one, ["translate"])
        neighbours = poll_job(client, neighbours_id, timeout_s=200, stack=stack)

    outcomes = [
        (a["id"], a["attempts"], a.get("error"))
        for a in job["articles"]
        if a["status"] != "succeeded"
    ]
    assert job["status"] == "succeeded", outcomes
    kept = [a["attempts"] for a in job["articles"]].count(1)
    print(f"\n29 articles, soft limit 12 s: {kept} finished in their batch and kept")
    assert kept > 0  # finished in the batch before the soft limit, and kept
    assert any(a["attempts"] == 2 for a in job["articles"])  # the rest ran alone
    by_id = {a["id"]: a for a in neighbours["articles"]}
    assert by_id["short1"]["status"] == by_id["short2"]["status"] == "succeeded", neighbours
    assert by_id["long"]["status"] == "failed"
    assert by_id["long"]["error"] == (
        "processing took longer than 12 s (RINGKAS_TASK_SOFT_TIME_LIMIT_S) and was stopped"
    )


def test_a_visibility_timeout_below_the_time_limit_is_refused_at_start_up(
    own_redis: RedisServer,
    fault_env: Callable[..., dict[str, str]],
    fault_stack: Callable[[dict[str, str]], FaultStack],
) -> None:
    """18.4: the worker does not start, and says which two settings clash."""
    env = fault_env(own_redis.url, broker_visibility_timeout_s=30, task_time_limit_s=60)
    stack = fault_stack(env)
    worker: ManagedProcess = stack.worker("refused")
    deadline = time.monotonic() + 90
    while worker.exit_code() is None:
        assert time.monotonic() < deadline, "the worker started: " + worker.tail()
        time.sleep(0.2)
    assert worker.exit_code() != 0
    log = worker.tail(60)
    assert "RINGKAS_BROKER_VISIBILITY_TIMEOUT_S (30 s)" in log, log
    assert "RINGKAS_TASK_TIME_LIMIT_S (60 s)" in log, log
