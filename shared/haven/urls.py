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


#: IPv6 ranges whose last 32 bits are an IPv4 address a gateway or host would reach: NAT64
#: (RFC 6052 well-known prefix, RFC 8215 local-use) and the deprecated IPv4-compatible ``::/96``.
_EMBEDDING_LOW_32 = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("64:ff9b:1::/48"),
    ipaddress.IPv6Network("::/96"),
)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    found = [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour) if v4 is not None]
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in network for network in _EMBEDDING_LOW_32):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _public(address: str) -> bool:
    """Global, not multicast, and, for IPv6, carrying no IPv4 address that is not public."""
    ip = ipaddress.ip_address(address)
    if not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return all(_public(str(v4)) for v4 in _embedded_ipv4(ip))
    return True


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
