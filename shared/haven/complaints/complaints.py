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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum

from haven import clock, ids
from haven.auth import Principal
from haven.complaints import privacy
from haven.complaints.entities import Category as Category
from haven.complaints.entities import (
    Complaint,
    DeliveryState,
    Fees,
    Json,
    Partner,
    PublicMessage,
    Referral,
    ReferralRef,
    ReferralStatus,
    StoredEvidence,
    show,
)
from haven.complaints.entities import Priority as Priority
from haven.complaints.entities import PublicStatus as PublicStatus
from haven.complaints.entities import Recruiter as Recruiter
from haven.complaints.entities import Status as Status
from haven.complaints.evidence import EVIDENCE_TYPES as EVIDENCE_TYPES
from haven.complaints.evidence import MAX_EVIDENCE_BYTES as MAX_EVIDENCE_BYTES
from haven.complaints.evidence import MAX_EVIDENCE_ITEMS as MAX_EVIDENCE_ITEMS
from haven.complaints.ports import ComplaintRepository as ComplaintRepository
from haven.complaints.ports import PartnerDirectory as PartnerDirectory
from haven.complaints.ports import Roster as Roster
from haven.complaints.routing import Case, Reach, choose, route
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import EventSink
from haven.events.complaints import ComplaintFiled, ComplaintReferred
from haven.kernel import StaleVersion, Upload, UploadSigner
from haven.recruitment.roster import known_as

UPLOAD_EXPIRES_SECONDS = 900
#: 20 characters of Crockford base32: 100 random bits, written as five groups of four.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 20


class Action(StrEnum):
    TRIAGE = "triage"
    REFER = "refer"
    CLOSE = "close"


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
    complaint: Complaint
    referrals: list[Referral] = field(default_factory=list)


# --- the workflow -----------------------------------------------------------------------------

#: What an action changes on the complaint, given the partners a refer chose, and the details it
#: adds to its timeline entry.
Effect = Callable[[Complaint, Transition, Sequence[ReferralRef]], tuple[Complaint, Json]]


@dataclass(frozen=True)
class Needs:
    """A field of the transition the action cannot do without (422 when it is missing)."""

    field: str
    says: str


@dataclass(frozen=True)
class Rule:
    """One action: its guard (the statuses it is taken in, what it needs) and its effect."""

    allowed_in: frozenset[Status]
    to: Status
    shows: PublicStatus
    message: str
    effect: Effect
    needs: Needs | None = None
    #: The action first makes a referral to each partner the routing rules choose.
    refers: bool = False


def _triaged(complaint: Complaint, change: Transition, _: Sequence[ReferralRef]) -> tuple[Complaint, Json]:
    assert change.priority is not None  # the rule needs it
    categories = change.categories or complaint.categories
    details = {"priority": change.priority.value, "categories": [c.value for c in categories]}
    return replace(complaint, priority=change.priority, categories=categories), details


def _referred(complaint: Complaint, _: Transition, referred: Sequence[ReferralRef]) -> tuple[Complaint, Json]:
    details = {"partners": [r.partner_id for r in referred]}
    return replace(complaint, referrals=(*complaint.referrals, *referred)), details


def _closed(complaint: Complaint, change: Transition, _: Sequence[ReferralRef]) -> tuple[Complaint, Json]:
    return replace(complaint, close_reason=change.reason), {"reason": change.reason}


S = Status

#: The whole workflow. An action is allowed only in the statuses its rule names.
RULES: dict[Action, Rule] = {
    Action.TRIAGE: Rule(
        frozenset({S.FILED, S.TRIAGED}),
        S.TRIAGED,
        PublicStatus.UNDER_REVIEW,
        "Your complaint is being reviewed.",
        _triaged,
        Needs("priority", "triage sets a priority"),
    ),
    Action.REFER: Rule(
        frozenset({S.TRIAGED, S.REFERRED}),
        S.REFERRED,
        PublicStatus.REFERRED,
        "Your complaint was referred to an authority that can act on it.",
        _referred,
        refers=True,
    ),
    Action.CLOSE: Rule(
        frozenset({S.FILED, S.TRIAGED, S.REFERRED}),
        S.CLOSED,
        PublicStatus.CLOSED,
        "Your complaint was closed.",
        _closed,
        Needs("reason", "closing needs a reason"),
    ),
}


