"""MeteredJobStore in the test Redis: each finished job is counted once, by its status."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from tracking_store import FINISHED_JOBS, finish_articles

from ringkas import metrics
from ringkas.jobstore import ArticleInput
from ringkas.workers.metered_store import MeteredJobStore


@pytest.fixture
def store(test_redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MeteredJobStore]:
    # A metrics key of its own: the session's API and worker write the real one.
    monkeypatch.setattr(metrics, "KEY", "ringkas:metrics:test-metered")
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    client.delete(metrics.KEY)
    yield MeteredJobStore(client, ttl_s=60)
    client.delete(metrics.KEY)
    client.close()


@pytest.mark.parametrize(("status", "outcomes"), FINISHED_JOBS.items())
def test_a_finished_job_is_counted_once_by_its_status(
    store: MeteredJobStore, status: str, outcomes: tuple[str, ...]
) -> None:
    articles = [ArticleInput("Halo dunia.", "id"), ArticleInput("Apa kabar?", "id")]
    job_id = store.create(articles, ["translate"])
    finish_articles(store, job_id, outcomes[:1])
    counters, _ = store.metrics.read()
    assert "jobs_finished" not in counters  # the second article is still queued

    finish_articles(store, job_id, outcomes)  # the first again: not written, not counted

    counters, _ = store.metrics.read()
    assert counters["jobs_finished"] == {(("status", status),): 1}
    assert sum(counters["articles"].values()) == 2
    store.delete(job_id)
