"""Outbound URLs (webhooks, feeds) that cannot be turned against private networks.

In AWS mode a target must be ``https`` and every address its host resolves to must be public
(no loopback, private, link-local — which includes the instance metadata service —, multicast
or reserved ranges). In local mode, ``http://127.0.0.1`` / ``localhost`` is allowed as well, so
that local receivers work. The resolved address is checked again at delivery time (DNS may
change between registration and delivery), and the connection is then made to the very
address that was checked (:class:`Target`), so that a name which resolves once to a public
address and then to a private one (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from haven.errors import FieldError, ValidationFailed

Resolver = Callable[[str], list[str]]

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class Target:
    """A URL that may be called, with the public addresses its host resolved to when checked
    (none for a local loopback URL, which needs no pinning)."""

    url: str
    addresses: tuple[str, ...] = ()


def check_url(url: str, *, local_mode: bool, field: str = "url", resolver: Resolver | None = None) -> str:
    """The URL if it may be called; :class:`ValidationFailed` naming ``field`` otherwise."""
    return check_target(url, local_mode=local_mode, field=field, resolver=resolver).url


def check_target(
    url: str, *, local_mode: bool, field: str = "url", resolver: Resolver | None = None
) -> Target:
    """The target if it may be called, with the addresses to connect to; :class:`ValidationFailed`
    naming ``field`` otherwise."""

    def bad(message: str) -> ValidationFailed:
        return ValidationFailed([FieldError(field, message)])

    if len(url) > 2048:
        raise bad("must not exceed 2048 characters")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.username or parts.password:
        raise bad("must not carry credentials")
    if local_mode and parts.scheme in ("http", "https") and host in _LOOPBACK_HOSTS:
        return Target(url)
    if parts.scheme != "https":
        raise bad("must be an https URL")
    if not host:
        raise bad("must name a host")
    try:
        addresses = (resolver or _resolve)(host)
    except OSError:
        raise bad("host does not resolve") from None
    if not addresses or not all(_public(a) for a in addresses):
        raise bad("must resolve to public addresses only")
    return Target(url, tuple(addresses))
