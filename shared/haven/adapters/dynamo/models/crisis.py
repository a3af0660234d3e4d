"""Crisis reports, the incidents they cluster into, and the claims that serialise openings.

Access patterns (no Scan):

reports
  - GetItem by ``report_id`` (reporter's status view, triage).
  - Query ``by_status`` (status, received_at) for the responders' report list, newest first.
  - Query ``by_incident`` (incident_id, received_at): the reports of one incident.
incidents
  - GetItem by ``incident_id``.
  - Query ``by_hazard_cell`` (hazard#cell at the hazard's resolution, last_report_at) on the
    seven cells around a report: clustering, whatever the number of stored incidents.
  - Query ``by_status`` (status, updated_at) for the ops list and the public verified list.
incident-claims
  - BatchGet (consistent) of the seven ``cell`` keys around a report: which incidents opened
    there, read strongly where the ``by_hazard_cell`` index may lag; a conditional write on
    each ``sequence`` read serialises the openings of one neighbourhood (haven.crisis.triage).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- crisis reports --------------------------------------------------------------------------


class ReportsByStatus(GlobalSecondaryIndex["Report"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    received_at = UnicodeAttribute(range_key=True)


class ReportsByIncident(GlobalSecondaryIndex["Report"]):
    class Meta:
        index_name = "by_incident"
        projection = AllProjection()

    incident_id = UnicodeAttribute(hash_key=True)
    received_at = UnicodeAttribute(range_key=True)


class MediaItem(MapAttribute[str, object]):
    key = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()


class Report(Model):
    class Meta(HavenMeta):
        table_name = table_name("reports")

    report_id = UnicodeAttribute(hash_key=True)
    tracking_token_hash = UnicodeAttribute()
    status = UnicodeAttribute()
    source = UnicodeAttribute()
    category = UnicodeAttribute()
    hazard = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    accuracy_m = NumberAttribute(null=True)
    cell = UnicodeAttribute()
    occurred_at = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute()
    people_affected = NumberAttribute(null=True)
    language = UnicodeAttribute(null=True)
    contact = UnicodeAttribute(null=True)
    anonymous = BooleanAttribute(default=False)
    media = ListAttribute(of=MediaItem, default=list)
    incident_id = UnicodeAttribute(null=True)
    triage = JSONAttribute(null=True)
    restored_at = UnicodeAttribute(null=True)
    restored_by = UnicodeAttribute(null=True)
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)

    by_status = ReportsByStatus()
    by_incident = ReportsByIncident()


class IncidentsByHazardCell(GlobalSecondaryIndex["Incident"]):
    """Which incidents are near: keys only (triage then reads the items strongly)."""

    class Meta:
        index_name = "by_hazard_cell"
        projection = KeysOnlyProjection()

    hazard_cell = UnicodeAttribute(hash_key=True)
    last_report_at = UnicodeAttribute(range_key=True)


class IncidentsByStatus(GlobalSecondaryIndex["Incident"]):
    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class Incident(Model):
    class Meta(HavenMeta):
        table_name = table_name("incidents")

    incident_id = UnicodeAttribute(hash_key=True)
    hazard = UnicodeAttribute()
    category = UnicodeAttribute()
    hazard_cell = UnicodeAttribute()
    status = UnicodeAttribute()
    lat = NumberAttribute()
    lon = NumberAttribute()
    radius_km = NumberAttribute()
    report_count = NumberAttribute()
    feed_item_count = NumberAttribute(default=0)
    people_affected = NumberAttribute(default=0)
    severity = UnicodeAttribute()
    credibility = NumberAttribute()
    opened_at = UnicodeAttribute()
    last_report_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    assignee = UnicodeAttribute(null=True)
    notes = JSONAttribute(default=list)
    history = JSONAttribute(default=list)
    version = VersionAttribute()

    by_hazard_cell = IncidentsByHazardCell()
    by_status = IncidentsByStatus()


class IncidentClaim(Model):
    """The incidents opened around a hazard cell (latest first) and how many openings it saw."""

    class Meta(HavenMeta):
        table_name = table_name("incident-claims")

    cell = UnicodeAttribute(hash_key=True)
    incident_ids = ListAttribute(of=UnicodeAttribute)
    sequence = NumberAttribute()
    expires_at = TTLAttribute()
