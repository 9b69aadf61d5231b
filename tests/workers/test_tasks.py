"""The Celery tasks, run in this process (eagerly) against the test Redis.

The model layer is real (the demo models) except where a test needs it to fail in a way
the demo models cannot (a dropped connection, a soft time limit): there it is replaced at
its entry point, the edge of the task.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from ringkas.jobstore import ArticleInput, ArticleState, JobStore
from ringkas.models import pipeline
from ringkas.settings import Settings, get_settings
from ringkas.workers import tasks
from ringkas.workers.errors import SyncTaskError

ARTICLE = ArticleInput(
    text="Presiden meresmikan jembatan baru di Jakarta.\nWarga menyambut gembira.",
    source_lang="id",
    id="a-1",
    title="Jembatan baru",
)


@pytest.fixture
def store(worker_env: Settings) -> Iterator[JobStore]:
    store = tasks.job_store()
    created: list[str] = []
    original = store.create

    def create(articles: list[ArticleInput], job_tasks: list[str]) -> str:
        job_id = original(articles, job_tasks)
        created.append(job_id)
        return job_id

    store.create = create  # type: ignore[method-assign,assignment]
    yield store
    for job_id in created:
        store.delete(job_id)


def run_article(job_id: str, index: int = 0) -> Any:
    """Runs one article's task as a worker would, retries included (eagerly, no countdown)."""
    return run_articles(job_id, [index])


def run_articles(job_id: str, indices: list[int]) -> Any:
    return tasks.process_articles.apply(args=[job_id, indices])


