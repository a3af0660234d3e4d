"""The incident: a cluster of reports, and what responders wrote about it.

Clustering (:mod:`haven.crisis.clustering`) makes and grows incidents; responders
(:mod:`haven.crisis.incidents`) change their status, assignee and notes. Both return a new
:class:`Incident` with the next ``version``: the state after the write, which the store writes
only if the stored version is still the one before (``version - 1``; 0: not stored yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from haven import clock
from haven.crisis.taxonomy import Category, Hazard, hazard_cell_key
from haven.geo import Point

T = TypeVar("T")


class IncidentStatus(StrEnum):
    NEW = "new"
    VERIFIED = "verified"
    DISMISSED = "dismissed"
    RESPONDING = "responding"
    RESOLVED = "resolved"


class Severity(StrEnum):
    """CAP 1.2 severity (an incident is never ``Unknown`` once it has a report)."""

    MINOR = "Minor"
    MODERATE = "Moderate"
    SEVERE = "Severe"
    EXTREME = "Extreme"


@dataclass(frozen=True)
class Note:
    at: datetime
    by: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"at": clock.iso(self.at), "by": self.by, "text": self.text}

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Note:
        return cls(datetime.fromisoformat(record["at"]), record["by"], record["text"])


@dataclass(frozen=True)
class Transition(Generic[T]):
    before: T
    after: T

    def to_dict(self) -> dict[str, Any]:
        return {"from": self.before, "to": self.after}


@dataclass(frozen=True)
class Change:
    """One entry of an incident's history: who changed what, when."""

    at: datetime
    by: str
    status: Transition[IncidentStatus] | None = None
    assignee: Transition[str | None] | None = None
    note: bool = False

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {"at": clock.iso(self.at), "by": self.by}
        if self.status is not None:
            record["status"] = self.status.to_dict()
        if self.assignee is not None:
            record["assignee"] = self.assignee.to_dict()
        if self.note:
            record["note"] = True
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Change:
        status, assignee = record.get("status"), record.get("assignee")
        return cls(
            at=datetime.fromisoformat(record["at"]),
            by=record["by"],
            status=Transition(IncidentStatus(status["from"]), IncidentStatus(status["to"]))
            if status
            else None,
            assignee=Transition(assignee["from"], assignee["to"]) if assignee else None,
            note=bool(record.get("note")),
        )


@dataclass(frozen=True)
class Incident:
    incident_id: str
    #: The version of this state: 1 once opened, one more on every write.
    version: int
    hazard: Hazard
    category: Category
    status: IncidentStatus
    severity: Severity
    lat: float
    lon: float
    radius_km: float
    report_count: int
    people_affected: int
    credibility: float
    opened_at: datetime
    last_report_at: datetime
    updated_at: datetime
    feed_item_count: int = 0
    assignee: str | None = None
    notes: tuple[Note, ...] = ()
    history: tuple[Change, ...] = ()

    @property
    def centroid(self) -> Point:
        return Point(self.lat, self.lon)

    @property
    def cell_key(self) -> str:
        """The hazard cell an incident is stored under: the one of its centroid."""
        return hazard_cell_key(self.hazard, self.centroid)

    @property
    def expected_version(self) -> int:
        """The version the stored incident must have for this state to be written (0: none)."""
        return self.version - 1
