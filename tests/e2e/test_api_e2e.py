"""The real server: every bad input gets its 4xx, the sync path, health and docs."""

from __future__ import annotations

import httpx
import pytest
from bad_requests import bad_requests

from ringkas.settings import Settings

pytestmark = pytest.mark.slow


def test_every_bad_input_gets_its_4xx(http: httpx.Client, settings: Settings) -> None:
    failures = []
    for case in bad_requests(settings):
        response = http.request(
            case.method,
            case.path,
            content=case.body,
            headers={"content-type": "application/json"},
        )
        body = response.json()
        got = (response.status_code, body.get("code"), body.get("detail"), sorted(body))
        want = (case.status, case.code, case.detail, ["code", "detail", "errors"])
        if got != want:
            failures.append(f"{case.name}: got {got}, want {want}")
    assert not failures, "\n".join(failures)


def test_translate_over_http(http: httpx.Client) -> None:
    response = http.post(
        "/v1/translate",
        json={"text": "Presiden meresmikan jembatan baru.\nWarga gembira.", "source_lang": "id"},
    )

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["source_lang"], answer["target_lang"]) == ("id", "en")
    assert answer["translation"].strip()
    assert len(answer["translation"].split("\n\n")) == 2  # paragraphs kept
    assert answer["demo_model"] is True and answer["model"]


def test_translate_english_to_indonesian(http: httpx.Client) -> None:
    response = http.post("/v1/translate", json={"text": "The bridge opened.", "source_lang": "en"})

    assert response.status_code == 200, response.text
    assert response.json()["target_lang"] == "id"


def test_health_readiness_and_docs(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"redis": "ok", "workers": "ok"}}
    assert http.get("/docs").status_code == 200
    assert "/v1/jobs" in http.get("/openapi.json").json()["paths"]
