"""Referrals after they are made: delivery to the partner, its acknowledgements, escalation.

Delivery: the worker pushes a referral's payload as a CloudEvents 1.0 body signed per Standard
Webhooks (``webhook-id`` is the referral id, so retries are recognisable). Every attempt is
recorded on the referral; whether it was delivered or not, the partner sees it through the
pull API. Acknowledgements update the referral and the complaint's timeline and tracking page.
A referral nobody acknowledged within its SLA is escalated once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from haven import clock, webhooks
from haven.complaints.complaints import ComplaintRepository, PublicStatus, public_update
from haven.complaints.partners import signing_secrets
from haven.errors import Conflict, FieldError, NotFound, ValidationFailed
from haven.events import ComplaintResolved, EventSink, ReferralEscalated, ReferralUpdated
from haven.kernel import Page, StaleVersion
from haven.notifications import Message

EVENT_TYPE = "org.haven.complaint.referred"
EVENT_SOURCE = "urn:haven:complaints"
#: Attempts at updating a complaint that staff may be editing at the same time.
_COMPLAINT_WRITE_TRIES = 5


class AckStatus(StrEnum):
    RECEIVED = "received"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


#: What a partner may say next; rejected and resolved are final.
_NEXT: dict[str, frozenset[AckStatus]] = {
    "referred": frozenset(AckStatus),
    "received": frozenset(
        {AckStatus.ACCEPTED, AckStatus.REJECTED, AckStatus.IN_PROGRESS, AckStatus.RESOLVED}
    ),
    "accepted": frozenset({AckStatus.IN_PROGRESS, AckStatus.RESOLVED}),
    "in_progress": frozenset({AckStatus.RESOLVED}),
    "rejected": frozenset(),
    "resolved": frozenset(),
}

_TRACKING = {
    AckStatus.RECEIVED: (PublicStatus.WITH_AUTHORITY, "An authority has received your complaint."),
    AckStatus.ACCEPTED: (PublicStatus.WITH_AUTHORITY, "An authority has accepted your complaint."),
    AckStatus.IN_PROGRESS: (PublicStatus.WITH_AUTHORITY, "An authority is working on your complaint."),
    AckStatus.REJECTED: (PublicStatus.REFERRED, "An authority could not take up your complaint."),
    AckStatus.RESOLVED: (PublicStatus.RESOLVED, "An authority has resolved your complaint."),
}


@dataclass(frozen=True)
class Ack:
    status: AckStatus
    reason: str | None = None
    substantiated: bool | None = None
    remedy: str | None = None
    note: str | None = None


class ReferralRepository(Protocol):
    def get(self, referral_id: str) -> dict[str, Any] | None: ...

    def page_for_partner(
        self, partner_id: str, since: str | None, limit: int, position: dict[str, Any] | None
    ) -> Page: ...

    def update(self, referral_id: str, expected_version: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply ``changes`` at ``expected_version``; :class:`StaleVersion` otherwise."""
        ...

    def record_attempt(self, referral_id: str, attempt: dict[str, Any], delivery_state: str) -> None:
        """Append one delivery attempt (whatever the version: attempts never conflict)."""
        ...

    def overdue(self, now: str, limit: int) -> list[dict[str, Any]]:
        """Referrals still awaiting a first acknowledgement whose SLA ended before ``now``."""
        ...

    def claim_escalation(self, referral_id: str, at: str) -> bool:
        """Mark escalated if still awaiting acknowledgement; False if it no longer is."""
        ...

    def release_escalation(self, referral_id: str) -> None: ...


class PartnerLookup(Protocol):
    def get(self, partner_id: str) -> dict[str, Any] | None: ...


class DeliveryReport(Protocol):
    ok: bool
    status: int | None
    error: str | None
    retry_after: int | None


Send = Callable[[str, bytes, dict[str, str]], DeliveryReport]


# --- partner pull API -------------------------------------------------------------------------


