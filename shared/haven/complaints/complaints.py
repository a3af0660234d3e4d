"""Filing a complaint, tracking it, and the staff workflow: triage, refer, close.

A complaint is filed without an account (201): one conditional write and one ``complaint.filed``
event without personal data. The recruiter is named by its roster id (refused unless the roster
lists it), or by what the worker knows of it: a name, a country and a licence that the roster
lists under that name identify the recruiter as if named by id, so that a substantiated outcome
reaches its accreditation (:mod:`haven.recruitment.monitoring`). The worker gets a tracking
code (only its SHA-256 is stored) and presigned uploads for evidence into the KMS-encrypted
evidence bucket. Auditors triage it, refer it to the partners chosen by
:mod:`haven.complaints.routing` (each referral is a record and a ``complaint.referred`` event
that the delivery worker pushes to the partner), and close it.
Every write carries the version the caller read: a stale one gets 409, never an overwrite.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Protocol

from haven import clock, ids
from haven.auth import Principal
from haven.complaints import privacy
from haven.complaints.routing import Case, Reach, choose, route
from haven.crisis.reports import Upload, UploadSigner
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import ComplaintFiled, ComplaintReferred, EventSink
from haven.kernel import Page, StaleVersion
from haven.recruitment.roster import Entry, known_as

EVIDENCE_TYPES = ("image/jpeg", "image/png", "application/pdf")
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_ITEMS = 5
UPLOAD_EXPIRES_SECONDS = 900
#: 20 characters of Crockford base32: 100 random bits, written as five groups of four.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 20


class Category(StrEnum):
    RECRUITMENT_FEES = "recruitment_fees"
    PASSPORT_RETENTION = "passport_retention"
    CONTRACT_SUBSTITUTION = "contract_substitution"
    DECEPTION = "deception"
    WAGE_THEFT = "wage_theft"
    ABUSE = "abuse"
    OTHER = "other"


class Status(StrEnum):
    FILED = "filed"
    TRIAGED = "triaged"
    REFERRED = "referred"
    CLOSED = "closed"


class PublicStatus(StrEnum):
    """What the tracking page shows: how far the complaint has come, nothing more."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    REFERRED = "referred"
    WITH_AUTHORITY = "with_authority"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Action(StrEnum):
    TRIAGE = "triage"
    REFER = "refer"
    CLOSE = "close"


ALLOWED: dict[Status, tuple[Action, ...]] = {
    Status.FILED: (Action.TRIAGE, Action.CLOSE),
    Status.TRIAGED: (Action.TRIAGE, Action.REFER, Action.CLOSE),
    Status.REFERRED: (Action.REFER, Action.CLOSE),
    Status.CLOSED: (),
}


@dataclass(frozen=True)
class Recruiter:
    """An accredited recruiter by id, or what the worker knows of it."""

    recruiter_id: str | None = None
    name: str | None = None
    country: str | None = None
    licence_number: str | None = None


@dataclass(frozen=True)
class Evidence:
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class NewComplaint:
    recruiter: Recruiter
    categories: tuple[Category, ...]
    description: str
    origin_country: str
    destination_country: str
    consent_share_identity: bool
    occurred_on: date | None = None
    fees_amount: float | None = None
    fees_currency: str | None = None
    contact: dict[str, str] | None = None
    anonymous: bool = False
    language: str | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class FiledComplaint:
    complaint_id: str
    tracking_code: str
    uploads: list[Upload]


@dataclass(frozen=True)
class Transition:
    action: Action
    expected_version: int
    categories: tuple[Category, ...] | None = None
    priority: Priority | None = None
    add_partners: tuple[str, ...] = ()
    remove_partners: tuple[str, ...] = ()
    reason: str | None = None


@dataclass(frozen=True)
class Transitioned:
    complaint: dict[str, Any]
    referrals: list[dict[str, Any]] = field(default_factory=list)


