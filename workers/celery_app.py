"""The Celery app ``ringkas``: broker, result backend and task routing.

Run a worker with ``celery -A workers.celery_app worker -Q ringkas.jobs,ringkas.sync``
(both queues are also the default). The API imports this module to *send* tasks by name,
so it must stay light: no torch, no ``models`` import here (the task bodies import the
model layer lazily, inside the worker).

Two queues: ``ringkas.jobs`` carries a job's articles, a few per message;
``ringkas.sync`` carries the short synchronous translations of ``POST /v1/translate``.
Keeping them apart lets a deployment run a dedicated ``-Q ringkas.sync`` worker so short
requests never wait behind long articles.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Celery, signals
from kombu import Queue

from ringkas.logs import configure_logging, use_json_on
from ringkas.settings import Settings, get_settings

JOBS_QUEUE = "ringkas.jobs"
SYNC_QUEUE = "ringkas.sync"
PROCESS_ARTICLES = "ringkas.process_articles"
TRANSLATE_TEXT = "ringkas.translate_text"
DELIVER_WEBHOOK = "ringkas.deliver_webhook"

# Only the sync path stores Celery results, and the API reads (and forgets) each within
# sync_timeout_s; the expiry is a backstop for answers nobody waited for.
RESULT_EXPIRES_S = 3600
_FAIL_FAST = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def make_celery(settings: Settings) -> Celery:
    """A Celery app configured from ``settings`` (the worker's, or a client's in the API)."""
    app = Celery(
        "ringkas",
        broker=settings.effective_broker_url,
        backend=settings.redis_url,
        include=["ringkas.workers.tasks", "ringkas.workers.webhooks"],
    )
    app.conf.update(
        # A message is acknowledged only after its task ran, and a worker killed mid-task
        # (OOM, crash) puts it back on the queue: an article is never silently lost.
        # The job store makes the redelivery idempotent.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # Tasks are long; a worker must not hoard messages another idle worker could run.
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit_s,
        task_time_limit=settings.task_time_limit_s,
        worker_max_tasks_per_child=settings.worker_max_tasks_per_child,
        worker_concurrency=settings.worker_concurrency,
        result_expires=RESULT_EXPIRES_S,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        broker_connection_retry_on_startup=True,
        task_queues=[Queue(JOBS_QUEUE), Queue(SYNC_QUEUE)],
        task_default_queue=JOBS_QUEUE,
        task_routes={
            PROCESS_ARTICLES: {"queue": JOBS_QUEUE},
            TRANSLATE_TEXT: {"queue": SYNC_QUEUE},
            # Short network calls: never behind a job's long articles.
            DELIVER_WEBHOOK: {"queue": SYNC_QUEUE},
        },
        # A publish to a dead broker, or a result subscription to a dead result store,
        # fails within about a second instead of hanging the request that sent it
        # (the result backend would otherwise retry 20 times, a second apart).
        task_publish_retry_policy=_FAIL_FAST,
        result_backend_transport_options={"retry_policy": _FAIL_FAST},
        broker_transport_options=broker_transport_options(settings),
    )
    return app


def broker_transport_options(settings: Settings) -> dict[str, Any]:
    """Redelivery of unacknowledged tasks on a Redis broker (RabbitMQ ignores these).

    RabbitMQ requeues a dead consumer's unacked messages as soon as its connection drops.
    Redis cannot tell: a task taken by a worker that died (kill -9, a lost machine) waits
    in the ``unacked`` hash until ``visibility_timeout`` passes and a live worker's sweep
    puts it back. The sweep runs every ``unacked_restore_interval`` x ``throttle`` seconds
    (10 x 10 by default); a fifth of the timeout, at most 10 s, keeps it proportionate.
    """
    timeout = settings.broker_visibility_timeout_s
    return {
        "visibility_timeout": timeout,
        "unacked_restore_interval": max(1, min(10, timeout // 5)),
        "unacked_restore_throttle": 1,
    }


app = make_celery(get_settings())


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _json_logs(logger: logging.Logger, **kwargs: Any) -> None:
    """Worker logs as JSON lines (RINGKAS_LOG_FORMAT), Celery's own and ours."""
    if get_settings().log_format == "json":
        use_json_on(logger)
    configure_logging(get_settings().log_format)
