"""PynamoDB models: the tables' keys, indexes and attributes.

The CDK app derives each table's key schema and indexes from these classes, and an infra test
checks the synthesized template against them. Access patterns (all Query/GetItem/BatchGet):

idempotency
  - GetItem / conditional PutItem by ``key`` (route#caller#Idempotency-Key); TTL ``expires_at``.
reports
  - GetItem by ``report_id`` (reporter's status view, triage).
  - Query ``by_status`` (status, received_at) for the responders' report list, newest first.
  - Query ``by_incident`` (incident_id, received_at): the reports of one incident.
incidents
  - GetItem by ``incident_id``.
  - Query ``by_hazard_cell`` (hazard#cell at the hazard's resolution, last_report_at) on the
    seven cells around a report: clustering, whatever the number of stored incidents.
  - Query ``by_status`` (status, updated_at) for the ops list and the public verified list.
"""

from __future__ import annotations

import os

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
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def table_name(logical: str) -> str:
    return f"{os.environ.get('HAVEN_TABLE_PREFIX', 'haven-local')}-{logical}"


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


class HavenMeta:
    """Settings every table shares; each model's ``Meta`` adds its ``table_name``."""

    region = _region()
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 3
    connect_timeout_seconds = 2
    read_timeout_seconds = 5


class IdempotencyRecord(Model):
    class Meta(HavenMeta):
        table_name = table_name("idempotency")

    key = UnicodeAttribute(hash_key=True)
    fingerprint = UnicodeAttribute()
    state = UnicodeAttribute()  # in_progress | completed
    response_status = NumberAttribute(null=True)
    response_body = UnicodeAttribute(null=True)
    content_type = UnicodeAttribute(null=True)
    expires_at = TTLAttribute()


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
    version = VersionAttribute()
    expires_at = TTLAttribute(null=True)

    by_status = ReportsByStatus()
    by_incident = ReportsByIncident()


class IncidentsByHazardCell(GlobalSecondaryIndex["Incident"]):
    class Meta:
        index_name = "by_hazard_cell"
        projection = AllProjection()

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


MODELS: dict[str, type[Model]] = {
    "idempotency": IdempotencyRecord,
    "reports": Report,
    "incidents": Incident,
}
