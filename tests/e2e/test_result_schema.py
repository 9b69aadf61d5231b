"""Real results, from a real worker, fit the schema the API publishes at /openapi.json."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from test_jobs_e2e import poll, read_seed

SEED = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))[0]

pytestmark = pytest.mark.slow


def validator(spec: dict[str, Any], name: str) -> jsonschema.Draft202012Validator:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; refs point into components.
    schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema)


def test_the_article_result_is_described_field_by_field(http: httpx.Client) -> None:
    schemas = http.get("/openapi.json").json()["components"]["schemas"]
    result = schemas["ArticleResult"]
    assert result["additionalProperties"] is False
    assert {"translation", "paragraphs", "sentences_detail", "brief", "timings"} <= set(
        result["properties"]
    )
    for name in ("ArticleResult", "BodySentence", "Timings", "ModelIds", "TextResult"):
        for field, prop in schemas[name]["properties"].items():
            assert prop.get("description"), f"{name}.{field} has no description"
    # ArticleOut.result is the typed result, not a bare object.
    refs = str(schemas["ArticleOut"]["properties"]["result"])
    assert "#/components/schemas/ArticleResult" in refs


def test_real_results_fit_the_published_schema(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    title, body = read_seed(SEED)
    accepted = http.post(
        "/v1/jobs",
        json={
            "articles": [{"id": "seed", "title": title, "text": body, "source_lang": "id"}],
            "tasks": ["translate", "brief", "brief_id"],
        },
    )
    assert accepted.status_code == 202, accepted.text
    job = poll(http, accepted.json()["status_url"])
    job.pop("_seen")
    assert job["status"] == "succeeded", job
    result = job["articles"][0]["result"]
    assert result["translation"] and result["brief"] and result["brief_id"]
    validator(spec, "JobOut").validate(job)

    answer = http.post("/v1/translate", json={"text": "Satu kalimat. Dua kalimat."})
    assert answer.status_code == 200, answer.text
    validator(spec, "TextResult").validate(answer.json())
    # The validator is not lenient: a result with a field of the wrong type fails.
    broken = {**result, "sentences": "many"}
    assert not validator(spec, "ArticleResult").is_valid(broken)
