"""Compact results and the result stores (Redis, PostgreSQL), against real Redis and a real
PostgreSQL database of the session's own; real results from the demo models."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from fastapi.testclient import TestClient
from own_redis import OwnRedis
from result_samples import dev_articles, shaped_result
from tracking_store import TrackingJobStore

from ringkas import resultcodec
from ringkas.jobstore import ArticleInput, JobNotFound, JobStore
from ringkas.models.pipeline import ArticleRequest, process_articles
from ringkas.models.result import ArticleResult
from ringkas.resultstore import PostgresResults, ResultStore, ResultStoreUnavailable
from ringkas.service.app import create_app
from ringkas.settings import Settings

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
TTL_S = 3600


@pytest.fixture(scope="module")
def real_results(settings: Settings) -> list[dict[str, Any]]:
    """The demo models' results on both seeds, one with a brief and one translated only.
    Cut short, greedy, a dozen tokens a sentence: random weights never end a sentence, and
    the shape of the result is what matters here."""
    fast = settings.model_copy(
        update={"num_beams": 1, "brief_num_beams": 1, "bench_fixed_output_tokens": 12}
    )
    requests = []
    for path, tasks in zip(SEEDS, [("translate", "brief"), ("translate",)], strict=True):
        title, body = path.read_text(encoding="utf-8").split("\n", 1)
        requests.append(
            ArticleRequest(text=body[:1200], title=title, source_lang="id", tasks=tasks)
        )
    outcomes = process_articles(requests, fast.pipeline_options())
    return [o.model_dump(mode="json") for o in outcomes if not isinstance(o, Exception)]


def decompressed(blob: bytes) -> dict[str, Any]:
    import zstandard

    data = zstandard.ZstdDecompressor().decompress(blob) if blob[:1] == b"\x28" else blob
    value: dict[str, Any] = json.loads(data)
    return value


# --- the codec ------------------------------------------------------------------------------


def test_real_results_come_back_exactly_each_text_stored_once(
    real_results: list[dict[str, Any]],
) -> None:
    assert len(real_results) == 2
    for result in real_results:
        blob = resultcodec.encode(result)

        assert resultcodec.decode(blob) == result
        stored = decompressed(blob)
        # the views are rebuilt, not stored: paragraphs keep no text, no whole translation
        assert "translation" not in stored and "warnings" not in stored
        # (a paragraph keeps only what is not text, e.g. its "lang" mark)
        assert all("source" not in p and "translation" not in p for p in stored["paragraphs"])
        full = json.dumps(result, ensure_ascii=False).encode()
        assert len(json.dumps(stored, ensure_ascii=False).encode()) < 0.7 * len(full)
        assert len(blob) < 0.4 * len(full)  # and compressed


def test_a_view_that_does_not_rebuild_exactly_is_kept_as_it_is(
    real_results: list[dict[str, Any]],
) -> None:
    result = copy.deepcopy(real_results[0])
    result["paragraphs"][0]["translation"] += "  (edited)"
    result["translation"] = "something else"
    result["paragraphs"][1]["lang"] = "en"  # a field added later is kept too

    assert resultcodec.decode(resultcodec.encode(result)) == result


def test_a_brief_only_result_and_a_plain_json_result_of_before_decode() -> None:
    brief_only = ArticleResult(
        source_lang="id", target_lang="en", sentences=1, brief="A brief.", brief_method="extractive"
    ).model_dump(mode="json")
    blob = resultcodec.encode(brief_only)

    assert len(blob) < len(json.dumps(brief_only))
    assert resultcodec.decode(blob) == brief_only
    # written by the store before this format: the whole result as JSON text
    assert resultcodec.decode(json.dumps(brief_only)) == brief_only


# --- both stores ----------------------------------------------------------------------------


@pytest.fixture(params=["redis", "postgresql"])
def store_kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def api_settings(store_kind: str, test_redis_url: str, request: pytest.FixtureRequest) -> Settings:
    extra: dict[str, Any] = {}
    if store_kind == "postgresql":
        extra = {
            "result_store": "postgresql",
            "database_url": request.getfixturevalue("database_url"),
        }
    return Settings(redis_url=test_redis_url, job_ttl_s=TTL_S, **extra)


@pytest.fixture
def results(api_settings: Settings) -> Iterator[ResultStore | None]:
    if api_settings.result_store == "redis":
        yield None
        return
    assert api_settings.database_url
    pg = PostgresResults(api_settings.database_url)
    yield pg
    pg.close()


@pytest.fixture
def store(test_redis_url: str, results: ResultStore | None) -> Iterator[JobStore]:
    s = TrackingJobStore.from_url(test_redis_url, TTL_S, results=results)
    assert isinstance(s, TrackingJobStore)
    s.created = []
    yield s
    for job_id in s.created:
        s.delete(job_id)


def finish(store: JobStore, results: list[dict[str, Any] | None]) -> str:
    articles = [
        ArticleInput(text=f"Teks artikel {i}.", source_lang="id", id=f"a{i}", title=f"T{i}")
        for i in range(len(results))
    ]
    job_id = store.create(articles, ["translate", "brief"])
    for i, result in enumerate(results):
        store.start(job_id, i)
        store.report_sentences(job_id, i, 3, 3)
        if result is None:
            store.fail(job_id, i, "model is missing")
        else:
            store.succeed(job_id, i, result)
    return job_id


def test_the_api_answers_what_it_answered_before_on_both_stores(
    store: JobStore, api_settings: Settings, real_results: list[dict[str, Any]]
) -> None:
    job_id = finish(store, [*real_results, None])

    with TestClient(create_app(api_settings)) as client:
        job = client.get(f"/v1/jobs/{job_id}").json()
        poll = client.get(f"/v1/jobs/{job_id}", params={"results": "false"}).json()

    assert job["status"] == "partial"
    # Before: the API validated the stored dict itself (JobOut) and answered that.
    before = [ArticleResult.model_validate(r).model_dump(mode="json") for r in real_results]
    assert [a["result"] for a in job["articles"]] == [*before, None]
    assert [a["error"] for a in job["articles"]] == [None, None, "model is missing"]
    assert all(a["result"] is None for a in poll["articles"])
    assert store.article_state(job_id, 0).result == real_results[0]


def test_a_succeeded_article_keeps_only_its_labels_a_failed_one_its_text(
    store: JobStore, real_results: list[dict[str, Any]]
) -> None:
    job_id = finish(store, [real_results[0], None])

    job = store.get(job_id)

    assert job.articles[0].input == ArticleInput(text="", source_lang="id", id="a0", title="T0")
    assert job.articles[1].input.text == "Teks artikel 1."


def test_redis_keeps_the_result_only_with_the_redis_store(
    store: JobStore, store_kind: str, test_redis_url: str, real_results: list[dict[str, Any]]
) -> None:
    job_id = finish(store, [real_results[0]])
    raw = redis.Redis.from_url(test_redis_url).hget(JobStore.key(job_id), "result:0")

    if store_kind == "redis":
        assert raw is not None and resultcodec.decode(raw) == real_results[0]
    else:
        assert raw is None


# --- PostgreSQL alone -----------------------------------------------------------------------


@pytest.fixture
def own_redis() -> Iterator[OwnRedis]:
    server = OwnRedis()  # no AOF, no snapshot: a restart loses everything
    server.start()
    yield server
    server.stop()


def test_a_redis_restart_without_aof_loses_no_finished_result(
    own_redis: OwnRedis, database_url: str, real_results: list[dict[str, Any]]
) -> None:
    settings = Settings(
        redis_url=own_redis.url, result_store="postgresql", database_url=database_url
    )
    pg = PostgresResults(database_url)
    store = JobStore.from_url(own_redis.url, TTL_S, results=pg)
    done = finish(store, [*real_results, None])
    unfinished = store.create([ArticleInput(text="a", source_lang="id")] * 2, ["translate"])
    store.start(unfinished, 0)
    store.succeed(unfinished, 0, real_results[1])

    with TestClient(create_app(settings)) as client:
        before = client.get(f"/v1/jobs/{done}").json()
        own_redis.stop()
        own_redis.start()  # same port, empty
        assert redis.Redis.from_url(own_redis.url).dbsize() == 0
        after = client.get(f"/v1/jobs/{done}").json()
        lost = client.get(f"/v1/jobs/{unfinished}").json()
        waited = client.get(f"/v1/jobs/{done}", params={"wait": 1})
        markdown = client.get(f"/v1/jobs/{done}/markdown")

    assert after == before and before["status"] == "partial"
    assert after["articles"][0]["result"]["translation"] == real_results[0]["translation"]
    assert waited.status_code == 200 and markdown.status_code == 200
    assert "## T0" in markdown.text and "**Failed:** model is missing" in markdown.text
    assert lost["status"] == "partial"
    assert lost["articles"][0]["result"] == real_results[1]
    assert lost["articles"][1]["status"] == "failed"
    assert "lost the job's state" in lost["articles"][1]["error"]
    pg.close()


def test_an_expired_job_is_not_read_and_its_rows_are_deleted(
    test_redis_url: str, database_url: str, real_results: list[dict[str, Any]]
) -> None:
    pg = PostgresResults(database_url)
    store = JobStore.from_url(test_redis_url, 1, results=pg)  # kept one second
    job_id = finish(store, [real_results[0]])
    assert store.get(job_id).articles[0].state.result == real_results[0]

    time.sleep(2.1)

    with pytest.raises(JobNotFound):
        store.get(job_id)  # gone from Redis (its TTL) and not read from PostgreSQL
    assert pg.purge_expired() >= 1
    import psycopg

    with psycopg.connect(database_url) as conn:
        left = conn.execute(
            "SELECT count(*) FROM ringkas_articles WHERE job_id = %s", (job_id,)
        ).fetchone()
    assert left == (0,)
    pg.close()


def test_postgresql_down_is_a_transient_error_and_a_503(
    test_redis_url: str, real_results: list[dict[str, Any]]
) -> None:
    down = "postgresql://postgres@127.0.0.1:1/ringkas"  # nothing listens on port 1
    store = JobStore.from_url(
        test_redis_url, TTL_S, results=PostgresResults(down, connect_timeout_s=1)
    )
    job_id = store.create([ArticleInput(text="a", source_lang="id")], ["translate"])
    try:
        store.start(job_id, 0)
        with pytest.raises(ConnectionError):  # workers retry it (workers/tasks.py)
            store.succeed(job_id, 0, real_results[0])
        assert store.article_state(job_id, 0).status == "running"  # nothing half-written

        settings = Settings(redis_url=test_redis_url, result_store="postgresql", database_url=down)
        app = create_app(settings)
        app.state.store = store
        with TestClient(app) as client:
            answer = client.get("/v1/jobs/0123456789abcdef0123456789abcdef")
        assert answer.status_code == 503
        assert answer.json()["code"] == "result_store_unavailable"
        assert "the result store (PostgreSQL) is unreachable" in answer.json()["detail"]
    finally:
        store.delete(job_id)
    assert issubclass(ResultStoreUnavailable, ConnectionError)


def test_1000_articles_take_under_2_kb_of_redis_each_with_postgresql(
    own_redis: OwnRedis, database_url: str
) -> None:
    """Redis holds job state only: 10 jobs of 100 dev articles, each finished (its result
    in PostgreSQL), measured as Redis's used_memory grew."""
    articles = dev_articles()
    pg = PostgresResults(database_url)
    store = JobStore.from_url(own_redis.url, TTL_S, results=pg)
    client = redis.Redis.from_url(own_redis.url)
    results = [shaped_result(a["text"], a["title"]) for a in articles]
    before = int(client.info("memory")["used_memory"])
    for _ in range(10):
        batch = [articles[i % len(articles)] for i in range(100)]
        job_id = store.create(
            [
                ArticleInput(text=a["text"], source_lang="id", id=a["id"], title=a["title"])
                for a in batch
            ],
            ["translate", "brief"],
        )
        for i in range(100):
            store.start(job_id, i, batched=True)
            store.report_sentences(job_id, i, 20, 20)
            store.succeed(job_id, i, results[i % len(articles)])
        assert store.get(job_id, with_results=False).status == "succeeded"
    per_article = (int(client.info("memory")["used_memory"]) - before) / 1000
    print(f"Redis memory per finished article, PostgreSQL result store: {per_article:.0f} B")

    assert per_article < 2048
    assert store.get(job_id).articles[99].state.result == results[99 % len(articles)]
    pg.close()
