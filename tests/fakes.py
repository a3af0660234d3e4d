"""In-memory fakes of the domain's ports, for unit tests of the pure core without moto.

Each fake keeps the one rule of its port that the use cases rely on (an update with a stale
version raises :class:`haven.kernel.StaleVersion` with the current state) and nothing else.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from haven.crisis.incident import Incident, IncidentStatus
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.triage import Claim, IncidentPlan, Neighbourhood, ReportsChanged
from haven.errors import Conflict
from haven.kernel import Page, StaleVersion

# --- incidents and triage ----------------------------------------------------------------------


class FakeIncidents:
    """:class:`haven.crisis.incidents.IncidentRepository` in memory."""

    def __init__(self, *incidents: Incident) -> None:
        self.items: dict[str, Incident] = {i.incident_id: i for i in incidents}

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page[Incident]:
        ordered = sorted(
            (i for i in self.items.values() if i.status == status),
            key=lambda i: (i.updated_at, i.incident_id),
            reverse=True,
        )
        start = int(position["offset"]) if position else 0
        more = {"offset": start + limit} if start + limit < len(ordered) else None
        return Page(ordered[start : start + limit], more)

    def get(self, incident_id: str) -> Incident | None:
        return self.items.get(incident_id)

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]:
        return []

    def update(self, incident: Incident) -> None:
        current = self.items.get(incident.incident_id)
        if current is None or current.version != incident.expected_version:
            raise StaleVersion(current)
        self.items[incident.incident_id] = incident


class FakeTriageStore:
    """:class:`haven.crisis.triage.TriageStore` in memory: a commit is applied whole, or refused
    whole when a report was triaged meanwhile (:class:`ReportsChanged`) or when its incident or a
    claim is no longer at the version read (:class:`Conflict`). Incidents are found by cell."""

    def __init__(self, *reports: Report, incidents: tuple[Incident, ...] = ()) -> None:
        self.reports: dict[str, Report] = {r.report_id: r for r in reports}
        self.incidents: dict[str, Incident] = {i.incident_id: i for i in incidents}
        self.claims: dict[str, Claim] = {}
        self.commits: list[IncidentPlan] = []

    def get_reports(self, report_ids: list[str]) -> dict[str, Report]:
        return {i: replace(self.reports[i]) for i in report_ids if i in self.reports}

    def neighbourhood(self, hazard_cell_keys: list[str], since: datetime) -> Neighbourhood:
        claims = {key: self.claims.get(key, Claim()) for key in hazard_cell_keys}
        claimed = {i for claim in claims.values() for i in claim.incident_ids}
        candidates = [
            i
            for i in self.incidents.values()
            if (i.cell_key in hazard_cell_keys or i.incident_id in claimed)
            and i.status not in (IncidentStatus.DISMISSED, IncidentStatus.RESOLVED)
            and i.last_report_at >= since
        ]
        return Neighbourhood(candidates=candidates, claims=claims)

    def commit(self, plan: IncidentPlan) -> None:
        changed = [
            r.report_id
            for _, r in plan.decisions
            if self.reports[r.report_id].status != ReportStatus.RECEIVED
        ]
        if changed:
            raise ReportsChanged(changed)
        incident = plan.incident
        if incident is not None:
            stored = self.incidents.get(incident.incident_id)
            if (stored.version if stored else 0) != incident.expected_version:
                raise Conflict("the incident changed since it was read")
            if any(self.claims.get(cell, Claim()) != claim for cell, claim in plan.claims.items()):
                raise Conflict("a claim changed since it was read")
            self.incidents[incident.incident_id] = incident
            for cell, claim in plan.claims.items():
                self.claims[cell] = claim.after_opening(incident.incident_id)
        for decision, report in plan.decisions:
            self.reports[report.report_id] = replace(
                report,
                status=decision.status,
                incident_id=incident.incident_id if incident else None,
                hazard=decision.hazard.value,
            )
        self.commits.append(plan)

    def incident(self, incident_id: str) -> Incident | None:
        return self.incidents.get(incident_id)


class FakeEvents:
    """An ``EventSink`` that records what was published."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, domain: str, detail_type: str, detail: dict[str, Any]) -> None:
        self.published.append((domain, detail_type, detail))
