"""In-memory fakes of the domain's ports, for unit tests of the pure core without moto.

Each fake keeps the one rule of its port that the use cases rely on (an update with a stale
version raises :class:`haven.kernel.StaleVersion` with the current state) and nothing else.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from haven.channels.dialogue import SubscriptionRef
from haven.complaints.entities import Complaint, DeliveryAttempt, DeliveryState, Partner, Referral
from haven.crisis.incident import Incident, IncidentStatus
from haven.crisis.reports import Report, ReportStatus
from haven.crisis.triage import Claim, IncidentPlan, Neighbourhood, ReportsChanged
from haven.errors import Conflict
from haven.events import Event
from haven.kernel import Page, StaleVersion, Upload
from haven.notifications import Message
from haven.recruitment.application import Application, AuditEntry, Change, LicenceTaken
from haven.recruitment.application import Page as ApplicationPage
from haven.recruitment.application import StaleVersion as ApplicationStale
from haven.recruitment.document_uploads import StoredObject
from haven.recruitment.roster import Entry
from haven.recruitment.workflow import State

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
    """An :class:`haven.events.EventSink` that records what was published: (domain,
    detail-type, detail) of each event."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, dict[str, Any]]] = []

    def publish(self, event: Event) -> None:
        self.published.append((event.domain, event.detail_type, event.detail()))


# --- complaints, referrals, partners ----------------------------------------------------------

_E = TypeVar("_E", Complaint, Referral, Partner)


def _write(stored: _E | None, current: _E, new: _E) -> _E:
    """What the DynamoDB adapter writes: the fields ``new`` changed from ``current``, at its version."""
    if stored is None or stored.version != current.version:
        raise StaleVersion(stored)
    changed = {
        f.name: getattr(new, f.name)
        for f in fields(new)
        if f.name != "version" and getattr(new, f.name) != getattr(current, f.name)
    }
    return replace(stored, **changed, version=stored.version + 1)


class FakeReferrals:
    """:class:`haven.complaints.referrals.ReferralRepository` in memory."""

    def __init__(self, *referrals: Referral) -> None:
        self.items: dict[str, Referral] = {r.referral_id: r for r in referrals}

    def add(self, referral: Referral) -> None:
        assert referral.referral_id not in self.items
        self.items[referral.referral_id] = replace(referral, version=1)

    def get(self, referral_id: str) -> Referral | None:
        return self.items.get(referral_id)

    def page_for_partner(
        self, partner_id: str, since: str | None, limit: int, position: dict[str, Any] | None
    ) -> Page[Referral]:
        mine = sorted(
            (r for r in self.items.values() if r.partner_id == partner_id and r.updated_at >= (since or "")),
            key=lambda r: r.updated_at,
        )
        start = int(position["offset"]) if position else 0
        more = {"offset": start + limit} if start + limit < len(mine) else None
        return Page(mine[start : start + limit], more)

    def update(self, current: Referral, new: Referral) -> Referral:
        updated = _write(self.items.get(current.referral_id), current, new)
        self.items[updated.referral_id] = updated
        return updated

    def record_attempt(
        self, referral_id: str, attempt: DeliveryAttempt, delivery_state: DeliveryState
    ) -> None:
        referral = self.items[referral_id]
        self.items[referral_id] = replace(
            referral, attempts=(*referral.attempts, attempt), delivery_state=delivery_state
        )

    def overdue(self, now: str, limit: int) -> list[Referral]:
        return [r for r in self.items.values() if r.awaiting_ack and r.sla_due_at < now][:limit]

    def claim_escalation(self, referral_id: str, at: str) -> bool:
        referral = self.items[referral_id]
        if not referral.awaiting_ack:
            return False
        self.items[referral_id] = replace(referral, awaiting_ack=False, escalated_at=at)
        return True

    def release_escalation(self, referral_id: str) -> None:
        self.items[referral_id] = replace(self.items[referral_id], awaiting_ack=True, escalated_at=None)


