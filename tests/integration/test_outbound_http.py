"""Outbound HTTP to webhooks and feeds, over real sockets: redirects are re-checked (feeds) or
refused (webhooks), and a request goes to the very address that was checked, over TLS verified
against the URL's host name."""

from __future__ import annotations

import datetime as dt
import http.server
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from haven.adapters import outbound, webhook_client
from haven.adapters.feeds import HttpFetcher
from haven.errors import ValidationFailed
from haven.feeds.connectors import Request
from haven.feeds.polling import FetchFailed
from haven.urls import Target, check_target
from tests.drip_server import drip_server


class _Server:
    """A loopback HTTP(S) server answering ``routes``: path → (status, headers, body)."""

    def __init__(
        self, routes: dict[str, tuple[int, dict[str, str], bytes]], tls: ssl.SSLContext | None = None
    ):
        self.hits: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                server.hits.append(self.path)
                status, headers, body = routes.get(self.path, (404, {}, b"no"))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def servers() -> Iterator[list[_Server]]:
    started: list[_Server] = []
    yield started
    for server in started:
        server.close()


def _resolver(answers: dict[str, list[str]]) -> Any:
    return lambda host: answers[host]


def test_feed_redirects_are_followed_only_where_the_first_url_could_go(servers: list[_Server]) -> None:
    routes = {
        "/feed": (200, {"Content-Type": "application/json"}, b"{}"),
        "/moved": (302, {"Location": "/feed"}, b""),
        "/to-metadata": (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b""),
        "/to-private-name": (301, {"Location": "https://metadata.example.org/latest/"}, b""),
        "/loop": (302, {"Location": "/loop"}, b""),
    }
    servers.append(server := _Server(routes))
    fetcher = HttpFetcher(resolver=_resolver({"metadata.example.org": ["169.254.169.254"]}))

    assert fetcher.fetch(Request(server.url + "/moved")).body == b"{}"
    with pytest.raises(FetchFailed, match="URL refused: must be an https URL"):
        fetcher.fetch(Request(server.url + "/to-metadata"))
    with pytest.raises(FetchFailed, match="URL refused: must resolve to public addresses only"):
        fetcher.fetch(Request(server.url + "/to-private-name"))
    with pytest.raises(FetchFailed, match="too many redirects"):
        fetcher.fetch(Request(server.url + "/loop"))
    assert server.hits.count("/feed") == 1


def test_a_webhook_that_redirects_is_a_failed_delivery_and_is_not_followed(servers: list[_Server]) -> None:
    servers.append(elsewhere := _Server({"/hook": (204, {}, b"")}))
    servers.append(receiver := _Server({"/hook": (307, {"Location": elsewhere.url + "/hook"}, b"")}))

    result = webhook_client.post(receiver.url + "/hook", b"{}", {})

    assert (result.ok, result.status) == (False, 307)
    assert receiver.hits == ["/hook"]
    assert elsewhere.hits == []


def test_the_connection_goes_to_the_address_that_was_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: the name resolved to a public address when checked and to a private one a
    moment later. The request must go to the first, never resolve the name again."""
    target = check_target(
        "https://feed.example.org/items",
        local_mode=False,
        resolver=_resolver({"feed.example.org": ["93.184.216.34"]}),
    )
    monkeypatch.setattr(
        "socket.getaddrinfo", lambda *args, **kwargs: pytest.fail(f"resolved again: {args[0]}")
    )
    dialled: list[tuple[str, int]] = []

    def create_connection(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        dialled.append(address)
        raise ConnectionRefusedError("test: nothing listens")

    monkeypatch.setattr(outbound.socket, "create_connection", create_connection)
    with pytest.raises(OSError, match="nothing listens"):
        outbound.open_checked(target, urllib.request.Request(target.url), outbound.Deadline(2))
    assert dialled == [("93.184.216.34", 443)]


def _certificate(tmp_path: Path, host: str) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_tls_to_the_pinned_address_is_verified_against_the_host_name(
    tmp_path: Path, servers: list[_Server]
) -> None:
    cert, key = _certificate(tmp_path, "feed.example.org")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    servers.append(server := _Server({"/items": (200, {}, b"pinned")}, tls=tls))
    trust = ssl.create_default_context(cafile=str(cert))

    right = Target(f"https://feed.example.org:{server.port}/items", ("127.0.0.1",))
    with outbound.open_checked(
        right, urllib.request.Request(right.url), outbound.Deadline(5), context=trust
    ) as answer:
        assert answer.read() == b"pinned"

    wrong = Target(f"https://other.example.org:{server.port}/items", ("127.0.0.1",))
    with pytest.raises(urllib.error.URLError, match=r"CERTIFICATE_VERIFY_FAILED|match"):
        outbound.open_checked(wrong, urllib.request.Request(wrong.url), outbound.Deadline(5), context=trust)


def test_a_peer_dripping_bytes_cannot_hold_a_feed_fetch_past_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each byte comes well within any timeout per read; only a total deadline ends the fetch."""
    from haven.adapters import feeds

    monkeypatch.setattr(feeds, "DEADLINE_SECONDS", 1.0)
    with drip_server(body=b"x" * 200, interval_s=0.05) as slow:  # 14 s in all
        started = time.monotonic()
        with pytest.raises(FetchFailed, match="TimeoutError"):
            HttpFetcher().fetch(Request(slow.url + "/feed"))
        assert time.monotonic() - started < 4.0


