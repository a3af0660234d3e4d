"""Referrals after they are made: delivery to the partner, its acknowledgements, escalation.

Delivery: the worker pushes a referral's payload as a CloudEvents 1.0 body signed per Standard
Webhooks (``webhook-id`` is the referral id, so retries are recognisable). Every attempt is
recorded on the referral; whether it was delivered or not, the partner sees it through the
pull API. Acknowledgements update the referral and the complaint's timeline and tracking page.
A referral nobody acknowledged within its SLA is escalated once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from haven import clock, webhooks
from haven.complaints.entities import (
    AckRecord,
    Complaint,
    DeliveryAttempt,
    DeliveryState,
    Json,
    Partner,
    PublicStatus,
    Referral,
    ReferralStatus,
    show,
)
from haven.complaints.partners import signing_secrets
from haven.complaints.ports import ComplaintRepository
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import EventSink
from haven.events.complaints import ComplaintResolved, ReferralEscalated, ReferralUpdated
from haven.kernel import Page, StaleVersion
from haven.notifications import Message

EVENT_TYPE = "org.haven.complaint.referred"
EVENT_SOURCE = "urn:haven:complaints"
#: Attempts at updating a complaint that staff may be editing at the same time.
_COMPLAINT_WRITE_TRIES = 5


@dataclass(frozen=True)
class Ack:
    """What a partner says of a referral: any status a rule of :data:`ACKS` leads to."""

    status: ReferralStatus
    reason: str | None = None
    substantiated: bool | None = None
    remedy: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Needs:
    """What an acknowledgement must carry (422 without it)."""

    field: str
    says: str
    given: Callable[[Ack], bool]


@dataclass(frozen=True)
class AckRule:
    """Acknowledging a status: its guard (the statuses it may follow, what it must carry) and its
    effect (what the worker's tracking page then shows; a resolution also closes the case for
    accreditation monitoring)."""

    after: frozenset[ReferralStatus]
    shows: PublicStatus
    message: str
    needs: Needs | None = None
    resolves: bool = False


R = ReferralStatus
_OPEN = frozenset({R.REFERRED, R.RECEIVED})

#: The whole lifecycle. Rejected and resolved are final: no rule follows them.
ACKS: dict[ReferralStatus, AckRule] = {
    R.RECEIVED: AckRule(
        frozenset({R.REFERRED}), PublicStatus.WITH_AUTHORITY, "An authority has received your complaint."
    ),
    R.ACCEPTED: AckRule(_OPEN, PublicStatus.WITH_AUTHORITY, "An authority has accepted your complaint."),
    R.REJECTED: AckRule(
        _OPEN,
        PublicStatus.REFERRED,
        "An authority could not take up your complaint.",
        Needs("reason", "a rejection gives a reason", lambda ack: bool(ack.reason)),
    ),
    R.IN_PROGRESS: AckRule(
        _OPEN | {R.ACCEPTED}, PublicStatus.WITH_AUTHORITY, "An authority is working on your complaint."
    ),
    R.RESOLVED: AckRule(
        _OPEN | {R.ACCEPTED, R.IN_PROGRESS},
        PublicStatus.RESOLVED,
        "An authority has resolved your complaint.",
        Needs(
            "outcome.substantiated",
            "a resolution says whether it was substantiated",
            lambda ack: ack.substantiated is not None,
        ),
        resolves=True,
    ),
}


class ReferralRepository(Protocol):
    def get(self, referral_id: str) -> Referral | None: ...

    def page_for_partner(
        self, partner_id: str, since: str | None, limit: int, position: Json | None
    ) -> Page[Referral]: ...

    def update(self, current: Referral, new: Referral) -> Referral:
        """Store what changed from ``current`` at its version; :class:`StaleVersion` otherwise."""
        ...

    def record_attempt(
        self, referral_id: str, attempt: DeliveryAttempt, delivery_state: DeliveryState
    ) -> None:
        """Append one delivery attempt (whatever the version: attempts never conflict)."""
        ...

    def overdue(self, now: str, limit: int) -> list[Referral]:
        """Referrals still awaiting a first acknowledgement whose SLA ended before ``now``."""
        ...

    def claim_escalation(self, referral_id: str, at: str) -> bool:
        """Mark escalated if still awaiting acknowledgement; False if it no longer is."""
        ...

    def release_escalation(self, referral_id: str) -> None: ...


class PartnerLookup(Protocol):
    def get(self, partner_id: str) -> Partner | None: ...


class DeliveryReport(Protocol):
    ok: bool
    status: int | None
    error: str | None
    retry_after: int | None


Send = Callable[[str, bytes, dict[str, str]], DeliveryReport]


# --- partner pull API -------------------------------------------------------------------------


def next_statuses(status: str) -> list[str]:
    """What a partner may acknowledge next from ``status``, in the lifecycle's order (``ACKS``)."""
    return [s.value for s, rule in ACKS.items() if status in rule.after]


