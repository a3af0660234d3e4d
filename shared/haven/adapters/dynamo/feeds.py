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
from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError

from haven.adapters.dynamo.connection import cancelled_on_condition, condition_failed, transaction
from haven.adapters.dynamo.feed_sources import DynamoFeedSources, from_row, stamp, to_row
from haven.adapters.dynamo.models.crisis import Report as ReportRow
from haven.adapters.dynamo.models.feeds import FeedItem as ItemRow
from haven.adapters.dynamo.models.feeds import FeedSource as SourceRow
from haven.adapters.dynamo.reports import to_item as report_row
from haven.crisis.report import Report
from haven.errors import Conflict
from haven.feeds.polling import StoredItem
from haven.feeds.sources import FeedSource, StaleSource

#: Items per transaction: each may bring a report, and the source is one more action.
CHUNK = 49


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
            if condition_failed(error):
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
            if cancelled_on_condition(error):
                raise Conflict("the feed source or its items changed during the poll") from None
            raise
