"""The real Celery app for fault tests, with the model layer wrapped at the unit's edge.

Started as ``celery -A faulty_worker worker`` (tests/faults on PYTHONPATH). Markers in an
article's text make the model step misbehave inside the worker's pool process, whether the
article runs alone or in a batch:

- ``[slow]``: sleep ``FAULTY_SLOW_S`` seconds first (default 2): a window to kill -9 in;
- ``[crash]``: the pool process dies (SIGKILL), as on a segfault or the OOM killer;
- ``[raise]``: the model raises an unexpected exception.

``FAULTY_BRIEF_S`` (default 0) makes each article's brief step take that long more, as a
big summarizer on a slow machine would.

Every run of the model step on an article is counted in Redis
(``faulty:runs:{hash of the text}``), so a test can tell "ran twice" from "counted
twice".
"""

from __future__ import annotations

import faulthandler
import hashlib
import os
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

import ringkas.workers.tasks  # noqa: F401  (registers the tasks on the app)
from ringkas.models import pipeline
from ringkas.settings import get_settings
from ringkas.workers.celery_app import app

__all__ = ["app", "runs_key"]

_real_process_articles = pipeline.process_articles


def runs_key(text: str) -> str:
    return "faulty:runs:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _faulty_process_articles(
    requests: Sequence[Any], options: Any, on_progress: Any = None, on_outcome: Any = None
) -> list[Any]:
    # Rides out a Redis restart (tests/faults/test_redis_restart.py) as the job store does.
    retry = Retry(ExponentialBackoff(cap=1.0, base=0.1), retries=34)
    client = redis.Redis.from_url(get_settings().redis_url, retry=retry)
    if os.environ.get("FAULTY_DUMP_S"):  # where a stuck pool process is, in its log
        faulthandler.dump_traceback_later(float(os.environ["FAULTY_DUMP_S"]), file=sys.__stderr__)
    for request in requests:
        client.incr(runs_key(request.text))
        if "[slow]" in request.text:
            time.sleep(float(os.environ.get("FAULTY_SLOW_S", "2")))
        if "[crash]" in request.text:
            os.kill(os.getpid(), signal.SIGKILL)
        if "[raise]" in request.text:
            raise RuntimeError("the model blew up on this article")
    client.close()
    outcomes: list[Any] = _real_process_articles(requests, options, on_progress, on_outcome)
    return outcomes


def _slow_brief(article: Any, options: Any) -> Any:
    time.sleep(float(os.environ.get("FAULTY_BRIEF_S", "0")))
    return _real_add_brief(article, options)


_real_add_brief = pipeline._add_brief
pipeline.process_articles = _faulty_process_articles
pipeline._add_brief = _slow_brief
