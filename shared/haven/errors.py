"""Typed domain errors. Adapters map them to HTTP problems or to batch item failures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class HavenError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 500
    title = "Internal error"
    slug = "internal"

    def __init__(self, detail: str = "", **extensions: object) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions


class ValidationFailed(HavenError):
    status = 422
    title = "Validation failed"
    slug = "validation"

    def __init__(self, errors: Sequence[FieldError], detail: str = "") -> None:
        super().__init__(detail or "; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = list(errors)


class MalformedRequest(HavenError):
    status = 400
    title = "Malformed request"
    slug = "malformed"


class Unauthenticated(HavenError):
    status = 401
    title = "Authentication required"
    slug = "unauthenticated"


class Forbidden(HavenError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(HavenError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(HavenError):
    """A stale version, an illegal transition or a concurrent request."""

    status = 409
    title = "Conflict"
    slug = "conflict"


class IdempotencyKeyReused(HavenError):
    status = 422
    title = "Idempotency key reused with another request"
    slug = "idempotency-key-reused"


class PayloadTooLarge(HavenError):
    status = 413
    title = "Payload too large"
    slug = "payload-too-large"


class RateLimited(HavenError):
    status = 429
    title = "Too many requests"
    slug = "rate-limited"


class DeliveryFailed(Exception):
    """A message could not be handed to its channel now (the provider refused or was down);
    worth trying again, after ``retry_after`` seconds when the provider said so."""

    def __init__(self, reason: str, retry_after: int | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


@dataclass
class Problem:
    """RFC 9457 problem details."""

    status: int
    title: str
    slug: str
    detail: str = ""
    errors: list[FieldError] = field(default_factory=list)
    extensions: dict[str, object] = field(default_factory=dict)

    TYPE_BASE = "https://haven.example.org/problems/"

    @classmethod
    def from_error(cls, error: HavenError) -> Problem:
        errors = error.errors if isinstance(error, ValidationFailed) else []
        return cls(error.status, error.title, error.slug, error.detail, errors, error.extensions)

    def to_dict(self, instance: str | None = None) -> dict[str, object]:
        body: dict[str, object] = {
            "type": self.TYPE_BASE + self.slug,
            "title": self.title,
            "status": self.status,
            "detail": self.detail or self.title,
        }
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = [{"field": e.field, "message": e.message} for e in self.errors]
        body.update(self.extensions)
        return body
