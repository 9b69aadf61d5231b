"""The job store against the real Redis (test database)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict

import pytest
import redis
from tracking_store import TrackingJobStore

from ringkas import resultcodec
from ringkas.jobstore import (
    ArticleInput,
    ArticleState,
    JobNotFound,
    JobStore,
    derive_status,
    progress_of,
)

TTL_S = 3600


@pytest.fixture
def client(test_redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(test_redis_url, decode_responses=True)
    yield c
    c.close()


@pytest.fixture
def store(client: redis.Redis) -> Iterator[JobStore]:
    s = TrackingJobStore(client, ttl_s=TTL_S)
    s.created = []
    yield s
    for job_id in s.created:
        s.delete(job_id)


ARTICLES = [
    ArticleInput(text="Satu. Dua.", source_lang="id", id="a-1", title="Judul"),
    ArticleInput(text="One.", source_lang="en"),
    ArticleInput(text="Tiga.", source_lang="id", id="c"),
]


def test_create_then_get_shows_every_article_queued(store: JobStore) -> None:
    job_id = store.create(ARTICLES, ["translate", "brief"])

    job = store.get(job_id)

    assert len(job_id) == 32 and job.job_id == job_id
    assert job.tasks == ["translate", "brief"]
    assert job.status == "queued"
    assert (job.progress.done, job.progress.total) == (0, 3)
    assert [a.input for a in job.articles] == ARTICLES
    assert [a.index for a in job.articles] == [0, 1, 2]
    assert all(a.state == ArticleState() for a in job.articles)
    assert job.created_at.endswith("Z")


def test_load_article_returns_input_and_tasks(store: JobStore) -> None:
    job_id = store.create(ARTICLES, ["brief"])
    assert store.load_article(job_id, 1) == (ARTICLES[1], ["brief"])
    with pytest.raises(IndexError):
        store.load_article(job_id, 3)


def test_a_job_needs_articles(store: JobStore) -> None:
    with pytest.raises(ValueError, match="at least one article"):
        store.create([], ["translate"])


def test_ttl_is_set_at_creation_and_refreshed_on_writes(
    store: JobStore, client: redis.Redis
) -> None:
    job_id = store.create(ARTICLES[:1], ["translate"])
    assert TTL_S - 5 <= store.ttl(job_id) <= TTL_S

    client.expire(JobStore.key(job_id), 100)
    store.start(job_id, 0)
    assert store.ttl(job_id) > 100

    client.expire(JobStore.key(job_id), 100)
    store.succeed(job_id, 0, {"translation": "x"})
    assert store.ttl(job_id) > 100


def test_start_counts_attempts_and_succeed_stores_result(store: JobStore) -> None:
    job_id = store.create(ARTICLES[:1], ["translate"])

    first = store.start(job_id, 0)
    second = store.start(job_id, 0)  # a retry
    assert first is not None and first.status == "running" and first.attempts == 1
    assert second is not None and second.attempts == 2
    assert store.get(job_id).status == "running"

    assert store.succeed(job_id, 0, {"translation": "halo", "n": [1, 2]})
    state = store.article_state(job_id, 0)
    assert state.status == "succeeded"
    assert state.result == {"translation": "halo", "n": [1, 2]}
    assert state.error is None and state.attempts == 2
    assert state.started_at is not None and state.finished_at is not None


def test_finishing_is_idempotent(store: JobStore) -> None:
    job_id = store.create(ARTICLES[:2], ["translate"])
    store.start(job_id, 0)
    assert store.succeed(job_id, 0, {"translation": "first"})

    # A redelivered task finds the article finished and changes nothing.
    assert store.is_finished(job_id, 0)
    assert store.start(job_id, 0) is None
    assert not store.succeed(job_id, 0, {"translation": "second"})
    assert not store.fail(job_id, 0, "late failure")

    state = store.article_state(job_id, 0)
    assert (state.status, state.attempts, state.result) == (
        "succeeded",
        1,
        {"translation": "first"},
    )
    progress = store.get(job_id).progress
    assert (progress.done, progress.succeeded, progress.failed) == (1, 1, 0)


def test_concurrent_finishers_write_once(store: JobStore) -> None:
    job_id = store.create(ARTICLES[:1], ["translate"])
    store.start(job_id, 0)
    outcomes: list[bool] = []
    barrier = threading.Barrier(8)

    def finish(n: int) -> None:
        barrier.wait()
        outcomes.append(store.succeed(job_id, 0, {"writer": n}))

    threads = [threading.Thread(target=finish, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert outcomes.count(True) == 1
    result = store.article_state(job_id, 0).result
    assert result is not None and result["writer"] in range(8)


def test_fail_records_the_error(store: JobStore) -> None:
    job_id = store.create(ARTICLES[:1], ["translate"])
    assert store.fail(job_id, 0, "model is missing")
    state = store.article_state(job_id, 0)
    assert (state.status, state.error, state.result) == ("failed", "model is missing", None)


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        (["queued", "queued", "queued"], "queued"),
        (["running", "queued", "queued"], "running"),
        (["succeeded", "queued", "queued"], "running"),
        (["failed", "queued", "queued"], "running"),
        (["succeeded", "running", "failed"], "running"),
        (["succeeded", "succeeded", "succeeded"], "succeeded"),
        (["failed", "failed", "failed"], "failed"),
        (["succeeded", "failed", "succeeded"], "partial"),
    ],
)
def test_job_status_is_derived_from_articles(
    store: JobStore, outcomes: list[str], status: str
) -> None:
    job_id = store.create(ARTICLES, ["translate"])
    for index, outcome in enumerate(outcomes):
        if outcome != "queued":
            store.start(job_id, index)
        if outcome == "succeeded":
            store.succeed(job_id, index, {"i": index})
        elif outcome == "failed":
            store.fail(job_id, index, f"error {index}")

    job = store.get(job_id)

    assert job.status == status
    assert store.status(job_id) == status
    assert [a.state.status for a in job.articles] == outcomes
    assert job.progress.succeeded == outcomes.count("succeeded")
    assert job.progress.failed == outcomes.count("failed")
    assert job.progress.done == job.progress.succeeded + job.progress.failed
    assert job.progress.total == 3


def test_derive_status_and_progress_without_redis() -> None:
    done = ArticleState(status="succeeded")
    failed = ArticleState(status="failed")
    assert derive_status([done]) == "succeeded"
    assert derive_status([failed, done]) == "partial"
    assert derive_status([ArticleState(), done]) == "running"
    assert progress_of([failed, done, ArticleState()]).done == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda s: s.get("nope"),
        lambda s: s.get("nope", with_results=False),
        lambda s: s.status("nope"),
        lambda s: s.start("nope", 0),
        lambda s: s.succeed("nope", 0, {}),
        lambda s: s.fail("nope", 0, "x"),
        lambda s: s.load_article("nope", 0),
        lambda s: s.is_finished("nope", 0),
        lambda s: s.ttl("nope"),
    ],
)
def test_unknown_job_raises_job_not_found(
    store: JobStore, call: Callable[[JobStore], object]
) -> None:
    with pytest.raises(JobNotFound, match="job 'nope' not found"):
        call(store)


def test_delete_removes_the_job(store: JobStore) -> None:
    job_id = store.create(ARTICLES[:1], ["translate"])
    store.delete(job_id)
    with pytest.raises(JobNotFound):
        store.get(job_id)


def test_stored_layout(store: JobStore, client: redis.Redis) -> None:
    # Other tools (the batch script, ops) read the hash; its layout is part of the contract.
    job_id = store.create(ARTICLES[:1], ["translate"])
    fields = client.hgetall(JobStore.key(job_id))
    assert set(fields) == {"meta", "input:0", "state:0"}
    assert json.loads(fields["meta"])["total"] == 1
    assert json.loads(fields["state:0"])["status"] == "queued"

    store.start(job_id, 0)
    store.succeed(job_id, 0, {"translation": "halo"})
    fields = client.hgetall(JobStore.key(job_id))
    # The result sits beside the state, so that a status poll need not read it.
    assert set(fields) == {"meta", "input:0", "state:0", "result:0"}
    # Encoded by ringkas/resultcodec.py (each text once; zstd when large: read it as bytes)
    assert resultcodec.decode(fields["result:0"]) == {"translation": "halo"}
    # A succeeded article's text is dropped; its labels stay.
    assert json.loads(fields["input:0"]) == {**asdict(ARTICLES[0]), "text": ""}
    assert json.loads(fields["state:0"])["status"] == "succeeded"
    assert store.get(job_id).articles[0].state.result == {"translation": "halo"}
    light = store.get(job_id, with_results=False).articles[0].state
    assert (light.status, light.result) == ("succeeded", None)


def test_a_job_remembers_the_key_that_made_it(store: JobStore) -> None:
    mine = store.create(ARTICLES[:1], ["translate"], owner="k_1")
    open_mode = store.create(ARTICLES[:1], ["translate"])

    assert store.owner(mine) == "k_1"
    assert store.owner(open_mode) is None
    with pytest.raises(JobNotFound):
        store.owner("nope")


def test_each_finish_is_published_once(store: JobStore, client: redis.Redis) -> None:
    job_id = store.create(ARTICLES[:2], ["translate"])
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(JobStore.finish_channel(job_id))
    store.start(job_id, 0)
    store.succeed(job_id, 0, {"translation": "halo"})
    store.succeed(job_id, 0, {"translation": "again"})  # already finished: no write, no news
    store.start(job_id, 1)
    store.fail(job_id, 1, "bad input")
    heard = []
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:  # the subscription's confirmation reads as None
        if (message := pubsub.get_message(timeout=0.1)) is not None:
            heard.append(message["data"])
    pubsub.close()
    assert heard == ["0", "1"]
