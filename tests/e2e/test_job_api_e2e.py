"""The job API over real HTTP against the real stack: listing, cancelling, usage, webhooks.

Key mode needs an API process of its own (``RINGKAS_AUTH_REQUIRED=true``): a second uvicorn
on the same Redis, sharing the session stack's worker. The webhook receiver is a real HTTP
server on loopback (allowed for the tests by ``WEBHOOK_TEST_ENV``).
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import redis
from shared_env import ROOT, TEST_REDIS_URL, WEBHOOK_TEST_ENV

from ringkas.keys import KeyStore
from ringkas.processes import ManagedProcess, free_port, wait_for
from ringkas.signing import verify
from ringkas.stack import Stack, readyz_check
from ringkas.usage import USAGE_PREFIX

pytestmark = pytest.mark.slow
FINISHED = {"succeeded", "failed", "partial", "cancelled"}
TEXT = "Presiden meresmikan jembatan baru di Surabaya pada hari Senin."


def article(n: int = 0, text: str = TEXT) -> dict[str, Any]:
    return {"text": f"{text} Nomor {n}.", "source_lang": "id"}


def job(*articles: dict[str, Any], **extra: Any) -> dict[str, Any]:
    # translate only: the shared 2-core test machine takes long enough per article
    return {"articles": list(articles), "tasks": ["translate"], **extra}


@pytest.fixture(scope="module")
def keyed_url(
    stack: Stack, demo_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A key-mode API on the session's Redis and worker."""
    port = free_port()
    env = {
        **os.environ,
        **demo_env,
        **WEBHOOK_TEST_ENV,
        "RINGKAS_AUTH_REQUIRED": "true",
        "PYTHONUNBUFFERED": "1",
    }
    args = [sys.executable, "-m", "uvicorn", "ringkas.service.app:app", "--port", str(port)]
    log = tmp_path_factory.mktemp("keyed-api") / "api.log"
    api = ManagedProcess("keyed API", args, log, env, ROOT)
    try:
        wait_for(readyz_check(f"http://127.0.0.1:{port}"), [api], 120)
        yield f"http://127.0.0.1:{port}"
    finally:
        api.stop()


@pytest.fixture
def keys() -> Iterator[dict[str, tuple[str, str]]]:
    """Two fresh keys: name → (key id, token); deleted afterwards with their usage."""
    store = KeyStore.from_url(TEST_REDIS_URL)
    made = {name: store.create(name) for name in ("alice", "bob")}
    yield {name: (key.id, token) for name, (key, token) in made.items()}
    client = redis.Redis.from_url(TEST_REDIS_URL)
    for key, _ in made.values():
        store.revoke(key.id)
        client.delete(*client.keys(f"{USAGE_PREFIX}{key.id}:*") or ["-"])
    client.close()


def client_for(url: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=url, timeout=30, headers={"Authorization": f"Bearer {token}"})


def wait_finished(client: httpx.Client, job_id: str, timeout_s: float = 180) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        job: dict[str, Any] = client.get(f"/v1/jobs/{job_id}", params={"wait": 20}).json()
        if job["status"] in FINISHED or time.monotonic() > deadline:
            break
    assert job["status"] in FINISHED, job
    return job


def test_a_key_lists_only_its_own_jobs_newest_first_in_pages(
    keyed_url: str, keys: dict[str, tuple[str, str]]
) -> None:
    alice_token, bob_token = keys["alice"][1], keys["bob"][1]
    with client_for(keyed_url, alice_token) as alice, client_for(keyed_url, bob_token) as bob:
        mine = [alice.post("/v1/jobs", json=job(article(n))).json()["job_id"] for n in range(3)]
        theirs = bob.post("/v1/jobs", json=job(article(9))).json()["job_id"]
        alice.delete(f"/v1/jobs/{mine[1]}")

        first = alice.get("/v1/jobs", params={"limit": 2}).json()
        second = alice.get("/v1/jobs", params={"limit": 2, "cursor": first["next_cursor"]})
        cancelled = alice.get("/v1/jobs", params={"status": "cancelled"}).json()
        bad = alice.get("/v1/jobs", params={"cursor": "nope"})

        assert [j["job_id"] for j in first["jobs"]] == mine[::-1][:2]
        assert [j["job_id"] for j in second.json()["jobs"]] == mine[:1]
        assert second.json()["next_cursor"] is None
        assert [j["job_id"] for j in cancelled["jobs"]] == [mine[1]]
        assert cancelled["jobs"][0]["progress"] == {
            "done": 0,
            "total": 1,
            "succeeded": 0,
            "failed": 0,
        }
        assert [j["job_id"] for j in bob.get("/v1/jobs").json()["jobs"]] == [theirs]
        assert bad.status_code == 400 and bad.json()["code"] == "bad_cursor"
        # another key's job cannot be cancelled either: the same 404 as an unknown job
        assert alice.delete(f"/v1/jobs/{theirs}").status_code == 404
        for job_id in mine:
            alice.delete(f"/v1/jobs/{job_id}", params={"purge": "true"})
        bob.delete(f"/v1/jobs/{theirs}", params={"purge": "true"})