class FakeComplaints:
    """:class:`haven.complaints.complaints.ComplaintRepository` in memory; a refer stores its
    referrals in ``referrals``."""

    def __init__(self, *complaints: Complaint, referrals: FakeReferrals | None = None) -> None:
        self.items: dict[str, Complaint] = {c.complaint_id: c for c in complaints}
        self.referrals = referrals if referrals is not None else FakeReferrals()

    def add(self, complaint: Complaint) -> Complaint:
        assert complaint.complaint_id not in self.items
        stored = self.items[complaint.complaint_id] = replace(complaint, version=1)
        return stored

    def get(self, complaint_id: str) -> Complaint | None:
        return self.items.get(complaint_id)

    def by_tracking_hash(self, tracking_hash: str) -> Complaint | None:
        return next((c for c in self.items.values() if c.tracking_hash == tracking_hash), None)

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page[Complaint]:
        chosen = sorted((c for c in self.items.values() if c.status == status), key=lambda c: c.filed_at)
        return Page(chosen[::-1][:limit], None)

    def update(self, current: Complaint, new: Complaint) -> Complaint:
        updated = _write(self.items.get(current.complaint_id), current, new)
        self.items[updated.complaint_id] = updated
        return updated

    def refer(self, current: Complaint, new: Complaint, referrals: Sequence[Referral]) -> Complaint:
        updated = self.update(current, new)
        for referral in referrals:
            self.referrals.add(referral)
        return updated


class FakePartners:
    """:class:`haven.complaints.partners.PartnerRepository` (and the directory and lookup that
    referrals and deliveries read) in memory."""

    def __init__(self, *partners: Partner) -> None:
        self.items: dict[str, Partner] = {p.partner_id: p for p in partners}

    def add(self, partner: Partner) -> Partner:
        assert partner.partner_id not in self.items
        stored = self.items[partner.partner_id] = replace(partner, version=1)
        return stored

    def get(self, partner_id: str) -> Partner | None:
        return self.items.get(partner_id)

    def listed(self, active: bool) -> list[Partner]:
        return sorted((p for p in self.items.values() if p.active == active), key=lambda p: p.name)

    def active(self) -> list[Partner]:
        return self.listed(active=True)

    def update(self, current: Partner, new: Partner) -> Partner:
        updated = _write(self.items.get(current.partner_id), current, new)
        self.items[updated.partner_id] = updated
        return updated


class ComplaintPorts:
    """The complaints domain's ports wired together: a refer's referrals land in ``referrals``."""

    def __init__(self) -> None:
        self.referrals = FakeReferrals()
        self.complaints = FakeComplaints(referrals=self.referrals)
        self.partners = FakePartners()
        self.events = FakeEvents()

    def published(self) -> list[str]:
        return [detail_type for _, detail_type, _ in self.events.published]


# --- text channels ---------------------------------------------------------------------------


class FakeSenderMemory:
    """:class:`haven.channels.dialogue.SenderMemory` in memory: subscriptions and report codes
    by sender key."""

    def __init__(self) -> None:
        self.refs: dict[str, list[SubscriptionRef]] = {}
        self.codes: dict[str, list[str]] = {}

    def subscriptions(self, sender_key: str) -> list[SubscriptionRef]:
        return list(self.refs.get(sender_key, []))

    def remember(self, sender_key: str, refs: list[SubscriptionRef]) -> None:
        self.refs[sender_key] = list(refs)

    def reports(self, sender_key: str) -> list[str]:
        return list(self.codes.get(sender_key, []))

    def remember_reports(self, sender_key: str, codes: list[str]) -> None:
        self.codes[sender_key] = list(codes)


# --- accreditation -------------------------------------------------------------------------------


