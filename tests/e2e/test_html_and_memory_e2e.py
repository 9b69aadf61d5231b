"""HTML articles and the translation memory through the real stack: HTTP → Redis → Celery
worker (memory on, its default) → demo models → poll, and /metrics."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import lxml.html
import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from ringkas.batch import expand_inputs, iter_articles, latest_records
from ringkas.batch_command import BatchOptions, run_batch_command
from ringkas.jobstore import JobStore
from ringkas.settings import Settings
from ringkas.stack import Stack
from tests.e2e.test_jobs_e2e import poll

pytestmark = pytest.mark.slow

HTML = """<h2>Banjir <em>melanda</em> Jakarta</h2>
<script>document.write("iklan")</script><style>h2 { color: red }</style>
<p>Warga <a href="https://contoh.id/banjir">Kampung Melayu</a> mengungsi ke masjid.</p>
<ul><li>Air setinggi satu meter.</li><li>Listrik <strong>padam</strong>.</li></ul>
<blockquote>Kami butuh bantuan, kata warga.</blockquote>"""


def run_job(http: httpx.Client, article: dict[str, Any]) -> dict[str, Any]:
    submitted = http.post("/v1/jobs", json={"articles": [article], "tasks": ["translate"]})
    assert submitted.status_code == 202, submitted.text
    job = poll(http, submitted.json()["status_url"], timeout_s=240)
    assert job["status"] == "succeeded", job
    result: dict[str, Any] = job["articles"][0]["result"]
    return result


def counter(http: httpx.Client, name: str) -> float:
    text = http.get("/metrics").text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    )


def test_an_html_article_comes_back_as_html(http: httpx.Client) -> None:
    result = run_job(http, {"text": HTML, "source_lang": "id", "format": "html"})

    tree = lxml.html.fragment_fromstring(result["html"], create_parent="div")
    assert [e.tag for e in tree if isinstance(e.tag, str)] == ["h2", "p", "ul", "blockquote"]
    assert len(list(tree.iter("li"))) == 2
    assert not list(tree.iter("script", "style"))
    [link] = tree.iter("a")
    assert link.get("href") == "https://contoh.id/banjir" and link.text_content().strip()
    assert [e.tag for e in tree.iter("em", "strong")] == ["em", "strong"]
    assert [p["source"] for p in result["paragraphs"]][:2] == [
        "Banjir melanda Jakarta",
        "Warga Kampung Melayu mengungsi ke masjid.",
    ]
    assert "iklan" not in result["translation"]


def test_plain_text_stays_the_default_and_strips_html(http: httpx.Client) -> None:
    result = run_job(http, {"text": HTML, "source_lang": "id"})
    assert result["html"] is None
    assert result["paragraphs"][0]["source"] == "Banjir melanda Jakarta"


def test_html_without_text_is_refused(http: httpx.Client) -> None:
    response = http.post(
        "/v1/jobs",
        json={"articles": [{"text": "<script>x()</script><p> </p>", "format": "html"}]},
    )
    assert response.status_code == 422
    assert "the HTML has no text to translate" in response.text
    response = http.post("/v1/jobs", json={"articles": [{"text": "Halo", "format": "pdf"}]})
    assert response.status_code == 422


def test_the_schema_publishes_format_html_and_the_memory_timings(http: httpx.Client) -> None:
    schemas = http.get("/openapi.json").json()["components"]["schemas"]
    assert schemas["ArticleIn"]["properties"]["format"]["enum"] == ["text", "html"]
    assert "html" in schemas["ArticleResult"]["properties"]
    assert {"tm_hits", "tm_sentences"} <= set(schemas["Timings"]["properties"])


def test_a_republished_article_is_served_from_the_memory(http: httpx.Client) -> None:
    word = f"Kode{uuid.uuid4().hex[:8]}"  # sentences no earlier test translated
    article = {
        "title": f"Berita {word} hari ini",
        "text": f"Pemerintah {word} membuka jalan baru.\nWarga {word} menyambut baik.",
        "source_lang": "id",
    }
    hits_before = counter(http, "ringkas_tm_hits_total")
    first = run_job(http, article)
    again = run_job(http, article)
    hits_after = counter(http, "ringkas_tm_hits_total")

    assert first["timings"]["tm_sentences"] == 3 and first["timings"]["tm_hits"] == 0
    assert again["timings"]["tm_hits"] == again["timings"]["tm_sentences"] == 3
    assert again["sentences_detail"] == first["sentences_detail"]
    assert again["title_translation"] == first["title_translation"]
    assert hits_after - hits_before == 3
    ratio = counter(http, "ringkas_tm_hit_ratio")
    assert 0 < ratio <= 1


def test_the_batch_script_reads_html_files_as_html(tmp_path: Path) -> None:
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Judul\nIsi.", encoding="utf-8")
    articles = list(iter_articles(expand_inputs([tmp_path]), "id"))
    assert [(a.id, a.format, a.title) for a in articles] == [
        ("a", "text", "Judul"),
        ("b", "html", None),
    ]


def test_the_batch_script_sends_html_files_to_the_api(
    settings: Settings, stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ringkas import api_client

    submitted: list[str] = []
    real_request = api_client.request

    def remembering_request(*args: Any, **kwargs: Any) -> httpx.Response:
        response = real_request(*args, **kwargs)
        if response.request.url.path == "/v1/jobs" and response.status_code == 202:
            submitted.append(response.json()["job_id"])
        return response

    monkeypatch.setattr("ringkas.api_client.request", remembering_request)
    page = tmp_path / "banjir.html"
    page.write_text(HTML, encoding="utf-8")
    out = tmp_path / "results.jsonl"
    opts = BatchOptions(
        inputs=[page], out=out, api=stack.base_url, poll_interval_s=0.2, progress=False,
        tasks="translate",
    )  # fmt: skip
    try:
        assert run_batch_command(opts, settings, echo=lambda *a, **k: None) == 0
    finally:
        store = redis.Redis.from_url(settings.redis_url)
        for job_id in submitted:
            store.delete(JobStore.key(job_id))
        store.close()
    [record] = latest_records(out)
    assert record["id"] == "banjir" and record["status"] == "succeeded"
    tree = lxml.html.fragment_fromstring(record["result"]["html"], create_parent="div")
    assert [e.tag for e in tree if isinstance(e.tag, str)] == ["h2", "p", "ul", "blockquote"]
    assert [a.get("href") for a in tree.iter("a")] == ["https://contoh.id/banjir"]
