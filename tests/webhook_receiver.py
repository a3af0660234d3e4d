"""A partner's webhook receiver on loopback, for tests: records deliveries, answers as scripted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

from cloudevents.core.base import BaseCloudEvent
from cloudevents.core.bindings.http import HTTPMessage, from_structured, to_structured
from cloudevents.core.formats.json import JSONFormat
from standardwebhooks.webhooks import Webhook


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


class Delivery(NamedTuple):
    """One delivery the receiver accepted: unpacks as ``headers, body``."""

    headers: dict[str, str]
    body: bytes


def received_cloudevent(secret: str, delivery: Delivery) -> BaseCloudEvent:
    """What a receiver built on the official libraries takes from a delivery: the signature
    checked by ``standardwebhooks`` (which raises on a mismatch), then the body read by the
    CloudEvents SDK in structured mode, the mode the HTTP binding names by ``Content-Type``."""
    Webhook(secret).verify(delivery.body, delivery.headers)
    message = HTTPMessage(delivery.headers, delivery.body)
    event = from_structured(message, JSONFormat())
    media_type = delivery.headers["content-type"].split(";")[0].strip()
    assert media_type == to_structured(event, JSONFormat()).headers["content-type"], media_type
    return event


class WebhookReceiver:
    """A real HTTP receiver on loopback that records what it accepts and answers as scripted:
    ``script`` gives the statuses of the first requests in order, ``then`` every one after."""

    def __init__(self, script: list[int] | None = None, then: int = 204) -> None:
        self.script = list(script or [])
        self.then = then
        self.deliveries: list[Delivery] = []
        self.attempts = 0
        lock = threading.Lock()
        state = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    status = state.answer()
                    if 200 <= status < 300:
                        state.deliveries.append(
                            Delivery({k.lower(): v for k, v in self.headers.items()}, body)
                        )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/haven"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self) -> int:
        self.attempts += 1
        return self.script.pop(0) if self.script else self.then

    def fail_next(self, times: int = 1, status: int = 503) -> None:
        """Answer the next ``times`` requests with ``status`` (a receiver that is down)."""
        self.script[:0] = [status] * times

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def receiver(script: list[int] | None = None, then: int = 204) -> Iterator[WebhookReceiver]:
    running = WebhookReceiver(script, then)
    try:
        yield running
    finally:
        running.close()
