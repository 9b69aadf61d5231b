"""Key mode: 401 without a valid key, 404 for another key's job, 429 with Retry-After."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
import redis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from recording_queue import RecordingQueue
from tracking_store import FINISHED_JOBS, finish_articles

from ringkas.jobstore import JobStore
from ringkas.keys import KeyStore
from ringkas.service.app import create_app
from ringkas.service.deps import get_queue
from ringkas.service.ratelimit import ACTIVE_PREFIX, RATE_PREFIX
from ringkas.settings import Settings

JOB = {"articles": [{"text": "Halo dunia."}]}


@pytest.fixture
def keyed_settings(test_redis_url: str) -> Settings:
    return Settings(
        redis_url=test_redis_url,
        auth_required=True,
        rate_limit_per_minute=5,
        max_active_jobs_per_key=2,
    )


@pytest.fixture
def keyed_app(keyed_settings: Settings, queue: RecordingQueue) -> Iterator[FastAPI]:
    app = create_app(keyed_settings)
    app.dependency_overrides[get_queue] = lambda: queue
    yield app
    client = redis.Redis.from_url(keyed_settings.redis_url)
    for job_id in {job_id for job_id, _ in queue.articles}:
        client.delete(JobStore.key(job_id))
    client.close()


@pytest.fixture
def tokens(keyed_settings: Settings) -> Iterator[dict[str, str]]:
    """Two fresh keys' tokens; the keys and their counters are deleted afterwards."""
    store = KeyStore.from_url(keyed_settings.redis_url)
    made = {name: store.create(name) for name in ("alice", "bob")}
    yield {name: token for name, (_, token) in made.items()}
    client = redis.Redis.from_url(keyed_settings.redis_url)
    for key, _ in made.values():
        store.revoke(key.id)
        client.delete(ACTIVE_PREFIX + key.id, *client.keys(f"{RATE_PREFIX}{key.id}:*"))
    client.close()


@pytest.fixture
def keyed(keyed_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(keyed_app, raise_server_exceptions=False) as c:
        yield c


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, "an API key is required: send `Authorization: Bearer <key>`"),
        (bearer("rk_wrong"), "the API key is not valid (unknown or revoked)"),
        (
            {"Authorization": "Basic YTpi"},
            "an API key is required: send `Authorization: Bearer <key>`",
        ),
    ],
)
def test_no_or_a_wrong_key_is_401(keyed: TestClient, headers: dict[str, str], detail: str) -> None:
    for response in (
        keyed.post("/v1/jobs", json=JOB, headers=headers),
        keyed.get("/v1/jobs/abc", headers=headers),
        keyed.post("/v1/translate", json={"text": "Halo."}, headers=headers),
    ):
        assert response.status_code == 401
        assert response.json() == {"code": "unauthorized", "detail": detail, "errors": []}
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert keyed.get("/healthz").status_code == 200  # health needs no key


