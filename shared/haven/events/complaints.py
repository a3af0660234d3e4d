"""Events of the complaints domain: complaints filed, referred and resolved; referrals
acknowledged and escalated."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from haven.events import Event


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintFiled(Event):
    """A worker filed a complaint: categories and countries only, no personal data."""

    detail_type: ClassVar[str] = "complaint.filed"
    domain: ClassVar[str] = "complaints"

    complaint_id: str
    categories: list[str]
    origin_country: str
    destination_country: str
    recruiter_id: str | None
    anonymous: bool
    evidence_count: int


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintReferred(Event):
    """A complaint was referred to one partner: routing facts only (identity travels in the
    partner's signed payload, by consent)."""

    detail_type: ClassVar[str] = "complaint.referred"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    categories: list[str]
    identity_shared: bool


@dataclass(kw_only=True, eq=False, repr=False)
class ReferralUpdated(Event):
    """A partner acknowledged a referral."""

    detail_type: ClassVar[str] = "referral.updated"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    version: int
    status: str


@dataclass(kw_only=True, eq=False, repr=False)
class ReferralEscalated(Event):
    """A referral was not acknowledged within its SLA (once per referral)."""

    detail_type: ClassVar[str] = "referral.escalated"
    domain: ClassVar[str] = "complaints"

    referral_id: str
    complaint_id: str
    partner_id: str
    sla_due_at: str


@dataclass(kw_only=True, eq=False, repr=False)
class ComplaintResolved(Event):
    """A partner resolved a referral: what accreditation monitoring needs for a review."""

    detail_type: ClassVar[str] = "complaint.resolved"
    domain: ClassVar[str] = "complaints"

    complaint_id: str
    referral_id: str
    partner_id: str
    substantiated: bool
    remedy_given: bool
    recruiter_id: str | None
    categories: list[str]
