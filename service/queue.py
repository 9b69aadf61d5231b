"""The API's side of Celery: send tasks by name, wait for the sync one, ping workers.

Tasks are sent by *name* (``send_task``), so the API never imports ``workers.tasks`` and
with it the model layer; the worker owns the task code.
"""

from __future__ import annotations

from typing import Any

import celery.exceptions
import kombu.exceptions
import redis.exceptions
from celery import Celery

from ringkas.settings import Settings
from ringkas.workers.celery_app import PROCESS_ARTICLES, TRANSLATE_TEXT, make_celery
from ringkas.workers.errors import SyncTaskError

# What a publish raises when the broker is unreachable.
BROKER_ERRORS: tuple[type[Exception], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def group_articles(lengths: list[int], max_articles: int, max_chars: int) -> list[list[int]]:
    """Consecutive article indices in groups of at most ``max_articles`` articles and
    ``max_chars`` characters (an article longer than that is a group of its own), as even
    in size as those limits allow: 50 articles by 16 make 13 + 13 + 13 + 11, not
    16 + 16 + 16 + 2, so that no task is left with a small, inefficient batch.

    Each group becomes one worker task, whose sentences the engine batches together.
    """
    groups = _greedy_groups(lengths, max_articles, max_chars)
    if len(groups) > 1:
        even = -(-len(lengths) // len(groups))  # ceil
        groups = _greedy_groups(lengths, min(even, max_articles), max_chars)
    return groups


def _greedy_groups(lengths: list[int], max_articles: int, max_chars: int) -> list[list[int]]:
    groups: list[list[int]] = []
    chars = 0
    for index, length in enumerate(lengths):
        if groups and len(groups[-1]) < max_articles and chars + length <= max_chars:
            groups[-1].append(index)
            chars += length
        else:
            groups.append([index])
            chars = length
    return groups


class QueueUnavailable(Exception):
    """The broker did not take the message."""


class WorkerTimeout(Exception):
    """No worker answered within the wait."""


class WorkerFailed(Exception):
    """The worker raised something other than a `SyncTaskError` (a bug, a time limit)."""


class TaskQueue:
    """Sends Ringkas's tasks to the workers."""

    def __init__(self, celery_app: Celery) -> None:
        self._celery = celery_app

    @classmethod
    def from_settings(cls, settings: Settings) -> TaskQueue:
        return cls(make_celery(settings))

    def enqueue_articles(self, job_id: str, indices: list[int]) -> None:
        """Queues articles of a job on ``ringkas.jobs``, as one task (one batch)."""
        try:
            # ignore_result: the job store holds the outcome; no result subscription.
            self._celery.send_task(PROCESS_ARTICLES, args=[job_id, indices], ignore_result=True)
        except BROKER_ERRORS as exc:
            raise QueueUnavailable(_one_line(exc)) from exc

    def translate(
        self,
        text: str,
        source_lang: str | None,
        timeout_s: float,
        glossary: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """Runs ``ringkas.translate_text`` on a worker and waits for its answer.

        Raises:
            QueueUnavailable: The broker is down.
            WorkerTimeout: No answer within ``timeout_s``.
            SyncTaskError: The worker refused the input or has no model.
            WorkerFailed: The task failed otherwise.
        """
        try:
            # expires: a worker that only gets to it after we stopped waiting drops it
            # instead of translating for nobody.
            result = self._celery.send_task(
                TRANSLATE_TEXT,
                args=[text, source_lang],
                kwargs={"glossary": glossary} if glossary else {},
                expires=timeout_s,
            )
        except BROKER_ERRORS as exc:
            raise QueueUnavailable(_one_line(exc)) from exc
        except RuntimeError as exc:
            # How Celery's Redis result backend reports that it could not subscribe to the
            # answer ("retry limit exceeded while trying to reconnect").
            raise QueueUnavailable(f"the result store is unreachable: {_one_line(exc)}") from exc
        try:
            answer: dict[str, Any] = result.get(timeout=timeout_s)
            return answer
        except celery.exceptions.TimeoutError as exc:
            raise WorkerTimeout(str(exc)) from exc
        except SyncTaskError:
            raise
        except Exception as exc:
            raise WorkerFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            result.forget()

    def ping_workers(self, timeout_s: float = 1.0) -> list[str]:
        """Names of the workers that answered a ping (an empty list when none did)."""
        replies = self._celery.control.ping(timeout=timeout_s) or []
        return sorted(name for reply in replies for name in reply)
