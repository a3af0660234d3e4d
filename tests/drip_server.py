"""A slow peer on loopback, for tests: answers every request by dripping its bytes one at a time
(status line, headers and body alike), so that a timeout per read never fires."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DripServer:
    def __init__(
        self, body: bytes = b'{"items": []}', interval_s: float = 0.2, tls: ssl.SSLContext | None = None
    ) -> None:
        self.answer = (
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        self.interval_s = interval_s
        self.tls = tls
        self.requests = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                peer, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return  # closed
            threading.Thread(target=self._drip, args=(peer,), daemon=True).start()

    def _drip(self, peer: socket.socket) -> None:
        with peer:
            peer.settimeout(5)
            try:
                if self.tls is not None:
                    peer = self.tls.wrap_socket(peer, server_side=True)
                peer.recv(65536)  # the request (small, in one segment on loopback)
                self.requests += 1
                for byte in self.answer:
                    if self._stop.wait(self.interval_s):
                        return
                    peer.sendall(bytes([byte]))
            except OSError:
                return  # the client gave up, as it should

    def close(self) -> None:
        self._stop.set()
        self._listener.close()


@contextmanager
def drip_server(
    body: bytes = b'{"items": []}', interval_s: float = 0.2, tls: ssl.SSLContext | None = None
) -> Iterator[DripServer]:
    server = DripServer(body, interval_s, tls)
    try:
        yield server
    finally:
        server.close()
