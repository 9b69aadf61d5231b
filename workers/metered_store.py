"""The workers' job store: the same store, plus metrics and a log line per finished article.

Every way an article ends (success, model error, time limit, retries exhausted, a lost
worker) goes through ``JobStore._finish``, so counting there counts each article exactly
once, whichever path the task took, and only when the write actually happened (a
redelivered task that finds the article finished counts nothing).
"""

from __future__ import annotations

import json
import logging
from typing import Any

import redis

from ringkas.jobevents import job_finished
from ringkas.jobstore import FINISHED, JobStore
from ringkas.metrics import MetricsStore
from ringkas.resultstore import ResultStore
from ringkas.settings import get_settings
from ringkas.usage import UsageStore

logger = logging.getLogger("ringkas.worker")


class MeteredJobStore(JobStore):
    """A `JobStore` that records each finished article (and job) in a `MetricsStore`."""

    def __init__(self, client: redis.Redis, ttl_s: int, results: ResultStore | None = None) -> None:
        super().__init__(client, ttl_s, results)
        self.metrics = MetricsStore(client)
        self.usage = UsageStore(client, get_settings().usage_retention_days)

    def _finish(
        self, job_id: str, index: int, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        # Read before finishing: a succeeded article's text is dropped from the store then.
        owner_chars = self._owner_chars(job_id, index) if result is not None else None
        written = super()._finish(job_id, index, result, error)
        if written:
            try:
                if owner_chars is not None:
                    self.usage.add_translated(*owner_chars)
                self._count(job_id, index, result, error)
            except (redis.exceptions.RedisError, LookupError):
                # Metrics are best effort: the article's outcome is already stored.
                logger.exception("could not record metrics", extra={"job_id": job_id})
        return written

    def _count(
        self, job_id: str, index: int, result: dict[str, Any] | None, error: str | None
    ) -> None:
        status = "failed" if error is not None else "succeeded"
        self.metrics.inc("articles", status=status)
        extra: dict[str, Any] = {"job_id": job_id, "article": index, "status": status}
        if result is not None:
            paragraphs = result.get("paragraphs") or []
            if paragraphs:
                self.metrics.inc("sentences_translated", float(result.get("sentences") or 0))
                # Whitespace tokens of the source: the same measure for every model.
                words = sum(len(str(p.get("source", "")).split()) for p in paragraphs)
                self.metrics.inc("tokens_translated", float(words))
            timings = result.get("timings") or {}
            if timings.get("tm_sentences") is not None:
                self.metrics.inc("tm_lookups", float(timings["tm_sentences"]))
                self.metrics.inc("tm_hits", float(timings.get("tm_hits") or 0))
            for task, seconds in timings.items():
                if isinstance(seconds, int | float) and task.endswith("_s"):
                    self.metrics.observe(
                        "model_latency_seconds", float(seconds), task=task.removesuffix("_s")
                    )
            extra["timings"] = result.get("timings")
        else:
            extra["error"] = error
        logger.info("article finished", extra=extra)
        status = self.status(job_id)
        if status in FINISHED and job_finished(self, self.metrics, job_id, status, send_webhook):
            logger.info("job finished", extra={"job_id": job_id, "status": status})

    def _owner_chars(self, job_id: str, index: int) -> tuple[str | None, int] | None:
        """The article's owner and characters, for its owner's usage of today."""
        try:
            owner, raw = self._redis.hmget(self.key(job_id), ["owner", f"input:{index}"])
        except redis.exceptions.RedisError:
            logger.exception("could not read the article for usage", extra={"job_id": job_id})
            return None
        if raw is None:
            return None
        article = json.loads(raw)
        chars = len(article["text"]) + len(article.get("title") or "")
        return (None if owner is None else str(owner)), chars


def send_webhook(job_id: str, owner: str | None, url: str, body: str) -> None:
    from ringkas.workers.webhooks import deliver_webhook

    deliver_webhook.apply_async(args=[job_id, owner, url, body])