@pytest.mark.parametrize("authorization", [None, "Bearer rk_wrong"])
def test_401_comes_before_the_body_is_read(keyed_app: FastAPI, authorization: str | None) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"1")]
    if authorization:
        headers.append((b"authorization", authorization.encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/v1/jobs", "raw_path": b"/v1/jobs", "query_string": b"",
        "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }  # fmt: skip
    reads: list[str] = []
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        reads.append("body")
        return {"type": "http.request", "body": b"{", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    asyncio.run(keyed_app(scope, receive, send))

    assert sent[0]["status"] == 401
    assert reads == []  # the body was never read, let alone parsed


def test_a_malformed_body_without_a_key_is_401_not_400(keyed: TestClient) -> None:
    response = keyed.post(
        "/v1/jobs", content=b"{not json", headers={"content-type": "application/json"}
    )

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_a_job_is_visible_only_to_the_key_that_made_it(
    keyed: TestClient, tokens: dict[str, str]
) -> None:
    submitted = keyed.post("/v1/jobs", json=JOB, headers=bearer(tokens["alice"]))
    assert submitted.status_code == 202, submitted.text
    job_id = submitted.json()["job_id"]

    assert keyed.get(f"/v1/jobs/{job_id}", headers=bearer(tokens["alice"])).status_code == 200
    other = keyed.get(f"/v1/jobs/{job_id}", headers=bearer(tokens["bob"]))
    # The same answer as for a job that does not exist: ids cannot be probed.
    assert other.status_code == 404
    assert other.json() == {
        "code": "job_not_found",
        "detail": f"job {job_id!r} not found",
        "errors": [],
    }


def test_revoking_a_key_locks_it_out_at_once(
    keyed: TestClient, keyed_settings: Settings, tokens: dict[str, str]
) -> None:
    store = KeyStore.from_url(keyed_settings.redis_url)
    key = store.find(tokens["bob"])
    assert key is not None and store.revoke(key.id)

    assert keyed.post("/v1/jobs", json=JOB, headers=bearer(tokens["bob"])).status_code == 401


def test_unfinished_job_quota_is_429_with_retry_after(
    keyed: TestClient, tokens: dict[str, str]
) -> None:
    for _ in range(2):
        assert keyed.post("/v1/jobs", json=JOB, headers=bearer(tokens["alice"])).status_code == 202

    over = keyed.post("/v1/jobs", json=JOB, headers=bearer(tokens["alice"]))

    assert over.status_code == 429
    assert over.headers["Retry-After"] == "10"
    assert over.json()["detail"] == (
        "this key has 2 unfinished jobs; the limit is 2 (RINGKAS_MAX_ACTIVE_JOBS_PER_KEY); "
        "retry when one has finished"
    )
    # Another key has its own quota.
    assert keyed.post("/v1/jobs", json=JOB, headers=bearer(tokens["bob"])).status_code == 202


@pytest.mark.parametrize(("status", "outcomes"), FINISHED_JOBS.items())
def test_a_finished_job_frees_its_place_in_the_quota(
    keyed: TestClient,
    keyed_settings: Settings,
    tokens: dict[str, str],
    status: str,
    outcomes: tuple[str, ...],
) -> None:
    headers = bearer(tokens["alice"])
    two = {"articles": [{"text": "Halo dunia."}, {"text": "Apa kabar?"}]}
    first = keyed.post("/v1/jobs", json=two, headers=headers).json()["job_id"]
    assert keyed.post("/v1/jobs", json=JOB, headers=headers).status_code == 202
    assert keyed.post("/v1/jobs", json=JOB, headers=headers).status_code == 429

    store = JobStore.from_url(keyed_settings.redis_url, keyed_settings.job_ttl_s)
    finish_articles(store, first, outcomes)

    assert store.get(first).status == status
    assert keyed.post("/v1/jobs", json=JOB, headers=headers).status_code == 202


def test_the_job_quota_holds_under_concurrent_submissions(
    keyed_settings: Settings, queue: RecordingQueue, tokens: dict[str, str]
) -> None:
    """40 submissions at once with one key at a quota of 20: exactly 20 are accepted."""
    settings = keyed_settings.model_copy(
        update={"max_active_jobs_per_key": 20, "rate_limit_per_minute": 1_000}
    )
    app = create_app(settings)
    app.dependency_overrides[get_queue] = lambda: queue
    headers = bearer(tokens["alice"])

    async def submit_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            responses = await asyncio.gather(
                *(http.post("/v1/jobs", json=JOB, headers=headers) for _ in range(40))
            )
        return [r.status_code for r in responses]

    statuses = asyncio.run(submit_all())

    assert sorted(statuses) == [202] * 20 + [429] * 20
    accepted = {job_id for job_id, _ in queue.articles}
    assert len(accepted) == 20  # only the accepted jobs were queued…
    client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
    owner = KeyStore(client).find(tokens["alice"])
    assert owner is not None
    kept = {
        key.removeprefix("ringkas:job:")
        for key in client.scan_iter("ringkas:job:*", count=1000)
        if client.type(key) == "hash" and client.hget(key, "owner") == owner.id
    }
    client.close()
    assert kept == accepted  # …and the refused ones left no job behind


def test_request_rate_is_429_with_retry_after(keyed: TestClient, tokens: dict[str, str]) -> None:
    headers = bearer(tokens["alice"])
    statuses = [keyed.get("/v1/jobs/nope", headers=headers).status_code for _ in range(6)]

    assert statuses == [404] * 5 + [429]
    over = keyed.get("/v1/jobs/nope", headers=headers)
    assert over.json()["code"] == "rate_limited"
    assert over.json()["detail"].startswith(
        "rate limit exceeded: this key may make 5 requests per minute "
        "(RINGKAS_RATE_LIMIT_PER_MINUTE); retry in "
    )
    assert 1 <= int(over.headers["Retry-After"]) <= 60
    assert keyed.get("/v1/jobs/nope", headers=bearer(tokens["bob"])).status_code == 404


def test_open_mode_needs_no_key(client: TestClient) -> None:
    submitted = client.post("/v1/jobs", json=JOB)
    assert submitted.status_code == 202
    assert client.get(submitted.json()["status_url"]).status_code == 200


def test_key_limits_are_in_the_openapi_docs(keyed: TestClient, keyed_settings: Settings) -> None:
    description = keyed.get("/openapi.json").json()["info"]["description"]

    assert (
        "| sync requests waiting at once, per key | "
        f"{keyed_settings.max_sync_in_flight_per_key} | `RINGKAS_MAX_SYNC_IN_FLIGHT_PER_KEY` "
        "| 429 + Retry-After |"
    ) in description
