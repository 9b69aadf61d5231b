"""API keys, kept in Redis by the SHA-256 of the token; the token itself is never stored.

A token is ``rk_`` + 32 random bytes (URL-safe base64): with 256 bits of entropy there is
nothing to guess or to look up in a table, so a plain, unsalted SHA-256 is enough, and it
lets a request find its key with one lookup. (Salted slow hashes such as bcrypt exist for
low-entropy passwords.) The token is shown once, by ``ringkas keys create``.

Layout:

- ``ringkas:apikey:{sha256 of token}`` → hash ``{id, name, created_at}``: the lookup;
- ``ringkas:apikeys`` → hash ``id`` → ``{"name", "created_at", "hash"}``: the listing;
- ``ringkas:apikey-limits`` → hash ``id`` → characters per day: a key's own daily limit
  (``ringkas keys limit``), overriding RINGKAS_CHARS_PER_DAY_PER_KEY; ``-1``: none.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import redis

TOKEN_PREFIX = "rk_"
LOOKUP_PREFIX = "ringkas:apikey:"
INDEX_KEY = "ringkas:apikeys"
LIMITS_KEY = "ringkas:apikey-limits"


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    created_at: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class KeyStore:
    """Creates, finds, lists and revokes API keys."""

    def __init__(self, client: redis.Redis) -> None:
        """``client`` must be created with ``decode_responses=True``."""
        self._redis = client

    @classmethod
    def from_url(cls, redis_url: str) -> KeyStore:
        return cls(redis.Redis.from_url(redis_url, decode_responses=True))

    def create(self, name: str) -> tuple[ApiKey, str]:
        """A new key and its token (shown once; only its hash is kept)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        key = ApiKey(
            id="k_" + secrets.token_hex(6),
            name=name,
            created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        )
        digest = token_hash(token)
        entry: dict[str, str] = {"name": key.name, "created_at": key.created_at, "hash": digest}
        with self._redis.pipeline(transaction=True) as pipe:
            lookup: dict[Any, str] = {"id": key.id, **entry}
            pipe.hset(LOOKUP_PREFIX + digest, mapping=lookup)
            pipe.hset(INDEX_KEY, key.id, json.dumps(entry))
            pipe.execute()
        return key, token

    def find(self, token: str) -> ApiKey | None:
        """The key a token belongs to; None for an unknown or revoked token."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        fields = {
            str(k): str(v)
            for k, v in self._redis.hgetall(LOOKUP_PREFIX + token_hash(token)).items()
        }
        if not fields:
            return None
        return ApiKey(id=fields["id"], name=fields["name"], created_at=fields["created_at"])

    def list(self) -> list[ApiKey]:
        keys = [
            ApiKey(id=str(key_id), name=entry["name"], created_at=entry["created_at"])
            for key_id, raw in self._redis.hgetall(INDEX_KEY).items()
            for entry in [json.loads(raw)]
        ]
        return sorted(keys, key=lambda k: (k.created_at, k.id))

    def exists(self, key_id: str) -> bool:
        return bool(self._redis.hexists(INDEX_KEY, key_id))

    def set_daily_limit(self, key_id: str, chars_per_day: int | None) -> None:
        """Gives the key its own characters-per-day limit (None: unlimited, whatever the
        deployment's default)."""
        self._redis.hset(LIMITS_KEY, key_id, -1 if chars_per_day is None else chars_per_day)

    def clear_daily_limit(self, key_id: str) -> None:
        """The key follows the deployment's default again."""
        self._redis.hdel(LIMITS_KEY, key_id)

    def daily_limit(self, key_id: str, default: int | None) -> int | None:
        """The key's characters-per-day limit: its own, else ``default``; None: unlimited."""
        raw = self._redis.hget(LIMITS_KEY, key_id)
        if raw is None:
            return default
        return None if int(raw) < 0 else int(raw)

    def revoke(self, key_id: str) -> bool:
        """Deletes a key: its token stops working at once. False if there is no such key."""
        raw = self._redis.hget(INDEX_KEY, key_id)
        if raw is None:
            return False
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.delete(LOOKUP_PREFIX + json.loads(raw)["hash"])
            pipe.hdel(INDEX_KEY, key_id)
            pipe.hdel(LIMITS_KEY, key_id)
            pipe.execute()
        return True