def partner_view(referral: Referral) -> Json:
    return {
        "referral_id": referral.referral_id,
        "status": referral.status.value,
        "allowed_statuses": next_statuses(referral.status),
        "delivery": {"state": referral.delivery_state.value, "attempts": len(referral.attempts)},
        "created_at": referral.created_at,
        "updated_at": referral.updated_at,
        "sla_due_at": referral.sla_due_at,
        "type": EVENT_TYPE,
        "data": referral.payload,
        "acks": [a.as_json() for a in referral.acks],
        "version": referral.version,
    }


def own_referral(referral_id: str, partner_id: str, referrals: ReferralRepository) -> Referral:
    """The referral if it is addressed to this partner; 404 otherwise (whether it exists or not)."""
    referral = referrals.get(referral_id)
    if referral is None or referral.partner_id != partner_id:
        raise NotFound("no such referral")
    return referral


def acknowledge(
    referral_id: str,
    ack: Ack,
    *,
    partner_id: str,
    referrals: ReferralRepository,
    complaints: ComplaintRepository,
    events: EventSink,
) -> Referral:
    """Take the partner's acknowledgement by its rule; the referral as stored after."""
    referral = own_referral(referral_id, partner_id, referrals)
    rule = ACKS[ack.status]
    if rule.needs is not None and not rule.needs.given(ack):
        raise ValidationFailed([FieldError(rule.needs.field, rule.needs.says)])
    repeated = referral.status == ack.status
    if repeated and ack.note is None:
        return referral  # a repeated acknowledgement changes nothing
    if not repeated and referral.status not in rule.after:
        raise Conflict(
            f"a referral that is {referral.status.value} cannot become {ack.status.value}",
            current_status=referral.status.value,
            allowed_statuses=next_statuses(referral.status),
        )
    now = clock.iso(clock.now())
    record = AckRecord(now, ack.status, ack.reason, ack.substantiated, ack.remedy, ack.note)
    acknowledged = replace(
        referral, status=ack.status, updated_at=now, acks=(*referral.acks, record), awaiting_ack=False
    )
    try:
        updated = referrals.update(referral, acknowledged)
    except StaleVersion:
        raise Conflict("the referral was acknowledged at the same time; read it again") from None
    complaint = _append_to_complaint(
        updated.complaint_id,
        _entry("acknowledged", updated, record.as_json()),
        complaints,
        (rule.shows, rule.message),
    )
    events.publish(_updated_event(updated, record))
    if rule.resolves:
        events.publish(_resolved_event(updated, record, complaint))
    return updated


def _append_to_complaint(
    complaint_id: str,
    entry: Json,
    complaints: ComplaintRepository,
    tracking: tuple[PublicStatus, str] | None = None,
) -> Complaint:
    """An entry on the complaint's timeline (and a tracking message), retried if contended."""
    for _ in range(_COMPLAINT_WRITE_TRIES):
        current = complaints.get(complaint_id)
        if current is None:
            raise NotFound("the referred complaint no longer exists")
        new = replace(current, updated_at=entry["at"], timeline=(*current.timeline, entry))
        if tracking is not None:
            new = show(new, *tracking, entry["at"])
        try:
            return complaints.update(current, new)
        except StaleVersion:
            continue
    raise Conflict("the complaint is being changed by others; try again")


def _entry(event: str, referral: Referral, record: Json) -> Json:
    return {"event": event, "referral_id": referral.referral_id, "partner_id": referral.partner_id, **record}


def _updated_event(referral: Referral, record: AckRecord) -> ReferralUpdated:
    return ReferralUpdated(
        id=referral.referral_id,
        occurred_at=record.at,
        referral_id=referral.referral_id,
        complaint_id=referral.complaint_id,
        partner_id=referral.partner_id,
        version=referral.version,
        status=record.status.value,
    )


