"""DynamoDB implementation of :class:`haven.idempotency.IdempotencyStore`.

A stored response may hold a one-time secret (a tracking code, a deletion token, a webhook
secret): nothing of it is stored in clear, and only a holder of the request's
``Idempotency-Key`` can have it back (ADR 23). From the deployment's signing key and the scoped
key (route, caller, ``Idempotency-Key``) three values are derived with HMAC-SHA256, each under
its own label:

- the record's id: the table holds no ``Idempotency-Key``, so a reader of the table cannot
  present one;
- the request fingerprint as stored: no hash of a body (a complaint, a person record) that a
  reader could confirm guesses against;
- the AES-256-GCM key that seals the response body, with the record's id as associated data.

Without the ``Idempotency-Key`` neither a reader of the table nor a holder of the signing key
alone can open a stored response; a replay opens it with the key it was sent with.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from haven.adapters.dynamo.connection import condition_failed
from haven.adapters.dynamo.models.api import IdempotencyRecord
from haven.errors import Conflict, IdempotencyKeyReused
from haven.idempotency import StoredResponse

_IN_PROGRESS = "in_progress"
_COMPLETED = "completed"
#: A claim left in progress by a crashed request is taken over after this long.
_IN_PROGRESS_LEASE_SECONDS = 60
_SEALED = "v1"


class _Keys:
    """What one scoped key derives: the record id, the stored fingerprint, the sealing key."""

    def __init__(self, secret: bytes, scoped_key: str) -> None:
        self._secret = secret
        self._scoped = scoped_key.encode()
        self.record_id = self._derive("record").hex()

    def _derive(self, label: str, *parts: bytes) -> bytes:
        message = b"\0".join((f"haven:idempotency:{label}".encode(), self._scoped, *parts))
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def fingerprint(self, request_print: str) -> str:
        return self._derive("fingerprint", request_print.encode()).hex()

    def seal(self, body: str) -> str:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # at first use (ADR 0039)

        nonce = os.urandom(12)
        sealed = AESGCM(self._derive("response")).encrypt(nonce, body.encode(), self.record_id.encode())
        return f"{_SEALED}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str) -> str:
        version, _, payload = sealed.partition(".")
        if version != _SEALED:
            raise ValueError("unknown sealing version of a stored response")
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        raw = base64.urlsafe_b64decode(payload)
        return AESGCM(self._derive("response")).decrypt(raw[:12], raw[12:], self.record_id.encode()).decode()


class DynamoIdempotencyStore:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def begin(self, key: str, fingerprint: str, ttl_seconds: int) -> StoredResponse | None:
        keys = _Keys(self._secret, key)
        stored_print = keys.fingerprint(fingerprint)
        now = datetime.now(UTC).replace(microsecond=0)
        expires = now + timedelta(seconds=ttl_seconds)
        record = IdempotencyRecord(
            key=keys.record_id, fingerprint=stored_print, state=_IN_PROGRESS, expires_at=expires
        )
        lease_expired = (IdempotencyRecord.state == _IN_PROGRESS) & (
            IdempotencyRecord.expires_at < expires - timedelta(seconds=_IN_PROGRESS_LEASE_SECONDS)
        )
        try:
            record.save(
                condition=IdempotencyRecord.key.does_not_exist()
                | (IdempotencyRecord.expires_at < now)
                | ((IdempotencyRecord.fingerprint == stored_print) & lease_expired)
            )
            return None
        except PutError as error:
            if not condition_failed(error):
                raise
        existing = IdempotencyRecord.get(keys.record_id, consistent_read=True)
        if not hmac.compare_digest(existing.fingerprint, stored_print):
            raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request")
        if existing.state != _COMPLETED or existing.response_status is None:
            raise Conflict("a request with this Idempotency-Key is still in progress; retry later")
        return StoredResponse(
            status=int(existing.response_status),
            body=keys.open(existing.response_body) if existing.response_body else "",
            content_type=existing.content_type or "application/json",
        )

    def complete(self, key: str, response: StoredResponse) -> None:
        keys = _Keys(self._secret, key)
        try:
            IdempotencyRecord(key=keys.record_id).update(
                actions=[
                    IdempotencyRecord.state.set(_COMPLETED),
                    IdempotencyRecord.response_status.set(response.status),
                    IdempotencyRecord.response_body.set(keys.seal(response.body)),
                    IdempotencyRecord.content_type.set(response.content_type),
                ],
                condition=IdempotencyRecord.key.exists(),
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise

    def release(self, key: str) -> None:
        try:
            IdempotencyRecord(key=_Keys(self._secret, key).record_id).delete(
                condition=IdempotencyRecord.state == _IN_PROGRESS
            )
        except DeleteError as error:
            if not condition_failed(error):
                raise
