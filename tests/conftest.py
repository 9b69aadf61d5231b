"""Fixtures shared by every test folder.

Redis: the tests use database 15 of the Redis at ``RINGKAS_TEST_REDIS_URL`` (default
127.0.0.1:6379), so a developer's own jobs in database 0 are never touched.
Models: the tiny random-weight demo models, built once into ``var/demo-models`` (which
``.ci/run`` and ``make test`` build before pytest starts) and reused.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringkas.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TEST_REDIS_URL = os.environ.get("RINGKAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="session")
def demo_models_dir() -> Path:
    from models.build import build_demo_models

    out = ROOT / "var" / "demo-models"
    build_demo_models(out)  # no-op when already complete
    return out


@pytest.fixture(scope="session")
def demo_env(demo_models_dir: Path) -> dict[str, str]:
    """Environment variables that point every model setting at the demo models."""
    from models.build import demo_model_env

    return {**demo_model_env(demo_models_dir), "RINGKAS_REDIS_URL": TEST_REDIS_URL}


@pytest.fixture(scope="session")
def settings(demo_env: dict[str, str]) -> Settings:
    """Settings with the demo models and the test Redis database."""
    values = {k.removeprefix("RINGKAS_").lower(): v for k, v in demo_env.items()}
    return Settings(**values)


@pytest.fixture(scope="session")
def test_redis_url() -> str:
    """The test Redis database (TEST_REDIS_URL), for tests that need no models."""
    return TEST_REDIS_URL
