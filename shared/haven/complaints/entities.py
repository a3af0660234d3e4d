"""The complaints domain's entities: a complaint, a referral of it to a partner, a partner.

Each is a frozen dataclass declared once here; the DynamoDB adapter maps it to and from its item,
and the API turns it into a body through one view function of its module. A value held inside an
entity as a JSON document (a recruiter, a public message, an acknowledgement…) knows its JSON
form (``as_json``/``from_json``), so the adapter and the views share it rather than restate it.
A timeline entry stays a JSON object: it is an append-only log whose entries differ by event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Self

from haven.complaints.vocabulary import Category as Category
from haven.complaints.vocabulary import DeliveryState as DeliveryState
from haven.complaints.vocabulary import Priority as Priority
from haven.complaints.vocabulary import PublicStatus as PublicStatus
from haven.complaints.vocabulary import ReferralStatus as ReferralStatus
from haven.complaints.vocabulary import Status as Status

Json = dict[str, Any]


class _Document:
    """A value stored as a JSON object with one key per field."""

    def as_json(self) -> Json:
        return dict(vars(self))

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(**data)


@dataclass(frozen=True)
class Recruiter(_Document):
    """An accredited recruiter by id, or what the worker knows of it."""

    recruiter_id: str | None = None
    name: str | None = None
    country: str | None = None
    licence_number: str | None = None

    def as_json(self) -> Json:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class Fees(_Document):
    amount: float
    currency: str | None


@dataclass(frozen=True)
class StoredEvidence(_Document):
    key: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class PublicMessage(_Document):
    at: str
    message: str


@dataclass(frozen=True)
class ReferralRef(_Document):
    referral_id: str
    partner_id: str


@dataclass(frozen=True)
class Complaint:
    complaint_id: str
    tracking_hash: str
    status: Status
    public_status: PublicStatus
    filed_at: str
    updated_at: str
    recruiter: Recruiter
    categories: tuple[Category, ...]
    description: str
    origin_country: str
    destination_country: str
    consent_share_identity: bool
    occurred_on: str | None = None
    fees: Fees | None = None
    contact: dict[str, str] | None = None
    anonymous: bool = False
    language: str | None = None
    evidence: tuple[StoredEvidence, ...] = ()
    priority: Priority | None = None
    referrals: tuple[ReferralRef, ...] = ()
    close_reason: str | None = None
    timeline: tuple[Json, ...] = ()
    public_messages: tuple[PublicMessage, ...] = ()
    #: The version read from the store; 0 until it is stored.
    version: int = 0


@dataclass(frozen=True)
class AckRecord:
    """One acknowledgement as the partner gave it."""

    at: str
    status: ReferralStatus
    reason: str | None = None
    substantiated: bool | None = None
    remedy: str | None = None
    note: str | None = None

    def as_json(self) -> Json:
        given = {k: v for k, v in vars(self).items() if v is not None}
        return {**given, "status": self.status.value}

    @classmethod
    def from_json(cls, data: Json) -> AckRecord:
        return cls(**{**data, "status": ReferralStatus(data["status"])})


@dataclass(frozen=True)
class DeliveryAttempt(_Document):
    n: int
    at: str
    ok: bool
    http_status: int | None = None
    error: str | None = None


@dataclass(frozen=True)
class Referral:
    referral_id: str
    complaint_id: str
    partner_id: str
    status: ReferralStatus
    delivery_state: DeliveryState
    #: The CloudEvent ``data`` the partner receives (:func:`haven.complaints.privacy.referral_payload`).
    payload: Json
    created_at: str
    updated_at: str
    sla_due_at: str
    acks: tuple[AckRecord, ...] = ()
    attempts: tuple[DeliveryAttempt, ...] = ()
    #: Until its first acknowledgement or its escalation: what the SLA sweep looks for.
    awaiting_ack: bool = True
    escalated_at: str | None = None
    version: int = 0


@dataclass(frozen=True)
class SigningSecret(_Document):
    secret: str
    created_at: str
    retires_at: str | None = None


@dataclass(frozen=True)
class Jurisdictions:
    origin: tuple[str, ...] = ()
    destination: tuple[str, ...] = ()

    def as_json(self) -> Json:
        return {"origin": list(self.origin), "destination": list(self.destination)}

    @classmethod
    def from_json(cls, data: Json) -> Jurisdictions:
        return cls(tuple(data.get("origin", ())), tuple(data.get("destination", ())))


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    jurisdictions: Jurisdictions
    categories: tuple[Category, ...]
    active: bool
    sla_days: int
    created_at: str
    updated_at: str
    webhook_url: str | None = None
    contact: dict[str, str] | None = None
    secrets: tuple[SigningSecret, ...] = field(default=(), repr=False)
    version: int = 0


def show(complaint: Complaint, status: PublicStatus, message: str, now: str) -> Complaint:
    """The complaint showing ``message`` on its tracking page (as it is, if that is the last one)."""
    if complaint.public_status == status and complaint.public_messages[-1].message == message:
        return complaint
    return replace(
        complaint,
        public_status=status,
        public_messages=(*complaint.public_messages, PublicMessage(now, message)),
    )
