"""The workers' job store: the same store, plus metrics and a log line per finished article.

Every way an article ends (success, model error, time limit, retries exhausted, a lost
worker) goes through ``JobStore._finish``, so counting there counts each article exactly
once, whichever path the task took, and only when the write actually happened (a
redelivered task that finds the article finished counts nothing).
"""

from __future__ import annotations

import logging
from typing import Any

import redis

from ringkas.jobstore import FINISHED, JobStore
from ringkas.metrics import MetricsStore
from ringkas.resultstore import ResultStore

logger = logging.getLogger("ringkas.worker")

# Set with HSETNX on the job's hash by whichever worker first sees the job finished, so
# a job is counted once even when its last two articles finish at the same moment.
JOB_COUNTED_FIELD = "metrics_counted"


class MeteredJobStore(JobStore):
    """A `JobStore` that records each finished article (and job) in a `MetricsStore`."""

    def __init__(self, client: redis.Redis, ttl_s: int, results: ResultStore | None = None) -> None:
        super().__init__(client, ttl_s, results)
        self.metrics = MetricsStore(client)

    def _finish(
        self, job_id: str, index: int, result: dict[str, Any] | None, error: str | None
    ) -> bool:
        written = super()._finish(job_id, index, result, error)
        if written:
            try:
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
            for task, seconds in (result.get("timings") or {}).items():
                if isinstance(seconds, int | float):
                    self.metrics.observe(
                        "model_latency_seconds", float(seconds), task=task.removesuffix("_s")
                    )
            extra["timings"] = result.get("timings")
        else:
            extra["error"] = error
        logger.info("article finished", extra=extra)
        status = self.status(job_id)
        if status in FINISHED and self._redis.hsetnx(self.key(job_id), JOB_COUNTED_FIELD, "1"):
            self.metrics.inc("jobs_finished", status=status)
            logger.info("job finished", extra={"job_id": job_id, "status": status})
