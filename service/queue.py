"""The API's side of Celery: send tasks by name, await the sync one, ping workers.

Tasks are sent by *name* (``send_task``), so the API never imports ``workers.tasks`` and
with it the model layer; the worker owns the task code.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import Celery, states
from celery.backends.redis import RedisBackend
from celery.states import READY_STATES
from fastapi.concurrency import run_in_threadpool

from ringkas.service.listener import Listener
from ringkas.settings import Settings
from ringkas.workers.celery_app import (
    DELIVER_WEBHOOK,
    PROCESS_ARTICLES,
    TRANSLATE_TEXT,
    make_celery,
)
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


class ListenedRedisBackend(RedisBackend):
    """Celery's Redis result backend as the API uses it: the same keys, but sending a task
    subscribes to nothing. Celery's own result consumer would subscribe each thread's
    connection to every task's answer at send time and read it only in ``result.get``;
    unread, those answers would pile up there. The `Listener` hears them instead."""

    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None


class TaskQueue:
    """Sends Ringkas's tasks to the workers."""

    def __init__(self, celery_app: Celery) -> None:
        self._celery = celery_app
        result_backend = str(celery_app.conf.result_backend)
        if result_backend.startswith(("redis://", "rediss://", "unix://")):
            celery_app.conf.result_backend = f"{__name__}:ListenedRedisBackend+{result_backend}"

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

    def send_webhook(self, job_id: str, owner: str | None, url: str, body: str) -> None:
        """Queues the delivery of a finished job's webhook (``workers.webhooks``)."""
        try:
            self._celery.send_task(
                DELIVER_WEBHOOK, args=[job_id, owner, url, body], ignore_result=True
            )
        except BROKER_ERRORS as exc:
            raise QueueUnavailable(_one_line(exc)) from exc

    def result_channel(self, task_id: str) -> str:
        """Where Celery's Redis result backend publishes a task's result as it stores it
        (the result key itself, ``celery-task-meta-<id>``)."""
        key = self._celery.backend.get_key_for_task(task_id)
        return key.decode() if isinstance(key, bytes) else str(key)

    def result_channel_pattern(self) -> str:
        """A pattern for every `result_channel`, for the API's shared `Listener`."""
        return self.result_channel("*")

    async def translate(
        self,
        text: str,
        source_lang: str | None,
        timeout_s: float,
        listener: Listener,
        glossary: dict[str, str] | None = None,
        adequacy: bool = False,
    ) -> dict[str, Any]:
        """Runs ``ringkas.translate_text`` on a worker and awaits its answer.

        No thread waits: the answer arrives through the process's shared `Listener`
        (Celery's ``result.get`` would hold a thread of the server's pool for up to
        ``timeout_s``, and 40 of them starved every other request). The watch starts
        before the task is sent, so an answer cannot come too early to be heard.

        Raises:
            QueueUnavailable: The broker or the result store is down.
            WorkerTimeout: No answer within ``timeout_s``.
            SyncTaskError: The worker refused the input or has no model.
            WorkerFailed: The task failed otherwise.
        """
        task_id = uuid.uuid4().hex
        channel = self.result_channel(task_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        try:
            async with listener.watch(channel) as inbox:
                await run_in_threadpool(
                    self._send_translate, task_id, text, source_lang, timeout_s, glossary, adequacy
                )
                while (left := deadline - loop.time()) > 0:
                    payload = await inbox.next(left)
                    if payload is None:
                        break
                    meta = self._celery.backend.decode_result(payload)
                    if meta["status"] in READY_STATES:
                        return self._outcome(meta)
        except redis.exceptions.ConnectionError as exc:
            raise QueueUnavailable(f"the result store is unreachable: {_one_line(exc)}") from exc
        finally:
            await run_in_threadpool(self._forget, channel)
        raise WorkerTimeout(f"no answer within {timeout_s:g} s")

    def _send_translate(
        self,
        task_id: str,
        text: str,
        source_lang: str | None,
        timeout_s: float,
        glossary: dict[str, str] | None,
        adequacy: bool = False,
    ) -> None:
        kwargs: dict[str, Any] = {"glossary": glossary} if glossary else {}
        if adequacy:  # only when asked: a worker of an older version still understands it
            kwargs["adequacy"] = True
        try:
            # expires: a worker that only gets to it after we stopped waiting drops it
            # instead of translating for nobody.
            self._celery.send_task(
                TRANSLATE_TEXT,
                args=[text, source_lang],
                kwargs=kwargs,
                task_id=task_id,
                expires=timeout_s,
            )
        except BROKER_ERRORS as exc:
            raise QueueUnavailable(_one_line(exc)) from exc

    @staticmethod
    def _outcome(meta: dict[str, Any]) -> dict[str, Any]:
        if meta["status"] == states.SUCCESS:
            answer: dict[str, Any] = meta["result"]
            return answer
        error = meta["result"]
        if isinstance(error, SyncTaskError):
            raise error
        raise WorkerFailed(f"{type(error).__name__}: {error}")

    def _forget(self, key: str) -> None:
        # The answer is read (or nobody waits for it any more): drop it now rather than at
        # result_expires. Best effort: the expiry is the backstop.
        with contextlib.suppress(*BROKER_ERRORS, redis.exceptions.RedisError):
            self._celery.backend.delete(key)

    def ping_workers(self, timeout_s: float = 1.0) -> list[str]:
        """Names of the workers that answered a ping (an empty list when none did)."""
        replies = self._celery.control.ping(timeout=timeout_s) or []
        return sorted(name for reply in replies for name in reply)
