"""The webhook delivery task, run eagerly against a real receiver on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ringkas.jobevents import webhook_of
from ringkas.jobstore import ArticleInput, JobStore
from ringkas.settings import get_settings
from ringkas.signing import SecretStore, verify
from ringkas.workers import webhooks


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """A receiver that answers every delivery 503."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(
                (dict(self.headers.items()), self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()
    server.server_close()


@pytest.fixture
def store(test_redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[JobStore]:
    monkeypatch.setenv("RINGKAS_REDIS_URL", test_redis_url)
    monkeypatch.setenv("RINGKAS_WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("RINGKAS_WEBHOOK_RETRY_BACKOFF_S", "0.01")
    get_settings.cache_clear()
    webhooks._stores.cache_clear()
    store = JobStore.from_url(test_redis_url, 600)
    yield store
    get_settings.cache_clear()
    webhooks._stores.cache_clear()


def test_a_failing_receiver_gets_every_attempt_signed_then_it_stops(
    store: JobStore,
    receiver: tuple[str, list[tuple[dict[str, str], bytes]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RINGKAS_WEBHOOK_ALLOWED_NETWORKS", '["127.0.0.0/8"]')
    get_settings.cache_clear()
    url, received = receiver
    job_id = store.create(
        [ArticleInput(text="Halo.", source_lang="id")], ["translate"], "k_hook", url
    )
    try:
        webhooks.deliver_webhook.apply(args=[job_id, "k_hook", url, '{"status":"succeeded"}'])

        _, deliveries = webhook_of(store, job_id)
        assert [(d["attempt"], d["status_code"], d["ok"], d["final"]) for d in deliveries] == [
            (1, 503, False, False),
            (2, 503, False, False),
            (3, 503, False, True),
        ]
        secret = SecretStore(store.client).secret("k_hook")
        assert len(received) == 3
        assert all(verify(secret, h, body) for h, body in received)
    finally:
        store.delete(job_id)


def test_a_target_no_longer_allowed_is_not_called(
    store: JobStore,
    receiver: tuple[str, list[tuple[dict[str, str], bytes]]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("RINGKAS_WEBHOOK_ALLOWED_NETWORKS", raising=False)
    get_settings.cache_clear()
    url, received = receiver  # loopback, not allowed now
    job_id = store.create([ArticleInput(text="Halo.", source_lang="id")], ["translate"], None, url)
    try:
        webhooks.deliver_webhook.apply(args=[job_id, None, url, "{}"])

        _, deliveries = webhook_of(store, job_id)
        assert received == []
        assert len(deliveries) == 1 and deliveries[0]["final"] and not deliveries[0]["ok"]
        assert "public addresses only" in deliveries[0]["error"]
    finally:
        store.delete(job_id)
