"""A partner's webhook receiver on loopback, for tests: records deliveries, answers as scripted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def reference_verify(secret: str, headers: dict[str, str], body: bytes, now: int) -> bool:
    """Straight from the Standard Webhooks specification, independent of haven.webhooks."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    msg_id, ts = headers["webhook-id"], headers["webhook-timestamp"]
    if abs(now - int(ts)) > 300:
        return False
    expected = base64.b64encode(
        hmac.new(key, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    return any(
        part.split(",", 1)[0] == "v1" and hmac.compare_digest(part.split(",", 1)[1], expected)
        for part in headers["webhook-signature"].split(" ")
    )


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    #: Statuses to answer, in order; once used up, ``then`` for every further request.
    script: list[int] = field(default_factory=list)
    then: int = 204
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: int = 0
    url: str = ""

    def answer(self) -> int:
        self.attempts += 1
        return self.script.pop(0) if self.script else self.then


@contextmanager
def receiver(script: list[int] | None = None, then: int = 204) -> Iterator[Receiver]:
    state = Receiver(list(script or []), then)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                status = state.answer()
                if 200 <= status < 300:
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    state.deliveries.append(Delivery(self.path, headers, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/haven"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