def allowed_actions(complaint: Complaint) -> list[str]:
    """The transitions the complaint's status allows now, in :class:`Action` order."""
    return [action.value for action, rule in RULES.items() if complaint.status in rule.allowed_in]


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
    evidence = tuple(
        StoredEvidence(f"complaints/{complaint_id}/{n}", e.content_type, e.size_bytes)
        for n, e in enumerate(new.evidence)
    )
    complaint = Complaint(
        complaint_id=complaint_id,
        tracking_hash=tracking_hash(code),
        status=Status.FILED,
        public_status=PublicStatus.RECEIVED,
        filed_at=now,
        updated_at=now,
        recruiter=recruiter,
        categories=new.categories,
        description=new.description,
        occurred_on=new.occurred_on.isoformat() if new.occurred_on else None,
        fees=Fees(new.fees_amount, new.fees_currency) if new.fees_amount is not None else None,
        origin_country=new.origin_country,
        destination_country=new.destination_country,
        contact=None if new.anonymous else new.contact,
        anonymous=new.anonymous,
        consent_share_identity=new.consent_share_identity,
        language=new.language,
        evidence=evidence,
        timeline=({"at": now, "event": "filed"},),
        public_messages=(PublicMessage(now, "We have received your complaint."),),
    )
    complaints.add(complaint)
    events.publish(
        ComplaintFiled(
            id=complaint_id,
            occurred_at=now,
            complaint_id=complaint_id,
            categories=[c.value for c in complaint.categories],
            origin_country=new.origin_country,
            destination_country=new.destination_country,
            recruiter_id=recruiter.recruiter_id,
            anonymous=new.anonymous,
            evidence_count=len(evidence),
        )
    )
    signed = [
        uploads.presign(e.key, e.content_type, MAX_EVIDENCE_BYTES, UPLOAD_EXPIRES_SECONDS) for e in evidence
    ]
    return FiledComplaint(complaint_id, code, signed)


