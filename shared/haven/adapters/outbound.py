"""HTTP(S) requests to targets outside: partner webhooks, alert webhooks, feeds.

Every request goes to an address :func:`haven.urls.check_target` has just checked. The HTTPS
connection is made to that address itself, while TLS still verifies the certificate of the
host name (SNI and hostname check) and the ``Host`` header still names it: resolving the name a
second time, as a plain ``urlopen`` would, lets a DNS answer that changed in between (DNS
rebinding) reach a private address. Redirects are never followed here; a caller that follows
them checks each new URL first.

Every exchange has a total deadline, not a timeout per read: connecting, the TLS handshake,
sending, the status line, the headers and every read of the body are each given only what is
left of it, so a peer that drips one byte at a time cannot hold the caller longer than the
deadline (a socket timeout alone restarts with every byte). Checking the URL, which resolves its
host name, runs within the same deadline (:func:`check_in_time`): ``getaddrinfo`` has no timeout
of its own, and a name server that never answers must not hold the caller either.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import socket
import ssl
import threading
import time
import urllib.request
from typing import Any

from haven.errors import FieldError, ValidationFailed
from haven.urls import Resolver, Target, check_target


class Deadline:
    """The moment by which a whole exchange must be over."""

    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def remaining(self) -> float:
        """Seconds left; :class:`TimeoutError` once there are none."""
        left = self._at - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request's deadline passed")
        return left


def check_in_time(
    url: str, *, local_mode: bool, field: str, deadline: Deadline, resolver: Resolver | None = None
) -> Target:
    """:func:`haven.urls.check_target` within what is left of ``deadline``. A host name not
    resolved in time does not resolve (:class:`ValidationFailed` naming ``field``); the lookup
    is left to finish on its own (daemon) thread, so that nothing waits for it."""
    outcome: dict[str, Any] = {}

    def check() -> None:
        try:
            outcome["target"] = check_target(url, local_mode=local_mode, field=field, resolver=resolver)
        except Exception as error:  # handed to the caller below
            outcome["error"] = error

    lookup = threading.Thread(target=check, name="check-target", daemon=True)
    lookup.start()
    with contextlib.suppress(TimeoutError):  # no time left: only what the check found counts
        lookup.join(deadline.remaining())
    if "error" in outcome:
        raise outcome["error"]
    if "target" not in outcome:
        raise ValidationFailed([FieldError(field, "host did not resolve in time")])
    return outcome["target"]  # type: ignore[no-any-return]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect could lead to a private address: the caller decides


class _DeadlineReader(io.RawIOBase):
    """The socket's reads, each allowed only the time left before the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # holds the socket open, as http.client expects
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._sock.settimeout(self._deadline.remaining())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """What :class:`http.client.HTTPResponse` reads the answer from: the connection's socket,
    through a reader bound to the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._deadline))


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: Any, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(_DeadlineSocket(sock, deadline), *args, **kwargs)  # type: ignore[arg-type]


class _Bounded(http.client.HTTPConnection):
    """Connecting, sending and reading the answer all within ``deadline``."""

    deadline: Deadline

    def connect(self) -> None:
        self.timeout = self.deadline.remaining()
        super().connect()

    def send(self, data: Any) -> None:
        if self.sock is not None:
            self.sock.settimeout(self.deadline.remaining())
        super().send(data)

    def response_class(self, sock: socket.socket, *args: Any, **kwargs: Any) -> http.client.HTTPResponse:  # type: ignore[override]
        return _DeadlineResponse(sock, *args, deadline=self.deadline, **kwargs)


class _BoundedHTTPConnection(_Bounded):
    pass


class _BoundedHTTPSConnection(_Bounded, http.client.HTTPSConnection):
    #: The checked address to connect to; empty: the host name's (local mode).
    pinned_address = ""

    def connect(self) -> None:
        if not self.pinned_address:
            super().connect()
            return
        sock = socket.create_connection((self.pinned_address, self.port), self.deadline.remaining())
        sock.settimeout(self.deadline.remaining())  # the TLS handshake too
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class _BoundedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self._deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> http.client.HTTPConnection:
            bounded = _BoundedHTTPConnection(host, **kwargs)
            bounded.deadline = self._deadline
            return bounded

        return self.do_open(connection, req)


class _BoundedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, address: str, context: ssl.SSLContext | None, deadline: Deadline) -> None:
        super().__init__(context=context or ssl.create_default_context())
        self._address = address
        self._deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        def connection(host: str, **kwargs: Any) -> http.client.HTTPSConnection:
            bounded = _BoundedHTTPSConnection(host, **kwargs)
            bounded.pinned_address = self._address
            bounded.deadline = self._deadline
            return bounded

        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def open_checked(
    target: Target, request: urllib.request.Request, deadline: Deadline, context: ssl.SSLContext | None = None
) -> Any:
    """Send ``request`` (for ``target.url``) to the address that was checked, and let the whole
    exchange, reading the body included, end by ``deadline`` (past it, reads raise
    :class:`TimeoutError`). Redirects are answered as :class:`urllib.error.HTTPError`, never
    followed."""
    address = target.addresses[0] if target.addresses else ""
    opener = urllib.request.build_opener(
        NoRedirect(), _BoundedHTTPHandler(deadline), _BoundedHTTPSHandler(address, context, deadline)
    )
    return opener.open(request, timeout=deadline.remaining())
