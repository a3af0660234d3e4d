"""Feed sources in DynamoDB: the responders' side (add, edit, page) and the scheduler's (due).

Apart from the poller's store (:mod:`haven.adapters.dynamo.feeds`) so that the scheduler and the
API's feed routes load the sources only, not the items and the reports a poll commits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError

from haven.adapters.dynamo.connection import condition_failed
from haven.adapters.dynamo.models.feeds import FeedSource as SourceRow
from haven.areas import area_from_dict, area_to_dict
from haven.feeds.sources import FeedSource, Health, Settings, StaleSource
from haven.kernel import Page


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
            if condition_failed(error):
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
