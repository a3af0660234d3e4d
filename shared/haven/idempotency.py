"""Idempotency of POSTs that create something.

A client retrying a POST sends the same ``Idempotency-Key``. The first request is recorded as
in progress; when it succeeds its response is stored for ``idempotency_ttl_seconds``. A retry
with the same key and the same request replays the stored response; the same key with another
request is refused (422); a retry while the first is still running gets 409.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Protocol

from haven.errors import FieldError, ValidationFailed

_KEY_RE = re.compile(r"^[A-Za-z0-9._:\-]{8,128}$")


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: str
    content_type: str


class IdempotencyStore(Protocol):
    def begin(self, key: str, fingerprint: str, ttl_seconds: int) -> StoredResponse | None:
        """Claim ``key``. ``None`` when the claim is new; the stored response for a replay.

        Raises :class:`~haven.errors.IdempotencyKeyReused` when ``key`` was used for another
        request, :class:`~haven.errors.Conflict` while the first request is in progress.
        """
        ...

    def complete(self, key: str, response: StoredResponse) -> None: ...

    def release(self, key: str) -> None:
        """Forget a claim whose request failed, so that the client may retry."""
        ...


def validate_key(raw: str) -> str:
    if not _KEY_RE.match(raw):
        raise ValidationFailed(
            [FieldError("Idempotency-Key", "8 to 128 characters from A-Z a-z 0-9 . _ : -")]
        )
    return raw


def scoped_key(route: str, caller: str, key: str) -> str:
    """Keys are scoped to the route and the caller so that callers cannot collide."""
    return f"{route}#{caller}#{key}"


def fingerprint(method: str, path: str, body: bytes) -> str:
    """Identity of a request: JSON bodies are compared by content, not by formatting."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
