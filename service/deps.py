"""FastAPI dependencies: the settings, the job store and the task queue of this app.

``create_app(settings)`` builds one of each and keeps them on ``app.state``; handlers get
them through these functions, so a test either passes its own settings to ``create_app``
or swaps any of them with ``app.dependency_overrides``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from fastapi import Request

from ringkas.joblist import JobIndex
from ringkas.jobstore import JobStore
from ringkas.metrics import MetricsStore
from ringkas.redismemory import MemoryGuard
from ringkas.service.listener import Listener
from ringkas.service.queue import TaskQueue
from ringkas.service.syncslots import SyncSlots
from ringkas.service.usagegate import UsageGate
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


def get_memory_guard(request: Request) -> MemoryGuard:
    guard: MemoryGuard = request.app.state.memory_guard
    return guard


def get_usage_gate(request: Request) -> UsageGate:
    gate: UsageGate = request.app.state.usage_gate
    return gate


def get_job_index(request: Request) -> JobIndex:
    index: JobIndex = request.app.state.job_index
    return index


def get_metrics(request: Request) -> MetricsStore:
    metrics: MetricsStore = request.app.state.metrics
    return metrics


def make_listener(settings: Settings, queue: TaskQueue) -> Listener:
    """A `Listener` for both kinds of waiting: job finishes and synchronous answers."""
    return Listener(
        settings.redis_url, [JobStore.finish_channel("*"), queue.result_channel_pattern()]
    )


def get_sync_slots(request: Request) -> SyncSlots:
    slots: SyncSlots = request.app.state.sync_slots
    return slots


@contextlib.asynccontextmanager
async def listener_for(request: Request) -> AsyncIterator[Listener]:
    """The process's shared `Listener` (started with the app's lifespan). Where no lifespan
    runs on this event loop (an ASGI test client without it), one for this request alone."""
    shared: Listener | None = getattr(request.app.state, "listener", None)
    if shared is not None and shared.loop is asyncio.get_running_loop():
        yield shared
        return
    own = make_listener(request.app.state.settings, request.app.state.queue)
    try:
        yield own
    finally:
        await own.close()
