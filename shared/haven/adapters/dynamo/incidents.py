"""Incidents and report lists for responders, in DynamoDB (Queries on the status indexes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import PutError

from haven import clock
from haven.adapters.dynamo.connection import condition_failed
from haven.adapters.dynamo.models.crisis import Incident as IncidentItem
from haven.adapters.dynamo.models.crisis import Report as ReportItem
from haven.crisis.incident import Change, Incident, IncidentStatus, Note, Severity
from haven.crisis.taxonomy import Category, Hazard
from haven.kernel import Page, StaleVersion


def from_item(item: IncidentItem) -> Incident:
    return Incident(
        incident_id=item.incident_id,
        version=int(item.version or 0),
        hazard=Hazard(item.hazard),
        category=Category(item.category),
        status=IncidentStatus(item.status),
        severity=Severity(item.severity),
        lat=float(item.lat),
        lon=float(item.lon),
        radius_km=float(item.radius_km),
        report_count=int(item.report_count),
        people_affected=int(item.people_affected or 0),
        credibility=float(item.credibility),
        opened_at=datetime.fromisoformat(item.opened_at),
        last_report_at=datetime.fromisoformat(item.last_report_at),
        updated_at=datetime.fromisoformat(item.updated_at),
        feed_item_count=int(item.feed_item_count or 0),
        assignee=item.assignee,
        notes=tuple(Note.from_dict(n) for n in item.notes or []),
        history=tuple(Change.from_dict(c) for c in item.history or []),
    )


def to_item(incident: Incident) -> IncidentItem:
    """The item whose save writes ``incident``: conditional on the stored item being at
    ``incident.expected_version`` (absent when 0), as PynamoDB's version attribute does."""
    item = IncidentItem(
        incident_id=incident.incident_id,
        hazard=incident.hazard.value,
        category=incident.category.value,
        hazard_cell=incident.cell_key,
        status=incident.status.value,
        lat=incident.lat,
        lon=incident.lon,
        radius_km=incident.radius_km,
        report_count=incident.report_count,
        feed_item_count=incident.feed_item_count,
        people_affected=incident.people_affected,
        severity=incident.severity.value,
        credibility=incident.credibility,
        opened_at=clock.iso(incident.opened_at),
        last_report_at=incident.last_report_at.astimezone(UTC).isoformat(),
        updated_at=clock.iso(incident.updated_at),
        assignee=incident.assignee,
        notes=[n.to_dict() for n in incident.notes],
        history=[c.to_dict() for c in incident.history],
    )
    if incident.expected_version:
        item.version = incident.expected_version
    return item


def read_incident(incident_id: str) -> Incident | None:
    """The incident, read strongly, or None."""
    try:
        return from_item(IncidentItem.get(incident_id, consistent_read=True))
    except IncidentItem.DoesNotExist:
        return None


def report_dict(item: ReportItem) -> dict[str, Any]:
    """A report as responders see it (full detail, contact included, tracking hash excluded)."""
    return {
        "report_id": item.report_id,
        "status": item.status,
        "source": item.source,
        "category": item.category,
        "hazard": item.hazard,
        "description": item.description,
        "lat": float(item.lat),
        "lon": float(item.lon),
        "accuracy_m": float(item.accuracy_m) if item.accuracy_m is not None else None,
        "occurred_at": item.occurred_at,
        "received_at": item.received_at,
        "people_affected": int(item.people_affected) if item.people_affected is not None else None,
        "language": item.language,
        "contact": item.contact,
        "anonymous": bool(item.anonymous),
        "media": [{"key": m.key, "content_type": m.content_type} for m in item.media or []],
        "incident_id": item.incident_id,
        "triage": item.triage,
        "restored_at": item.restored_at,
    }


class DynamoIncidents:
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page[Incident]:
        result = IncidentItem.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [from_item(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def get(self, incident_id: str) -> Incident | None:
        return read_incident(incident_id)

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]:
        return [
            report_dict(r)
            for r in ReportItem.by_incident.query(incident_id, scan_index_forward=False, limit=limit)
        ]

    def update(self, incident: Incident) -> None:
        try:
            to_item(incident).save(condition=IncidentItem.incident_id.exists())
        except PutError as error:
            if condition_failed(error):
                raise StaleVersion(self.get(incident.incident_id)) from None
            raise


class DynamoReportList:
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        result = ReportItem.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [report_dict(r) for r in result]
        return Page(items, result.last_evaluated_key)