def track(code: str, *, complaints: ComplaintRepository) -> Json:
    """Status and public messages for whoever holds the code; 404 for any other code."""
    complaint = complaints.by_tracking_hash(tracking_hash(code))
    if complaint is None:
        raise NotFound("no complaint with this tracking code")
    return {
        "status": complaint.public_status.value,
        "filed_at": complaint.filed_at,
        "updated_at": complaint.updated_at,
        "messages": [m.as_json() for m in complaint.public_messages],
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
    """Take ``change.action`` by its rule; the complaint as stored after, and any new referrals."""
    current = complaints.get(complaint_id)
    if current is None:
        raise NotFound("no such complaint")
    rule = RULES[change.action]
    stale = current.version != change.expected_version
    if stale or current.status not in rule.allowed_in:
        raise _conflict(current, stale=stale)
    if rule.needs is not None and not getattr(change, rule.needs.field):
        raise ValidationFailed([FieldError(rule.needs.field, rule.needs.says)])
    now = clock.iso(clock.now())
    referrals = _referrals(current, change, partners, now, default_sla_days) if rule.refers else []
    changed, details = rule.effect(
        current, change, [ReferralRef(r.referral_id, r.partner_id) for r in referrals]
    )
    entry = {"at": now, "event": change.action.value, "by": actor.subject, **details}
    new = replace(
        show(changed, rule.shows, rule.message, now),
        status=rule.to,
        updated_at=now,
        timeline=(*current.timeline, entry),
    )
    try:
        if not rule.refers:
            return Transitioned(complaints.update(current, new))
        updated = complaints.refer(current, new, referrals)
    except StaleVersion as lost:
        raise _conflict(lost.current, stale=True) from None
    for referral in referrals:
        events.publish(referred_event(referral, current))
    return Transitioned(updated, referrals)


def _referrals(
    complaint: Complaint, change: Transition, partners: PartnerDirectory, now: str, default_sla_days: int
) -> list[Referral]:
    """One new referral per partner the routing rules choose with the staff's additions and removals."""
    directory = {p.partner_id: p for p in partners.active()}
    chosen = choose(
        case_of(complaint),
        [reach_of(p) for p in directory.values()],
        add=change.add_partners,
        remove=change.remove_partners,
        already=[r.partner_id for r in complaint.referrals],
    )
    if not chosen:
        raise ValidationFailed([FieldError("add_partners", "no partner to refer to: the rules chose none")])
    created = clock.now()
    referrals = []
    for partner_id in chosen:
        referral_id = ids.new_id()
        sla_days = int(directory[partner_id].sla_days or default_sla_days)
        referrals.append(
            Referral(
                referral_id=referral_id,
                complaint_id=complaint.complaint_id,
                partner_id=partner_id,
                status=ReferralStatus.REFERRED,
                delivery_state=DeliveryState.PENDING,
                payload=privacy.referral_payload(complaint, referral_id),
                created_at=now,
                updated_at=now,
                sla_due_at=clock.iso(created + timedelta(days=sla_days)),
            )
        )
    return referrals


def _conflict(current: Complaint | None, *, stale: bool) -> Conflict:
    status = current.status if current else None
    detail = (
        "the complaint was changed by someone else; reload it and apply your change again"
        if stale
        else f"this action is not allowed while the complaint is {status.value if status else 'unknown'}"
    )
    return Conflict(
        detail,
        current_version=current.version if current else None,
        current_status=status.value if status else None,
        allowed_actions=allowed_actions(current) if current else [],
    )


def case_of(complaint: Complaint) -> Case:
    return Case(
        origin_country=complaint.origin_country,
        destination_country=complaint.destination_country,
        recruiter_country=complaint.recruiter.country,
        categories=frozenset(complaint.categories),
    )


def reach_of(partner: Partner) -> Reach:
    return Reach(
        partner_id=partner.partner_id,
        origin=frozenset(partner.jurisdictions.origin),
        destination=frozenset(partner.jurisdictions.destination),
        categories=frozenset(partner.categories),
        active=partner.active,
    )


def referred_event(referral: Referral, complaint: Complaint) -> ComplaintReferred:
    """``complaint.referred``: routing facts only; identity travels in the partner payload."""
    return ComplaintReferred(
        id=referral.referral_id,
        occurred_at=referral.created_at,
        referral_id=referral.referral_id,
        complaint_id=complaint.complaint_id,
        partner_id=referral.partner_id,
        categories=[c.value for c in complaint.categories],
        identity_shared="complainant" in referral.payload,
    )


def suggested_partners(complaint: Complaint, partners: PartnerDirectory) -> list[Json]:
    """The active partners the routing rules would refer this complaint to now, less those already
    referred: what a refer with no additions or removals sends it to."""
    directory = {p.partner_id: p for p in partners.active()}
    already = {r.partner_id for r in complaint.referrals}
    chosen = route(case_of(complaint), [reach_of(p) for p in directory.values()])
    return [{"partner_id": pid, "name": directory[pid].name} for pid in chosen if pid not in already]


# --- views ------------------------------------------------------------------------------------


def staff_view(complaint: Complaint) -> Json:
    """The complaint as auditors see it (contact included; the tracking hash never)."""
    return {
        "complaint_id": complaint.complaint_id,
        "status": complaint.status.value,
        "public_status": complaint.public_status.value,
        "filed_at": complaint.filed_at,
        "updated_at": complaint.updated_at,
        "recruiter": complaint.recruiter.as_json(),
        "categories": [c.value for c in complaint.categories],
        "description": complaint.description,
        "occurred_on": complaint.occurred_on,
        "fees": complaint.fees.as_json() if complaint.fees else None,
        "origin_country": complaint.origin_country,
        "destination_country": complaint.destination_country,
        "contact": complaint.contact,
        "anonymous": complaint.anonymous,
        "consent_share_identity": complaint.consent_share_identity,
        "language": complaint.language,
        "evidence": [e.as_json() for e in complaint.evidence],
        "priority": complaint.priority.value if complaint.priority else None,
        "referrals": [r.as_json() for r in complaint.referrals],
        "close_reason": complaint.close_reason,
        "timeline": list(complaint.timeline),
        "public_messages": [m.as_json() for m in complaint.public_messages],
        "version": complaint.version,
    }


def review_view(complaint: Complaint, partners: PartnerDirectory, evidence_url: Callable[[str], str]) -> Json:
    """The complaint as an auditor reviews it: readable evidence, what may be done next and with whom."""
    return {
        **staff_view(complaint),
        "evidence": [{**e.as_json(), "url": evidence_url(e.key)} for e in complaint.evidence],
        "allowed_actions": allowed_actions(complaint),
        "suggested_partners": suggested_partners(complaint, partners),
    }


def transitioned_view(result: Transitioned) -> Json:
    return {
        **staff_view(result.complaint),
        "referred": [{"referral_id": r.referral_id, "partner_id": r.partner_id} for r in result.referrals],
    }
