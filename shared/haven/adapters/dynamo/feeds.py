"""Feed sources and their items in DynamoDB.

A poll's commit is one TransactWrite per chunk of items (a transaction holds 100 actions): the
items (each conditional on being new or newer than the stored revision), their reports
(conditional on being new) and the source (conditional on the version read). The source is
written in every chunk with the reports committed so far as pending, and with the advanced
cursor and health only in the last: a crash between chunks leaves stored items that the next
poll sees as repeats, and pending reports that it queues again. Nothing is lost or repeated.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError, UpdateError

from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models.crisis import Report as ReportRow
from haven.adapters.dynamo.models.feeds import FeedItem as ItemRow
from haven.adapters.dynamo.models.feeds import FeedSource as SourceRow
from haven.adapters.dynamo.reports import to_item as report_row
from haven.crisis.reports import Report
from haven.errors import Conflict
from haven.feeds.polling import StoredItem
from haven.feeds.sources import FeedSource, Health, Settings, StaleSource
from haven.geo import area_from_dict, area_to_dict
from haven.kernel import Page

#: Items per transaction: each may bring a report, and the source is one more action.
CHUNK = 49
_CONDITION_FAILED = "ConditionalCheckFailedException"


def stamp(moment: datetime) -> str:
    """A fixed-width UTC time: stored update times compare as strings."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _settings_dict(s: Settings) -> dict[str, Any]:
    return {
        "type": s.type,
        "url": s.url,
        "query": s.query,
        "keywords": list(s.keywords),
        "area": area_to_dict(s.area) if s.area else None,
        "interval_minutes": s.interval_minutes,
        "enabled": s.enabled,
        "credentials_ref": s.credentials_ref,
    }


def _settings(data: dict[str, Any]) -> Settings:
    return Settings(
        type=data["type"],
        url=data["url"],
        query=data.get("query"),
        keywords=tuple(data.get("keywords") or ()),
        area=area_from_dict(data["area"]) if data.get("area") else None,
        interval_minutes=int(data["interval_minutes"]),
        enabled=bool(data["enabled"]),
        credentials_ref=data.get("credentials_ref"),
    )


def to_row(source: FeedSource, version: int | None) -> SourceRow:
    row = SourceRow(
        source_id=source.source_id,
        schedule="enabled" if source.settings.enabled else "disabled",
        next_poll_at=stamp(source.next_poll_at),
        settings=_settings_dict(source.settings),
        cursor=source.cursor,
        health=source.health.__dict__,
        pending_reports=list(source.pending_reports),
        created_at=source.created_at,
        updated_at=source.updated_at,
    )
    if version is not None:
        row.version = version
    return row


def from_row(row: SourceRow) -> FeedSource:
    return FeedSource(
        source_id=row.source_id,
        settings=_settings(row.settings),
        created_at=row.created_at,
        updated_at=row.updated_at,
        next_poll_at=datetime.fromisoformat(row.next_poll_at),
        cursor=row.cursor,
        health=Health(**row.health),
        pending_reports=tuple(row.pending_reports or ()),
        version=int(row.version or 0),
    )


def _item_row(stored: StoredItem) -> ItemRow:
    item = stored.item
    return ItemRow(
        source_id=stored.source_id,
        native_id=item.native_id,
        updated_at=stamp(item.updated_at),
        text=item.text,
        lat=stored.location.lat if stored.location else None,
        lon=stored.location.lon if stored.location else None,
        relevance=stored.relevance,
        report_id=stored.report_id,
        link=item.link,
        expires_at=stored.expires_at,
    )


class DynamoFeedSources:
    """The responders' side: sources and their settings."""

    def add(self, source: FeedSource) -> None:
        to_row(source, None).save(condition=SourceRow.source_id.does_not_exist())

    def get(self, source_id: str) -> FeedSource | None:
        try:
            return from_row(SourceRow.get(source_id, consistent_read=True))
        except SourceRow.DoesNotExist:
            return None

    def replace(self, source: FeedSource, expected_version: int) -> FeedSource:
        row = to_row(source, expected_version)
        try:
            row.save()
        except PutError as error:
            if getattr(error, "cause_response_code", None) == _CONDITION_FAILED:
                raise StaleSource(self.get(source.source_id)) from None
            raise
        return from_row(row)

    def delete(self, source_id: str) -> None:
        SourceRow(source_id=source_id).delete(add_version_condition=False)

    def page(self, enabled: bool, limit: int, position: dict[str, Any] | None) -> Page:
        result = SourceRow.by_schedule.query(
            "enabled" if enabled else "disabled", limit=limit, last_evaluated_key=position
        )
        items = [from_row(row).view() for row in result]
        return Page(items, result.last_evaluated_key)

    def due(self, now: datetime, limit: int) -> list[FeedSource]:
        rows = SourceRow.by_schedule.query("enabled", SourceRow.next_poll_at <= stamp(now), limit=limit)
        return [from_row(row) for row in rows]


class DynamoFeedStore(DynamoFeedSources):
    """The poller's side: dedupe lookups and the atomic commit of a poll."""

    def source(self, source_id: str) -> FeedSource | None:
        return self.get(source_id)

    def known(self, source_id: str, native_ids: list[str]) -> dict[str, datetime]:
        keys = [(source_id, native_id) for native_id in native_ids]
        return {
            row.native_id: datetime.fromisoformat(row.updated_at)
            for row in ItemRow.batch_get(keys, attributes_to_get=["native_id", "updated_at"])
        }

    def save_health(self, source: FeedSource, expected_version: int) -> FeedSource:
        try:
            return self.replace(source, expected_version)
        except StaleSource:
            raise Conflict("the feed source changed during the poll") from None

    def queued(self, source: FeedSource) -> FeedSource:
        row = to_row(source, source.version)
        try:
            row.update(actions=[SourceRow.pending_reports.set([])])
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == _CONDITION_FAILED:
                raise Conflict("the feed source changed during the poll") from None
            raise
        return from_row(row)

    def commit(
        self, source: FeedSource, items: list[StoredItem], reports: list[Report], expected_version: int
    ) -> FeedSource:
        by_item = {r.report_id: r for r in reports}
        chunks = [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)] or [[]]
        before = self.get(source.source_id)
        if before is None or before.version != expected_version:
            raise Conflict("the feed source changed during the poll")
        pending = list(before.pending_reports)
        version = expected_version
        for number, chunk in enumerate(chunks):
            chunk_reports = [by_item[s.report_id] for s in chunk if s.report_id]
            pending += [r.report_id for r in chunk_reports]
            last = number == len(chunks) - 1
            state = source if last else replace(before, pending_reports=tuple(pending))
            self._transact(state, version, chunk, chunk_reports)
            version += 1
        return replace(source, version=version)

    def _transact(
        self, source: FeedSource, version: int, items: list[StoredItem], reports: list[Report]
    ) -> None:
        try:
            with transaction() as writes:
                writes.save(to_row(source, version))
                for stored in items:
                    row = _item_row(stored)
                    writes.save(
                        row,
                        condition=ItemRow.native_id.does_not_exist() | (ItemRow.updated_at < row.updated_at),
                    )
                for report in reports:
                    writes.save(report_row(report), condition=ReportRow.report_id.does_not_exist())
        except TransactWriteError as error:
            reasons = getattr(error, "cancellation_reasons", None) or []
            if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
                raise Conflict("the feed source or its items changed during the poll") from None
            raise
