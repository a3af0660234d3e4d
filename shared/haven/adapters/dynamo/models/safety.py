"""Safety: persons looked for or found, their notes, name keys and search rate windows.

Access patterns (no Scan):

safety
  - GetItem ``person#<id>``/``person``; Query ``person#<id>`` for its notes (deletion).
  - Name search: Query ``name#<key>`` for the sound keys of the query's words and joined
    words (a bounded number, each read up to a cap; see haven.safety.names), then BatchGet
    of the best-ranked persons. ``make reindex-names`` re-keys stored records (ADR 0033).
  - Query ``by_entry`` (entry day, entry date#id) per day since a date: PFIF incremental sync.
  - UpdateItem ADD on ``rate#<client>``/``<window>``: search rate limit; TTL ``expires_at``.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    ListAttribute,
    TTLAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- safety: person finder (see haven.safety) ---------------------------------------------


class SafetyByEntry(GlobalSecondaryIndex["SafetyRecord"]):
    class Meta:
        index_name = "by_entry"
        projection = AllProjection()

    entry_day = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)


class SafetyRecord(Model):
    """Persons, their notes and the name index, in one table.

    ``kind`` says which: person (pk ``person#<id>``, sk ``person``), note (pk ``person#<id>``,
    sk ``note#<note id>``), name (pk ``name#<key>``, sk ``<person id>``, with the person's
    ``tokens``).
    """

    class Meta(HavenMeta):
        table_name = table_name("safety")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    data = JSONAttribute(null=True)
    tokens = ListAttribute(of=UnicodeAttribute, null=True)
    latest_status = UnicodeAttribute(null=True)
    entry_day = UnicodeAttribute(null=True)
    entry_key = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()

    by_entry = SafetyByEntry()