def test_article_succeeds_with_the_demo_models(store: JobStore) -> None:
    job_id = store.create([ARTICLE], ["translate", "brief"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    assert state.status == "succeeded", state.error
    assert state.attempts == 1 and state.error is None
    result = state.result
    assert result is not None
    assert len(result["paragraphs"]) == 2
    assert result["translation"].strip() and result["brief"].strip()
    assert result["demo_models"] is True


def test_only_the_jobs_tasks_run(store: JobStore) -> None:
    job_id = store.create([ARTICLE], ["brief"])

    run_article(job_id)

    result = store.article_state(job_id, 0).result
    assert result is not None
    assert result["brief"] and result["translation"] is None


def test_a_redelivered_article_is_not_run_again(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    job_id = store.create([ARTICLE], ["translate"])
    run_article(job_id)
    first = store.article_state(job_id, 0)

    def must_not_run(*args: object) -> dict[str, Any]:
        raise AssertionError("the model layer ran for a finished article")

    monkeypatch.setattr(pipeline, "process_articles", must_not_run)
    run_article(job_id)

    assert store.article_state(job_id, 0) == first


def test_model_error_fails_the_article_without_retry(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RINGKAS_MODEL_TRANSLATE_ID_EN", "/nonexistent/opus-mt-id-en")
    get_settings.cache_clear()
    job_id = store.create([ARTICLE], ["translate"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    assert state.status == "failed" and state.attempts == 1
    assert state.error is not None
    assert "'/nonexistent/opus-mt-id-en'" in state.error
    assert "RINGKAS_MODEL_TRANSLATE_ID_EN" in state.error


def test_transient_errors_are_retried(store: JobStore, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.process_articles
    calls: list[int] = []

    def flaky(
        requests: list[pipeline.ArticleRequest], options: Any, *progress: Any
    ) -> list[pipeline.ArticleOutcome]:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("connection reset by peer")
        return real(requests, options, *progress)

    monkeypatch.setattr(pipeline, "process_articles", flaky)
    job_id = store.create([ARTICLE], ["translate"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    assert (state.status, state.attempts, len(calls)) == ("succeeded", 3, 3)


def test_retries_are_bounded_and_the_last_error_is_recorded(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_down(*args: object) -> dict[str, Any]:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(pipeline, "process_articles", always_down)
    job_id = store.create([ARTICLE], ["translate"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    # max_retries comes from the settings when the worker imports the task.
    max_retries = tasks.process_articles.max_retries
    assert max_retries == Settings().task_max_retries
    assert state.status == "failed"
    assert state.attempts == max_retries + 1
    assert (
        state.error == f"gave up after {max_retries} retries: ConnectionError: connection refused"
    )


def test_soft_time_limit_fails_the_article_with_the_limit(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(*args: object) -> dict[str, Any]:
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pipeline, "process_articles", slow)
    job_id = store.create([ARTICLE], ["translate"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    limit = get_settings().task_soft_time_limit_s
    assert (state.status, state.attempts) == ("failed", 1)
    assert state.error == (
        f"processing took longer than {limit} s (RINGKAS_TASK_SOFT_TIME_LIMIT_S) and was stopped"
    )


def test_hard_time_limit_is_recorded_by_on_failure(store: JobStore) -> None:
    # The worker's main process calls on_failure after killing the child.
    job_id = store.create([ARTICLE], ["translate"])
    store.start(job_id, 0)

    tasks.process_articles.on_failure(TimeLimitExceeded(660), "task-id", (job_id, [0]), {}, None)

    state = store.article_state(job_id, 0)
    assert state.status == "failed"
    assert state.error == (
        f"processing took longer than {get_settings().task_time_limit_s} s "
        "(RINGKAS_TASK_TIME_LIMIT_S); the worker process was stopped"
    )


def test_an_article_that_keeps_killing_workers_is_given_up(store: JobStore) -> None:
    job_id = store.create([ARTICLE], ["translate"])
    limit = tasks.process_articles.max_retries
    for _ in range(limit + 1):  # each run was lost mid-article and redelivered
        store.start(job_id, 0)

    run_article(job_id)

    state = store.article_state(job_id, 0)
    assert state.status == "failed" and state.attempts == limit + 1
    assert state.error == (
        f"gave up after {limit + 1} attempts: the worker processing this article was lost "
        "(crashed or ran out of memory)"
    )


def test_unknown_job_or_article_is_dropped(store: JobStore) -> None:
    job_id = store.create([ARTICLE], ["translate"])

    assert run_article("0" * 32).successful()
    assert run_article(job_id, index=5).successful()
    assert store.article_state(job_id, 0) == ArticleState()


def test_unexpected_errors_fail_the_article(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def buggy(*args: object) -> dict[str, Any]:
        raise KeyError("paragraphs")

    monkeypatch.setattr(pipeline, "process_articles", buggy)
    job_id = store.create([ARTICLE], ["translate"])

    run_article(job_id)

    state = store.article_state(job_id, 0)
    assert (state.status, state.error) == ("failed", "internal error: KeyError: 'paragraphs'")
    assert state != ArticleState()


SECOND = ArticleInput(text="Timnas Indonesia menang dua gol tanpa balas.", source_lang="id")
ENGLISH = ArticleInput(text="The central bank kept its rate unchanged.", source_lang="en")


def test_a_fresh_message_runs_its_articles_as_one_batch(store: JobStore) -> None:
    job_id = store.create([ARTICLE, SECOND, ENGLISH], ["translate"])

    run_articles(job_id, [0, 1, 2])

    states = [store.article_state(job_id, i) for i in range(3)]
    assert [(s.status, s.attempts, s.batched) for s in states] == [("succeeded", 1, True)] * 3
    timings = [s.result["timings"] for s in states if s.result]
    # the two Indonesian articles shared one translation call; the English one had its own
    assert [t["batch_articles"] for t in timings] == [2, 2, 1]
    assert timings[0]["translate_s"] == timings[1]["translate_s"]
    assert [s.result["target_lang"] for s in states if s.result] == ["en", "en", "id"]


def test_a_bad_article_in_a_batch_fails_alone(store: JobStore) -> None:
    job_id = store.create([ARTICLE, ArticleInput(text="Bonjour.", source_lang="fr")], ["translate"])

    run_articles(job_id, [0, 1])

    good, bad = store.article_state(job_id, 0), store.article_state(job_id, 1)
    assert good.status == "succeeded" and good.result is not None
    assert (bad.status, bad.attempts) == ("failed", 1)
    assert bad.error is not None and "unsupported language 'fr'" in bad.error


def count_batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Wraps the model layer's entry: records how many articles each call had, and raises
    (a bug no article can be blamed for) when one of them says ``[raise]``."""
    real = pipeline.process_articles
    calls: list[int] = []

    def counting(
        requests: list[pipeline.ArticleRequest], options: Any, *progress: Any
    ) -> list[pipeline.ArticleOutcome]:
        calls.append(len(requests))
        if any("[raise]" in r.text for r in requests):
            raise KeyError("paragraphs")
        return real(requests, options, *progress)

    monkeypatch.setattr(pipeline, "process_articles", counting)
    return calls


def test_a_batch_that_breaks_is_run_again_one_article_at_a_time(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_batches(monkeypatch)
    poison = ArticleInput(text="[raise] Artikel ini membuat model gagal.", source_lang="id")
    job_id = store.create([ARTICLE, poison, SECOND], ["translate"])

    run_articles(job_id, [0, 1, 2])

    states = [store.article_state(job_id, i) for i in range(3)]
    assert calls == [3, 1, 1, 1]  # the batch, then each article alone
    # Each article alone is a task of its own (its own time budget): a second attempt.
    assert [(s.status, s.attempts) for s in states] == [
        ("succeeded", 2),
        ("failed", 2),
        ("succeeded", 2),
    ]
    assert states[1].error == "internal error: KeyError: 'paragraphs'"


def test_a_redelivered_batch_runs_its_articles_one_at_a_time(
    store: JobStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = count_batches(monkeypatch)
    job_id = store.create([ARTICLE, SECOND], ["translate"])
    limit = tasks.process_articles.max_retries
    # The batch's worker died, then each article's own attempts did, up to the limit: the
    # batch attempt is not held against them.
    for _ in range(limit + 1):
        for index in (0, 1):
            store.start(job_id, index, batched=True)

    run_articles(job_id, [0, 1])

    assert calls == [1, 1]
    states = [store.article_state(job_id, i) for i in range(2)]
    assert [(s.status, s.attempts) for s in states] == [("succeeded", limit + 2)] * 2


def test_a_batched_article_that_keeps_killing_workers_is_given_up(store: JobStore) -> None:
    job_id = store.create([ARTICLE, SECOND], ["translate"])
    limit = tasks.process_articles.max_retries
    store.start(job_id, 0, batched=True)
    for _ in range(limit + 1):
        store.start(job_id, 0)

    run_articles(job_id, [0, 1])

    crashed, other = store.article_state(job_id, 0), store.article_state(job_id, 1)
    assert (crashed.status, crashed.attempts) == ("failed", limit + 2)
    assert crashed.error == (
        f"gave up after {limit + 2} attempts: the worker processing this article was lost "
        "(crashed or ran out of memory)"
    )
    assert (other.status, other.attempts) == ("succeeded", 1)


def test_hard_time_limit_fails_every_unfinished_article_of_the_task(store: JobStore) -> None:
    job_id = store.create([ARTICLE, SECOND, ENGLISH], ["translate"])
    run_article(job_id, 0)
    store.start(job_id, 1, batched=True)

    tasks.process_articles.on_failure(
        TimeLimitExceeded(660), "task-id", (job_id, [0, 1, 2]), {}, None
    )

    states = [store.article_state(job_id, i) for i in range(3)]
    assert [s.status for s in states] == ["succeeded", "failed", "failed"]


def test_translate_text_returns_the_model_layers_answer(worker_env: Settings) -> None:
    answer = tasks.translate_text("Presiden meresmikan jembatan baru.", "id")

    assert answer["source_lang"] == "id" and answer["target_lang"] == "en"
    assert answer["translation"].strip()
    assert answer["demo_model"] is True


@pytest.mark.parametrize(
    ("env", "text", "lang", "kind", "fragment"),
    [
        ({}, "Bonjour.", "fr", "invalid_input", "unsupported language 'fr'"),
        # not given, detected as neither id nor en: a 422 on the sync path
        ({}, "Le président a inauguré un nouveau pont.", None, "invalid_input", "looks like 'fr'"),
        ({}, "   ", "id", "invalid_input", "empty"),
        (
            {"RINGKAS_MODEL_TRANSLATE_ID_EN": "/nonexistent/model"},
            "Halo.",
            "id",
            "model_error",
            "RINGKAS_MODEL_TRANSLATE_ID_EN",
        ),
    ],
)
def test_translate_text_errors_become_sync_task_errors(
    worker_env: Settings,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    text: str,
    lang: str | None,
    kind: str,
    fragment: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()

    with pytest.raises(SyncTaskError) as raised:
        tasks.translate_text(text, lang)

    assert raised.value.kind == kind
    assert fragment in raised.value.message
