"""MetricsStore in the test Redis: counters add up, histograms bucket and accumulate."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis

from ringkas import metrics
from ringkas.metrics import MetricsStore


@pytest.fixture
def store(test_redis_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[MetricsStore]:
    # A key of its own: the session's API and worker write the real one.
    monkeypatch.setattr(metrics, "KEY", "ringkas:metrics:test")
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    client.delete(metrics.KEY)
    yield MetricsStore(client)
    client.delete(metrics.KEY)
    client.close()


def test_counters_add_up_per_label_set(store: MetricsStore) -> None:
    store.inc("articles", status="succeeded")
    store.inc("articles", 2, status="succeeded")
    store.inc("articles", status="failed")
    store.inc("tokens_translated", 120)
    counters, _ = store.read()
    assert counters["articles"] == {(("status", "succeeded"),): 3, (("status", "failed"),): 1}
    assert counters["tokens_translated"] == {(): 120}


def test_histograms_are_cumulative_with_sum_and_count(store: MetricsStore) -> None:
    for seconds in (0.01, 0.3, 0.3, 1000):
        store.observe("model_latency_seconds", seconds, task="translate")
    _, histograms = store.read()
    data = histograms["model_latency_seconds"][(("task", "translate"),)]
    buckets = dict(data.cumulative())
    assert (buckets["0.05"], buckets["0.25"], buckets["0.5"], buckets["300.0"]) == (1, 1, 3, 3)
    assert buckets["+Inf"] == data.count == 4
    assert data.sum == pytest.approx(1000.61)
