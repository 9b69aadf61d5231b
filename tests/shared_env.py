"""Constants the fixtures and some tests share (a plain module: ``conftest`` is not importable
by name once several folders have one)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
# The tests' webhook receivers listen on loopback, which deployments refuse by default;
# quick retries keep the retry test short.
WEBHOOK_TEST_ENV = {
    "RINGKAS_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
    "RINGKAS_WEBHOOK_RETRY_BACKOFF_S": "0.5",
}
TEST_REDIS_URL = os.environ.get("RINGKAS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
