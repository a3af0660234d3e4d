"""Feed sources Haven polls, and the items fetched from them.

Access patterns (no Scan):

feed-sources
  - GetItem by ``source_id``; conditional writes on ``version`` (PATCH, health, cursor).
  - Query ``by_schedule`` (``enabled``, next_poll_at <= now): the sources due (scheduler);
    (``enabled`` | ``disabled``, next_poll_at): the responders' list.
feed-items
  - BatchGet by (source_id, native_id): which fetched items are already stored (dedupe).
  - TransactWrite of new or newer items (conditional on the stored ``updated_at`` being older),
    their reports and the source's cursor; TTL ``expires_at``.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- feed polling (see haven.feeds) -----------------------------------------------------------


class FeedSourcesBySchedule(GlobalSecondaryIndex["FeedSource"]):
    class Meta:
        index_name = "by_schedule"
        projection = AllProjection()

    schedule = UnicodeAttribute(hash_key=True)
    next_poll_at = UnicodeAttribute(range_key=True)


class FeedSource(Model):
    """A polled feed: its settings, cursor, health and reports not yet known to be queued."""

    class Meta(HavenMeta):
        table_name = table_name("feed-sources")

    source_id = UnicodeAttribute(hash_key=True)
    schedule = UnicodeAttribute()  # enabled | disabled
    next_poll_at = UnicodeAttribute()
    settings = JSONAttribute()
    cursor = UnicodeAttribute(null=True)
    health = JSONAttribute()
    pending_reports = JSONAttribute(default=list)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    by_schedule = FeedSourcesBySchedule()


class FeedItem(Model):
    """One item of a feed, deduplicated on (source, native id); a revision overwrites it."""

    class Meta(HavenMeta):
        table_name = table_name("feed-items")

    source_id = UnicodeAttribute(hash_key=True)
    native_id = UnicodeAttribute(range_key=True)
    updated_at = UnicodeAttribute()
    text = UnicodeAttribute()
    lat = NumberAttribute(null=True)
    lon = NumberAttribute(null=True)
    relevance = UnicodeAttribute()
    report_id = UnicodeAttribute(null=True)
    link = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()
