"""Fixtures of the worker tests: the tasks run in this process, as a worker would run them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ringkas.settings import Settings, get_settings
from ringkas.workers import tasks


@pytest.fixture
def worker_env(demo_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The environment a worker process would have: demo models, the test Redis."""
    for name, value in demo_env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    tasks.job_store.cache_clear()
    # Articles handed to a task of their own (a redelivery, a time limit) run here too.
    tasks.app.conf.task_always_eager = True
    yield get_settings()
    tasks.app.conf.task_always_eager = False
    get_settings.cache_clear()
    tasks.job_store.cache_clear()
