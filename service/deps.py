"""FastAPI dependencies: the settings, the job store and the task queue of this app.

``create_app(settings)`` builds one of each and keeps them on ``app.state``; handlers get
them through these functions, so a test either passes its own settings to ``create_app``
or swaps any of them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from fastapi import Request

from ringkas.jobstore import JobStore
from ringkas.metrics import MetricsStore
from ringkas.service.queue import TaskQueue
from ringkas.settings import Settings


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> JobStore:
    store: JobStore = request.app.state.store
    return store


def get_queue(request: Request) -> TaskQueue:
    queue: TaskQueue = request.app.state.queue
    return queue


def get_metrics(request: Request) -> MetricsStore:
    metrics: MetricsStore = request.app.state.metrics
    return metrics
