"""Webhook signatures and the addresses a webhook may go to."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from ringkas.signing import signature, signed_headers, verify
from ringkas.webhook_targets import UnsafeTarget, check_target

SECRET = "whsec_test-secret-of-enough-length"
BODY = b'{"job_id":"abc","status":"succeeded"}'


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()

    assert signature(SECRET, 1_700_000_000, BODY) == f"sha256={expected}"


def test_verify_accepts_a_fresh_delivery_and_refuses_tampering_and_replays() -> None:
    headers = signed_headers(SECRET, BODY, "job-1", now=1_700_000_000)

    assert headers["Ringkas-Delivery"] == "job-1"
    assert verify(SECRET, headers, BODY, now=1_700_000_100)
    assert not verify(SECRET, headers, BODY + b" ", now=1_700_000_100)  # body changed
    assert not verify("whsec_other", headers, BODY, now=1_700_000_100)  # wrong secret
    assert not verify(SECRET, headers, BODY, now=1_700_001_000)  # too old: a replay
    later = {**headers, "Ringkas-Timestamp": "1700000900"}  # fresh timestamp, old signature
    assert not verify(SECRET, later, BODY, now=1_700_000_900)
    assert not verify(SECRET, {}, BODY)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.7/",
        "http://192.168.1.1/",
        "http://172.16.0.1/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://224.0.0.1/",
    ],
)
def test_private_loopback_link_local_and_reserved_targets_are_refused(url: str) -> None:
    with pytest.raises(UnsafeTarget, match="public addresses only"):
        check_target(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.com/x", "http:// or https://"),
        ("http:///path", "http:// or https://"),
        ("https://no-such-host.invalid/", "cannot be resolved"),
    ],
)
def test_other_bad_targets_say_why(url: str, message: str) -> None:
    with pytest.raises(UnsafeTarget, match=message):
        check_target(url)


def test_public_addresses_and_allowed_networks_pass() -> None:
    check_target("https://93.184.215.14/hook")
    check_target("http://127.0.0.1:9999/hook", ["127.0.0.0/8"])
    with pytest.raises(UnsafeTarget):
        check_target("http://10.0.0.1/hook", ["127.0.0.0/8"])