class FakeApplications:
    """:class:`haven.recruitment.application.ApplicationRepository` in memory, with the roster
    rules of its commit: a licence (or recruiter) listed for another application is taken."""

    def __init__(self, *applications: Application) -> None:
        self.items = {a.application_id: copy.deepcopy(a) for a in applications}
        self.trail: dict[str, list[AuditEntry]] = {}
        #: Roster entries by recruiter id, and the application holding each licence key.
        self.roster: dict[str, Entry] = {}
        self.licences: dict[str, str] = {}

    def add(self, application: Application) -> None:
        self.items[application.application_id] = replace(copy.deepcopy(application), version=1)

    def get(self, application_id: str) -> Application | None:
        found = self.items.get(application_id)
        return copy.deepcopy(found) if found else None

    def save_draft(self, application: Application, expected_version: int) -> None:
        self._check_version(application.application_id, expected_version)
        self.items[application.application_id] = replace(
            copy.deepcopy(application), version=expected_version + 1
        )

    def commit(self, change: Change) -> None:
        self._check_version(change.after.application_id, change.expected_version)
        if change.roster_upsert is not None:
            self.list_on_roster(change.roster_upsert)
        if change.roster_remove is not None:
            self.roster.pop(change.roster_remove.recruiter_id, None)
            self.licences = {
                k: a for k, a in self.licences.items() if a != change.roster_remove.application_id
            }
        self.items[change.after.application_id] = copy.deepcopy(change.after)
        self.trail.setdefault(change.after.application_id, []).append(change.entry)

    def history(self, application_id: str) -> list[AuditEntry]:
        return list(self.trail.get(application_id, []))

    def page_by_org(self, org_id: str, limit: int, position: dict[str, Any] | None) -> ApplicationPage:
        return ApplicationPage([a for a in self.items.values() if a.org_id == org_id][:limit], None)

    def page_by_state(self, state: State, limit: int, position: dict[str, Any] | None) -> ApplicationPage:
        return ApplicationPage([a for a in self.items.values() if a.state == state][:limit], None)

    def due(self, state: State, until: str) -> Iterator[Application]:
        for application in list(self.items.values()):
            due_at = application.due_at
            if application.state == state and due_at is not None and due_at <= until:
                yield copy.deepcopy(application)

    def _check_version(self, application_id: str, expected_version: int) -> None:
        current = self.items.get(application_id)
        if current is None or current.version != expected_version:
            raise ApplicationStale(copy.deepcopy(current))

    def list_on_roster(self, entry: Entry) -> None:
        """List ``entry`` as a committed transition does (LicenceTaken if another holds it)."""
        listed = self.roster.get(entry.recruiter_id)
        if listed is not None and listed.application_id != entry.application_id:
            raise LicenceTaken(f"recruiter {entry.recruiter_id}")
        for key in entry.licence_keys():
            if self.licences.get(key, entry.application_id) != entry.application_id:
                raise LicenceTaken(f"licence {key}")
        self.roster[entry.recruiter_id] = entry
        self.licences.update(dict.fromkeys(entry.licence_keys(), entry.application_id))


class FakeDocuments:
    """:class:`haven.recruitment.document_uploads.DocumentStore` in memory: ``objects`` holds
    what was uploaded under each key."""

    def __init__(self) -> None:
        self.objects: dict[str, StoredObject] = {}

    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, sha256_hex: str, expires_in: int
    ) -> Upload:
        expires_at = datetime(2030, 1, 1, tzinfo=UTC)
        return Upload(f"https://uploads.example/{key}", {"key": key}, content_type, max_bytes, expires_at)

    def inspect(self, key: str, head_bytes: int) -> StoredObject | None:
        found = self.objects.get(key)
        return replace(found, head=found.head[:head_bytes]) if found else None

    def download_url(self, key: str, version_id: str | None) -> str:
        return f"https://downloads.example/{key}?version={version_id}"


class FakeNotifier:
    """A :class:`haven.notifications.Notifier` that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> str:
        self.sent.append(message)
        return f"message-{len(self.sent)}"
