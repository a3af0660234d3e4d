"""Events of the crisis domain: reports received, incidents opened and updated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from haven.events import Event


@dataclass(kw_only=True, eq=False, repr=False)
class ReportReceived(Event):
    """A citizen report was accepted (before triage): no content, no contact, a coarse cell."""

    detail_type: ClassVar[str] = "report.received"
    domain: ClassVar[str] = "crisis"

    report_id: str
    category: str
    source: str
    cell: str
    media_count: int


@dataclass(eq=False, repr=False)
class Location:
    """A public location: a centroid coarsened to about 1 km."""

    lat: float
    lon: float


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentEvent(Event):
    """The detail of ``incident.opened`` and ``incident.updated``: no personal data."""

    domain: ClassVar[str] = "crisis"

    incident_id: str
    version: int
    hazard: str
    category: str
    status: str
    severity: str
    report_count: int
    people_affected: int
    credibility: float
    location: Location
    radius_km: float


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentOpened(IncidentEvent):
    """Triage opened an incident for a report that matched none."""

    detail_type: ClassVar[str] = "incident.opened"


@dataclass(kw_only=True, eq=False, repr=False)
class IncidentUpdated(IncidentEvent):
    """A report joined an incident, or a responder changed it."""

    detail_type: ClassVar[str] = "incident.updated"