def test_a_webhook_dripping_its_answer_cannot_hold_a_delivery_past_its_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webhook_client, "DEADLINE_SECONDS", 1.0)
    with drip_server(interval_s=0.1) as slow:  # 8 s in all
        started = time.monotonic()
        result = webhook_client.post(slow.url + "/hook", b"{}", {})
        assert time.monotonic() - started < 4.0
    assert (result.ok, result.status) == (False, None)
    assert result.error in {"TimeoutError", "URLError"}


def test_a_quick_answer_within_the_deadline_is_read_whole() -> None:
    with drip_server(body=b'{"ok": true}', interval_s=0.001) as quick:
        assert HttpFetcher().fetch(Request(quick.url + "/feed")).body == b'{"ok": true}'


def test_a_name_server_that_never_answers_holds_nothing_past_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """getaddrinfo has no timeout: the check of a URL runs within the exchange's deadline."""

    def silent_name_server(host: str) -> list[str]:
        time.sleep(10)
        return ["93.184.216.34"]

    from haven.adapters import feeds

    monkeypatch.setattr(webhook_client, "DEADLINE_SECONDS", 1.0)
    monkeypatch.setattr(feeds, "DEADLINE_SECONDS", 1.0)
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match="did not resolve in time"):
        webhook_client.post("https://slow-dns.example.org/hook", b"{}", {}, resolver=silent_name_server)
    with pytest.raises(FetchFailed, match="did not resolve in time"):
        HttpFetcher(resolver=silent_name_server).fetch(Request("https://slow-dns.example.org/feed"))
    assert time.monotonic() - started < 6.0  # two checks of 1 s, not two lookups of 10 s


def test_a_refused_url_is_refused_within_the_check() -> None:
    with pytest.raises(ValidationFailed, match="public addresses only"):
        outbound.check_in_time(
            "https://metadata.example.org/",
            local_mode=False,
            field="url",
            deadline=outbound.Deadline(1),
            resolver=_resolver({"metadata.example.org": ["169.254.169.254"]}),
        )


def test_the_deadline_holds_over_tls_to_a_pinned_address(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path, "feed.example.org")
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    trust = ssl.create_default_context(cafile=str(cert))
    with drip_server(interval_s=0.1, tls=tls) as slow:  # 8 s in all
        target = Target(f"https://feed.example.org:{slow.port}/items", ("127.0.0.1",))
        started = time.monotonic()
        with (
            pytest.raises(TimeoutError),
            outbound.open_checked(
                target, urllib.request.Request(target.url), outbound.Deadline(1), trust
            ) as answer,
        ):
            answer.read()
        assert time.monotonic() - started < 4.0
        assert slow.requests == 1


def test_a_peer_dripping_its_tls_handshake_cannot_hold_the_call_past_its_deadline(tmp_path: Path) -> None:
    """A server that answers the ClientHello with a record header announcing 16 KiB, then one
    byte every 0.2 s: a timeout per read would never fire. The socket's timeout is set to what
    is left of the deadline before the handshake, and CPython's ssl spends it on the handshake
    as a whole: the call ends at the deadline."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def drip() -> None:
        peer, _ = listener.accept()
        with peer:
            peer.recv(65536)  # the ClientHello
            peer.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16384 bytes follows...
            for _ in range(20):  # 4 s, then the connection closes (so a failing run ends)
                if stop.wait(0.2):
                    return
                try:
                    peer.sendall(b"\x00")
                except OSError:
                    return

    threading.Thread(target=drip, daemon=True).start()
    target = Target(f"https://feed.example.org:{listener.getsockname()[1]}/items", ("127.0.0.1",))
    started = time.monotonic()
    try:
        with pytest.raises(urllib.error.URLError) as refused:
            outbound.open_checked(target, urllib.request.Request(target.url), outbound.Deadline(1))
        assert isinstance(refused.value.reason, TimeoutError)
        assert time.monotonic() - started < 3.0
    finally:
        stop.set()
        listener.close()
