"""Request body size (413), and normalisation of what the API accepts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient
from recording_queue import RecordingQueue

from ringkas.jobstore import JobStore
from ringkas.service.app import create_app
from ringkas.service.deps import get_queue
from ringkas.settings import Settings

LIMIT = 2_000
TOO_LARGE = {
    "code": "body_too_large",
    "detail": f"request body is over the limit of {LIMIT} bytes (RINGKAS_MAX_BODY_BYTES)",
    "errors": [],
}


@pytest.fixture
def small(test_redis_url: str, queue: RecordingQueue) -> Iterator[TestClient]:
    app = create_app(Settings(redis_url=test_redis_url, max_body_bytes=LIMIT))
    app.dependency_overrides[get_queue] = lambda: queue
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    r = redis.Redis.from_url(test_redis_url)
    for job_id in {job_id for job_id, _ in queue.articles}:
        r.delete(JobStore.key(job_id))
    r.close()


def big_body() -> bytes:
    return json.dumps({"articles": [{"text": "kata " * 1_000}]}).encode()


def test_a_declared_body_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post(
        "/v1/jobs", content=big_body(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_chunked_body_over_the_limit_is_413(small: TestClient) -> None:
    body = big_body()
    chunks = (body[i : i + 500] for i in range(0, len(body), 500))  # no Content-Length

    response = small.post(
        "/v1/translate", content=chunks, headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_a_body_under_the_limit_passes(small: TestClient) -> None:
    assert small.post("/v1/jobs", json={"articles": [{"text": "Halo."}]}).status_code == 202


def test_html_and_control_characters_are_cleaned_before_storing(
    client: TestClient, api_settings: Settings
) -> None:
    store = JobStore.from_url(api_settings.redis_url, ttl_s=60)
    article = {
        "id": "a\x00b",
        "title": "<b>Judul</b>\x07",
        "text": "<p>Paragraf <i>satu</i>.</p><p>Cafe\u0301 \ud800dua.</p>",
    }
    # json.dumps escapes the lone surrogate as JSON allows (\ud800); httpx would not encode it.
    body = json.dumps({"articles": [article]})
    response = client.post("/v1/jobs", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 202, response.text

    stored, _ = store.load_article(response.json()["job_id"], 0)

    # The NUL between two characters of the id separates them.
    assert (stored.id, stored.title, stored.text) == ("a b", "Judul", "Paragraf satu.\nCafé dua.")


@pytest.mark.parametrize(
    ("text", "stored_text"),
    [
        ("Reporter <Budi> melaporkan.\nParagraf dua: a<b dan c>d.", None),  # kept as it is
        ("Halo\x00dunia.\nBaris\x85dua.", "Halo dunia.\nBaris dua."),
        ("<p>satu</p><![foo bar", "satu\n<![foo bar"),  # html.parser itself would raise on it
    ],
)
def test_plain_text_keeps_its_angle_brackets_and_words(
    client: TestClient, api_settings: Settings, text: str, stored_text: str | None
) -> None:
    store = JobStore.from_url(api_settings.redis_url, ttl_s=60)

    response = client.post("/v1/jobs", json={"articles": [{"text": text}]})
    assert response.status_code == 202, response.text

    stored, _ = store.load_article(response.json()["job_id"], 0)
    assert stored.text == (stored_text or text)


def test_html_with_no_text_is_refused_as_empty(client: TestClient) -> None:
    response = client.post("/v1/jobs", json={"articles": [{"text": "<p> </p><br/>"}]})

    assert response.status_code == 422
    assert response.json()["detail"] == "articles[0].text: text is empty or whitespace only"


def test_the_limits_are_in_the_openapi_docs(client: TestClient, api_settings: Settings) -> None:
    description = client.get("/openapi.json").json()["info"]["description"]

    assert f"| articles per job | {api_settings.max_articles_per_job} |" in description
    assert f"| characters per article | {api_settings.max_article_chars} |" in description
    assert "`RINGKAS_MAX_BODY_BYTES`" in description
    assert (
        f"| sync requests waiting at once, per API process | {api_settings.max_sync_in_flight} "
        "| `RINGKAS_MAX_SYNC_IN_FLIGHT` | 503 + Retry-After |"
    ) in description
