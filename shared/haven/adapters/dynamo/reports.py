"""Reports and incidents in DynamoDB: the crisis repositories."""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import PutError, UpdateError

from haven.adapters.dynamo.connection import condition_failed
from haven.adapters.dynamo.models.crisis import Incident as IncidentItem
from haven.adapters.dynamo.models.crisis import MediaItem
from haven.adapters.dynamo.models.crisis import Report as ReportItem
from haven.crisis.report import Report, ReportStatus, StoredMedia
from haven.errors import Conflict
from haven.geo import Point


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment else None


def to_item(report: Report) -> ReportItem:
    return ReportItem(
        report_id=report.report_id,
        tracking_token_hash=report.tracking_token_hash,
        status=report.status.value,
        source=report.source,
        category=report.category,
        hazard=report.hazard,
        description=report.description,
        lat=report.location.lat,
        lon=report.location.lon,
        accuracy_m=report.accuracy_m,
        cell=report.cell,
        occurred_at=_iso(report.occurred_at),
        received_at=_iso(report.received_at),
        people_affected=report.people_affected,
        language=report.language,
        contact=report.contact,
        anonymous=report.anonymous,
        media=[
            MediaItem(key=m.key, content_type=m.content_type, size_bytes=m.size_bytes) for m in report.media
        ],
        incident_id=report.incident_id,
        triage=report.triage,
        restored_at=_iso(report.restored_at),
        restored_by=report.restored_by,
        expires_at=report.expires_at,
    )


def from_item(item: ReportItem) -> Report:
    return Report(
        report_id=item.report_id,
        tracking_token_hash=item.tracking_token_hash,
        status=ReportStatus(item.status),
        source=item.source,
        category=item.category,
        description=item.description,
        location=Point(float(item.lat), float(item.lon)),
        cell=item.cell,
        received_at=datetime.fromisoformat(item.received_at),
        expires_at=item.expires_at or datetime.now(UTC),
        accuracy_m=item.accuracy_m,
        occurred_at=_dt(item.occurred_at),
        people_affected=int(item.people_affected) if item.people_affected is not None else None,
        language=item.language,
        contact=item.contact,
        anonymous=bool(item.anonymous),
        media=[StoredMedia(m.key, m.content_type, int(m.size_bytes)) for m in (item.media or [])],
        hazard=item.hazard,
        incident_id=item.incident_id,
        triage=item.triage,
        version=item.version,
        restored_at=_dt(item.restored_at),
        restored_by=item.restored_by,
    )


class DynamoReports:
    def add(self, report: Report) -> None:
        try:
            to_item(report).save(condition=ReportItem.report_id.does_not_exist())
        except PutError as error:
            if condition_failed(error):
                raise Conflict("a report with this id exists") from None
            raise

    def get(self, report_id: str) -> Report | None:
        try:
            return from_item(ReportItem.get(report_id))
        except ReportItem.DoesNotExist:
            return None

    def restore(self, report: Report, restored_at: datetime, restored_by: str) -> Report:
        """One conditional update: still kept out (triaged, no incident) at the version read."""
        item = ReportItem(report_id=report.report_id, version=report.version)
        try:
            item.update(
                actions=[
                    ReportItem.status.set(ReportStatus.RECEIVED.value),
                    ReportItem.restored_at.set(restored_at.astimezone(UTC).isoformat()),
                    ReportItem.restored_by.set(restored_by),
                ],
                condition=(ReportItem.status == ReportStatus.TRIAGED.value)
                & ReportItem.incident_id.does_not_exist(),
            )
        except UpdateError as error:
            if condition_failed(error):
                raise Conflict("the report changed meanwhile; read it again") from None
            raise
        return from_item(item)


class DynamoIncidentStatus:
    def status_of(self, incident_id: str) -> str | None:
        try:
            item = IncidentItem.get(incident_id, attributes_to_get=["status"])
        except IncidentItem.DoesNotExist:
            return None
        return str(item.status)
