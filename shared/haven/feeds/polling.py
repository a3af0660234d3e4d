"""Polling one feed source: fetch, parse, keep what is new, send what matters to triage.

1. Reports committed by an earlier poll but perhaps not queued (a crash between the two) are
   queued again; triage ignores a report it has already triaged.
2. Each page is fetched (the URL re-checked against private networks, the bearer token read
   from its secret), its raw body archived, and parsed by the source's connector.
3. Items are deduplicated on (source, native id): an unknown item is new, a known one with a
   later update time is a revision (stored over the old one, not sent to triage again), the
   rest are repeats.
4. New items that are inside the area of interest, match the keywords and can be located
   become reports with source ``feed:<type>``; the others are counted by reason. Relevance is
   triage's to judge: a social post it finds confidently ``not_humanitarian`` is kept out of
   incidents there, with the reason, where a responder can restore it; an official feed's item
   never is (``haven.crisis.triage.keep_out_reason``).
5. Items, reports and the advanced cursor are committed atomically by the store; then the
   reports are queued for triage.

Any failure from the fetch to the commit (fetch, credentials, archive, parse, storage) is
recorded on the source (backoff, unhealthy after repeated failures) and its cursor does not
move. Only a conflict (the source changed during the poll) is raised, to poll it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from haven import clock, geo, ids
from haven.crisis.report import REPORT_CELL_RESOLUTION, Report, ReportStatus, hash_token
from haven.crisis.taxonomy import Category
from haven.errors import Conflict
from haven.feeds import gazetteer
from haven.feeds.connectors import FeedItem, Query, Request
from haven.feeds.connectors.catalog import CONNECTORS
from haven.feeds.sources import FeedSource, failed, succeeded
from haven.geo import Point

#: Pages one poll follows (X ``next_token``, Bluesky ``cursor``) before waiting for the next.
MAX_PAGES = 5
#: How long stored items are kept (DynamoDB TTL).
ITEM_RETENTION = timedelta(days=30)


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


class FetchFailed(Exception):
    """The feed could not be read: network error, timeout, HTTP error, refused URL.

    ``retry_at`` is the moment the feed said it may be asked again (a rate limit's reset): a
    moment, not a wait, because the poll's next time is reckoned from when the poll started.
    """

    def __init__(self, reason: str, retry_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.retry_at = retry_at


class Fetcher(Protocol):
    def fetch(self, request: Request) -> Response:
        """The 2xx response; raises :class:`FetchFailed` otherwise."""
        ...


class Credentials(Protocol):
    def bearer_token(self, secret_name: str) -> str:
        """The token; raises :class:`FetchFailed` if the secret is not there."""
        ...


class RawArchive(Protocol):
    def keep(self, key: str, body: bytes, content_type: str) -> None: ...


class IntakeQueue(Protocol):
    def enqueue(self, report_id: str) -> None: ...


@dataclass(frozen=True)
class StoredItem:
    source_id: str
    item: FeedItem
    location: Point | None
    relevance: str  # "relevant" or why it was kept out
    report_id: str | None
    expires_at: datetime


class FeedStore(Protocol):
    def source(self, source_id: str) -> FeedSource | None: ...

    def known(self, source_id: str, native_ids: list[str]) -> dict[str, datetime]:
        """The stored update time of each of ``native_ids`` already stored."""
        ...

    def commit(
        self, source: FeedSource, items: list[StoredItem], reports: list[Report], expected_version: int
    ) -> FeedSource:
        """Write items (conditional on being new or newer), reports and ``source`` (its cursor,
        health and pending reports) atomically, or fail with :class:`~haven.errors.Conflict`."""
        ...

    def queued(self, source: FeedSource) -> FeedSource:
        """Clear the source's pending reports once queued (conditional on its version)."""
        ...

    def save_health(self, source: FeedSource, expected_version: int) -> FeedSource:
        """Write the source's health and next poll time (conditional on the version)."""
        ...


@dataclass
class PollOutcome:
    source_id: str
    ok: bool
    error: str | None = None
    fetched: int = 0
    new: int = 0
    revised: int = 0
    repeated: int = 0
    reports: list[str] = field(default_factory=list)
    kept_out: Counter[str] = field(default_factory=Counter)


def retry_after(headers: Mapping[str, str], now: datetime) -> datetime | None:
    """When the feed said to ask again, for an answer received at ``now``: ``Retry-After``
    (seconds or an HTTP date), else an exhausted rate limit's reset (``x-rate-limit-reset`` /
    ``ratelimit-reset`` / ``x-ratelimit-reset``: epoch seconds or an ISO time)."""
    lowered = {k.lower(): v.strip() for k, v in headers.items()}
    try:
        moment = _asked_moment(lowered, now)
    except (TypeError, ValueError, OverflowError, OSError):  # a date no calendar holds
        return None
    return moment.replace(tzinfo=now.tzinfo) if moment and moment.tzinfo is None else moment


def _asked_moment(lowered: Mapping[str, str], now: datetime) -> datetime | None:
    value = lowered.get("retry-after")
    if value:
        return now + timedelta(seconds=int(value)) if value.isdigit() else parsedate_to_datetime(value)
    for prefix in ("x-rate-limit-", "ratelimit-", "x-ratelimit-"):
        reset = lowered.get(prefix + "reset")
        if lowered.get(prefix + "remaining") == "0" and reset:
            return (
                datetime.fromtimestamp(int(reset), now.tzinfo)
                if reset.isdigit()
                else datetime.fromisoformat(reset)
            )
    return None


def judge(source: FeedSource, item: FeedItem) -> tuple[Point | None, str]:
    """Where the item is and whether it goes to triage ("relevant") or why not."""
    location = item.point or gazetteer.locate(item.places, item.text)
    settings = source.settings
    if settings.keywords and not any(k.casefold() in item.text.casefold() for k in settings.keywords):
        return location, "no_keyword"
    if location is None:
        return None, "unlocated"
    if settings.area is not None and not settings.area.contains(location):
        return location, "outside_area"
    return location, "relevant"


def feed_report(
    source: FeedSource, item: FeedItem, location: Point, now: datetime, retention: timedelta
) -> Report:
    return Report(
        report_id=ids.new_id(),
        tracking_token_hash=hash_token(ids.new_token()),  # nobody holds it: no reporter view
        status=ReportStatus.RECEIVED,
        source=f"feed:{source.settings.type}",
        category=Category.UNKNOWN.value,
        description=item.text or source.settings.type,
        location=location,
        cell=geo.cell(location, REPORT_CELL_RESOLUTION),
        received_at=now,
        expires_at=now + retention,
        occurred_at=min(item.updated_at, now),
    )


def latest_revisions(items: list[FeedItem]) -> list[FeedItem]:
    newest: dict[str, FeedItem] = {}
    for item in items:
        if item.native_id not in newest or item.updated_at > newest[item.native_id].updated_at:
            newest[item.native_id] = item
    return list(newest.values())


@dataclass
class Poller:
    store: FeedStore
    fetcher: Fetcher
    archive: RawArchive
    intake: IntakeQueue
    credentials: Credentials
    report_retention: timedelta

    def poll(self, source_id: str) -> PollOutcome | None:
        """Poll one source; ``None`` if it no longer exists or is disabled."""
        source = self.store.source(source_id)
        if source is None or not source.settings.enabled:
            return None
        source = self.flush(source)
        now = clock.now()
        try:
            outcome, committed = self.attempt(source, now)
        except Conflict:
            raise  # the source changed meanwhile: poll it again as it is now
        except Exception as error:  # whatever else kept this poll from its result counts against it
            retry_at = error.retry_at if isinstance(error, FetchFailed) else None
            self.store.save_health(
                failed(source, f"{type(error).__name__}: {error}", now, retry_at), source.version
            )
            return PollOutcome(source_id, ok=False, error=str(error))
        self.flush(committed)
        return outcome

    def attempt(self, source: FeedSource, now: datetime) -> tuple[PollOutcome, FeedSource]:
        """Read, select and commit: what the poll did, and the source as committed."""
        items, cursor = self.read(source, now)
        outcome = PollOutcome(source.source_id, ok=True, fetched=len(items))
        stored, reports = self.select(source, items, now, outcome)
        advanced = replace(
            succeeded(source, now),
            cursor=cursor or source.cursor,
            pending_reports=tuple(r.report_id for r in reports),
        )
        committed = self.store.commit(advanced, stored, reports, source.version)
        outcome.reports = [r.report_id for r in reports]
        return outcome, committed

    def read(self, source: FeedSource, now: datetime) -> tuple[list[FeedItem], str | None]:
        """Every page of this poll and the cursor of the next: all or nothing."""
        connector = CONNECTORS[source.settings.type]
        query = Query(source.settings.url, source.settings.query)
        items: list[FeedItem] = []
        cursor: str | None = None
        page: str | None = None
        for number in range(MAX_PAGES):
            request = connector.request(query, source.cursor, page)
            if source.settings.credentials_ref:
                token = self.credentials.bearer_token(source.settings.credentials_ref)
                request = replace(request, headers={**request.headers, "Authorization": f"Bearer {token}"})
            response = self.fetcher.fetch(request)
            key = f"feeds/{source.source_id}/{now.strftime('%Y/%m/%d/%H%M%S')}-{number}"
            self.archive.keep(
                key, response.body, response.headers.get("content-type", "application/octet-stream")
            )
            parsed = connector.parse(response.body, response.headers, source.cursor)
            items.extend(parsed.items)
            cursor = cursor or parsed.cursor
            page = parsed.next_page
            if page is None:
                break
        return items, cursor

    def select(
        self, source: FeedSource, items: list[FeedItem], now: datetime, outcome: PollOutcome
    ) -> tuple[list[StoredItem], list[Report]]:
        latest = latest_revisions(items)
        known = self.store.known(source.source_id, [i.native_id for i in latest])
        stored: list[StoredItem] = []
        reports: list[Report] = []
        for item in latest:
            seen = known.get(item.native_id)
            if seen is not None and item.updated_at <= seen:
                outcome.repeated += 1
                continue
            location, relevance = self.judged(source, item)
            report = None
            if seen is not None:
                outcome.revised += 1
            elif relevance == "relevant" and location is not None:
                outcome.new += 1
                report = feed_report(source, item, location, now, self.report_retention)
                reports.append(report)
            else:
                outcome.new += 1
                outcome.kept_out[relevance] += 1
            stored.append(
                StoredItem(
                    source.source_id,
                    item,
                    location,
                    relevance,
                    report.report_id if report else None,
                    now + ITEM_RETENTION,
                )
            )
        return stored, reports

    def judged(self, source: FeedSource, item: FeedItem) -> tuple[Point | None, str]:
        return judge(source, item)

    def flush(self, source: FeedSource) -> FeedSource:
        """Queue the source's pending reports for triage, then forget them."""
        if not source.pending_reports:
            return source
        for report_id in source.pending_reports:
            self.intake.enqueue(report_id)
        return self.store.queued(source)


def outcome_summary(outcome: PollOutcome) -> dict[str, Any]:
    """What a poll did, for logs and metrics: counts only, never item text."""
    return {
        "source_id": outcome.source_id,
        "ok": outcome.ok,
        "fetched": outcome.fetched,
        "new": outcome.new,
        "revised": outcome.revised,
        "repeated": outcome.repeated,
        "reports": len(outcome.reports),
        "kept_out": dict(outcome.kept_out),
    }
