"""The poll use case with in-memory ports: dedupe, relevance, cursor, health."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from haven import clock
from haven.areas import Circle
from haven.crisis.reports import Report
from haven.errors import Conflict
from haven.feeds.connectors import Request
from haven.feeds.polling import FetchFailed, Poller, Response, StoredItem, retry_after
from haven.feeds.sources import UNHEALTHY_AFTER, FeedSource, Settings, backoff, failed
from haven.geo import Point

USGS = (Path(__file__).parent / "samples" / "usgs.geojson").read_bytes()
NOW = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


class Store:
    def __init__(self, source: FeedSource) -> None:
        self.stored = source
        self.items: dict[str, StoredItem] = {}
        self.reports: list[Report] = []

    def source(self, source_id: str) -> FeedSource | None:
        return self.stored

    def known(self, source_id: str, native_ids: list[str]) -> dict[str, datetime]:
        return {n: self.items[n].item.updated_at for n in native_ids if n in self.items}

    def commit(
        self, source: FeedSource, items: list[StoredItem], reports: list[Report], expected: int
    ) -> FeedSource:
        assert expected == self.stored.version
        self.items.update({i.item.native_id: i for i in items})
        self.reports += reports
        self.stored = replace(source, version=expected + 1)
        return self.stored

    def queued(self, source: FeedSource) -> FeedSource:
        self.stored = replace(source, pending_reports=(), version=source.version + 1)
        return self.stored

    def save_health(self, source: FeedSource, expected: int) -> FeedSource:
        self.stored = replace(source, version=expected + 1)
        return self.stored


class Fetcher:
    def __init__(self, *answers: bytes | FetchFailed) -> None:
        self.answers = list(answers)
        self.requests: list[Request] = []

    def fetch(self, request: Request) -> Response:
        self.requests.append(request)
        answer = self.answers.pop(0)
        if isinstance(answer, FetchFailed):
            raise answer
        return Response(200, {"content-type": "application/geo+json"}, answer)


class Sink:
    def __init__(self) -> None:
        self.kept: list[str] = []
        self.queued: list[str] = []

    def keep(self, key: str, body: bytes, content_type: str) -> None:
        self.kept.append(key)

    def enqueue(self, report_id: str) -> None:
        self.queued.append(report_id)

    def bearer_token(self, secret_name: str) -> str:
        return "token"


def source(**settings: object) -> FeedSource:
    return FeedSource(
        "01J0000000000000000000000A",
        Settings(**{"type": "usgs", "url": "https://feed.example/q.geojson", **settings}),  # type: ignore[arg-type]
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T00:00:00+00:00",
        NOW,
        version=1,
    )


def poller(store: Store, fetcher: Fetcher, sink: Sink) -> Poller:
    return Poller(store, fetcher, sink, sink, sink, timedelta(days=180))


def revised(body: bytes, magnitude: str) -> bytes:
    document = json.loads(body)
    feature = document["features"][0]
    feature["properties"]["updated"] += 60_000
    feature["properties"]["title"] = feature["properties"]["title"].replace("5.8", magnitude)
    return json.dumps(document).encode()


def test_new_items_become_feed_reports_and_a_repeat_poll_adds_nothing() -> None:
    store, sink = Store(source()), Sink()
    first = poller(store, Fetcher(USGS, USGS), sink).poll(store.stored.source_id)
    assert first is not None
    assert first.ok
    assert first.new == 2
    assert {r.source for r in store.reports} == {"feed:usgs"}
    assert sink.queued == first.reports
    assert len(first.reports) == 2
    assert store.stored.cursor is not None
    assert store.stored.pending_reports == ()
    second = poller(store, Fetcher(USGS), sink).poll(store.stored.source_id)
    assert second is not None
    assert second.new == 0
    assert second.reports == []
    assert len(store.reports) == 2


def test_a_revised_item_updates_the_stored_one_without_a_second_report() -> None:
    store, sink = Store(source()), Sink()
    poller(store, Fetcher(USGS), sink).poll(store.stored.source_id)
    store.stored = replace(store.stored, cursor=None)  # as if the cursor were lost: dedupe holds
    outcome = poller(store, Fetcher(revised(USGS, "6.1")), sink).poll(store.stored.source_id)
    assert outcome is not None
    assert outcome.revised == 1
    assert outcome.repeated == 1
    assert outcome.reports == []
    assert "M 6.1" in store.items["us7000abcd"].item.text
    assert len(store.reports) == 2


def test_items_outside_the_area_or_without_keywords_are_counted_not_reported() -> None:
    store, sink = Store(source(area=Circle(Point(39.5, 26.3), 100), keywords=("Turkey", "Fiji"))), Sink()
    outcome = poller(store, Fetcher(USGS), sink).poll(store.stored.source_id)
    assert outcome is not None
    assert len(outcome.reports) == 1
    assert outcome.kept_out == {"outside_area": 1}
    assert store.items["us7000abce"].relevance == "outside_area"


def test_a_malformed_payload_records_the_error_and_moves_no_cursor() -> None:
    store, sink = Store(replace(source(), cursor="2026-01-01T00:00:00+00:00")), Sink()
    outcome = poller(store, Fetcher(USGS[:100]), sink).poll(store.stored.source_id)
    assert outcome is not None
    assert not outcome.ok
    assert store.stored.cursor == "2026-01-01T00:00:00+00:00"
    assert store.items == {}
    assert store.stored.health.consecutive_failures == 1
    assert store.stored.health.last_error is not None
    assert "FeedFormatError" in store.stored.health.last_error
    assert sink.kept  # the raw payload is archived for diagnosis


def test_429_waits_what_the_feed_asked_and_repeated_failures_mark_unhealthy() -> None:
    store, sink = Store(source(interval_minutes=5)), Sink()
    throttled = FetchFailed("HTTP 429", datetime.now(UTC) + timedelta(hours=1))
    poller(store, Fetcher(throttled), sink).poll(store.stored.source_id)
    assert store.stored.next_poll_at >= datetime.now(UTC) + timedelta(minutes=59)
    for _ in range(UNHEALTHY_AFTER - 1):
        poller(store, Fetcher(FetchFailed("HTTP 503")), sink).poll(store.stored.source_id)
    assert store.stored.health.unhealthy
    assert store.stored.health.consecutive_failures == UNHEALTHY_AFTER
    poller(store, Fetcher(USGS), sink).poll(store.stored.source_id)
    assert not store.stored.health.unhealthy
    assert store.stored.health.consecutive_failures == 0


def test_backoff_doubles_from_the_interval_up_to_a_cap() -> None:
    interval = timedelta(minutes=5)
    assert [backoff(interval, n) for n in (1, 2, 3)] == [interval, 2 * interval, 4 * interval]
    assert backoff(interval, 40) == timedelta(hours=6)
    assert failed(source(), "x", NOW).next_poll_at == NOW + interval


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "120"}, NOW + timedelta(seconds=120)),
        ({"retry-after": "Fri, 02 Jan 2026 12:10:00 GMT"}, NOW + timedelta(minutes=10)),
        ({"retry-after": "Fri, 02 Jan 2026 12:10:00 -0000"}, NOW + timedelta(minutes=10)),
        (
            {
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(int((NOW + timedelta(minutes=15)).timestamp())),
            },
            NOW + timedelta(minutes=15),
        ),
        (
            {
                "ratelimit-remaining": "0",
                "ratelimit-reset": str(int((NOW + timedelta(seconds=30)).timestamp())),
            },
            NOW + timedelta(seconds=30),
        ),
        (
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "2026-01-02T12:05:00+00:00"},
            NOW + timedelta(minutes=5),
        ),
        ({"x-rate-limit-remaining": "10", "x-rate-limit-reset": "1"}, None),
        ({"x-rate-limit-remaining": "0", "x-rate-limit-reset": "9" * 30}, None),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_reads_the_rate_limit_headers(headers: dict[str, str], expected: datetime | None) -> None:
    assert retry_after(headers, NOW) == expected


def test_a_rate_limited_poll_waits_until_the_reset_has_passed(monkeypatch: pytest.MonkeyPatch) -> None:
    """X answers 429 with the epoch second its window resets; the answer comes after the poll
    started (here 40.7 s after), and the next poll is due only once the reset has passed."""
    started = NOW + timedelta(microseconds=300_000)
    reset = NOW + timedelta(minutes=15)
    answered = started + timedelta(seconds=40, microseconds=700_000)
    moments = iter([started, answered])
    monkeypatch.setattr("haven.clock.now", lambda: next(moments, answered))

    class RateLimited(Fetcher):
        def fetch(self, request: Request) -> Response:
            headers = {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(reset.timestamp()))}
            raise FetchFailed("HTTP 429", retry_after(headers, clock.now()))

    store, sink = Store(source(interval_minutes=5)), Sink()
    poller(store, RateLimited(), sink).poll(store.stored.source_id)
    assert store.stored.next_poll_at > reset
    assert store.stored.next_poll_at == reset + timedelta(seconds=1)
    assert store.stored.health.consecutive_failures == 1


def test_credentials_become_a_bearer_header() -> None:
    store, sink = (
        Store(source(type="x", url="https://api.x.com", query="flood", credentials_ref="feeds/x")),
        Sink(),
    )
    fetcher = Fetcher(b'{"meta":{"result_count":0}}')
    poller(store, fetcher, sink).poll(store.stored.source_id)
    assert fetcher.requests[0].headers["Authorization"] == "Bearer token"


def test_any_failure_to_read_the_feed_counts_in_the_sources_health() -> None:
    class Unarchived(Sink):
        def keep(self, key: str, body: bytes, content_type: str) -> None:
            raise ConnectionError("archive unreachable")

    store, sink = Store(source()), Unarchived()
    outcome = poller(store, Fetcher(USGS), sink).poll(store.stored.source_id)
    assert outcome is not None
    assert not outcome.ok
    assert store.stored.health.consecutive_failures == 1
    assert store.stored.health.last_error == "ConnectionError: archive unreachable"
    assert store.items == {}
    assert store.stored.cursor is None


def test_a_poll_whose_commit_fails_counts_in_the_sources_health_and_a_conflict_is_raised() -> None:
    class Unwritable(Store):
        def __init__(self, source: FeedSource, error: Exception) -> None:
            super().__init__(source)
            self.error = error

        def commit(
            self, source: FeedSource, items: list[StoredItem], reports: list[Report], expected: int
        ) -> FeedSource:
            raise self.error

    store = Unwritable(source(), RuntimeError("item too large"))
    outcome = poller(store, Fetcher(USGS), Sink()).poll(store.stored.source_id)
    assert outcome is not None
    assert not outcome.ok
    assert store.stored.health.consecutive_failures == 1
    assert store.stored.health.last_error == "RuntimeError: item too large"

    changed = Unwritable(source(), Conflict("the feed source changed during the poll"))
    with pytest.raises(Conflict):
        poller(changed, Fetcher(USGS), Sink()).poll(changed.stored.source_id)
    assert changed.stored.health.consecutive_failures == 0