def next_statuses(status: str) -> list[str]:
    """What a partner may acknowledge next from ``status``, in the lifecycle's order (``_NEXT``)."""
    return [s.value for s in AckStatus if s in _NEXT.get(status, frozenset())]


def partner_view(referral: dict[str, Any]) -> dict[str, Any]:
    return {
        "referral_id": referral["referral_id"],
        "status": referral["status"],
        "allowed_statuses": next_statuses(referral["status"]),
        "delivery": {"state": referral["delivery_state"], "attempts": len(referral["attempts"])},
        "created_at": referral["created_at"],
        "updated_at": referral["updated_at"],
        "sla_due_at": referral["sla_due_at"],
        "type": EVENT_TYPE,
        "data": referral["payload"],
        "acks": referral["acks"],
        "version": referral["version"],
    }


def own_referral(referral_id: str, partner_id: str, referrals: ReferralRepository) -> dict[str, Any]:
    """The referral if it is addressed to this partner; 404 otherwise (whether it exists or not)."""
    referral = referrals.get(referral_id)
    if referral is None or referral["partner_id"] != partner_id:
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
) -> dict[str, Any]:
    referral = own_referral(referral_id, partner_id, referrals)
    _validate(ack)
    if referral["status"] == ack.status.value and ack.note is None:
        return referral  # a repeated acknowledgement changes nothing
    if ack.status not in _NEXT[referral["status"]] and referral["status"] != ack.status.value:
        raise Conflict(
            f"a referral that is {referral['status']} cannot become {ack.status.value}",
            current_status=referral["status"],
            allowed_statuses=next_statuses(referral["status"]),
        )
    now = clock.iso(clock.now())
    record = {"at": now, "status": ack.status.value} | {
        k: v
        for k, v in (
            ("reason", ack.reason),
            ("substantiated", ack.substantiated),
            ("remedy", ack.remedy),
            ("note", ack.note),
        )
        if v is not None
    }
    try:
        updated = referrals.update(
            referral_id,
            referral["version"],
            {
                "status": ack.status.value,
                "updated_at": now,
                "acks": [*referral["acks"], record],
                "awaiting_ack": None,
            },
        )
    except StaleVersion:
        raise Conflict("the referral was acknowledged at the same time; read it again") from None
    complaint = _append_to_complaint(
        updated["complaint_id"], _entry("acknowledged", updated, record), complaints, _TRACKING[ack.status]
    )
    events.publish(_updated_event(updated, record))
    if ack.status is AckStatus.RESOLVED:
        events.publish(_resolved_event(updated, record, complaint))
    return updated


def _validate(ack: Ack) -> None:
    if ack.status is AckStatus.REJECTED and not ack.reason:
        raise ValidationFailed([FieldError("reason", "a rejection gives a reason")])
    if ack.status is AckStatus.RESOLVED and ack.substantiated is None:
        raise ValidationFailed(
            [FieldError("outcome.substantiated", "a resolution says whether it was substantiated")]
        )


def _append_to_complaint(
    complaint_id: str,
    entry: dict[str, Any],
    complaints: ComplaintRepository,
    tracking: tuple[PublicStatus, str] | None = None,
) -> dict[str, Any]:
    """An entry on the complaint's timeline (and a tracking message), retried if contended."""
    for _ in range(_COMPLAINT_WRITE_TRIES):
        current = complaints.get(complaint_id)
        if current is None:
            raise NotFound("the referred complaint no longer exists")
        changes = {"updated_at": entry["at"], "timeline": [*current["timeline"], entry]}
        if tracking is not None:
            changes |= public_update(current, tracking[0], tracking[1], entry["at"])
        try:
            return complaints.update(complaint_id, current["version"], changes)
        except StaleVersion:
            continue
    raise Conflict("the complaint is being changed by others; try again")


def _entry(event: str, referral: dict[str, Any], record: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": event,
        "referral_id": referral["referral_id"],
        "partner_id": referral["partner_id"],
        **record,
    }


