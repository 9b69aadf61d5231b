"""Article leases against the test Redis: claim, renew, hand over, expire, sweep."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest
import redis

from ringkas.jobstore import ArticleInput, JobStore
from ringkas.leases import LEASE_PREFIX, LEASES_KEY, SWEEP_LOCK_KEY, ArticleRef, LeaseStore, handoff
from ringkas.workers.leasing import sweep


@pytest.fixture
def client(test_redis_url: str) -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(test_redis_url, decode_responses=True)
    c.delete(LEASES_KEY, SWEEP_LOCK_KEY)
    yield c
    for key in c.scan_iter(f"{LEASE_PREFIX}*"):
        c.delete(key)
    c.delete(LEASES_KEY, SWEEP_LOCK_KEY)
    c.close()


def ref() -> ArticleRef:
    return ArticleRef(uuid.uuid4().hex, 0)


def test_a_lease_is_held_by_one_owner_until_it_runs_out(client: redis.Redis) -> None:
    leases, article = LeaseStore(client, lease_s=0.3), ref()

    assert leases.claim(article, "w1")
    assert not leases.claim(article, "w2")
    assert leases.claim(article, "w1")  # renewal
    assert leases.expired() == []
    time.sleep(0.4)
    assert leases.expired() == [article]
    assert leases.claim(article, "w2")  # ran out: anyone may take it


def test_a_handed_over_article_is_claimed_only_by_its_task(client: redis.Redis) -> None:
    leases, article = LeaseStore(client, lease_s=5), ref()
    leases.claim(article, "w1")

    assert not leases.hand_over(article, "w2", "task-x", 5000)  # not w2's to hand over
    assert leases.hand_over(article, "w1", "task-x", 5000)
    assert leases.holder(article) == handoff("task-x")
    assert not leases.claim(article, "w3", accept=handoff("task-y"))  # a stale message
    assert leases.claim(article, "w3", accept=handoff("task-x"))
    assert leases.release(article, "w3")
    assert leases.holder(article) is None and client.zscore(LEASES_KEY, article.member) is None


def test_the_sweep_hands_on_running_articles_and_forgets_finished_ones(
    client: redis.Redis,
) -> None:
    store = JobStore(client, ttl_s=600)
    job_id = store.create([ArticleInput(text="a", source_lang="id")] * 3, ["translate"])
    try:
        leases = LeaseStore(client, lease_s=0.2)
        running, finished, alive = (ArticleRef(job_id, i) for i in range(3))
        for article in (running, finished, alive):
            store.start(job_id, article.index)
            leases.claim(article, "dead")
        store.succeed(job_id, finished.index, {"ok": True})
        time.sleep(0.3)
        leases.claim(alive, "live")  # renewed by a live worker
        handed: list[ArticleRef] = []

        def requeue(article: ArticleRef) -> bool:
            handed.append(article)
            return leases.hand_over(article, "sweeper", "t1", 5000)

        assert sweep(leases, store, requeue) == [running]
        assert handed == [running]
        assert client.zscore(LEASES_KEY, finished.member) is None
        assert leases.holder(alive) == "live"
        assert sweep(leases, store, requeue) == []  # handed over: not expired any more
        assert leases.sweep_lock("a", 1000) and not leases.sweep_lock("b", 1000)
    finally:
        store.delete(job_id)
