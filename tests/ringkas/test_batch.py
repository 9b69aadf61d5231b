"""The batch script: reading inputs, resuming, the writers, the API loop, a local run."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from typer.testing import CliRunner

from ringkas.api_client import ApiError, api_processor, request
from ringkas.batch import (
    Article,
    InputError,
    Record,
    ResultWriter,
    done_ids,
    expand_inputs,
    failed,
    iter_jsonl,
    latest_records,
    parse_tasks,
    read_txt,
    run_batch,
    succeeded,
)
from ringkas.batch_command import BatchOptions, run_batch_command
from ringkas.cli import app
from ringkas.jobstore import JobStore
from ringkas.report import DEMO_LABEL, article_markdown
from ringkas.settings import Settings
from ringkas.stack import Stack

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def article(article_id: str, text: str = "Teks berita.") -> Article:
    return Article(article_id, text, "id", f"Judul {article_id}", origin="test")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- inputs --------------------------------------------------------------------------------


def test_txt_title_is_first_non_empty_line_and_id_the_stem(tmp_path: Path) -> None:
    content = "\n\n  Judul Berita  \nParagraf satu.\n\nParagraf dua.\n"
    path = write(tmp_path / "berita-1.txt", content)
    got = read_txt(path, "id")
    assert (got.id, got.title, got.source_lang) == ("berita-1", "Judul Berita", "id")
    assert got.text == "Paragraf satu.\n\nParagraf dua."


def test_folder_gives_its_txt_and_jsonl_sorted(tmp_path: Path) -> None:
    write(tmp_path / "b.txt", "B\nbody")
    write(tmp_path / "a.jsonl", '{"text": "x"}\n')
    write(tmp_path / "c.txt", "C\nbody")
    write(tmp_path / "notes.md", "ignored in a folder")
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub" / "d.txt", "not recursed into")
    assert [p.name for p in expand_inputs([tmp_path])] == ["a.jsonl", "b.txt", "c.txt"]


def test_jsonl_ids_given_or_a_stable_hash_of_the_text(tmp_path: Path) -> None:
    lines = [{"text": "Satu.", "id": 7, "title": "T", "source_lang": "en"}, {"text": "Dua."}]
    # A blank line between them is skipped, but counted in the line numbers.
    path = write(tmp_path / "in.jsonl", json.dumps(lines[0]) + "\n\n" + json.dumps(lines[1]) + "\n")
    first, second = iter_jsonl(path, "id")
    assert (first.id, first.title, first.source_lang) == ("7", "T", "en")
    assert second.id == hashlib.sha256(b"Dua.").hexdigest()[:16]
    assert (second.title, second.source_lang, second.origin) == (None, "id", f"{path}:3")
    # The same text elsewhere gets the same id: a rerun recognises it.
    other = write(tmp_path / "other.jsonl", '{"text": "Dua.", "title": "other"}\n')
    assert next(iter_jsonl(other, "en")).id == second.id


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object, got list"),
        ('{"title": "no text"}', "'text' must be a string"),
        ('{"text": "x", "id": [1]}', "'id' must be a string or an integer"),
    ],
)
def test_bad_jsonl_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path / "in.jsonl", '{"text": "ok"}\n' + line + "\n")
    with pytest.raises(InputError, match=message) as info:
        list(iter_jsonl(path, "id"))
    assert str(info.value).startswith(f"{path}:2: ")


def test_unsupported_file_type_and_missing_path_are_input_errors(tmp_path: Path) -> None:
    pdf = write(tmp_path / "article.pdf", "%PDF")
    with pytest.raises(InputError, match=r"article\.pdf: unsupported file type '\.pdf'"):
        expand_inputs([pdf])
    with pytest.raises(InputError, match=r"nope\.txt: no such file or folder"):
        expand_inputs([tmp_path / "nope.txt"])


def test_cli_reports_an_unsupported_file_without_a_traceback(tmp_path: Path) -> None:
    pdf = write(tmp_path / "article.pdf", "%PDF")
    result = CliRunner().invoke(app, ["batch", str(pdf), "--local", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "unsupported file type '.pdf'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o").exists()  # stopped before anything ran


def test_chunk_size_over_the_job_limit_is_a_usage_error(tmp_path: Path) -> None:
    lines: list[str] = []
    code = run_batch_command(
        BatchOptions(inputs=[SEEDS[0]], out=tmp_path / "o.jsonl", chunk_size=4),
        settings=Settings(max_articles_per_job=3),
        echo=lambda text, **_: lines.append(text),
    )
    assert code == 2
    assert lines == [
        "Error: --chunk-size 4 is over the API's limit of 3 articles per job "
        "(RINGKAS_MAX_ARTICLES_PER_JOB)"
    ]


def test_parse_tasks() -> None:
    assert parse_tasks(" brief , translate,brief") == ("brief", "translate")
    with pytest.raises(ValueError, match="unknown task"):
        parse_tasks("translate,summarize")


# --- resume and writers --------------------------------------------------------------------


class FakeProcessor:
    """Succeeds every article except the ids in ``fail``; remembers what it was given."""

    def __init__(self, fail: Iterable[str] = ()) -> None:
        self.fail = set(fail)
        self.seen: list[str] = []

    def __call__(self, articles: Iterable[Article]) -> Iterator[Record]:
        for a in articles:
            self.seen.append(a.id)
            if a.id in self.fail:
                yield failed(a, "boom", f"failed {a.id}")
            else:
                yield succeeded(a, {"translation": f"T({a.text})", "demo_models": False})


def test_rerun_skips_succeeded_ids_and_retries_failed_ones(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    articles = [article("a"), article("b"), article("c")]

    first = FakeProcessor(fail={"b"})
    summary = run_batch(iter(articles), out, first, max_chars=1000, progress=False)
    assert (summary.succeeded, summary.failed, summary.skipped) == (2, 1, 0)
    assert done_ids(out) == {"a", "c"}

    second = FakeProcessor()
    summary = run_batch(iter(articles), out, second, max_chars=1000, progress=False)
    assert second.seen == ["b"]
    assert (summary.succeeded, summary.failed, summary.skipped) == (1, 0, 2)
    assert done_ids(out) == {"a", "b", "c"}
    # The failure stays in the file (appended, never rewritten); the latest record wins.
    statuses = [(r["id"], r["status"]) for r in latest_records(out)]
    assert statuses == [("a", "succeeded"), ("b", "succeeded"), ("c", "succeeded")]
    assert len(out.read_text().splitlines()) == 4


def test_an_interrupted_run_keeps_what_it_finished(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"

    def interrupted(articles: Iterable[Article]) -> Iterator[Record]:
        for a in articles:
            yield succeeded(a, {})
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(iter([article("a"), article("b")]), out, interrupted, max_chars=99)
    assert done_ids(out) == {"a"}


def test_a_line_cut_short_is_ignored_and_the_next_record_starts_a_new_line(
    tmp_path: Path,
) -> None:
    out = tmp_path / "results.jsonl"
    good = json.dumps(succeeded(article("a"), {}))
    write(out, good + "\n" + '{"id": "b", "status": "succ')  # killed mid-write
    assert done_ids(out) == {"a"}
    with ResultWriter(out) as writer:
        writer.write(succeeded(article("b"), {}))
    assert done_ids(out) == {"a", "b"}
    assert out.read_text().splitlines()[-1] == json.dumps(succeeded(article("b"), {}))


def test_invalid_and_duplicate_articles_are_not_sent(tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"
    processor = FakeProcessor()
    articles = [
        article("ok", text="ok"),
        article("empty", text="  \n "),
        article("long", text="x" * 11),
        Article("fr", "Bonjour.", "fr", None, "test"),
        article("ok", text="same id again"),
    ]
    summary = run_batch(iter(articles), out, processor, max_chars=10, progress=False)
    assert processor.seen == ["ok"]
    assert (summary.succeeded, summary.failed, summary.duplicates) == (1, 3, 1)
    errors = {r["id"]: r["error"]["detail"] for r in latest_records(out) if "error" in r}
    assert errors == {
        "empty": "the article has no text",
        "long": "the text is 11 characters; the limit is 10 (RINGKAS_MAX_ARTICLE_CHARS)",
        "fr": "source_lang 'fr' is not supported; use one of: id, en",
    }


# --- markdown ------------------------------------------------------------------------------


def result(demo: bool) -> dict[str, Any]:
    return {
        "source_lang": "id",
        "target_lang": "en",
        "title_translation": "A title",
        "translation": "First paragraph.\n\nSecond paragraph.",
        "brief": "The brief.",
        "demo_models": demo,
    }


def test_markdown_labels_demo_model_output_loudly() -> None:
    text = article_markdown(succeeded(article("a"), result(demo=True)))
    assert f"**⚠ {DEMO_LABEL.upper()}.**" in text
    assert "### Brief\n\nThe brief." in text
    assert "First paragraph.\n\nSecond paragraph." in text


def test_markdown_of_real_models_and_failures_has_no_demo_label() -> None:
    real = article_markdown(succeeded(article("a"), result(demo=False)))
    assert DEMO_LABEL.lower() not in real.lower()
    assert real.startswith("## Judul a\n")
    bad = article_markdown(failed(article("b"), "boom", "it broke"))
    assert "**Failed:** it broke" in bad
    assert DEMO_LABEL.lower() not in bad.lower()


# --- the API loop, against a fake API (httpx.MockTransport) ---------------------------------


class FakeApi:
    """Jobs finish one article per poll; a job containing the text "BAD" is refused (422)."""

    def __init__(self) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.posts: list[int] = []  # articles per accepted or refused POST

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v1/jobs":
            body = json.loads(request.content)
            self.posts.append(len(body["articles"]))
            if any(a["text"] == "BAD" for a in body["articles"]):
                return httpx.Response(
                    422,
                    json={"code": "invalid", "detail": "text is bad", "errors": []},
                )
            job_id = f"job{len(self.jobs)}"
            self.jobs[job_id] = {"articles": body["articles"], "polls": 0}
            return httpx.Response(
                202, json={"job_id": job_id, "status": "queued", "status_url": f"/v1/jobs/{job_id}"}
            )
        job_id = request.url.path.rsplit("/", 1)[1]
        job = self.jobs[job_id]
        job["polls"] += 1
        items = []
        for index, a in enumerate(job["articles"]):
            done = index < job["polls"]
            items.append(
                {
                    "index": index,
                    "id": a["id"],
                    "status": "succeeded" if done else "running",
                    "result": {"translation": a["text"].upper()} if done else None,
                    "error": None,
                }
            )
        finished = job["polls"] >= len(items)
        return httpx.Response(
            200, json={"job_id": job_id, "status": "succeeded" if finished else "running",
                       "articles": items},
        )  # fmt: skip


def test_api_loop_yields_each_article_once_as_it_finishes() -> None:
    api = FakeApi()
    client = httpx.Client(base_url="http://api", transport=httpx.MockTransport(api.handler))
    process = api_processor(
        client, ["translate"], chunk_size=2, jobs_in_flight=1, sleep=lambda _: None
    )
    records = list(process([article("a", "satu"), article("b", "dua"), article("c", "tiga")]))
    assert [(r["id"], r["result"]["translation"]) for r in records] == [
        ("a", "SATU"),
        ("b", "DUA"),
        ("c", "TIGA"),
    ]
    assert api.posts == [2, 1]


def test_api_loop_splits_a_refused_chunk_so_only_the_bad_article_fails() -> None:
    api = FakeApi()
    client = httpx.Client(base_url="http://api", transport=httpx.MockTransport(api.handler))
    process = api_processor(client, ["translate"], chunk_size=3, sleep=lambda _: None)
    records = list(process([article("a", "satu"), article("b", "BAD"), article("c", "tiga")]))
    by_id = {r["id"]: r for r in records}
    assert api.posts == [3, 1, 1, 1]
    assert by_id["b"]["error"] == {"code": "rejected", "detail": "HTTP 422 invalid: text is bad"}
    assert [by_id[i]["status"] for i in "ac"] == ["succeeded", "succeeded"]


def test_api_loop_gives_up_when_nothing_finishes() -> None:
    def never_done(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(202, json={"job_id": "j", "status": "queued"})
        item = {"index": 0, "id": "a", "status": "queued", "result": None, "error": None}
        return httpx.Response(200, json={"job_id": "j", "status": "queued", "articles": [item]})

    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    client = httpx.Client(base_url="http://api", transport=httpx.MockTransport(never_done))
    process = api_processor(
        client, ["translate"], chunk_size=1, poll_interval_s=5, stall_timeout_s=60,
        sleep=sleep, clock=lambda: now[0],
    )  # fmt: skip
    with pytest.raises(ApiError, match="no article finished for 60 s"):
        list(process([article("a")]))
    assert 60 < now[0] <= 70


def test_request_retries_busy_answers_then_gives_up() -> None:
    answers = iter([503, 200])
    calls: list[float] = []
    client = httpx.Client(
        base_url="http://api",
        transport=httpx.MockTransport(lambda r: httpx.Response(next(answers), json={})),
    )
    assert request(client, "GET", "/x", sleep=calls.append).status_code == 200
    assert calls == [1.0]

    busy = httpx.Client(
        base_url="http://api",
        transport=httpx.MockTransport(
            lambda r: httpx.Response(429, headers={"Retry-After": "3"}, json={"detail": "slow"})
        ),
    )
    calls.clear()
    with pytest.raises(ApiError, match="GET http://api/x failed: HTTP 429 : slow"):
        request(busy, "GET", "/x", retries=2, sleep=calls.append)
    assert calls == [3.0, 3.0]


# --- real models ---------------------------------------------------------------------------


@pytest.mark.slow
def test_local_run_detects_each_articles_language_with_source_lang_auto(
    settings: Settings, tmp_path: Path
) -> None:
    articles = tmp_path / "mixed.jsonl"
    indonesian = SEEDS[0].read_text(encoding="utf-8").split("\n", 1)[1]
    english = (
        "The central bank kept its benchmark rate unchanged on Thursday, saying inflation "
        "was within its target range and the rupiah had stabilised after a volatile month."
    )
    lines = [{"id": "id-1", "text": indonesian}, {"id": "en-1", "text": english}]
    articles.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    out = tmp_path / "results.jsonl"
    opts = BatchOptions(
        inputs=[articles],
        out=out,
        local=True,
        source_lang="auto",
        tasks="translate",
        progress=False,
    )

    assert run_batch_command(opts, settings, echo=lambda *a, **k: None) == 0

    results = {r["id"]: r["result"] for r in latest_records(out)}
    assert [(results[i]["source_lang"], results[i]["target_lang"]) for i in ("id-1", "en-1")] == [
        ("id", "en"),
        ("en", "id"),
    ]
    assert all(r["detected_lang"]["probability"] > 0.5 for r in results.values())


def test_source_lang_must_be_a_language_or_auto(tmp_path: Path, settings: Settings) -> None:
    opts = BatchOptions(inputs=[SEEDS[0]], out=tmp_path / "o.jsonl", local=True, source_lang="fr")
    printed: list[str] = []
    assert run_batch_command(opts, settings, echo=lambda t, **_: printed.append(t)) == 2
    assert printed == ["Error: --source-lang must be one of: id, en, auto"]


@pytest.mark.slow
def test_local_run_on_both_seeds_then_a_rerun_skips_them(
    settings: Settings, tmp_path: Path
) -> None:
    out, md = tmp_path / "results.jsonl", tmp_path / "results.md"
    opts = BatchOptions(inputs=[SEEDS[0].parent], out=out, markdown=md, local=True, progress=False)
    printed: list[str] = []
    assert run_batch_command(opts, settings, echo=lambda t, **_: printed.append(t)) == 0

    records = list(latest_records(out))
    assert [r["id"] for r in records] == [p.stem for p in SEEDS]
    for record, seed in zip(records, SEEDS, strict=True):
        assert record["status"] == "succeeded"
        assert record["title"] == seed.read_text().strip().splitlines()[0].strip()
        res = record["result"]
        assert (res["source_lang"], res["target_lang"], res["demo_models"]) == ("id", "en", True)
        assert res["translation"].strip() and res["brief"].strip()
        assert len(res["paragraphs"]) >= 2
    assert md.read_text().count(DEMO_LABEL.upper()) == 2

    printed.clear()
    assert run_batch_command(opts, settings, echo=lambda t, **_: printed.append(t)) == 0
    assert f"{out}: 2 article(s) already done there; they are skipped." in printed
    assert "Done: 0 succeeded, 0 failed, 2 skipped (already done)." in printed
    assert len(out.read_text().splitlines()) == 2


@pytest.mark.slow
def test_api_run_on_both_seeds_through_a_real_api_and_worker(
    settings: Settings, stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The session's real uvicorn and Celery worker on the test Redis, started as `ringkas demo`
    # starts them; the jobs this run submits are deleted afterwards.
    submitted: list[str] = []

    def remembering_request(*args: Any, **kwargs: Any) -> httpx.Response:
        response = request(*args, **kwargs)
        if response.request.url.path == "/v1/jobs" and response.status_code == 202:
            submitted.append(response.json()["job_id"])
        return response

    monkeypatch.setattr("ringkas.api_client.request", remembering_request)
    out, md = tmp_path / "results.jsonl", tmp_path / "results.md"
    opts = BatchOptions(
        inputs=SEEDS, out=out, markdown=md, api=stack.base_url, poll_interval_s=0.2, progress=False
    )
    try:
        code = run_batch_command(opts, settings, echo=lambda *a, **k: None)
        assert code == 0, out.read_text() if out.exists() else "no results written"
    finally:
        store = redis.Redis.from_url(settings.redis_url)
        for job_id in submitted:
            store.delete(JobStore.key(job_id))
        store.close()

    records = list(latest_records(out))
    assert [(r["id"], r["status"]) for r in records] == [(p.stem, "succeeded") for p in SEEDS]
    for record in records:
        res = record["result"]
        assert (res["source_lang"], res["target_lang"], res["demo_models"]) == ("id", "en", True)
        assert res["translation"].strip() and res["brief"].strip()
        assert [p["source"] for p in res["paragraphs"]] and all(
            p["translation"].strip() for p in res["paragraphs"]
        )
    assert md.read_text().count(DEMO_LABEL.upper()) == 2
