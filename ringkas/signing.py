"""Webhook signatures: HMAC-SHA256 over ``{timestamp}.{body}`` with a per-key secret.

A receiver checks a delivery with `verify` (or the same three lines in any language):

    expected = hmac_sha256(secret, f"{headers['Ringkas-Timestamp']}.{raw_body}")
    compare_digest(f"sha256={expected}", headers["Ringkas-Signature"])
    abs(now - int(headers["Ringkas-Timestamp"])) <= 300

The timestamp is signed with the body, so a captured delivery cannot be replayed later
with a fresh timestamp; ``Ringkas-Delivery`` (the job id) lets a receiver drop repeats of
one it already handled (a retry after a timeout it answered too slowly).

Secrets: ``ringkas:webhook-secrets`` → hash key id (``open`` in open mode) → secret,
made on first use; in open mode RINGKAS_WEBHOOK_SECRET, when set, is used instead.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping

import redis

SECRETS_KEY = "ringkas:webhook-secrets"
OPEN_OWNER = "open"
SECRET_PREFIX = "whsec_"
TIMESTAMP_HEADER = "Ringkas-Timestamp"
SIGNATURE_HEADER = "Ringkas-Signature"
DELIVERY_HEADER = "Ringkas-Delivery"
DEFAULT_TOLERANCE_S = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``sha256=`` + the hex HMAC-SHA256 of ``{timestamp}.{body}`` under ``secret``."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(
    secret: str, body: bytes, delivery_id: str, now: int | None = None
) -> dict[str, str]:
    timestamp = int(time.time()) if now is None else now
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        DELIVERY_HEADER: delivery_id,
    }


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    now: int | None = None,
) -> bool:
    """Whether a delivery's headers sign ``body`` with ``secret``, within ``tolerance_s``."""
    lowered = {k.lower(): v for k, v in headers.items()}
    raw_timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    given = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not raw_timestamp.isdigit():
        return False
    timestamp = int(raw_timestamp)
    current = int(time.time()) if now is None else now
    if abs(current - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)


class SecretStore:
    """The webhook signing secret of each key, made on first use."""

    def __init__(self, client: redis.Redis, open_secret: str | None = None) -> None:
        """``client`` must be created with ``decode_responses=True``."""
        self._redis = client
        self._open_secret = open_secret

    def secret(self, key_id: str | None) -> str:
        if key_id is None and self._open_secret:
            return self._open_secret
        owner = key_id or OPEN_OWNER
        self._redis.hsetnx(SECRETS_KEY, owner, SECRET_PREFIX + secrets.token_urlsafe(32))
        return str(self._redis.hget(SECRETS_KEY, owner))

    def rotate(self, key_id: str | None) -> str:
        """A new secret for the key; the old one stops signing at once."""
        new = SECRET_PREFIX + secrets.token_urlsafe(32)
        self._redis.hset(SECRETS_KEY, key_id or OPEN_OWNER, new)
        return new

    def forget(self, key_id: str) -> None:
        self._redis.hdel(SECRETS_KEY, key_id)
