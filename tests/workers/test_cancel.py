"""Cancelled articles in the worker: skipped when queued, stopped at the next batch when
running, nothing written or counted over them. Tasks run eagerly with the demo models."""

from __future__ import annotations

from typing import Any

import pytest

from ringkas.jobstore import ArticleInput, JobStore
from ringkas.models import pipeline
from ringkas.settings import Settings, get_settings
from ringkas.usage import UsageStore
from ringkas.workers import tasks

ARTICLE = ArticleInput(
    text="Presiden meresmikan jembatan baru di Jakarta.\nWarga menyambut gembira.",
    source_lang="id",
)


@pytest.fixture
def store(worker_env: Settings) -> JobStore:
    return tasks.job_store()


OWNER = "k_cancel_test"


def translated_usage(settings: Settings) -> int:
    # Per owner, so a worker of another test running meanwhile cannot change it (the
    # metrics counters are global).
    usage = UsageStore.from_url(settings.redis_url, 1)
    return usage.days(OWNER, 1)[0].articles_translated


def test_queued_cancelled_articles_never_reach_the_model_layer(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = store.create([ARTICLE, ARTICLE], ["translate"])
    assert store.cancel(job_id) == [0, 1]

    def must_not_run(*args: object) -> Any:
        raise AssertionError("the model layer ran for a cancelled article")

    monkeypatch.setattr(pipeline, "process_articles", must_not_run)
    tasks.process_articles.apply(args=[job_id, [0, 1]])

    job = store.get(job_id)
    assert job.status == "cancelled"
    assert [a.state.status for a in job.articles] == ["cancelled", "cancelled"]
    store.delete(job_id)


@pytest.mark.parametrize("indices", [[0], [0, 1]], ids=["alone", "batched"])
def test_a_running_article_stops_at_its_next_batch(
    store: JobStore, monkeypatch: pytest.MonkeyPatch, indices: list[int]
) -> None:
    job_id = store.create([ARTICLE, ARTICLE], ["translate", "brief"], owner=OWNER)
    real = pipeline.process_articles
    batches: list[int] = []

    def cancelled_meanwhile(
        requests: Any, options: Any, on_progress: Any, on_outcome: Any = None
    ) -> Any:
        # The API cancels the job while the worker has started it.
        store.cancel(job_id)
        spies = [
            lambda done, total, cb=cb: (batches.append(done), cb(done, total)) for cb in on_progress
        ]
        return real(requests, options, spies, on_outcome)

    monkeypatch.setattr(pipeline, "process_articles", cancelled_meanwhile)
    before = translated_usage(get_settings())

    tasks.process_articles.apply(args=[job_id, indices])

    job = store.get(job_id)
    assert [a.state.status for a in job.articles] == ["cancelled", "cancelled"]
    assert all(a.state.result is None and a.sentences is None for a in job.articles)
    assert len(batches) == 1  # the first batch's progress report stopped it
    assert translated_usage(get_settings()) == before  # nothing counted
    store.delete(job_id)


def test_an_article_finished_before_the_cancel_keeps_its_result(store: JobStore) -> None:
    job_id = store.create([ARTICLE, ARTICLE], ["translate"])
    tasks.process_articles.apply(args=[job_id, [0]])

    assert store.cancel(job_id) == [1]

    job = store.get(job_id)
    assert job.status == "cancelled"
    assert job.articles[0].state.status == "succeeded" and job.articles[0].state.result
    assert job.articles[1].state.status == "cancelled"
    store.delete(job_id)