def _updated_event(referral: dict[str, Any], record: dict[str, Any]) -> ReferralUpdated:
    return ReferralUpdated(
        id=referral["referral_id"],
        occurred_at=record["at"],
        referral_id=referral["referral_id"],
        complaint_id=referral["complaint_id"],
        partner_id=referral["partner_id"],
        version=referral["version"],
        status=record["status"],
    )


def _resolved_event(
    referral: dict[str, Any], record: dict[str, Any], complaint: dict[str, Any]
) -> ComplaintResolved:
    """``complaint.resolved``: what accreditation monitoring needs to open a compliance review."""
    return ComplaintResolved(
        id=referral["referral_id"],
        occurred_at=record["at"],
        complaint_id=referral["complaint_id"],
        referral_id=referral["referral_id"],
        partner_id=referral["partner_id"],
        substantiated=bool(record.get("substantiated")),
        remedy_given=bool(record.get("remedy")),
        recruiter_id=complaint["recruiter"].get("recruiter_id"),
        categories=complaint["categories"],
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
    if referral is None or referral["delivery_state"] == "delivered":
        return Outcome(delivered=False, settled=True)
    partner = partners.get(referral["partner_id"])
    if partner is None or not partner["active"] or not partner.get("webhook_url"):
        referrals.record_attempt(
            referral_id, _attempt(attempt, None, "partner has no active webhook"), "pull_only"
        )
        return Outcome(delivered=False, settled=True)
    body = webhooks.cloudevent(
        event_id=referral_id,
        source=EVENT_SOURCE,
        event_type=EVENT_TYPE,
        subject=referral["complaint_id"],
        time_iso=referral["created_at"],
        data=referral["payload"],
    )
    headers = webhooks.sign(signing_secrets(partner, clock.now()), referral_id, body)
    try:
        report = send(partner["webhook_url"], body, headers)
    except ValidationFailed:
        referrals.record_attempt(
            referral_id, _attempt(attempt, None, "webhook URL refused"), _failed(last_attempt)
        )
        return Outcome(delivered=False, settled=False)
    if report.ok:
        referrals.record_attempt(referral_id, _attempt(attempt, report.status, None), "delivered")
        return Outcome(delivered=True, settled=True)
    referrals.record_attempt(
        referral_id, _attempt(attempt, report.status, report.error), _failed(last_attempt)
    )
    return Outcome(delivered=False, settled=False, retry_after=report.retry_after)


def _failed(last_attempt: bool) -> str:
    return "dead_lettered" if last_attempt else "retrying"


def _attempt(n: int, status: int | None, error: str | None) -> dict[str, Any]:
    return {"n": n, "at": clock.iso(clock.now()), "ok": error is None, "http_status": status, "error": error}


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
        if not referrals.claim_escalation(referral["referral_id"], now):
            continue  # acknowledged or escalated meanwhile
        try:
            events.publish(_escalated_event(referral, now))
        except Exception:
            referrals.release_escalation(referral["referral_id"])  # the next run tries again
            raise
        record = {"at": now, "status": "escalated", "sla_due_at": referral["sla_due_at"]}
        _append_to_complaint(referral["complaint_id"], _entry("escalated", referral, record), complaints)
        if notify is not None and admin_address:
            notify(
                Message(
                    channel="email",
                    to=admin_address,
                    subject="Haven: a referral was not acknowledged in time",
                    body=f"Referral {referral['referral_id']} (complaint {referral['complaint_id']}) "
                    f"was due by {referral['sla_due_at']} and has not been acknowledged.",
                    ref=f"referral:{referral['referral_id']}",
                )
            )
        escalated.append(referral["referral_id"])
    return escalated


def _escalated_event(referral: dict[str, Any], now: str) -> ReferralEscalated:
    return ReferralEscalated(
        id=referral["referral_id"],
        occurred_at=now,
        referral_id=referral["referral_id"],
        complaint_id=referral["complaint_id"],
        partner_id=referral["partner_id"],
        sla_due_at=referral["sla_due_at"],
    )
