"""Opaque pagination cursors that cannot be forged into reading other data.

A cursor carries the position where a page stopped (DynamoDB's LastEvaluatedKey) and the
*scope* of the query that produced it (the route, the filters, the caller's partner or org).
It is HMAC-signed; decoding checks the signature and that the scope is the current query's.
A tampered cursor, or one replayed against another query or another caller, is rejected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

from haven.errors import FieldError, ValidationFailed

_MAX_AGE_SECONDS = 24 * 3600


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scope_digest(scope: dict[str, Any]) -> str:
    canonical = json.dumps(scope, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


class CursorCodec:
    def __init__(self, key: bytes) -> None:
        if len(key) < 32:
            raise ValueError("cursor key must be at least 32 bytes")
        self._key = hashlib.sha256(b"haven-cursor:" + key).digest()

    def encode(self, position: dict[str, Any], scope: dict[str, Any]) -> str:
        payload = json.dumps(
            {"p": position, "s": _scope_digest(scope), "t": int(time.time())},
            separators=(",", ":"),
        ).encode()
        mac = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        return _b64(payload) + "." + _b64(mac)

    def decode(self, cursor: str, scope: dict[str, Any]) -> dict[str, Any]:
        invalid = ValidationFailed([FieldError("cursor", "invalid or expired cursor")])
        if len(cursor) > 2048 or cursor.count(".") != 1:
            raise invalid
        body, mac = cursor.split(".")
        try:
            payload = _unb64(body)
            given = _unb64(mac)
        except ValueError:
            raise invalid from None
        expected = hmac.new(self._key, payload, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(given, expected):
            raise invalid
        data = json.loads(payload)
        if data.get("s") != _scope_digest(scope):
            raise invalid
        if time.time() - data.get("t", 0) > _MAX_AGE_SECONDS:
            raise invalid
        position = data.get("p")
        if not isinstance(position, dict):
            raise invalid
        return position
