"""API keys in Redis: created, found by token, listed, revoked; the CLI around them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import redis
from typer.testing import CliRunner

from ringkas.cli import app
from ringkas.keys import INDEX_KEY, LOOKUP_PREFIX, KeyStore, token_hash


@pytest.fixture
def keys(test_redis_url: str) -> Iterator[KeyStore]:
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    store = KeyStore(client)
    before = set(client.hkeys(INDEX_KEY))
    yield store
    for key in store.list():
        if key.id not in before:
            store.revoke(key.id)
    client.close()


def test_a_key_is_found_by_its_token_and_only_its_hash_is_stored(
    keys: KeyStore, test_redis_url: str
) -> None:
    key, token = keys.create("Kompas")

    assert token.startswith("rk_") and len(token) > 40
    assert keys.find(token) == key
    assert key.name == "Kompas" and key in keys.list()
    client = redis.Redis.from_url(test_redis_url, decode_responses=True)
    stored = client.hgetall(LOOKUP_PREFIX + token_hash(token))
    assert token not in str(stored) and token not in str(client.hgetall(INDEX_KEY))
    client.close()


def test_unknown_and_revoked_tokens_find_nothing(keys: KeyStore) -> None:
    key, token = keys.create("Tempo")

    assert keys.find(token + "x") is None
    assert keys.find("not-a-token") is None
    assert keys.revoke(key.id) is True
    assert keys.find(token) is None
    assert key not in keys.list()
    assert keys.revoke(key.id) is False


def test_cli_creates_lists_and_revokes(
    keys: KeyStore, test_redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ringkas.settings import get_settings

    monkeypatch.setenv("RINGKAS_REDIS_URL", test_redis_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        created = runner.invoke(app, ["keys", "create", "Antara"])
        assert created.exit_code == 0, created.output
        token = created.output.strip().splitlines()[-1]
        key = keys.find(token)
        assert key is not None and key.name == "Antara"

        listed = runner.invoke(app, ["keys", "list"])
        assert f"{key.id}\t{key.created_at}\tAntara" in listed.output
        assert token not in listed.output

        assert runner.invoke(app, ["keys", "revoke", key.id]).exit_code == 0
        assert keys.find(token) is None
        missing = runner.invoke(app, ["keys", "revoke", key.id])
        assert missing.exit_code == 1 and f"no key {key.id!r}" in missing.output
    finally:
        get_settings.cache_clear()


def test_cli_lists_usage_and_sets_a_daily_limit(
    keys: KeyStore, test_redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ringkas.settings import get_settings
    from ringkas.usage import UsageStore, today

    monkeypatch.setenv("RINGKAS_REDIS_URL", test_redis_url)
    monkeypatch.setenv("RINGKAS_CHARS_PER_DAY_PER_KEY", "5000")
    get_settings.cache_clear()
    runner = CliRunner()
    key, _ = keys.create("Tempo")
    usage = UsageStore.from_url(test_redis_url, 2)
    try:
        usage.reserve(key.id, 1234, 3, limit=None)
        usage.add_translated(key.id, 1000, 2)

        listed = runner.invoke(app, ["keys", "list"])
        assert f"{key.id}\t{key.created_at}\tTempo\t5000\t1234/1000\t3/2" in listed.output

        limited = runner.invoke(app, ["keys", "limit", key.id, "--chars-per-day", "300"])
        assert limited.exit_code == 0, limited.output
        assert keys.daily_limit(key.id, 5000) == 300
        assert runner.invoke(app, ["keys", "limit", key.id, "--unlimited"]).exit_code == 0
        assert keys.daily_limit(key.id, 5000) is None
        assert runner.invoke(app, ["keys", "limit", key.id, "--default"]).exit_code == 0
        assert keys.daily_limit(key.id, 5000) == 5000
        both = runner.invoke(app, ["keys", "limit", key.id, "--unlimited", "--default"])
        assert both.exit_code == 2 and "exactly one" in both.output
        missing = runner.invoke(app, ["keys", "limit", "k_none", "--unlimited"])
        assert missing.exit_code == 1
    finally:
        get_settings.cache_clear()
        redis.Redis.from_url(test_redis_url).delete(UsageStore.key(key.id, today().isoformat()))
