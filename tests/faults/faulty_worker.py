"""The real Celery app for fault tests, with the model layer wrapped at the unit's edge.

Started as ``celery -A faulty_worker worker`` (tests/faults on PYTHONPATH). Markers in an
article's text make the model step misbehave inside the worker's pool process:

- ``[slow]``: sleep ``FAULTY_SLOW_S`` seconds first (default 2): a window to kill -9 in;
- ``[crash]``: the pool process dies (SIGKILL), as on a segfault or the OOM killer;
- ``[raise]``: the model raises an unexpected exception.

Every run of the model step on an article is counted in Redis
(``faulty:runs:{hash of the text}``), so a test can tell "ran twice" from "counted
twice".
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from typing import Any

import redis

import models.pipeline
import workers.tasks  # noqa: F401  (registers the tasks on the app)
from ringkas.settings import Settings, get_settings
from workers.celery_app import app

__all__ = ["app", "runs_key"]

_real_process_article = models.pipeline.process_article


def runs_key(text: str) -> str:
    return "faulty:runs:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def _faulty_process_article(
    request: Any, settings: Settings, on_progress: Any = None
) -> dict[str, Any]:
    client = redis.Redis.from_url(get_settings().redis_url)
    client.incr(runs_key(request.text))
    client.close()
    if "[slow]" in request.text:
        time.sleep(float(os.environ.get("FAULTY_SLOW_S", "2")))
    if "[crash]" in request.text:
        os.kill(os.getpid(), signal.SIGKILL)
    if "[raise]" in request.text:
        raise RuntimeError("the model blew up on this article")
    result: dict[str, Any] = _real_process_article(request, settings, on_progress)
    return result


models.pipeline.process_article = _faulty_process_article