def test_open_mode_lists_every_job(http: httpx.Client) -> None:
    job_id = http.post("/v1/jobs", json=job(article())).json()["job_id"]

    listed = http.get("/v1/jobs", params={"limit": 100}).json()["jobs"]
    http.delete(f"/v1/jobs/{job_id}", params={"purge": "true"})

    assert job_id in [j["job_id"] for j in listed]


def test_cancel_stops_the_job_and_purge_deletes_it(
    keyed_url: str, keys: dict[str, tuple[str, str]]
) -> None:
    articles = [article(n, TEXT * 20) for n in range(40)]
    with client_for(keyed_url, keys["alice"][1]) as alice:
        job_id = alice.post("/v1/jobs", json=job(*articles)).json()["job_id"]
        cancelled = alice.delete(f"/v1/jobs/{job_id}")

        assert cancelled.status_code == 200, cancelled.text
        body = cancelled.json()
        assert body["status"] == "cancelled" and body["purged"] is False
        assert body["cancelled_articles"] > 0
        time.sleep(3)  # the worker may meet the cancelled articles meanwhile
        seen = alice.get(f"/v1/jobs/{job_id}").json()
        statuses = [a["status"] for a in seen["articles"]]
        assert seen["status"] == "cancelled"
        assert statuses.count("cancelled") == body["cancelled_articles"]
        assert set(statuses) <= {"succeeded", "cancelled"}
        for a in seen["articles"]:
            assert (a["result"] is not None) == (a["status"] == "succeeded")
        # usage counts each article that succeeded once, and nothing cancelled
        today = alice.get("/v1/usage", params={"days": 1}).json()["days"][0]
        assert today["articles_submitted"] == 40
        assert today["articles_translated"] == statuses.count("succeeded")
        assert today["chars_submitted"] == sum(len(a["text"]) for a in articles)

        purged = alice.delete(f"/v1/jobs/{job_id}", params={"purge": "true"})

        assert purged.json()["purged"] is True
        assert alice.get(f"/v1/jobs/{job_id}").status_code == 404
        assert job_id not in [j["job_id"] for j in alice.get("/v1/jobs").json()["jobs"]]


def test_usage_per_day_and_the_daily_limit(
    keyed_url: str, keys: dict[str, tuple[str, str]]
) -> None:
    bob_id, bob_token = keys["bob"]
    KeyStore.from_url(TEST_REDIS_URL).set_daily_limit(bob_id, 200)
    text = article(1)["text"]
    with client_for(keyed_url, bob_token) as bob:
        job_id = bob.post("/v1/jobs", json=job(article(1))).json()["job_id"]
        wait_finished(bob, job_id)
        over = bob.post("/v1/jobs", json=job(*(article(n) for n in range(4))))
        usage = bob.get("/v1/usage", params={"days": 2}).json()
        bob.delete(f"/v1/jobs/{job_id}", params={"purge": "true"})

    assert over.status_code == 429
    assert "200 characters per day" in over.json()["detail"]
    assert int(over.headers["retry-after"]) > 0
    assert usage["key_id"] == bob_id and usage["chars_per_day_limit"] == 200
    today, yesterday = usage["days"]
    assert today == {
        "date": today["date"],
        "chars_submitted": len(text),
        "articles_submitted": 1,
        "chars_translated": len(text),
        "articles_translated": 1,
    }
    assert yesterday["chars_submitted"] == 0


class Receiver:
    """A webhook receiver on loopback: answers the first ``fail_first`` deliveries 500."""

    def __init__(self, fail_first: int) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers.items()), body))
                self.send_response(500 if len(receiver.received) <= fail_first else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_the_webhook_is_signed_retried_and_listed(
    keyed_url: str, keys: dict[str, tuple[str, str]]
) -> None:
    with Receiver(fail_first=1) as receiver, client_for(keyed_url, keys["alice"][1]) as alice:
        body = job(article(5), callback_url=receiver.url)
        job_id = alice.post("/v1/jobs", json=body).json()["job_id"]
        wait_finished(alice, job_id)
        deadline = time.monotonic() + 60
        while len(receiver.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        secret = alice.get("/v1/webhooks/secret").json()["secret"]
        seen = alice.get(f"/v1/jobs/{job_id}").json()
        alice.delete(f"/v1/jobs/{job_id}", params={"purge": "true"})

    assert len(receiver.received) == 2
    for headers, raw in receiver.received:
        assert verify(secret, headers, raw)
        assert not verify(secret + "x", headers, raw)
        assert headers["Ringkas-Delivery"] == job_id
        payload = json.loads(raw)
        assert payload["job_id"] == job_id and payload["status"] == "succeeded"
        assert TEXT[:20] not in raw.decode()  # the status, not the texts
    assert seen["callback_url"] == receiver.url
    first, second = seen["deliveries"]
    assert (first["attempt"], first["ok"], first["status_code"], first["final"]) == (
        1,
        False,
        500,
        False,
    )
    assert (second["attempt"], second["ok"], second["status_code"], second["final"]) == (
        2,
        True,
        200,
        True,
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
        "ftp://example.com/",
    ],
)
def test_private_and_odd_targets_are_refused(http: httpx.Client, url: str) -> None:
    answer = http.post("/v1/jobs", json=job(article(), callback_url=url))

    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["loc"] == "callback_url"
