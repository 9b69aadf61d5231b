"""/metrics after a real job: the job's counts show, as the worker recorded them in Redis.

Counters are cumulative over the test Redis database (other tests run jobs too, and
earlier sessions left theirs), so the test compares a scrape before the job with one after.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.slow

SEED = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]


def seed_start(paragraphs: int = 4) -> tuple[str, str]:
    """The seed's title and its first paragraphs: enough sentences, a fraction of the time."""
    title, _, body = SEED.read_text(encoding="utf-8").partition("\n")
    lines = [line for line in body.splitlines() if line.strip()]
    return title.strip(), "\n".join(lines[:paragraphs])


def scrape(http: httpx.Client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def wait_finished(http: httpx.Client, url: str, timeout_s: float = 240) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = http.get(url).json()
        if job["status"] in ("succeeded", "failed", "partial"):
            return job
        time.sleep(0.3)
    raise AssertionError(f"job {url} not finished after {timeout_s} s")


def test_metrics_show_a_finished_jobs_counts(http: httpx.Client) -> None:
    title, body = seed_start()
    before = scrape(http)

    accepted = http.post(
        "/v1/jobs", json={"articles": [{"title": title, "text": body, "source_lang": "id"}]}
    ).json()
    job = wait_finished(http, accepted["status_url"])
    after = scrape(http)

    assert job["status"] == "succeeded"
    result = job["articles"][0]["result"]

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("ringkas_jobs_submitted_total") == 1
    assert delta("ringkas_jobs_finished_total", status="succeeded") == 1
    assert delta("ringkas_articles_total", status="succeeded") == 1
    assert delta("ringkas_sentences_translated_total") == result["sentences"]
    words = sum(len(p["source"].split()) for p in result["paragraphs"])
    assert delta("ringkas_tokens_translated_total") == words
    for task in ("translate", "brief"):
        assert delta("ringkas_model_latency_seconds_count", task=task) == 1
        assert delta("ringkas_model_latency_seconds_bucket", task=task, le="+Inf") == 1
    assert after[("ringkas_queue_depth", (("queue", "ringkas.jobs"),))] >= 0
    assert after[("ringkas_workers", ())] >= 1
    assert after[("ringkas_redis_up", ())] == 1


def test_the_job_api_reports_sentences_and_an_eta(http: httpx.Client) -> None:
    title, body = seed_start(6)
    accepted = http.post(
        "/v1/jobs", json={"articles": [{"title": title, "text": body}, {"text": body}]}
    ).json()
    seen_running: list[dict[str, Any]] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        job = http.get(accepted["status_url"]).json()
        if job["status"] == "running":
            seen_running.append(job["progress_detail"])
        if job["status"] == "succeeded":
            break
        time.sleep(0.2)

    detail = job["progress_detail"]
    assert job["status"] == "succeeded"
    assert detail["fraction"] == 1 and detail["eta_s"] == 0 and detail["elapsed_s"] > 0
    for article in job["articles"]:
        # The title is translated too: one more "sentence" for the titled article.
        expected = article["result"]["sentences"] + (1 if article["title"] else 0)
        assert article["sentences_done"] == article["sentences_total"] == expected
    assert detail["sentences_done"] == detail["sentences_total"]
    # While it ran, the estimate only ever moved forward.
    fractions = [d["fraction"] for d in seen_running]
    assert fractions == sorted(fractions)
    assert all(0 <= f < 1 for f in fractions)
