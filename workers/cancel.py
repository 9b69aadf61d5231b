"""Stops a running article at its next batch once its job is cancelled or purged.

The model layer reports progress after every translation batch; this wrapper around the
progress callback reads the article's state there (one HGET per batch) and raises
`ArticleCancelled`, which unwinds the pipeline: the rest of the article is not
translated, and nothing is written over the ``cancelled`` state the API set.
"""

from __future__ import annotations

from collections.abc import Callable

import redis.exceptions

from ringkas.jobstore import JobNotFound, JobStore


class ArticleCancelled(Exception):
    """The article's job was cancelled (or purged) while it ran."""


class StopIfCancelled:
    """A ``(done, total)`` progress callback that raises `ArticleCancelled` when due."""

    def __init__(
        self, store: JobStore, job_id: str, index: int, then: Callable[[int, int], None]
    ) -> None:
        self._store = store
        self._job_id = job_id
        self._index = index
        self._then = then

    def __call__(self, done: int, total: int) -> None:
        try:
            cancelled = self._store.article_state(self._job_id, self._index).status == "cancelled"
        except JobNotFound:
            cancelled = True  # purged
        except redis.exceptions.RedisError:
            cancelled = False  # the check is advisory; the final write is still guarded
        if cancelled:
            raise ArticleCancelled(f"article {self._index} of job {self._job_id} was cancelled")
        self._then(done, total)
