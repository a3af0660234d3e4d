"""The triage store: incident candidates by H3 cell, and the atomic commit of a decision."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action

from haven import clock
from haven.adapters.dynamo.connection import transaction
from haven.adapters.dynamo.models import Incident as IncidentItem
from haven.adapters.dynamo.models import Report as ReportItem
from haven.adapters.dynamo.reports import DynamoReports
from haven.crisis.clustering import IncidentSnapshot
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.taxonomy import Hazard
from haven.crisis.triage import Candidate, TriageDecision
from haven.errors import Conflict


def incident_dict(item: IncidentItem) -> dict[str, Any]:
    return {
        "incident_id": item.incident_id,
        "version": int(item.version or 0),
        "hazard": item.hazard,
        "category": item.category,
        "status": item.status,
        "severity": item.severity,
        "lat": float(item.lat),
        "lon": float(item.lon),
        "radius_km": float(item.radius_km),
        "report_count": int(item.report_count),
        "feed_item_count": int(item.feed_item_count or 0),
        "people_affected": int(item.people_affected or 0),
        "credibility": float(item.credibility),
        "opened_at": item.opened_at,
        "last_report_at": item.last_report_at,
        "updated_at": item.updated_at,
        "assignee": item.assignee,
        "notes": item.notes or [],
        "history": item.history or [],
    }


class DynamoTriageStore:
    def __init__(self) -> None:
        self._reports = DynamoReports()
        #: Incidents read by the last ``candidates`` call, to build events without a re-read.
        self._read: dict[str, IncidentItem] = {}

    def get_report(self, report_id: str) -> Report | None:
        return self._reports.get(report_id)

    def incident(self, incident_id: str) -> dict[str, Any] | None:
        try:
            return incident_dict(IncidentItem.get(incident_id))
        except IncidentItem.DoesNotExist:
            return None

    def candidates(self, hazard_cell_keys: list[str], since: datetime) -> list[Candidate]:
        found: list[Candidate] = []
        self._read = {}
        for key in hazard_cell_keys:
            for item in IncidentItem.by_hazard_cell.query(
                key, IncidentItem.last_report_at >= since.astimezone(UTC).isoformat()
            ):
                if item.status in ("dismissed", "resolved"):
                    continue
                self._read[item.incident_id] = item
                found.append(
                    Candidate(
                        snapshot=IncidentSnapshot(
                            incident_id=item.incident_id,
                            hazard=Hazard(item.hazard),
                            lat=float(item.lat),
                            lon=float(item.lon),
                            radius_km=float(item.radius_km),
                            last_report_at=datetime.fromisoformat(item.last_report_at),
                            report_count=int(item.report_count),
                            people_affected=int(item.people_affected or 0),
                            severity=item.severity,
                        ),
                        version=int(item.version or 0),
                        credibility=float(item.credibility),
                        feed_item_count=int(item.feed_item_count or 0),
                    )
                )
        return found

    def commit(self, decision: TriageDecision, report: Report) -> dict[str, Any] | None:
        now = clock.iso(clock.now())
        update = decision.incident
        report_actions: list[Action] = [
            ReportItem.status.set(decision.status.value),
            ReportItem.category.set(decision.category.value),
            ReportItem.hazard.set(decision.hazard.value),
            ReportItem.triage.set(decision.triage_record()),
        ]
        incident: IncidentItem | None = None
        if update is not None:
            report_actions.append(ReportItem.incident_id.set(update.incident_id))
            incident = IncidentItem(
                incident_id=update.incident_id,
                hazard=update.hazard.value,
                category=decision.category.value,
                hazard_cell=update.cell_key,
                status="new",
                lat=update.lat,
                lon=update.lon,
                radius_km=update.radius_km,
                report_count=update.report_count,
                people_affected=update.people_affected,
                severity=update.severity.value,
                credibility=round(decision.credibility.score, 3),
                opened_at=now,
                last_report_at=update.last_report_at.astimezone(UTC).isoformat(),
                updated_at=now,
            )
        try:
            with transaction(f"triage-{report.report_id}") as writes:
                writes.update(
                    ReportItem(report_id=report.report_id, version=report.version),
                    actions=report_actions,
                    condition=ReportItem.status == ReportStatus.RECEIVED.value,
                )
                if incident is not None and update is not None and update.opened:
                    writes.save(incident, condition=IncidentItem.incident_id.does_not_exist())
                elif incident is not None and update is not None:
                    writes.update(
                        IncidentItem(incident_id=update.incident_id, version=decision.incident_version),
                        actions=[
                            IncidentItem.hazard_cell.set(update.cell_key),
                            IncidentItem.lat.set(update.lat),
                            IncidentItem.lon.set(update.lon),
                            IncidentItem.radius_km.set(update.radius_km),
                            IncidentItem.report_count.set(update.report_count),
                            IncidentItem.people_affected.set(update.people_affected),
                            IncidentItem.severity.set(update.severity.value),
                            IncidentItem.last_report_at.set(incident.last_report_at),
                            IncidentItem.updated_at.set(now),
                            IncidentItem.credibility.set(incident.credibility),
                        ],
                    )
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise  # not a race: throttling, access, validation (retried or dead-lettered as is)
            raise Conflict(f"triage of {report.report_id} raced another change: {error}") from None
        if incident is None or update is None:
            return None
        if update.opened:
            incident.version = 1
            return incident_dict(incident)
        before = incident_dict(self._read[update.incident_id])
        after = incident_dict(incident)
        # What the update did not touch keeps the value that was read (the version checked it).
        for kept in (
            "status",
            "category",
            "opened_at",
            "assignee",
            "notes",
            "history",
            "feed_item_count",
        ):
            after[kept] = before[kept]
        after["version"] = before["version"] + 1
        return after
