"""Signed webhook deliveries per the Standard Webhooks specification, in CloudEvents 1.0 JSON.

Headers: ``webhook-id`` (stable per message: retries reuse it, so receivers deduplicate),
``webhook-timestamp`` (seconds since the epoch) and ``webhook-signature: v1,<base64>`` where the
signature is HMAC-SHA256, keyed by the base64-decoded secret (``whsec_...``), over
``"{id}.{timestamp}.{body}"``. Several signatures may be sent, space-separated, while a secret is
rotated; a receiver accepts any that verifies.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
#: The media type of a CloudEvents structured-mode JSON body (CloudEvents HTTP binding, 3.2).
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
#: Receivers reject timestamps further than this from their clock (replay protection).
TOLERANCE_SECONDS = 5 * 60


class InvalidSignature(Exception):
    pass


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(SECRET_PREFIX):
        raise ValueError("webhook secrets start with whsec_")
    return base64.b64decode(secret[len(SECRET_PREFIX) :])


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def sign(
    secrets_: Sequence[str], message_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of a delivery, signed with every active secret (rotation overlap)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": " ".join(signature(s, message_id, ts, body) for s in secrets_),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    """What a receiver does; raises :class:`InvalidSignature` on any mismatch or a stale stamp."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        offered = lowered["webhook-signature"].split(" ")
    except (KeyError, ValueError):
        raise InvalidSignature("missing or malformed webhook headers") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = signature(secret, message_id, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise InvalidSignature("no signature matches")


def cloudevent(
    *, event_id: str, source: str, event_type: str, subject: str, time_iso: str, data: Mapping[str, Any]
) -> bytes:
    """A CloudEvents 1.0 structured-mode JSON body, sent as :data:`CONTENT_TYPE`."""
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": event_type,
        "subject": subject,
        "time": time_iso,
        "datacontenttype": "application/json",
        "data": dict(data),
    }
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()
