"""Both seeds through the real path: HTTP → Redis → Celery worker → demo models → poll, with
the results in either store (Redis, or PostgreSQL: tests/e2e/conftest.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from ringkas.jobstore import JobStore
from ringkas.models.boilerplate import clean_article
from ringkas.settings import Settings
from ringkas.stack import Stack

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
FINISHED = {"succeeded", "failed", "partial"}

pytestmark = pytest.mark.slow


@pytest.fixture(params=["redis", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def jobs_http(store_kind: str, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A client of the stack whose results live in ``store_kind``."""
    if store_kind == "redis":
        yield request.getfixturevalue("http")
        return
    stack: Stack = request.getfixturevalue("postgresql_stack")
    with httpx.Client(base_url=stack.base_url, timeout=30) as client:
        yield client


def redis_fields(store_kind: str, request: pytest.FixtureRequest, job_id: str) -> list[str]:
    """The fields of the job's hash in the Redis of the stack of ``store_kind``."""
    if store_kind == "redis":
        url = request.getfixturevalue("settings").redis_url
    else:
        url = request.getfixturevalue("postgresql_redis").url
    with redis.Redis.from_url(url, decode_responses=True) as client:
        return sorted(client.hkeys(JobStore.key(job_id)))


def read_seed(path: Path) -> tuple[str, str]:
    """(title, body): the first line is the title."""
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title.strip(), body.strip()


def source_paragraphs(body: str, title: str) -> list[str]:
    # The API's contract: paragraphs are the non-empty lines of the body once the site's
    # boilerplate (dateline, bylines, captions, footers) is separated from it.
    clean = clean_article(body, title).body
    return [" ".join(line.split()) for line in clean.splitlines() if line.strip()]


def poll(http: httpx.Client, status_url: str, timeout_s: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    seen: list[str] = []
    while time.monotonic() < deadline:
        job = http.get(status_url).json()
        if not seen or seen[-1] != job["status"]:
            seen.append(job["status"])
        if job["status"] in FINISHED:
            job["_seen"] = seen
            return job
        time.sleep(0.5)
    raise AssertionError(f"job not finished after {timeout_s} s; statuses seen: {seen}")


def test_seeds_are_translated_and_briefed(
    jobs_http: httpx.Client, settings: Settings, store_kind: str, request: pytest.FixtureRequest
) -> None:
    http = jobs_http
    assert len(SEEDS) == 2
    seeds = [(path.stem, *read_seed(path)) for path in SEEDS]
    articles = [
        {"id": stem, "title": title, "text": body, "source_lang": "id"}
        for stem, title, body in seeds
    ]

    submitted = http.post("/v1/jobs", json={"articles": articles})

    assert submitted.status_code == 202, submitted.text
    accepted = submitted.json()
    assert accepted["status"] == "queued" and accepted["articles"] == 2
    assert submitted.headers["location"] == accepted["status_url"]

    job = poll(http, accepted["status_url"])

    assert job["status"] == "succeeded", job
    assert job["progress"] == {"done": 2, "total": 2, "succeeded": 2, "failed": 0}
    assert job["tasks"] == ["translate", "brief"]
    for article, (stem, title, body) in zip(job["articles"], seeds, strict=True):
        assert (article["id"], article["title"], article["source_lang"]) == (stem, title, "id")
        assert article["status"] == "succeeded" and article["error"] is None
        assert article["attempts"] == 1
        assert article["started_at"] <= article["finished_at"]
        result = article["result"]
        assert (result["source_lang"], result["target_lang"]) == ("id", "en")
        # One translated paragraph per source paragraph, in order.
        expected = source_paragraphs(body, title)
        assert [p["source"] for p in result["paragraphs"]] == expected
        # every seed has boilerplate: fewer paragraphs than non-empty lines
        assert len(expected) < len([line for line in body.splitlines() if line.strip()])
        assert result["title"] == title and isinstance(result["warnings"], list)
        assert len(result["sentences_detail"]) == result["sentences"]
        assert all(p["translation"].strip() for p in result["paragraphs"])
        assert result["translation"].strip()
        assert result["title_translation"].strip()
        brief_words = len(result["brief"].split())
        assert 0 < brief_words <= settings.brief_max_words
        assert result["timings"]["translate_s"] >= 0 and result["timings"]["brief_s"] >= 0
        assert result["models"]["translate"] and result["models"]["brief"]
        assert result["demo_models"] is True
    # Where the results live: in the job's Redis hash, or only in PostgreSQL.
    fields = redis_fields(store_kind, request, job["job_id"])
    results_in_redis = [f for f in fields if f.startswith("result:")]
    assert results_in_redis == (["result:0", "result:1"] if store_kind == "redis" else [])


def test_one_task_only(jobs_http: httpx.Client) -> None:
    http = jobs_http
    _, body = read_seed(SEEDS[0])
    submitted = http.post(
        "/v1/jobs", json={"articles": [{"text": body[:600]}], "tasks": ["translate"]}
    )
    assert submitted.status_code == 202, submitted.text

    job = poll(http, submitted.json()["status_url"])

    assert job["status"] == "succeeded", job
    result = job["articles"][0]["result"]
    assert result["translation"].strip() and result["brief"] is None


def test_all_three_tasks_at_once(jobs_http: httpx.Client) -> None:
    http = jobs_http
    _, body = read_seed(SEEDS[0])
    submitted = http.post(
        "/v1/jobs",
        json={"articles": [{"text": body[:600]}], "tasks": ["translate", "brief", "brief_id"]},
    )
    assert submitted.status_code == 202, submitted.text

    job = poll(http, submitted.json()["status_url"])

    assert job["status"] == "succeeded", job
    result = job["articles"][0]["result"]
    assert result["translation"].strip() and result["brief"].strip()
    assert result["brief_id"].strip()
