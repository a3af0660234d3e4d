"""Entities and in-memory ports for the complaints domain's unit tests (no moto, no AWS)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from haven.complaints.entities import (
    Category,
    Complaint,
    DeliveryState,
    Jurisdictions,
    Partner,
    PublicMessage,
    PublicStatus,
    Recruiter,
    Referral,
    ReferralStatus,
    SigningSecret,
    Status,
)
from tests.fakes import ComplaintPorts

FILED_AT = "2026-11-28T10:00:00Z"


def _complaint(**overrides: Any) -> Complaint:
    complaint = Complaint(
        complaint_id="01J0000000000000000000000C",
        tracking_hash="h",
        status=Status.FILED,
        public_status=PublicStatus.RECEIVED,
        filed_at=FILED_AT,
        updated_at=FILED_AT,
        recruiter=Recruiter(name="Fast Jobs Ltd", country="NP"),
        categories=(Category.RECRUITMENT_FEES,),
        description="They took 3000 dollars and my passport.",
        origin_country="NP",
        destination_country="QA",
        consent_share_identity=False,
        timeline=({"at": FILED_AT, "event": "filed"},),
        public_messages=(PublicMessage(FILED_AT, "We have received your complaint."),),
        version=1,
    )
    return replace(complaint, **overrides)


def _partner(**overrides: Any) -> Partner:
    partner = Partner(
        partner_id="01J0000000000000000000000P",
        name="DoFE",
        jurisdictions=Jurisdictions(origin=("NP",)),
        categories=(Category.RECRUITMENT_FEES,),
        active=True,
        sla_days=7,
        created_at=FILED_AT,
        updated_at=FILED_AT,
        webhook_url="https://partner.example.org/hooks",
        secrets=(SigningSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", FILED_AT),),
        version=1,
    )
    return replace(partner, **overrides)


def _referral(**overrides: Any) -> Referral:
    referral = Referral(
        referral_id="01J0000000000000000000000R",
        complaint_id="01J0000000000000000000000C",
        partner_id="01J0000000000000000000000P",
        status=ReferralStatus.REFERRED,
        delivery_state=DeliveryState.PENDING,
        payload={"complaint_id": "01J0000000000000000000000C"},
        created_at=FILED_AT,
        updated_at=FILED_AT,
        sla_due_at="2026-12-05T10:00:00Z",
        version=1,
    )
    return replace(referral, **overrides)


@pytest.fixture
def make_complaint() -> Callable[..., Complaint]:
    return _complaint


@pytest.fixture
def make_partner() -> Callable[..., Partner]:
    return _partner


@pytest.fixture
def make_referral() -> Callable[..., Referral]:
    return _referral


@pytest.fixture
def ports() -> ComplaintPorts:
    return ComplaintPorts()
