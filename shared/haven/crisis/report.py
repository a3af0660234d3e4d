"""A citizen report, as it is stored and as triage reads it: the entity of :mod:`haven.crisis.reports`.

Apart from the intake use cases (which re-export it), as the incident is apart from its use cases
(:mod:`haven.crisis.incident`), so that triage and the feed poller load the report, not intake.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from haven.geo import Point

#: H3 resolution of the reports' ``by_cell`` index (about 1.2 km edge): corroboration lookups.
REPORT_CELL_RESOLUTION = 7


class ReportStatus(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"  # classified, not linked (kept out as not humanitarian)
    LINKED = "linked"  # part of an incident


class ReporterStatus(StrEnum):
    """What the reporter sees: no more than how far its report has come."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    LINKED = "linked_to_incident"
    VERIFIED = "verified"
    DISMISSED = "dismissed"


@dataclass(frozen=True)
class StoredMedia:
    key: str
    content_type: str
    size_bytes: int


@dataclass
class Report:
    report_id: str
    tracking_token_hash: str
    status: ReportStatus
    source: str
    category: str
    description: str
    location: Point
    cell: str
    received_at: datetime
    expires_at: datetime
    accuracy_m: float | None = None
    occurred_at: datetime | None = None
    people_affected: int | None = None
    language: str | None = None
    contact: str | None = None
    anonymous: bool = False
    media: list[StoredMedia] = field(default_factory=list)
    hazard: str | None = None
    incident_id: str | None = None
    triage: dict[str, Any] | None = None
    version: int | None = None
    #: When a responder restored the report after triage kept it out, and who: triage then
    #: never keeps it out again.
    restored_at: datetime | None = None
    restored_by: str | None = None

    @property
    def kept_out(self) -> str | None:
        """Why triage kept the report out of incidents (None: it did not)."""
        if self.status != ReportStatus.TRIAGED or not self.triage:
            return None
        reason = self.triage.get("kept_out")
        return str(reason) if reason else None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
