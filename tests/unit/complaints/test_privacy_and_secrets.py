"""Consent decides identity in partner payloads; rotated secrets overlap, then retire."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from haven.complaints import partners, privacy
from haven.complaints.complaints import new_tracking_code, tracking_hash
from haven.complaints.entities import (
    Category,
    Complaint,
    Fees,
    Partner,
    Priority,
    PublicStatus,
    Recruiter,
    SigningSecret,
    Status,
    StoredEvidence,
)

DESCRIPTION = (
    "The agent kept my passport N1234567 and my brother's, K 7654321, and said call him on "
    "+977 980 1234567 or write to bikash at example dot com. I paid 3000 dollars."
)


def complaint(consent: bool, anonymous: bool = False) -> Complaint:
    return Complaint(
        complaint_id="01J00000000000000000000000",
        tracking_hash="h",
        status=Status.TRIAGED,
        public_status=PublicStatus.UNDER_REVIEW,
        filed_at="2026-11-28T10:00:00Z",
        updated_at="2026-11-28T10:00:00Z",
        categories=(Category.PASSPORT_RETENTION,),
        priority=Priority.HIGH,
        description=DESCRIPTION,
        occurred_on="2026-10-01",
        fees=Fees(3000.0, "USD"),
        origin_country="NP",
        destination_country="QA",
        recruiter=Recruiter(name="Fast Jobs Ltd", country="NP"),
        evidence=(StoredEvidence("k", "image/jpeg", 1),),
        consent_share_identity=consent,
        anonymous=anonymous,
        contact=None if anonymous else {"name": "Ram", "phone": "+9779801234567"},
        language="ne",
    )


def test_identity_is_shared_with_consent() -> None:
    payload = privacy.referral_payload(complaint(consent=True), "R1")
    assert payload["consent_share_identity"] is True
    assert payload["complainant"] == {"name": "Ram", "phone": "+9779801234567", "language": "ne"}
    assert payload["description"] == DESCRIPTION


@pytest.mark.parametrize(("consent", "anonymous"), [(False, False), (True, True), (False, True)])
def test_no_identity_without_consent(consent: bool, anonymous: bool) -> None:
    payload = privacy.referral_payload(complaint(consent, anonymous), "R1")
    assert payload["consent_share_identity"] is False
    assert "complainant" not in payload
    text = str(payload)
    for identifying in ("Ram", "980 1234567", "N1234567", "7654321", "bikash", "example"):
        assert identifying not in text
    assert "3000 dollars" in payload["description"]  # what happened stays readable


def test_tracking_codes_are_long_random_and_forgiving_when_typed() -> None:
    codes = {new_tracking_code() for _ in range(1000)}
    assert len(codes) == 1000
    code = codes.pop()
    assert len(code.replace("-", "")) == 20
    assert tracking_hash(code.lower().replace("-", " ")) == tracking_hash(code)
    assert tracking_hash(code.replace("1", "I").replace("0", "O")) == tracking_hash(code)


def test_rotation_keeps_the_old_secret_signing_for_the_overlap_only(
    make_partner: Callable[..., Partner],
) -> None:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    first = SigningSecret("whsec_old", "2026-01-01T00:00:00Z")
    rotated = partners.rotate_secrets((first,), "whsec_new", now, timedelta(hours=24))
    partner = make_partner(secrets=rotated)
    assert partners.signing_secrets(partner, now) == ["whsec_new", "whsec_old"]
    assert partners.signing_secrets(partner, now + timedelta(hours=25)) == ["whsec_new"]
    again = partners.rotate_secrets(rotated, "whsec_newer", now + timedelta(hours=30), timedelta(hours=1))
    assert [s.secret for s in again] == ["whsec_newer", "whsec_new"]  # the retired one is gone


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (partners.PartnerFields(categories=("abuse",)), "name"),
        (partners.PartnerFields(name="Labour inspectorate"), "categories"),
    ],
)
def test_a_partner_is_not_created_without_a_name_or_a_category(
    fields: partners.PartnerFields, field: str
) -> None:
    from haven.errors import ValidationFailed
    from tests.fakes import FakePartners

    stored = FakePartners()
    with pytest.raises(ValidationFailed) as refused:
        partners.create_partner(fields, partners=stored, check_url=lambda url: None, default_sla_days=14)
    assert [e.field for e in refused.value.errors] == [field]
    assert stored.items == {}
