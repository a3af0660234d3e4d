"""Incidents for responders (full detail, updates with optimistic locking) and the public.

Responders list incidents and reports by status (a Query per status, newest first), read one
incident with its reports, and update its status, assignee and notes with the version they
read: a stale version gets 409 with the current one, never a silent overwrite. The public sees
only verified incidents, without personal data, with coordinates coarsened to about 1 km.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from haven import clock
from haven.auth import Principal
from haven.crisis.triage import incident_event, public_location
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import EventSink
from haven.geo import BBox, Point, distance_km
from haven.kernel import Page, StaleVersion


class IncidentStatus(StrEnum):
    NEW = "new"
    VERIFIED = "verified"
    DISMISSED = "dismissed"
    RESPONDING = "responding"
    RESOLVED = "resolved"


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

    def accepts(self, item: dict[str, Any], time_field: str) -> bool:
        if self.hazard and item.get("hazard") != self.hazard:
            return False
        if self.category and item.get("category") != self.category:
            return False
        point = Point(float(item["lat"]), float(item["lon"]))
        if self.bbox and not self.bbox.contains(point):
            return False
        if self.near and self.radius_km is not None and distance_km(self.near, point) > self.radius_km:
            return False
        return not (self.since and datetime.fromisoformat(item[time_field]) < self.since)


class IncidentRepository(Protocol):
    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page: ...

    def get(self, incident_id: str) -> dict[str, Any] | None: ...

    def reports_of(self, incident_id: str, limit: int) -> list[dict[str, Any]]: ...

    def update(self, incident_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply ``changes`` if the stored version is ``expected_version``; the new state.

        Raises :class:`StaleVersion` with the current state otherwise.
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
) -> dict[str, Any]:
    if status is None and assignee is None and note is None:
        raise ValidationFailed([FieldError("body", "set at least one of status, assignee, note")])
    current = incidents.get(incident_id)
    if current is None:
        raise NotFound("no such incident")
    if current["version"] != expected_version:
        raise _stale(current)
    now = clock.iso(clock.now())
    changes: dict[str, Any] = {"updated_at": now}
    change_record: dict[str, Any] = {"at": now, "by": actor.subject}
    if status is not None and status != current["status"]:
        changes["status"] = status.value
        change_record["status"] = {"from": current["status"], "to": status.value}
    if assignee is not None and assignee != current.get("assignee"):
        changes["assignee"] = assignee or None
        change_record["assignee"] = {"from": current.get("assignee"), "to": assignee or None}
    if note is not None:
        if len(current["notes"]) >= MAX_NOTES:
            raise ValidationFailed([FieldError("note", f"an incident keeps at most {MAX_NOTES} notes")])
        changes["notes"] = [*current["notes"], {"at": now, "by": actor.subject, "text": note}]
        change_record["note"] = True
    changes["history"] = [*current["history"], change_record]
    try:
        updated = incidents.update(incident_id, expected_version, changes)
    except StaleVersion as stale:
        raise _stale(stale.current) from None
    events.publish(incident_event(updated))
    return updated


def _stale(current: dict[str, Any] | None) -> Conflict:
    return Conflict(
        "the incident was changed by someone else; reload it and apply your change again",
        current_version=current["version"] if current else None,
        current_status=current["status"] if current else None,
    )


def public_feature(incident: dict[str, Any]) -> dict[str, Any]:
    """An incident as the public sees it: GeoJSON, coarsened, no notes, names or assignees."""
    where = public_location(incident["lat"], incident["lon"])
    return {
        "type": "Feature",
        "id": incident["incident_id"],
        "geometry": {"type": "Point", "coordinates": [where["lon"], where["lat"]]},
        "properties": {
            "hazard": incident["hazard"],
            "category": incident["category"],
            "status": incident["status"],
            "severity": incident["severity"],
            "report_count": incident["report_count"],
            "radius_km": round(max(incident["radius_km"], 1.0), 1),
            "updated_at": incident["updated_at"],
        },
    }
