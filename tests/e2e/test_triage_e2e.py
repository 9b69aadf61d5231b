"""Triage briefs through the real path: HTTP → Redis → Celery worker → demo models."""

from __future__ import annotations

import json

import httpx
import pytest

from ringkas.models.boilerplate import clean_article
from ringkas.models.extractive import extractive_brief
from tests.e2e.test_jobs_e2e import poll
from tests.models.test_quality import shared_data

pytestmark = pytest.mark.slow


def dev_articles(count: int) -> list[dict[str, str]]:
    lines = (shared_data() / "news-dev.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:count]]


def test_triage_briefs_of_dev_articles_without_their_translation(http: httpx.Client) -> None:
    articles = dev_articles(2)
    body = {
        "articles": [
            {"text": a["text"], "title": a["title"], "source_lang": "id"} for a in articles
        ]
        + [{"text": "Presiden meresmikan jembatan baru.", "brief_mode": "full"}],
        "tasks": ["brief", "brief_id"],
        "brief_mode": "triage",
    }
    submitted = http.post("/v1/jobs", json=body)
    assert submitted.status_code == 202, submitted.text

    job = poll(http, submitted.json()["status_url"], timeout_s=600)  # a loaded CI machine

    assert job["status"] == "succeeded", job
    for article, out in zip(articles, job["articles"], strict=False):
        result = out["result"]
        clean = clean_article(article["text"], article["title"])
        assert result["brief_mode"] == "triage" and result["brief_method"] == "extractive"
        assert result["brief_id"] == extractive_brief(clean.body, 3, "id")
        assert result["brief"].strip() and result["translation"] is None
        assert result["timings"]["translate_s"] is None
    assert job["articles"][2]["result"]["brief_mode"] == "full"  # the article's own mode


def test_an_unknown_brief_mode_is_refused(http: httpx.Client) -> None:
    response = http.post("/v1/jobs", json={"articles": [{"text": "Satu."}], "brief_mode": "fast"})
    assert response.status_code == 422
    assert "brief_mode" in response.text and "triage" in response.text


def test_brief_mode_is_documented(http: httpx.Client) -> None:
    schema = http.get("/openapi.json").json()["components"]["schemas"]
    assert "triage" in schema["JobRequest"]["properties"]["brief_mode"]["description"]
    assert "brief_mode" in schema["ArticleResult"]["properties"]
