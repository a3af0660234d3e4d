"""Displacement evidence aggregated per month and cell.

Access patterns (no Scan):

evidence
  - Query ``month#<YYYY-MM>`` per month of the requested range: the displacement cells.
  - GetItem / TransactWrite on ``incident#<id>``/``contribution`` (conditional on the version
    read) with ADD on the cells it moves: idempotent, incremental aggregation.
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- evidence: displacement aggregates (see haven.evidence) ---------------------------------


class EvidenceRecord(Model):
    """Displacement counters and the contribution of each incident to them.

    cell: pk ``month#<YYYY-MM>``, sk ``<hazard>#<country>``, with ``incidents``, ``reports``,
    ``people_displaced``. contribution: pk ``incident#<id>``, sk ``contribution``, with the
    incident ``version`` last applied and what it added (``contribution``).
    """

    class Meta(HavenMeta):
        table_name = table_name("evidence")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    incidents = NumberAttribute(null=True)
    reports = NumberAttribute(null=True)
    people_displaced = NumberAttribute(null=True)
    version = NumberAttribute(null=True)
    contribution = JSONAttribute(null=True)
