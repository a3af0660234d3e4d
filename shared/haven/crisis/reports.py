"""Citizen reports: intake and the reporter's view of its report.

A report is accepted at once (202): one conditional write of the report, one message to the
intake queue for triage, one ``report.received`` event. Triage happens asynchronously.
The reporter gets a tracking token (only its hash is stored) to follow the report's status.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from haven import clock, geo, ids
from haven.crisis.media import ALLOWED_MEDIA_TYPES as ALLOWED_MEDIA_TYPES
from haven.crisis.media import MAX_MEDIA_ITEMS as MAX_MEDIA_ITEMS
from haven.crisis.media import max_bytes_for as max_bytes_for
from haven.crisis.report import REPORT_CELL_RESOLUTION as REPORT_CELL_RESOLUTION
from haven.crisis.report import Report as Report
from haven.crisis.report import ReporterStatus as ReporterStatus
from haven.crisis.report import ReportStatus as ReportStatus
from haven.crisis.report import StoredMedia as StoredMedia
from haven.crisis.report import hash_token as hash_token
from haven.errors import Conflict, NotFound
from haven.events import EventSink
from haven.events.crisis import ReportReceived
from haven.geo import Point
from haven.kernel import Upload, UploadSigner

UPLOAD_EXPIRES_SECONDS = 900


@dataclass(frozen=True)
class MediaDeclaration:
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class NewReport:
    category: str
    description: str
    location: Point
    accuracy_m: float | None = None
    occurred_at: datetime | None = None
    people_affected: int | None = None
    language: str | None = None
    contact: str | None = None
    anonymous: bool = False
    media: tuple[MediaDeclaration, ...] = ()
    source: str = "citizen"


@dataclass(frozen=True)
class SubmittedReport:
    report_id: str
    status: ReportStatus
    tracking_token: str
    uploads: list[Upload]


class ReportRepository(Protocol):
    def add(self, report: Report) -> None:
        """Create; never overwrites (conditional on the id being new)."""
        ...

    def get(self, report_id: str) -> Report | None: ...


class IntakeQueue(Protocol):
    def enqueue(self, report_id: str) -> None: ...


class RestorableReports(Protocol):
    def get(self, report_id: str) -> Report | None: ...

    def restore(self, report: Report, restored_at: datetime, restored_by: str) -> Report:
        """Back to ``received``, marked restored: conditional on the version read and on the
        report still being kept out; :class:`~haven.errors.Conflict` otherwise."""
        ...


class IncidentStatusLookup(Protocol):
    def status_of(self, incident_id: str) -> str | None: ...


def submit_report(
    new: NewReport,
    *,
    reports: ReportRepository,
    queue: IntakeQueue,
    uploads: UploadSigner,
    events: EventSink,
    retention: timedelta,
) -> SubmittedReport:
    now = clock.now()
    report_id = ids.new_id()
    token = ids.new_token()
    media = [
        StoredMedia(f"reports/{report_id}/{n}", m.content_type, m.size_bytes) for n, m in enumerate(new.media)
    ]
    report = Report(
        report_id=report_id,
        tracking_token_hash=hash_token(token),
        status=ReportStatus.RECEIVED,
        source=new.source,
        category=new.category,
        description=new.description,
        location=new.location,
        cell=geo.cell(new.location, REPORT_CELL_RESOLUTION),
        received_at=now,
        expires_at=now + retention,
        accuracy_m=new.accuracy_m,
        occurred_at=new.occurred_at,
        people_affected=new.people_affected,
        language=new.language,
        contact=None if new.anonymous else new.contact,
        anonymous=new.anonymous,
        media=media,
    )
    reports.add(report)
    queue.enqueue(report_id)
    events.publish(
        ReportReceived(
            id=report_id,
            occurred_at=clock.iso(now),
            report_id=report_id,
            category=new.category,
            source=new.source,
            cell=geo.cell(new.location, 5),
            media_count=len(media),
        )
    )
    signed = [
        uploads.presign(m.key, m.content_type, max_bytes_for(m.content_type), UPLOAD_EXPIRES_SECONDS)
        for m in media
    ]
    return SubmittedReport(report_id, ReportStatus.RECEIVED, token, signed)


def reporter_view(
    report_id: str, token: str, *, reports: ReportRepository, incidents: IncidentStatusLookup
) -> dict[str, Any]:
    """The status of a report for whoever holds its tracking token; 404 otherwise."""
    report = reports.get(report_id) if ids.is_id(report_id) else None
    if report is None or not hmac.compare_digest(report.tracking_token_hash, hash_token(token)):
        raise NotFound("no report with this id and token")
    status = ReporterStatus(report.status.value if report.status != "linked" else "linked_to_incident")
    if report.incident_id:
        incident_status = incidents.status_of(report.incident_id)
        if incident_status in ("verified", "responding", "resolved"):
            status = ReporterStatus.VERIFIED
        elif incident_status == "dismissed":
            status = ReporterStatus.DISMISSED
    return {
        "report_id": report.report_id,
        "status": status.value,
        "received_at": clock.iso(report.received_at),
    }


def restore_report(report_id: str, *, actor: str, reports: RestorableReports, queue: IntakeQueue) -> Report:
    """A report triage kept out (a social post judged not humanitarian), back to triage at a
    responder's word: received again, marked restored (triage will not keep it out again) and
    queued. Repeating it is harmless: a restored report not triaged yet is queued again."""
    report = reports.get(report_id) if ids.is_id(report_id) else None
    if report is None:
        raise NotFound("no such report")
    if report.restored_at is None:
        if report.kept_out is None:
            raise Conflict("only a report kept out of incidents can be restored")
        report = reports.restore(report, clock.now(), actor)
    if report.status == ReportStatus.RECEIVED:
        queue.enqueue(report.report_id)
    return report
