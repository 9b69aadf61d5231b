"""``GET /metrics``: Prometheus metrics of the whole deployment, served by the API.

Counts and latencies come from the shared Redis hash the workers write
(``ringkas.metrics``; the module docstring there says why not prometheus_client's
multiprocess mode). Queue depth and worker count are read live at each scrape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import redis
from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from ringkas.metrics import MetricsStore
from ringkas.service.queue import BROKER_ERRORS, TaskQueue
from ringkas.workers.celery_app import JOBS_QUEUE, SYNC_QUEUE

logger = logging.getLogger(__name__)

# name (as recorded, without _total) → (help, label names)
COUNTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "jobs_submitted": ("Jobs accepted by POST /v1/jobs.", ()),
    "jobs_finished": ("Jobs finished, by final status.", ("status",)),
    "articles": ("Articles finished, by status.", ("status",)),
    "sentences_translated": ("Sentences translated (titles included).", ()),
    "tokens_translated": ("Source tokens translated (whitespace-separated words).", ()),
    "tm_lookups": ("Sentences of finished articles looked up in the translation memory.", ()),
    "tm_hits": ("Of those, sentences the memory served instead of the model.", ()),
}
HISTOGRAMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "model_latency_seconds": ("Model time per article, by task (translate, brief).", ("task",)),
}
PING_TIMEOUT_S = 0.5


class RingkasCollector(Collector):
    """Turns the Redis metrics hash, the queue lengths and a worker ping into metrics."""

    def __init__(self, client: redis.Redis, queue: TaskQueue) -> None:
        self._redis = client
        self._store = MetricsStore(client)
        self._queue = queue

    def collect(self) -> Iterator[Metric]:
        try:
            counters, histograms = self._store.read()
            depths = {name: int(self._redis.llen(name)) for name in (JOBS_QUEUE, SYNC_QUEUE)}
        except redis.exceptions.RedisError:
            logger.exception("metrics: Redis unreachable")
            up = GaugeMetricFamily("ringkas_redis_up", "Whether the API reached Redis.")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("ringkas_redis_up", "Whether the API reached Redis.")
        up.add_metric([], 1)
        yield up
        for name, (help_text, label_names) in COUNTERS.items():
            family = CounterMetricFamily(f"ringkas_{name}", help_text, labels=label_names)
            for labels, value in sorted(counters.get(name, {}).items()):
                family.add_metric([v for _, v in labels], value)
            yield family
        in_progress = GaugeMetricFamily(
            "ringkas_jobs_in_progress", "Jobs submitted and not finished yet (queued or running)."
        )
        submitted = sum(counters.get("jobs_submitted", {}).values())
        in_progress.add_metric(
            [], max(submitted - sum(counters.get("jobs_finished", {}).values()), 0)
        )
        yield in_progress
        hit_ratio = GaugeMetricFamily(
            "ringkas_tm_hit_ratio",
            "Share of looked-up sentences the translation memory served (0 before any lookup).",
        )
        lookups = sum(counters.get("tm_lookups", {}).values())
        hits = sum(counters.get("tm_hits", {}).values())
        hit_ratio.add_metric([], hits / lookups if lookups else 0.0)
        yield hit_ratio
        for name, (help_text, label_names) in HISTOGRAMS.items():
            hist = HistogramMetricFamily(f"ringkas_{name}", help_text, labels=label_names)
            for labels, data in sorted(histograms.get(name, {}).items()):
                hist.add_metric([v for _, v in labels], data.cumulative(), data.sum)
            yield hist
        depth = GaugeMetricFamily(
            "ringkas_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        for name, length in depths.items():
            depth.add_metric([name], length)
        yield depth
        workers = GaugeMetricFamily(
            "ringkas_workers", f"Celery workers that answered a ping within {PING_TIMEOUT_S} s."
        )
        try:
            workers.add_metric([], len(self._queue.ping_workers(timeout_s=PING_TIMEOUT_S)))
        except BROKER_ERRORS:
            workers.add_metric([], 0)
        yield workers


def make_registry(client: redis.Redis, queue: TaskQueue) -> CollectorRegistry:
    """A registry of its own per app (the global one would collide across test apps)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RingkasCollector(client, queue))
    return registry


router = APIRouter()


@router.get("/metrics", tags=["health"], response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus metrics: jobs, articles, sentences, tokens, model latency, queues, workers."""
    registry: CollectorRegistry = request.app.state.metrics_registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
