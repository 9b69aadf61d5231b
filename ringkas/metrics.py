"""Counters and histograms kept in Redis, written by any process, read by the API's /metrics.

Workers run in other processes, containers or machines than the API, and Celery's prefork
children come and go (``max_tasks_per_child``). prometheus_client's multiprocess mode only
sums mmap files of processes sharing one directory on one host, so it cannot see a worker on
another machine; and scraping each worker would need a port per child. Redis is already
shared by every process, and ``HINCRBYFLOAT`` is atomic, so each process adds to the same
hash and the API turns it into Prometheus metrics (``service/metrics.py``).

Layout: one hash, ``ringkas:metrics``, with fields

- ``c|{name}|{labels}``: a counter's value;
- ``h|{name}|{labels}|{le}``: observations that fell in the bucket ending at ``le`` (not
  cumulative; the reader accumulates), plus ``h|{name}|{labels}|sum`` and ``…|count``.

``labels`` is ``k=v,k=v`` sorted by key; label values are fixed words (task and status
names), never user input.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import redis

KEY = "ringkas:metrics"
Labels = tuple[tuple[str, str], ...]

# Model latency per article and task: from a tiny demo model's milliseconds to a long
# article on a real model on a CPU.
LATENCY_BUCKETS: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


@dataclass
class HistogramData:
    buckets: dict[float, float] = field(default_factory=dict)  # le → count in that bucket
    sum: float = 0.0
    count: float = 0.0

    def cumulative(self) -> list[tuple[str, float]]:
        """``[(le, cumulative count)]`` over LATENCY_BUCKETS and +Inf, as Prometheus wants."""
        out: list[tuple[str, float]] = []
        running = 0.0
        for le in (*LATENCY_BUCKETS, math.inf):
            running += self.buckets.get(le, 0.0)
            out.append(("+Inf" if le == math.inf else repr(float(le)), running))
        return out


def _labels(labels: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def _parse_labels(text: str) -> Labels:
    if not text:
        return ()
    return tuple(tuple(pair.split("=", 1)) for pair in text.split(","))  # type: ignore[misc]


def bucket_of(value: float) -> float:
    """The smallest bucket bound ``value`` fits under (+Inf past the last)."""
    return next((le for le in LATENCY_BUCKETS if value <= le), math.inf)


class MetricsStore:
    """Adds to and reads the shared metrics hash."""

    def __init__(self, client: redis.Redis) -> None:
        """Args:
        client: A Redis client created with ``decode_responses=True``.
        """
        self.client = client

    @classmethod
    def from_url(cls, redis_url: str) -> MetricsStore:
        return cls(redis.Redis.from_url(redis_url, decode_responses=True))

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        """Adds ``amount`` to counter ``name`` (without the ``_total`` suffix)."""
        if amount:
            self.client.hincrbyfloat(KEY, f"c|{name}|{_labels(labels)}", amount)

    def observe(self, name: str, value: float, **labels: str) -> None:
        """Records one observation of histogram ``name``."""
        base = f"h|{name}|{_labels(labels)}"
        le = bucket_of(value)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.hincrbyfloat(KEY, f"{base}|{'inf' if le == math.inf else le}", 1)
            pipe.hincrbyfloat(KEY, f"{base}|sum", value)
            pipe.hincrbyfloat(KEY, f"{base}|count", 1)
            pipe.execute()

    def read(
        self,
    ) -> tuple[dict[str, dict[Labels, float]], dict[str, dict[Labels, HistogramData]]]:
        """Every counter and histogram: ``({name: {labels: value}}, {name: {labels: data}})``."""
        counters: dict[str, dict[Labels, float]] = defaultdict(dict)
        histograms: dict[str, dict[Labels, HistogramData]] = defaultdict(dict)
        for key, raw in self.client.hgetall(KEY).items():
            kind, name, rest = str(key).split("|", 2)
            value = float(raw)
            if kind == "c":
                counters[name][_parse_labels(rest)] = value
                continue
            labels_text, part = rest.rsplit("|", 1)
            data = histograms[name].setdefault(_parse_labels(labels_text), HistogramData())
            if part == "sum":
                data.sum = value
            elif part == "count":
                data.count = value
            else:
                data.buckets[math.inf if part == "inf" else float(part)] = value
        return dict(counters), dict(histograms)