class ComplaintRepository(Protocol):
    def add(self, complaint: dict[str, Any]) -> None:
        """Create; never overwrites."""
        ...

    def get(self, complaint_id: str) -> dict[str, Any] | None: ...

    def by_tracking_hash(self, tracking_hash: str) -> dict[str, Any] | None: ...

    def page_by_status(self, status: str, limit: int, position: dict[str, Any] | None) -> Page: ...

    def update(self, complaint_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply ``changes`` at ``expected_version``; :class:`StaleVersion` otherwise."""
        ...

    def refer(
        self,
        complaint_id: str,
        expected_version: int,
        changes: dict[str, Any],
        referrals: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """Update the complaint and create its referrals in one transaction."""
        ...


class Roster(Protocol):
    """The public roster: accredited and suspended recruiters."""

    def get(self, recruiter_id: str) -> Entry | None: ...

    def verify(self, country: str, number: str) -> Entry | None:
        """The recruiter holding this licence."""
        ...


class PartnerDirectory(Protocol):
    def active(self) -> list[dict[str, Any]]: ...


# --- tracking codes ---------------------------------------------------------------------------


def new_tracking_code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def tracking_hash(code: str) -> str:
    """Hash of a code as typed: case, spaces and dashes do not matter; I/L read as 1, O as 0."""
    normal = code.upper().replace("-", "").replace(" ", "")
    normal = normal.translate(str.maketrans("ILO", "110"))
    return hashlib.sha256(normal.encode()).hexdigest()


# --- filing and tracking ----------------------------------------------------------------------


def identify(recruiter: Recruiter, roster: Roster) -> Recruiter:
    """The recruiter with its roster id: the one given, if listed (422 otherwise), or the one the
    roster lists for the licence, if the name is one of its names; else what the worker gave."""
    if recruiter.recruiter_id is not None:
        if roster.get(recruiter.recruiter_id) is None:
            raise ValidationFailed(
                [FieldError("recruiter.recruiter_id", "no recruiter on the roster has this id")]
            )
        return recruiter
    if recruiter.name and recruiter.country and recruiter.licence_number:
        listed = roster.verify(recruiter.country, recruiter.licence_number)
        if listed is not None and known_as(listed, recruiter.name):
            return replace(recruiter, recruiter_id=listed.recruiter_id)
    return recruiter


def file_complaint(
    new: NewComplaint,
    *,
    complaints: ComplaintRepository,
    roster: Roster,
    uploads: UploadSigner,
    events: EventSink,
) -> FiledComplaint:
    recruiter = identify(new.recruiter, roster)
    now = clock.iso(clock.now())
    complaint_id = ids.new_id()
    code = new_tracking_code()
    evidence = [
        {"key": f"complaints/{complaint_id}/{n}", "content_type": e.content_type, "size_bytes": e.size_bytes}
        for n, e in enumerate(new.evidence)
    ]
    complaint = {
        "complaint_id": complaint_id,
        "tracking_hash": tracking_hash(code),
        "status": Status.FILED.value,
        "public_status": PublicStatus.RECEIVED.value,
        "filed_at": now,
        "updated_at": now,
        "recruiter": {k: v for k, v in recruiter.__dict__.items() if v is not None},
        "categories": [c.value for c in new.categories],
        "description": new.description,
        "occurred_on": new.occurred_on.isoformat() if new.occurred_on else None,
        "fees": {"amount": new.fees_amount, "currency": new.fees_currency}
        if new.fees_amount is not None
        else None,
        "origin_country": new.origin_country,
        "destination_country": new.destination_country,
        "contact": None if new.anonymous else new.contact,
        "anonymous": new.anonymous,
        "consent_share_identity": new.consent_share_identity,
        "language": new.language,
        "evidence": evidence,
        "priority": None,
        "referrals": [],
        "close_reason": None,
        "timeline": [{"at": now, "event": "filed"}],
        "public_messages": [{"at": now, "message": "We have received your complaint."}],
    }
    complaints.add(complaint)
    events.publish(
        ComplaintFiled(
            id=complaint_id,
            occurred_at=now,
            complaint_id=complaint_id,
            categories=[c.value for c in new.categories],
            origin_country=new.origin_country,
            destination_country=new.destination_country,
            recruiter_id=recruiter.recruiter_id,
            anonymous=new.anonymous,
            evidence_count=len(evidence),
        )
    )
    signed = [
        uploads.presign(
            f"complaints/{complaint_id}/{n}", e.content_type, MAX_EVIDENCE_BYTES, UPLOAD_EXPIRES_SECONDS
        )
        for n, e in enumerate(new.evidence)
    ]
    return FiledComplaint(complaint_id, code, signed)


def track(code: str, *, complaints: ComplaintRepository) -> dict[str, Any]:
    """Status and public messages for whoever holds the code; 404 for any other code."""
    complaint = complaints.by_tracking_hash(tracking_hash(code))
    if complaint is None:
        raise NotFound("no complaint with this tracking code")
    return {
        "status": complaint["public_status"],
        "filed_at": complaint["filed_at"],
        "updated_at": complaint["updated_at"],
        "messages": complaint["public_messages"],
    }


# --- staff workflow ---------------------------------------------------------------------------


def transition(
    complaint_id: str,
    change: Transition,
    *,
    actor: Principal,
    complaints: ComplaintRepository,
    partners: PartnerDirectory,
    events: EventSink,
    default_sla_days: int,
) -> Transitioned:
    current = complaints.get(complaint_id)
    if current is None:
        raise NotFound("no such complaint")
    status = Status(current["status"])
    if current["version"] != change.expected_version or change.action not in ALLOWED[status]:
        raise _conflict(current, stale=current["version"] != change.expected_version)
    now = clock.iso(clock.now())
    entry: dict[str, Any] = {"at": now, "event": change.action.value, "by": actor.subject}
    changes: dict[str, Any] = {"updated_at": now}
    if change.action is Action.TRIAGE:
        if change.priority is None:
            raise ValidationFailed([FieldError("priority", "triage sets a priority")])
        changes |= {"status": Status.TRIAGED.value, "priority": change.priority.value}
        if change.categories:
            changes["categories"] = [c.value for c in change.categories]
        entry |= {
            "priority": change.priority.value,
            "categories": changes.get("categories", current["categories"]),
        }
        return Transitioned(_save(complaints, current, changes, entry, PublicStatus.UNDER_REVIEW, now))
    if change.action is Action.CLOSE:
        if not change.reason:
            raise ValidationFailed([FieldError("reason", "closing needs a reason")])
        changes |= {"status": Status.CLOSED.value, "close_reason": change.reason}
        entry["reason"] = change.reason
        return Transitioned(_save(complaints, current, changes, entry, PublicStatus.CLOSED, now))
    return _refer(current, change, changes, entry, now, complaints, partners, events, default_sla_days)


def _refer(
    current: dict[str, Any],
    change: Transition,
    changes: dict[str, Any],
    entry: dict[str, Any],
    now: str,
    complaints: ComplaintRepository,
    partners: PartnerDirectory,
    events: EventSink,
    default_sla_days: int,
) -> Transitioned:
    directory = {p["partner_id"]: p for p in partners.active()}
    chosen = choose(
        case_of(current),
        [reach_of(p) for p in directory.values()],
        add=change.add_partners,
        remove=change.remove_partners,
        already=[r["partner_id"] for r in current["referrals"]],
    )
    if not chosen:
        raise ValidationFailed([FieldError("add_partners", "no partner to refer to: the rules chose none")])
    created = clock.now()
    referrals = []
    for partner_id in chosen:
        referral_id = ids.new_id()
        sla_days = int(directory[partner_id].get("sla_days") or default_sla_days)
        referrals.append(
            {
                "referral_id": referral_id,
                "complaint_id": current["complaint_id"],
                "partner_id": partner_id,
                "status": "referred",
                "delivery_state": "pending",
                "payload": privacy.referral_payload(current, referral_id),
                "acks": [],
                "created_at": now,
                "updated_at": now,
                "sla_due_at": clock.iso(created + timedelta(days=sla_days)),
                "awaiting_ack": "yes",
            }
        )
    changes |= {
        "status": Status.REFERRED.value,
        "referrals": [
            *current["referrals"],
            *({"referral_id": r["referral_id"], "partner_id": r["partner_id"]} for r in referrals),
        ],
    }
    entry["partners"] = chosen
    message = "Your complaint was referred to an authority that can act on it."
    changes |= public_update(current, PublicStatus.REFERRED, message, now)
    changes["timeline"] = [*current["timeline"], entry]
    try:
        updated = complaints.refer(current["complaint_id"], current["version"], changes, referrals)
    except StaleVersion as stale:
        raise _conflict(stale.current, stale=True) from None
    for referral in referrals:
        events.publish(referred_event(referral, current))
    return Transitioned(updated, referrals)


def _save(
    complaints: ComplaintRepository,
    current: dict[str, Any],
    changes: dict[str, Any],
    entry: dict[str, Any],
    public_status: PublicStatus,
    now: str,
) -> dict[str, Any]:
    messages = {
        PublicStatus.UNDER_REVIEW: "Your complaint is being reviewed.",
        PublicStatus.CLOSED: "Your complaint was closed.",
    }
    changes |= public_update(current, public_status, messages[public_status], now)
    changes["timeline"] = [*current["timeline"], entry]
    try:
        return complaints.update(current["complaint_id"], current["version"], changes)
    except StaleVersion as stale:
        raise _conflict(stale.current, stale=True) from None


def public_update(current: dict[str, Any], status: PublicStatus, message: str, now: str) -> dict[str, Any]:
    """Changes that show ``message`` on the tracking page (none if it is already the last one)."""
    if current["public_status"] == status.value and current["public_messages"][-1]["message"] == message:
        return {}
    return {
        "public_status": status.value,
        "public_messages": [*current["public_messages"], {"at": now, "message": message}],
    }


def _conflict(current: dict[str, Any] | None, *, stale: bool) -> Conflict:
    status = Status(current["status"]) if current else None
    detail = (
        "the complaint was changed by someone else; reload it and apply your change again"
        if stale
        else f"this action is not allowed while the complaint is {status.value if status else 'unknown'}"
    )
    return Conflict(
        detail,
        current_version=current["version"] if current else None,
        current_status=status.value if status else None,
        allowed_actions=[a.value for a in ALLOWED[status]] if status else [],
    )


def case_of(complaint: dict[str, Any]) -> Case:
    return Case(
        origin_country=complaint["origin_country"],
        destination_country=complaint["destination_country"],
        recruiter_country=complaint["recruiter"].get("country"),
        categories=frozenset(complaint["categories"]),
    )


def reach_of(partner: dict[str, Any]) -> Reach:
    return Reach(
        partner_id=partner["partner_id"],
        origin=frozenset(partner["jurisdictions"].get("origin", [])),
        destination=frozenset(partner["jurisdictions"].get("destination", [])),
        categories=frozenset(partner["categories"]),
        active=bool(partner["active"]),
    )


def referred_event(referral: dict[str, Any], complaint: dict[str, Any]) -> ComplaintReferred:
    """``complaint.referred``: routing facts only; identity travels in the partner payload."""
    return ComplaintReferred(
        id=referral["referral_id"],
        occurred_at=referral["created_at"],
        referral_id=referral["referral_id"],
        complaint_id=complaint["complaint_id"],
        partner_id=referral["partner_id"],
        categories=complaint["categories"],
        identity_shared="complainant" in referral["payload"],
    )


def suggested_partners(complaint: dict[str, Any], partners: PartnerDirectory) -> list[dict[str, Any]]:
    """The active partners the routing rules would refer this complaint to now, less those already
    referred: what a refer with no additions or removals sends it to."""
    directory = {p["partner_id"]: p for p in partners.active()}
    already = {r["partner_id"] for r in complaint["referrals"]}
    chosen = route(case_of(complaint), [reach_of(p) for p in directory.values()])
    return [{"partner_id": pid, "name": directory[pid]["name"]} for pid in chosen if pid not in already]


def allowed_actions(complaint: dict[str, Any]) -> list[str]:
    """The transitions the complaint's status allows now."""
    return [a.value for a in ALLOWED[Status(complaint["status"])]]


def staff_view(complaint: dict[str, Any]) -> dict[str, Any]:
    """The complaint as auditors see it (contact included; the tracking hash never)."""
    return {k: v for k, v in complaint.items() if k != "tracking_hash"}
