"""Submitting and polling jobs, the sync path and health, in process on the test Redis."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from recording_queue import RecordingQueue
from tracking_store import FINISHED_JOBS, TrackingJobStore, finish_articles

from ringkas.jobstore import JobNotFound, JobStore
from ringkas.models.result import ArticleResult
from ringkas.service.deps import get_queue, get_store
from ringkas.service.queue import TaskQueue
from ringkas.settings import Settings
from ringkas.workers.celery_app import make_celery
from ringkas.workers.errors import SyncTaskError

DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1

ARTICLES = [
    {"id": "a", "title": "Judul", "text": "Paragraf satu.\nParagraf dua."},
    {"text": "An English article.", "source_lang": "en"},
]


@contextmanager
def isolated_queue(settings: Settings) -> Iterator[TaskQueue]:
    """A real Celery client whose queues no worker listens on (a unique key prefix)."""
    prefix = f"ringkas-test-{uuid.uuid4().hex[:8]}:"
    celery_app = make_celery(settings)
    celery_app.conf.broker_transport_options = {"global_keyprefix": prefix}
    try:
        yield TaskQueue(celery_app)
    finally:
        client = redis.Redis.from_url(settings.redis_url)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
        client.close()


def test_submit_answers_202_records_the_job_and_queues_its_articles(
    client: TestClient, queue: RecordingQueue
) -> None:
    response = client.post("/v1/jobs", json={"articles": ARTICLES})

    assert response.status_code == 202
    body = response.json()
    job_id = body["job_id"]
    assert body == {
        "job_id": job_id,
        "status": "queued",
        "status_url": f"/v1/jobs/{job_id}",
        "articles": 2,
    }
    assert response.headers["location"] == f"/v1/jobs/{job_id}"
    assert queue.messages == [(job_id, [0, 1])]  # small articles: one task, one batch

    job = client.get(f"/v1/jobs/{job_id}").json()
    assert job["status"] == "queued"
    assert job["tasks"] == ["translate", "brief"]
    assert job["progress"] == {"done": 0, "total": 2, "succeeded": 0, "failed": 0}
    assert [(a["index"], a["id"], a["title"], a["source_lang"]) for a in job["articles"]] == [
        (0, "a", "Judul", None),  # not given: the worker detects it
        (1, None, None, "en"),
    ]
    assert all(a["status"] == "queued" and a["attempts"] == 0 for a in job["articles"])


@pytest.mark.parametrize(
    "tasks",
    [["translate", "brief", "brief_id"], ["brief_id", "translate"], ["brief_id"], ["brief"]],
)
def test_any_non_empty_set_of_known_tasks_is_accepted(
    client: TestClient, queue: RecordingQueue, tasks: list[str]
) -> None:
    response = client.post("/v1/jobs", json={"articles": ARTICLES[:1], "tasks": tasks})

    assert response.status_code == 202, response.text
    job = client.get(response.json()["status_url"]).json()
    assert job["tasks"] == tasks


def test_poll_shows_results_errors_and_derived_status(
    client: TestClient, queue: RecordingQueue, api_settings: Settings
) -> None:
    job_id = client.post("/v1/jobs", json={"articles": ARTICLES, "tasks": ["brief"]}).json()[
        "job_id"
    ]
    # What a worker would write.
    store = JobStore.from_url(api_settings.redis_url, api_settings.job_ttl_s)
    store.start(job_id, 0)
    assert client.get(f"/v1/jobs/{job_id}").json()["status"] == "running"
    result = ArticleResult(
        source_lang="id", target_lang="en", sentences=1, brief="A brief.", brief_method="extractive"
    ).model_dump(mode="json")
    store.succeed(job_id, 0, result)
    store.start(job_id, 1)
    store.fail(job_id, 1, "model is missing")

    job = client.get(f"/v1/jobs/{job_id}").json()

    assert job["status"] == "partial"
    assert job["tasks"] == ["brief"]
    assert job["progress"] == {"done": 2, "total": 2, "succeeded": 1, "failed": 1}
    first, second = job["articles"]
    assert (first["status"], first["result"], first["error"]) == ("succeeded", result, None)
    assert (second["status"], second["result"], second["error"]) == (
        "failed",
        None,
        "model is missing",
    )
    assert first["attempts"] == 1 and first["started_at"] and first["finished_at"]

    # The light poll: the same statuses and errors, no results read.
    light = client.get(f"/v1/jobs/{job_id}", params={"results": "false"}).json()
    assert {k: v for k, v in light.items() if k not in ("articles", "progress_detail")} == {
        k: v for k, v in job.items() if k not in ("articles", "progress_detail")
    }
    assert [(a["status"], a["result"], a["error"]) for a in light["articles"]] == [
        ("succeeded", None, None),
        ("failed", None, "model is missing"),
    ]


@pytest.mark.parametrize(("status", "outcomes"), FINISHED_JOBS.items())
def test_wait_answers_as_soon_as_the_job_finishes(
    client: TestClient, api_settings: Settings, status: str, outcomes: tuple[str, ...]
) -> None:
    job_id = client.post("/v1/jobs", json={"articles": ARTICLES}).json()["job_id"]
    store = JobStore.from_url(api_settings.redis_url, api_settings.job_ttl_s)

    def worker() -> None:  # finishes the articles while the request waits
        time.sleep(0.5)
        finish_articles(store, job_id, outcomes)

    finisher = threading.Thread(target=worker)
    started = time.monotonic()
    finisher.start()
    job = client.get(f"/v1/jobs/{job_id}", params={"wait": 30}).json()
    waited = time.monotonic() - started
    finisher.join()

    assert job["status"] == status
    assert [a["status"] for a in job["articles"]] == list(outcomes)
    assert 0.5 <= waited < 5  # not the whole 30 s


def test_wait_ends_with_the_job_as_it_is(client: TestClient) -> None:
    job_id = client.post("/v1/jobs", json={"articles": ARTICLES[:1]}).json()["job_id"]
    started = time.monotonic()
    job = client.get(f"/v1/jobs/{job_id}", params={"wait": 0.3, "results": "false"}).json()
    assert time.monotonic() - started >= 0.3
    assert job["status"] == "queued"


def test_broker_down_answers_503_and_keeps_no_job(app: FastAPI, api_settings: Settings) -> None:
    store = TrackingJobStore.from_url(api_settings.redis_url, api_settings.job_ttl_s)
    assert isinstance(store, TrackingJobStore)
    store.created = []
    app.dependency_overrides[get_store] = lambda: store
    app.dependency_overrides[get_queue] = lambda: TaskQueue(
        make_celery(api_settings.model_copy(update={"redis_url": DEAD_REDIS}))
    )

    with TestClient(app) as client:
        response = client.post("/v1/jobs", json={"articles": ARTICLES})

    assert response.status_code == 503
    assert response.json()["code"] == "queue_unavailable"
    assert response.json()["detail"].startswith(
        "the job could not be queued, the task broker is unreachable ("
    )
    assert response.json()["detail"].endswith("nothing was kept, try again later")
    [job_id] = store.created
    with pytest.raises(JobNotFound):
        store.get(job_id)


def test_redis_down_answers_503(api_settings: Settings) -> None:
    from ringkas.service.app import create_app

    app = create_app(api_settings.model_copy(update={"redis_url": DEAD_REDIS}))
    with TestClient(app) as client:
        poll = client.get("/v1/jobs/abc")
        ready = client.get("/readyz")

    assert poll.status_code == 503
    assert poll.json()["code"] == "store_unavailable"
    assert poll.json()["detail"].startswith("the job store (Redis) is unreachable: ")
    assert ready.status_code == 503
    checks = ready.json()["checks"]
    assert checks["redis"].startswith("unreachable: ")
    assert checks["workers"].startswith("cannot reach the broker to ping workers: ")


def test_translate_goes_through_the_queue(client: TestClient, queue: RecordingQueue) -> None:
    response = client.post("/v1/translate", json={"text": "Halo dunia.", "source_lang": "id"})

    assert response.status_code == 200
    assert response.json()["translation"] == "HALO DUNIA."
    assert response.json()["model"] == "recorder"  # extra fields pass through
    assert queue.translations == [("Halo dunia.", "id", 1.0)]


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (
            SyncTaskError("model_error", "model 'x' for translate:id-en is not available"),
            503,
            "model_error",
        ),
        (SyncTaskError("invalid_input", "the text is empty"), 422, "invalid_request"),
    ],
)
def test_translate_maps_worker_errors(
    app: FastAPI, error: SyncTaskError, status: int, code: str
) -> None:
    class FailingQueue(RecordingQueue):
        async def translate(
            self,
            text: str,
            source_lang: str | None,
            timeout_s: float,
            listener: object,
            glossary: dict[str, str] | None = None,
            adequacy: bool = False,
        ) -> dict[str, Any]:
            raise error

    app.dependency_overrides[get_queue] = FailingQueue
    with TestClient(app) as client:
        response = client.post("/v1/translate", json={"text": "Halo."})

    assert response.status_code == status
    assert response.json() == {"code": code, "detail": error.message, "errors": []}


def test_translate_without_a_worker_answers_504(app: FastAPI, api_settings: Settings) -> None:
    settings = api_settings.model_copy(update={"sync_timeout_s": 0.5})
    app.state.settings = settings
    with isolated_queue(settings) as real_queue, TestClient(app) as client:
        app.dependency_overrides[get_queue] = lambda: real_queue
        response = client.post("/v1/translate", json={"text": "Halo."})

    assert response.status_code == 504
    assert response.json()["code"] == "worker_timeout"
    assert response.json()["detail"] == (
        "no worker answered within 0.5 s; the workers may be busy or down (see GET /readyz). "
        "Try again, or submit the text as a job to POST /v1/jobs"
    )


def test_readyz_needs_a_worker(app: FastAPI, api_settings: Settings) -> None:
    with isolated_queue(api_settings) as real_queue, TestClient(app) as client:
        app.dependency_overrides[get_queue] = lambda: real_queue
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"redis": "ok", "workers": "no Celery worker answered a ping within 1 s"},
    }


def test_readyz_and_healthz_when_all_is_well(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"redis": "ok", "workers": "ok"}}


def test_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Ringkas"
    assert {"/v1/jobs", "/v1/jobs/{job_id}", "/v1/translate", "/healthz", "/readyz"} <= set(
        spec["paths"]
    )
    assert spec["paths"]["/v1/jobs"]["post"]["summary"]  # handlers document themselves


def test_the_api_never_imports_torch_or_the_model_layer() -> None:
    # The typed result (ringkas.models.result, pydantic only) is shared with the API.
    code = (
        "import sys, ringkas.service.app, ringkas.service.routes, ringkas.workers.celery_app; "
        "print(sorted(m for m in sys.modules if m in ('torch', 'transformers', 'ctranslate2') "
        "or m.startswith(('ringkas.models.', 'models')) and m != 'ringkas.models.result'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_translate_with_redis_down_answers_503(api_settings: Settings) -> None:
    from ringkas.service.app import create_app

    app = create_app(api_settings.model_copy(update={"redis_url": DEAD_REDIS}))
    with TestClient(app) as client:
        response = client.post("/v1/translate", json={"text": "Halo."})

    # The first Redis call is now the usage count (ringkas/usage.py): the store's 503.
    assert response.status_code == 503
    assert response.json()["code"] == "store_unavailable"
    assert response.json()["detail"].startswith("the job store (Redis) is unreachable")


def test_any_enqueue_failure_withdraws_the_job(app: FastAPI, api_settings: Settings) -> None:
    store = TrackingJobStore.from_url(api_settings.redis_url, api_settings.job_ttl_s)
    assert isinstance(store, TrackingJobStore)
    store.created = []

    class BreaksOnSecondArticle(RecordingQueue):
        def enqueue_articles(self, job_id: str, indices: list[int]) -> None:
            if 1 in indices:
                raise RuntimeError("unexpected")
            super().enqueue_articles(job_id, indices)

    app.dependency_overrides[get_store] = lambda: store
    app.dependency_overrides[get_queue] = BreaksOnSecondArticle
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.post("/v1/jobs", json={"articles": ARTICLES})

    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "detail": "internal server error",
        "errors": [],
    }
    [job_id] = store.created
    with pytest.raises(JobNotFound):
        store.get(job_id)


def test_glossaries_reach_the_worker_inputs(
    client: TestClient, queue: RecordingQueue, api_settings: Settings
) -> None:
    body = {
        "articles": [
            {"text": "Ketua MPR hadir.", "glossary": {"MPR": "People's Assembly"}},
            {"text": "Ketua DPR hadir.", "source_lang": "id"},
        ],
        "glossary": {"Ketua": "Speaker", "MPR": "MPR"},
    }
    job_id = client.post("/v1/jobs", json=body).json()["job_id"]
    store = JobStore.from_url(api_settings.redis_url, api_settings.job_ttl_s)
    first, _ = store.load_article(job_id, 0)
    second, _ = store.load_article(job_id, 1)
    # the article's own entries override the job's
    assert first.glossary == {"Ketua": "Speaker", "MPR": "People's Assembly"}
    assert (first.source_lang, second.source_lang) == (None, "id")
    assert second.glossary == {"Ketua": "Speaker", "MPR": "MPR"}

    response = client.post(
        "/v1/translate", json={"text": "Ketua hadir.", "source_lang": "id", "glossary": {"a": "b"}}
    )
    assert response.status_code == 200
    assert queue.glossaries == [{"a": "b"}]


def test_markdown_of_a_job_escapes_what_the_articles_carry(
    client: TestClient, api_settings: Settings
) -> None:
    from markdown_it import MarkdownIt

    hostile = "<script>alert(1)</script> [x](javascript:alert(1))"
    articles = [
        # Not HTML (textnorm keeps it): Markdown must still not read it as markup.
        {
            "id": "## <b>id",
            "title": "Judul <Budi> *tebal* [x](javascript:alert(1))",
            "text": "Halo.",
        },
        {"id": "b", "text": "Dunia."},
        {"text": "Belum selesai."},
    ]
    submitted = client.post("/v1/jobs", json={"articles": articles})
    job_id = submitted.json()["job_id"]
    store = JobStore.from_url(api_settings.redis_url, ttl_s=60)
    result = {"source_lang": "id", "target_lang": "en", "brief": hostile, "translation": hostile}
    store.start(job_id, 0)
    store.succeed(job_id, 0, result)
    store.start(job_id, 1)
    store.fail(job_id, 1, hostile)

    response = client.get(f"/v1/jobs/{job_id}/markdown")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    document = response.text
    assert document.startswith(
        "# Ringkas results\n\n## Judul \\<Budi\\> \\*tebal\\* \\[x\\](javascript:alert(1))\n"
    )
    assert "\n\\<script\\>alert(1)\\</script\\>" in document  # the brief
    assert "**Failed:** \\<script\\>" in document
    assert "Belum" not in document  # an unfinished article is not in it yet
    rendered = MarkdownIt("commonmark", {"html": True}).render(document)
    assert "<script" not in rendered and "<a " not in rendered and "<b>" not in rendered
    assert rendered.count("<h2>") == 2
    assert client.get("/v1/jobs/nope/markdown").status_code == 404
