"""Every bad input gets its 4xx, the one error envelope and an exact message."""

from __future__ import annotations

import pytest
from bad_requests import BadRequest, bad_requests
from fastapi.testclient import TestClient
from recording_queue import RecordingQueue

from ringkas.settings import Settings

CASES = bad_requests(Settings(max_article_chars=300, max_articles_per_job=3, max_sync_chars=50))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_request_is_refused_with_a_clear_message(
    client: TestClient, api_settings: Settings, queue: RecordingQueue, case: BadRequest
) -> None:
    # The cases were built for these limits; guard against the fixture drifting.
    assert (api_settings.max_article_chars, api_settings.max_articles_per_job) == (300, 3)

    response = client.request(
        case.method,
        case.path,
        content=case.body,
        headers={"content-type": "application/json"},
    )

    assert response.status_code == case.status, response.text
    body = response.json()
    assert set(body) == {"code", "detail", "errors"}
    assert body["code"] == case.code
    assert body["detail"] == case.detail
    if case.status == 422:
        assert body["errors"] and all(set(e) == {"loc", "msg", "type"} for e in body["errors"])
    assert queue.articles == [] and queue.translations == []  # nothing was sent


def test_every_article_over_the_limit_is_listed(client: TestClient) -> None:
    articles = [{"text": "a" * 301}, {"text": "ok"}, {"text": "b" * 400}]

    response = client.post("/v1/jobs", json={"articles": articles})

    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["errors"]] == ["articles[0].text", "articles[2].text"]
    assert "text is 400 characters; the limit is 300" in response.json()["detail"]


def test_several_schema_errors_are_reported_together(client: TestClient) -> None:
    response = client.post(
        "/v1/jobs", json={"articles": [{"text": " ", "source_lang": "fr"}], "tasks": ["x"]}
    )

    assert response.status_code == 422
    locs = [e["loc"] for e in response.json()["errors"]]
    assert locs == ["articles[0].text", "articles[0].source_lang", "tasks[0]"]


def test_unknown_route_and_method_use_the_envelope(client: TestClient) -> None:
    missing = client.get("/v2/nothing")
    wrong_method = client.delete("/v1/jobs")

    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method_not_allowed")


def test_limits_show_in_openapi(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]

    article = schemas["ArticleIn"]["properties"]
    assert article["text"]["minLength"] == 1 and article["text"]["maxLength"] > 0
    # optional (null: detected), else one of the two
    assert {"enum": ["id", "en"], "type": "string"} in article["source_lang"]["anyOf"]
    assert article["glossary"]["anyOf"][0]["maxProperties"] > 0
    assert schemas["JobRequest"]["properties"]["articles"]["minItems"] == 1
    assert schemas["JobRequest"]["properties"]["articles"]["maxItems"] > 0
    assert set(schemas["ErrorOut"]["properties"]) == {"code", "detail", "errors"}
