"""Incidents and report lists for responders, in DynamoDB (Queries on the status indexes)."""

from __future__ import annotations

from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from haven.adapters.dynamo.models import Incident as IncidentItem
from haven.adapters.dynamo.models import Report as ReportItem
from haven.adapters.dynamo.triage import incident_dict
from haven.kernel import Page, StaleVersion


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
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        result = IncidentItem.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [incident_dict(i) for i in result]
        return Page(items, result.last_evaluated_key)

    def get(self, incident_id: str) -> dict[str, Any] | None:
        try:
            return incident_dict(IncidentItem.get(incident_id, consistent_read=True))
        except IncidentItem.DoesNotExist:
            return None

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]:
        return [
            report_dict(r)
            for r in ReportItem.by_incident.query(incident_id, scan_index_forward=False, limit=limit)
        ]

    def update(self, incident_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        item = IncidentItem(incident_id=incident_id, version=expected_version)
        attributes = IncidentItem.get_attributes()
        actions: list[Action] = []
        for name, value in changes.items():
            attribute = attributes[name]
            actions.append(attribute.remove() if value is None else attribute.set(value))
        try:
            item.update(actions=actions, condition=IncidentItem.incident_id.exists())
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
                raise StaleVersion(self.get(incident_id)) from None
            raise
        return incident_dict(item)


class DynamoReportList:
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page:
        result = ReportItem.by_status.query(
            status, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        items = [report_dict(r) for r in result]
        return Page(items, result.last_evaluated_key)
