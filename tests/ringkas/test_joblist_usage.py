"""The job index (paging, status filter, expired and purged jobs) and the usage counts
(daily limit under concurrency, refunds), on the test Redis."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from tracking_store import TrackingJobStore

from ringkas.joblist import ALL_JOBS, BadCursor, JobIndex, owner_index
from ringkas.jobstore import ArticleInput, JobStore
from ringkas.usage import DailyLimitExceeded, UsageStore, today

OWNER = "k_test_joblist"


@pytest.fixture
def client(test_redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    yield client
    client.delete(owner_index(OWNER), UsageStore.key(OWNER, today().isoformat()))
    client.close()


@pytest.fixture
def store(client: redis.Redis) -> Iterator[JobStore]:
    store = TrackingJobStore(client, 3600)
    store.created = []
    yield store
    for job_id in store.created:
        store.delete(job_id)
        client.zrem(ALL_JOBS, job_id)


def test_pages_are_newest_first_and_skip_purged_jobs(client: redis.Redis, store: JobStore) -> None:
    index = JobIndex(client, 3600)
    ids = []
    for n in range(5):
        job_id = store.create([ArticleInput(text=f"teks {n}", source_lang="id")], ["translate"])
        # equal scores for three of them: the cursor must break ties by id
        index.add(job_id, OWNER, now_ms=1_000 if n < 3 else 1_000 + n)
        ids.append(job_id)
    store.delete(ids[3])  # purged: it drops out of the listing
    expected = [ids[4], *sorted(ids[:3], reverse=True)]

    seen, cursor, pages = [], None, 0
    while True:
        page = index.page(OWNER, limit=2, cursor=cursor)
        seen += [j.job_id for j in page.jobs]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert seen == expected and pages == 2
    assert client.zscore(owner_index(OWNER), ids[3]) is None


def test_status_filter_and_a_bad_cursor(client: redis.Redis, store: JobStore) -> None:
    index = JobIndex(client, 3600)
    a = store.create([ArticleInput(text="satu", source_lang="id")], ["translate"])
    b = store.create([ArticleInput(text="dua", source_lang="id")], ["translate"])
    index.add(a, OWNER, now_ms=10)
    index.add(b, OWNER, now_ms=20)
    store.cancel(a)

    assert [j.job_id for j in index.page(OWNER, limit=5, statuses=["cancelled"]).jobs] == [a]
    assert [j.job_id for j in index.page(OWNER, limit=5, statuses=["queued"]).jobs] == [b]
    with pytest.raises(BadCursor):
        index.page(OWNER, limit=5, cursor="10-nothex")


def test_the_daily_limit_holds_under_concurrent_submissions(client: redis.Redis) -> None:
    usage = UsageStore(client, 2)

    def submit(_: int) -> bool:
        try:
            usage.reserve(OWNER, 100, 1, limit=1_000)
            return True
        except DailyLimitExceeded:
            return False

    with ThreadPoolExecutor(8) as pool:
        accepted = sum(pool.map(submit, range(30)))

    assert accepted == 10
    day = usage.days(OWNER, 1)[0]
    assert (day.chars_submitted, day.articles_submitted) == (1_000, 10)
    with pytest.raises(DailyLimitExceeded, match="1,000 characters per day"):
        usage.reserve(OWNER, 1, 1, limit=1_000)


def test_a_refund_gives_the_submission_back(client: redis.Redis) -> None:
    usage = UsageStore(client, 2)
    reservation = usage.reserve(OWNER, 250, 2, limit=None)
    usage.add_translated(OWNER, 40)

    usage.refund(reservation)

    day = usage.days(OWNER, 1)[0]
    assert (day.chars_submitted, day.articles_submitted) == (0, 0)
    assert (day.chars_translated, day.articles_translated) == (40, 1)
