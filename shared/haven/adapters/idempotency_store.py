"""DynamoDB implementation of :class:`haven.idempotency.IdempotencyStore`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError, UpdateError

from haven.adapters.dynamo.models import IdempotencyRecord
from haven.errors import Conflict, IdempotencyKeyReused
from haven.idempotency import StoredResponse

_IN_PROGRESS = "in_progress"
_COMPLETED = "completed"
#: A claim left in progress by a crashed request is taken over after this long.
_IN_PROGRESS_LEASE_SECONDS = 60


def _condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


class DynamoIdempotencyStore:
    def begin(self, key: str, fingerprint: str, ttl_seconds: int) -> StoredResponse | None:
        now = datetime.now(UTC).replace(microsecond=0)
        expires = now + timedelta(seconds=ttl_seconds)
        record = IdempotencyRecord(key=key, fingerprint=fingerprint, state=_IN_PROGRESS, expires_at=expires)
        lease_expired = (IdempotencyRecord.state == _IN_PROGRESS) & (
            IdempotencyRecord.expires_at < expires - timedelta(seconds=_IN_PROGRESS_LEASE_SECONDS)
        )
        try:
            record.save(
                condition=IdempotencyRecord.key.does_not_exist()
                | (IdempotencyRecord.expires_at < now)
                | ((IdempotencyRecord.fingerprint == fingerprint) & lease_expired)
            )
            return None
        except PutError as error:
            if not _condition_failed(error):
                raise
        existing = IdempotencyRecord.get(key, consistent_read=True)
        if existing.fingerprint != fingerprint:
            raise IdempotencyKeyReused("this Idempotency-Key was already used with a different request")
        if existing.state != _COMPLETED or existing.response_status is None:
            raise Conflict("a request with this Idempotency-Key is still in progress; retry later")
        return StoredResponse(
            status=int(existing.response_status),
            body=existing.response_body or "",
            content_type=existing.content_type or "application/json",
        )

    def complete(self, key: str, response: StoredResponse) -> None:
        try:
            IdempotencyRecord(key=key).update(
                actions=[
                    IdempotencyRecord.state.set(_COMPLETED),
                    IdempotencyRecord.response_status.set(response.status),
                    IdempotencyRecord.response_body.set(response.body),
                    IdempotencyRecord.content_type.set(response.content_type),
                ],
                condition=IdempotencyRecord.key.exists(),
            )
        except UpdateError as error:
            if not _condition_failed(error):
                raise

    def release(self, key: str) -> None:
        try:
            IdempotencyRecord(key=key).delete(condition=IdempotencyRecord.state == _IN_PROGRESS)
        except DeleteError as error:
            if not _condition_failed(error):
                raise
