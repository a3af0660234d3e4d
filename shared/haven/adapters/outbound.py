"""HTTP(S) requests to targets outside: partner webhooks, alert webhooks, feeds.

Every request goes to an address :func:`haven.urls.check_target` has just checked. The HTTPS
connection is made to that address itself, while TLS still verifies the certificate of the
host name (SNI and hostname check) and the ``Host`` header still names it: resolving the name a
second time, as a plain ``urlopen`` would, lets a DNS answer that changed in between (DNS
rebinding) reach a private address. Redirects are never followed here; a caller that follows
them checks each new URL first.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.request
from typing import Any

from haven.urls import Target


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect could lead to a private address: the caller decides


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a fixed address, verified against the URL's host name."""

    pinned_address = ""

    def connect(self) -> None:
        sock = socket.create_connection((self.pinned_address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, address: str, context: ssl.SSLContext | None) -> None:
        super().__init__(context=context or ssl.create_default_context())
        self._address = address

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> http.client.HTTPSConnection:
            pinned = _PinnedHTTPSConnection(host, **kwargs)
            pinned.pinned_address = self._address
            return pinned

        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def open_checked(
    target: Target, request: urllib.request.Request, timeout: float, context: ssl.SSLContext | None = None
) -> Any:
    """Send ``request`` (for ``target.url``) to the address that was checked; redirects are
    answered as :class:`urllib.error.HTTPError`, never followed."""
    handlers: list[urllib.request.BaseHandler] = [NoRedirect()]
    if target.addresses:
        handlers.append(_PinnedHTTPSHandler(target.addresses[0], context))
    return urllib.request.build_opener(*handlers).open(request, timeout=timeout)
