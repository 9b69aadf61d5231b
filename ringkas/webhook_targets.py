"""Which ``callback_url`` a job may have: http(s) to a public address, unless allowed.

A webhook makes the service send a request where a caller says, so without a check a
caller could aim it at the deployment's own network (a metadata service at
169.254.169.254, a database on 10.x, the API itself on 127.0.0.1). Every address the host
name resolves to must be global; RINGKAS_WEBHOOK_ALLOWED_NETWORKS lists the exceptions
(the tests allow 127.0.0.0/8 for their receiver). Checked when the job is submitted (422)
and again before every delivery, since a name's addresses can change in between.
Redirects are never followed.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class UnsafeTarget(ValueError):
    """The URL may not be called: not http(s), unresolvable or not a public address."""


def networks(allowed: Sequence[str]) -> list[IpNetwork]:
    return [ipaddress.ip_network(n, strict=False) for n in allowed]


def _public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def check_target(url: str, allowed: Sequence[str] = ()) -> None:
    """Raises `UnsafeTarget` unless every address of ``url``'s host is public or in one of
    the ``allowed`` networks."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("callback_url must be an http:// or https:// URL with a host")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, ValueError) as exc:
        raise UnsafeTarget(f"callback_url's host {host!r} cannot be resolved ({exc})") from None
    allowed_networks = networks(allowed)
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if _public(address) or any(address in n for n in allowed_networks):
            continue
        raise UnsafeTarget(
            f"callback_url's host {host!r} resolves to {address}, a private, loopback, "
            "link-local or reserved address; webhooks go to public addresses only "
            "(RINGKAS_WEBHOOK_ALLOWED_NETWORKS lists exceptions)"
        )
