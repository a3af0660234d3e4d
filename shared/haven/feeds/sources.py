"""Feed sources: what responders ask Haven to poll, and each source's health.

A source names its type (its connector), where to poll (an URL, and a tag or search for social
media), optional keywords and area of interest, its interval, whether it is enabled, and for
sources behind a token the *name* of a Secrets Manager secret (never the secret), which must
exist when the source is registered or changed. Its URL is checked against private networks
when registered and again at every fetch.

Health: each failed poll counts; the next poll backs off exponentially from the interval (or
waits until the time the feed asked for with ``Retry-After`` or a rate limit's reset has
passed), and after :data:`UNHEALTHY_AFTER` failures in a row the source is marked unhealthy (it
keeps being polled, at the backed-off pace). One success resets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from haven import clock, ids, urls
from haven.areas import Area, area_view
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.feeds.connectors.catalog import CONNECTORS

UNHEALTHY_AFTER = 5
MAX_BACKOFF = timedelta(hours=6)
#: Secret names a source may reference; the poller's role may read only these.
CREDENTIALS_PATTERN = re.compile(r"^feeds/[A-Za-z0-9/_+=.@-]{1,200}$")


@dataclass(frozen=True)
class Health:
    last_success_at: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    consecutive_failures: int = 0
    unhealthy: bool = False


@dataclass(frozen=True)
class Settings:
    """What a responder sets on a source."""

    type: str
    url: str
    query: str | None = None
    keywords: tuple[str, ...] = ()
    #: An area of interest: one circle or one polygon.
    area: Area | None = None
    interval_minutes: int = 5
    enabled: bool = True
    credentials_ref: str | None = None


@dataclass(frozen=True)
class FeedSource:
    source_id: str
    settings: Settings
    created_at: str
    updated_at: str
    next_poll_at: datetime
    cursor: str | None = None
    health: Health = field(default_factory=Health)
    #: Reports committed with items but maybe not yet queued for triage (queued again if so).
    pending_reports: tuple[str, ...] = ()
    version: int = 0

    def view(self) -> dict[str, Any]:
        s = self.settings
        return {
            "source_id": self.source_id,
            "type": s.type,
            "url": s.url,
            "query": s.query,
            "keywords": list(s.keywords),
            "area": area_view([s.area]) if s.area else None,
            "interval_minutes": s.interval_minutes,
            "enabled": s.enabled,
            "credentials_ref": s.credentials_ref,
            "cursor": self.cursor,
            "next_poll_at": clock.iso(self.next_poll_at),
            "health": self.health.__dict__,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "version": self.version,
        }


class SourceRepository(Protocol):
    def add(self, source: FeedSource) -> None: ...

    def get(self, source_id: str) -> FeedSource | None: ...

    def replace(self, source: FeedSource, expected_version: int) -> FeedSource:
        """Write ``source`` if its stored version is ``expected_version``; raises StaleSource."""
        ...

    def delete(self, source_id: str) -> None: ...


class SecretDirectory(Protocol):
    def exists(self, name: str) -> bool:
        """Whether this stage holds the secret ``name`` (``feeds/...``), without reading it."""
        ...


class PollQueue(Protocol):
    def enqueue(self, source_id: str) -> None: ...


class StaleSource(Exception):
    """The source changed since it was read."""

    def __init__(self, current: FeedSource | None) -> None:
        super().__init__("stale source")
        self.current = current


def check_settings(
    settings: Settings,
    *,
    secrets: SecretDirectory,
    local_mode: bool,
    resolver: urls.Resolver | None = None,
) -> Settings:
    errors: list[FieldError] = []
    connector = CONNECTORS.get(settings.type)
    if connector is None:
        errors.append(FieldError("type", "must be one of " + ", ".join(CONNECTORS)))
    elif connector.needs_credentials and not settings.credentials_ref:
        errors.append(
            FieldError("credentials_ref", f"a {settings.type} source needs a credentials reference")
        )
    if connector is not None and connector.needs_query and not settings.query:
        errors.append(FieldError("query", f"a {settings.type} source needs a tag or search query"))
    if settings.credentials_ref and not CREDENTIALS_PATTERN.match(settings.credentials_ref):
        errors.append(FieldError("credentials_ref", "must be a secret name under feeds/"))
    elif settings.credentials_ref and not secrets.exists(settings.credentials_ref):
        errors.append(FieldError("credentials_ref", "no such secret: store the token first"))
    try:
        urls.check_url(settings.url, local_mode=local_mode)
    except ValidationFailed as failure:
        errors.extend(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    return settings


def register(
    settings: Settings, *, sources: SourceRepository, secrets: SecretDirectory, local_mode: bool
) -> FeedSource:
    check_settings(settings, secrets=secrets, local_mode=local_mode)
    now = clock.now()
    source = FeedSource(ids.new_id(), settings, clock.iso(now), clock.iso(now), next_poll_at=now)
    sources.add(source)
    return source


def get(source_id: str, *, sources: SourceRepository) -> FeedSource:
    source = sources.get(source_id) if ids.is_id(source_id) else None
    if source is None:
        raise NotFound("no such feed source")
    return source


def stale(current: FeedSource | None) -> Conflict:
    return Conflict(
        "the feed source changed since you read it", current_version=current.version if current else None
    )


def update(
    source_id: str,
    changes: dict[str, Any],
    *,
    expected_version: int,
    sources: SourceRepository,
    secrets: SecretDirectory,
    local_mode: bool,
) -> FeedSource:
    """Apply ``changes`` (fields of :class:`Settings`); a changed URL or query restarts the cursor."""
    source = get(source_id, sources=sources)
    settings = check_settings(replace(source.settings, **changes), secrets=secrets, local_mode=local_mode)
    moved = (settings.url, settings.query) != (source.settings.url, source.settings.query)
    now = clock.now()
    updated = replace(
        source,
        settings=settings,
        updated_at=clock.iso(now),
        cursor=None if moved else source.cursor,
        next_poll_at=now if settings.enabled and not source.settings.enabled else source.next_poll_at,
    )
    try:
        return sources.replace(updated, expected_version)
    except StaleSource as error:
        raise stale(error.current) from None


def delete(source_id: str, *, sources: SourceRepository) -> None:
    get(source_id, sources=sources)
    sources.delete(source_id)


def poll_now(source_id: str, *, sources: SourceRepository, queue: PollQueue) -> FeedSource:
    source = get(source_id, sources=sources)
    queue.enqueue(source.source_id)
    return source


# --- health -----------------------------------------------------------------------------------


def backoff(interval: timedelta, failures: int) -> timedelta:
    """interval, 2x, 4x, ... after each failure in a row, up to :data:`MAX_BACKOFF`."""
    return min(MAX_BACKOFF, interval * (1 << min(max(0, failures - 1), 16)))


def succeeded(source: FeedSource, now: datetime) -> FeedSource:
    return replace(
        source,
        health=replace(
            source.health, last_success_at=clock.iso(now), consecutive_failures=0, unhealthy=False
        ),
        next_poll_at=now + timedelta(minutes=source.settings.interval_minutes),
    )


def failed(source: FeedSource, error: str, now: datetime, retry_at: datetime | None = None) -> FeedSource:
    """A failed poll that started at ``now``: backed off, and never before the feed's ``retry_at``
    has passed (the next poll is due at the first whole second after it)."""
    failures = source.health.consecutive_failures + 1
    delay = backoff(timedelta(minutes=source.settings.interval_minutes), failures)
    next_poll_at = now + delay
    if retry_at is not None:
        next_poll_at = max(next_poll_at, retry_at.replace(microsecond=0) + timedelta(seconds=1))
    return replace(
        source,
        health=Health(
            last_success_at=source.health.last_success_at,
            last_error=error[:300],
            last_error_at=clock.iso(now),
            consecutive_failures=failures,
            unhealthy=failures >= UNHEALTHY_AFTER,
        ),
        next_poll_at=next_poll_at,
    )