def _resolved_event(referral: Referral, record: AckRecord, complaint: Complaint) -> ComplaintResolved:
    """``complaint.resolved``: what accreditation monitoring needs to open a compliance review."""
    return ComplaintResolved(
        id=referral.referral_id,
        occurred_at=record.at,
        complaint_id=referral.complaint_id,
        referral_id=referral.referral_id,
        partner_id=referral.partner_id,
        substantiated=bool(record.substantiated),
        remedy_given=bool(record.remedy),
        recruiter_id=complaint.recruiter.recruiter_id,
        categories=[c.value for c in complaint.categories],
    )


# --- delivery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    #: Nothing to deliver (already delivered, pull-only partner, unknown referral): do not retry.
    settled: bool
    retry_after: int | None = None


def deliver(
    referral_id: str,
    *,
    attempt: int,
    last_attempt: bool,
    referrals: ReferralRepository,
    partners: PartnerLookup,
    send: Send,
) -> Outcome:
    referral = referrals.get(referral_id)
    if referral is None or referral.delivery_state is DeliveryState.DELIVERED:
        return Outcome(delivered=False, settled=True)
    partner = partners.get(referral.partner_id)
    if partner is None or not partner.active or not partner.webhook_url:
        referrals.record_attempt(
            referral_id, _attempt(attempt, None, "partner has no active webhook"), DeliveryState.PULL_ONLY
        )
        return Outcome(delivered=False, settled=True)
    body = webhooks.cloudevent(
        event_id=referral_id,
        source=EVENT_SOURCE,
        event_type=EVENT_TYPE,
        subject=referral.complaint_id,
        time_iso=referral.created_at,
        data=referral.payload,
    )
    headers = webhooks.sign(signing_secrets(partner, clock.now()), referral_id, body)
    try:
        report = send(partner.webhook_url, body, headers)
    except ValidationFailed:
        referrals.record_attempt(
            referral_id, _attempt(attempt, None, "webhook URL refused"), _failed(last_attempt)
        )
        return Outcome(delivered=False, settled=False)
    if report.ok:
        referrals.record_attempt(referral_id, _attempt(attempt, report.status, None), DeliveryState.DELIVERED)
        return Outcome(delivered=True, settled=True)
    referrals.record_attempt(
        referral_id, _attempt(attempt, report.status, report.error), _failed(last_attempt)
    )
    return Outcome(delivered=False, settled=False, retry_after=report.retry_after)


def _failed(last_attempt: bool) -> DeliveryState:
    return DeliveryState.DEAD_LETTERED if last_attempt else DeliveryState.RETRYING


def _attempt(n: int, status: int | None, error: str | None) -> DeliveryAttempt:
    return DeliveryAttempt(n, clock.iso(clock.now()), error is None, status, error)


# --- escalation -------------------------------------------------------------------------------


def escalate_overdue(
    *,
    referrals: ReferralRepository,
    complaints: ComplaintRepository,
    events: EventSink,
    notify: Callable[[Message], object] | None,
    admin_address: str | None,
    limit: int = 100,
) -> Sequence[str]:
    """Escalate every overdue referral once; the ids escalated by this run."""
    now = clock.iso(clock.now())
    escalated = []
    for referral in referrals.overdue(now, limit):
        if not referrals.claim_escalation(referral.referral_id, now):
            continue  # acknowledged or escalated meanwhile
        try:
            events.publish(_escalated_event(referral, now))
        except Exception:
            referrals.release_escalation(referral.referral_id)  # the next run tries again
            raise
        record = {"at": now, "status": "escalated", "sla_due_at": referral.sla_due_at}
        _append_to_complaint(referral.complaint_id, _entry("escalated", referral, record), complaints)
        if notify is not None and admin_address:
            notify(
                Message(
                    channel="email",
                    to=admin_address,
                    subject="Haven: a referral was not acknowledged in time",
                    body=f"Referral {referral.referral_id} (complaint {referral.complaint_id}) "
                    f"was due by {referral.sla_due_at} and has not been acknowledged.",
                    ref=f"referral:{referral.referral_id}",
                )
            )
        escalated.append(referral.referral_id)
    return escalated


def _escalated_event(referral: Referral, now: str) -> ReferralEscalated:
    return ReferralEscalated(
        id=referral.referral_id,
        occurred_at=now,
        referral_id=referral.referral_id,
        complaint_id=referral.complaint_id,
        partner_id=referral.partner_id,
        sla_due_at=referral.sla_due_at,
    )
