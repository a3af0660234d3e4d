"""Incidents for responders (full detail, updates with optimistic locking) and the public.

Responders list incidents and reports by status (a Query per status, newest first), read one
incident with its reports, and update its status, assignee and notes with the version they
read: a stale version gets 409 with the current one, never a silent overwrite. The public sees
only verified incidents, without personal data, with coordinates coarsened to about 1 km.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from haven import clock
from haven.areas import BBox
from haven.auth import Principal
from haven.crisis.incident import Change, Incident, IncidentStatus, Note, Transition
from haven.crisis.triage import carried_labels, incident_event, public_location
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import EventSink
from haven.geo import Point, distance_km
from haven.kernel import Page, StaleVersion

#: Statuses the public may see: a responder has verified the incident.
PUBLIC_STATUSES = (IncidentStatus.VERIFIED, IncidentStatus.RESPONDING)

MAX_NOTE_LENGTH = 2000
MAX_NOTES = 200


@dataclass(frozen=True)
class Filters:
    hazard: str | None = None
    category: str | None = None
    bbox: BBox | None = None
    near: Point | None = None
    radius_km: float | None = None
    since: datetime | None = None

    def scope(self) -> dict[str, Any]:
        return {k: str(v) for k, v in self.__dict__.items() if v is not None}

    def accepts(
        self, hazards: Collection[str | None], categories: Collection[str], point: Point, moment: datetime
    ) -> bool:
        if self.hazard and self.hazard not in hazards:
            return False
        if self.category and self.category not in categories:
            return False
        if self.bbox and not self.bbox.contains(point):
            return False
        if self.near and self.radius_km is not None and distance_km(self.near, point) > self.radius_km:
            return False
        return not (self.since and moment < self.since)

    def accepts_incident(self, incident: Incident) -> bool:
        return self.accepts((incident.hazard,), (incident.category,), incident.centroid, incident.updated_at)

    def accepts_report(self, report: dict[str, Any]) -> bool:
        """A report matches a hazard or a category it carries: its own, or any triage found
        (``hazards``, ``categories``: a call for water for the injured is listed under both)."""
        categories, hazards = carried_labels(report)
        point = Point(float(report["lat"]), float(report["lon"]))
        return self.accepts(hazards, categories, point, datetime.fromisoformat(report["received_at"]))


class IncidentRepository(Protocol):
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page[Incident]: ...

    def get(self, incident_id: str) -> Incident | None: ...

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]: ...

    def update(self, incident: Incident) -> None:
        """Write ``incident`` if the stored version is ``incident.expected_version``.

        Raises :class:`StaleVersion` with the current state (an :class:`Incident`, or None if
        there is none) otherwise.
        """
        ...


def page_etag(items: list[dict[str, Any]], more: bool) -> str:
    """A strong tag over one page as the query read it: its items and whether more follow.

    The next page's cursor is left out on purpose: it carries the time it was signed, so it
    differs on every answer even when nothing changed. Computed from what the page's own query
    returned, it costs no AWS call of its own.
    """
    content = json.dumps([items, more], sort_keys=True, separators=(",", ":"), default=str)
    return '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'


def matches(tag: str, if_none_match: str | None) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (a list of tags, weak or strong, or ``*``)."""
    named = {t.strip().removeprefix("W/") for t in (if_none_match or "").split(",")}
    return tag in named or "*" in named


def update_incident(
    incident_id: str,
    *,
    expected_version: int,
    status: IncidentStatus | None,
    assignee: str | None,
    note: str | None,
    actor: Principal,
    incidents: IncidentRepository,
    events: EventSink,
) -> Incident:
    if status is None and assignee is None and note is None:
        raise ValidationFailed([FieldError("body", "set at least one of status, assignee, note")])
    current = incidents.get(incident_id)
    if current is None:
        raise NotFound("no such incident")
    if current.version != expected_version:
        raise _stale(current)
    updated = patched(current, status=status, assignee=assignee, note=note, by=actor.subject, at=clock.now())
    try:
        incidents.update(updated)
    except StaleVersion as stale:
        raise _stale(stale.current if isinstance(stale.current, Incident) else None) from None
    events.publish(incident_event(updated))
    return updated


def patched(
    incident: Incident,
    *,
    status: IncidentStatus | None,
    assignee: str | None,
    note: str | None,
    by: str,
    at: datetime,
) -> Incident:
    """The incident at its next version, after a responder's change (recorded in its history).

    An empty ``assignee`` unassigns; a status or assignee equal to the current one is no
    change; a note is appended (at most :data:`MAX_NOTES`).
    """
    new_status = status if status is not None and status != incident.status else None
    new_assignee = assignee or None
    assigns = assignee is not None and assignee != incident.assignee
    notes = incident.notes
    if note is not None:
        if len(notes) >= MAX_NOTES:
            raise ValidationFailed([FieldError("note", f"an incident keeps at most {MAX_NOTES} notes")])
        notes = (*notes, Note(at, by, note))
    change = Change(
        at=at,
        by=by,
        status=Transition(incident.status, new_status) if new_status is not None else None,
        assignee=Transition(incident.assignee, new_assignee) if assigns else None,
        note=note is not None,
    )
    return replace(
        incident,
        version=incident.version + 1,
        status=new_status or incident.status,
        assignee=new_assignee if assigns else incident.assignee,
        notes=notes,
        history=(*incident.history, change),
        updated_at=at,
    )


def _stale(current: Incident | None) -> Conflict:
    return Conflict(
        "the incident was changed by someone else; reload it and apply your change again",
        current_version=current.version if current else None,
        current_status=current.status.value if current else None,
    )


def incident_view(incident: Incident) -> dict[str, Any]:
    """An incident as responders see it (the body of the ops routes)."""
    return {
        "incident_id": incident.incident_id,
        "version": incident.version,
        "hazard": incident.hazard.value,
        "category": incident.category.value,
        "status": incident.status.value,
        "severity": incident.severity.value,
        "lat": incident.lat,
        "lon": incident.lon,
        "radius_km": incident.radius_km,
        "report_count": incident.report_count,
        "feed_item_count": incident.feed_item_count,
        "people_affected": incident.people_affected,
        "credibility": incident.credibility,
        "opened_at": clock.iso(incident.opened_at),
        "last_report_at": incident.last_report_at.astimezone(UTC).isoformat(),
        "updated_at": clock.iso(incident.updated_at),
        "assignee": incident.assignee,
        "notes": [n.to_dict() for n in incident.notes],
        "history": [c.to_dict() for c in incident.history],
    }


def public_feature(incident: Incident) -> dict[str, Any]:
    """An incident as the public sees it: GeoJSON, coarsened, no notes, names or assignees."""
    where = public_location(incident.lat, incident.lon)
    return {
        "type": "Feature",
        "id": incident.incident_id,
        "geometry": {"type": "Point", "coordinates": [where["lon"], where["lat"]]},
        "properties": {
            "hazard": incident.hazard.value,
            "category": incident.category.value,
            "status": incident.status.value,
            "severity": incident.severity.value,
            "report_count": incident.report_count,
            "radius_km": round(max(incident.radius_km, 1.0), 1),
            "updated_at": clock.iso(incident.updated_at),
        },
    }
