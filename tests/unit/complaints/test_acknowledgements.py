"""Every referral acknowledgement through the lifecycle table, and escalation, on in-memory ports."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from haven.complaints import referrals as cases
from haven.complaints.entities import Complaint, PublicStatus, Recruiter, Referral, ReferralStatus
from haven.errors import Conflict, NotFound, ValidationFailed
from tests.fakes import ComplaintPorts as Ports

R = ReferralStatus
PARTNER = "01J0000000000000000000000P"
#: Written out independently of ``ACKS``: (from, to) → what the tracking page then shows.
ALLOWED: dict[tuple[ReferralStatus, ReferralStatus], PublicStatus] = {
    **{(R.REFERRED, s): p for s, p in [(R.RECEIVED, PublicStatus.WITH_AUTHORITY)]},
    **{(before, R.ACCEPTED): PublicStatus.WITH_AUTHORITY for before in (R.REFERRED, R.RECEIVED)},
    **{(before, R.REJECTED): PublicStatus.REFERRED for before in (R.REFERRED, R.RECEIVED)},
    **{
        (before, R.IN_PROGRESS): PublicStatus.WITH_AUTHORITY
        for before in (R.REFERRED, R.RECEIVED, R.ACCEPTED)
    },
    **{
        (before, R.RESOLVED): PublicStatus.RESOLVED
        for before in (R.REFERRED, R.RECEIVED, R.ACCEPTED, R.IN_PROGRESS)
    },
}
REFUSED = [
    (before, after)
    for before in ReferralStatus
    for after in ReferralStatus
    if after is not R.REFERRED and before is not after and (before, after) not in ALLOWED
]


def _ack(status: ReferralStatus, note: str | None = None) -> cases.Ack:
    """An acknowledgement with what its status needs."""
    return cases.Ack(
        status,
        reason="out of our jurisdiction" if status is R.REJECTED else None,
        substantiated=True if status is R.RESOLVED else None,
        remedy="fees refunded" if status is R.RESOLVED else None,
        note=note,
    )


@pytest.fixture
def stored(
    ports: Ports, make_complaint: Callable[..., Complaint], make_referral: Callable[..., Referral]
) -> Callable[[ReferralStatus], Referral]:
    def store(status: ReferralStatus) -> Referral:
        complaint = make_complaint(recruiter=Recruiter(recruiter_id="ORG-1"))
        ports.complaints.items[complaint.complaint_id] = complaint
        referral = make_referral(status=status, awaiting_ack=status is R.REFERRED)
        ports.referrals.items[referral.referral_id] = referral
        return referral

    return store


def _acknowledge(ports: Ports, referral: Referral, ack: cases.Ack, partner_id: str = PARTNER) -> Referral:
    return cases.acknowledge(
        referral.referral_id,
        ack,
        partner_id=partner_id,
        referrals=ports.referrals,
        complaints=ports.complaints,
        events=ports.events,
    )


def test_the_table_allows_exactly_these_acknowledgements() -> None:
    table = {(before, after) for after, rule in cases.ACKS.items() for before in rule.after}
    assert table == set(ALLOWED)


@pytest.mark.parametrize(("before", "after"), sorted(ALLOWED))
def test_an_allowed_acknowledgement_moves_the_referral_and_tells_the_worker(
    ports: Ports, stored: Callable[[ReferralStatus], Referral], before: R, after: R
) -> None:
    referral = stored(before)
    updated = _acknowledge(ports, referral, _ack(after))
    assert updated.status is after
    assert updated.version == referral.version + 1
    assert not updated.awaiting_ack
    assert updated.acks[-1].status is after
    assert ports.referrals.get(referral.referral_id) == updated
    complaint = ports.complaints.get(referral.complaint_id)
    assert complaint is not None
    assert complaint.public_status is ALLOWED[(before, after)]
    assert complaint.timeline[-1]["event"] == "acknowledged"
    assert complaint.timeline[-1]["status"] == after.value
    resolved = ["complaint.resolved"] if after is R.RESOLVED else []
    assert ports.published() == ["referral.updated", *resolved]


def test_a_resolution_tells_monitoring_the_outcome_and_the_recruiter(
    ports: Ports, stored: Callable[[ReferralStatus], Referral]
) -> None:
    _acknowledge(ports, stored(R.ACCEPTED), _ack(R.RESOLVED))
    _, _, detail = ports.events.published[-1]
    assert detail["substantiated"] is True
    assert detail["remedy_given"] is True
    assert detail["recruiter_id"] == "ORG-1"
    assert detail["categories"] == ["recruitment_fees"]


@pytest.mark.parametrize(("before", "after"), REFUSED)
def test_any_other_acknowledgement_is_a_conflict_naming_what_is_allowed(
    ports: Ports, stored: Callable[[ReferralStatus], Referral], before: R, after: R
) -> None:
    referral = stored(before)
    with pytest.raises(Conflict) as refused:
        _acknowledge(ports, referral, _ack(after))
    assert refused.value.extensions["allowed_statuses"] == cases.next_statuses(before)
    assert ports.referrals.get(referral.referral_id) == referral
    assert ports.published() == []


def test_a_repeated_acknowledgement_changes_nothing(
    ports: Ports, stored: Callable[[ReferralStatus], Referral]
) -> None:
    referral = stored(R.ACCEPTED)
    assert _acknowledge(ports, referral, _ack(R.ACCEPTED)) == referral
    assert ports.published() == []


def test_a_repeated_status_with_a_note_records_the_note(
    ports: Ports, stored: Callable[[ReferralStatus], Referral]
) -> None:
    referral = stored(R.RESOLVED)
    updated = _acknowledge(ports, referral, _ack(R.RESOLVED, note="remedy paid in full"))
    assert updated.acks[-1].note == "remedy paid in full"
    assert updated.acks[-1].as_json()["remedy"] == "fees refunded"


@pytest.mark.parametrize(
    ("ack", "field"),
    [
        (cases.Ack(R.REJECTED), "reason"),
        (cases.Ack(R.RESOLVED, remedy="refund"), "outcome.substantiated"),
    ],
)
def test_an_acknowledgement_without_what_it_needs_is_refused(
    ports: Ports, stored: Callable[[ReferralStatus], Referral], ack: cases.Ack, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        _acknowledge(ports, stored(R.RECEIVED), ack)
    assert refused.value.errors[0].field == field


def test_another_partners_referral_is_not_found(
    ports: Ports, stored: Callable[[ReferralStatus], Referral]
) -> None:
    with pytest.raises(NotFound):
        _acknowledge(ports, stored(R.REFERRED), _ack(R.RECEIVED), partner_id="someone-else")


def test_an_overdue_referral_is_escalated_once(
    ports: Ports, stored: Callable[[ReferralStatus], Referral], make_referral: Callable[..., Referral]
) -> None:
    stored(R.REFERRED)  # its complaint, and a referral not due yet
    overdue = make_referral(referral_id="01J000000000000000000000R2", sla_due_at="2020-01-01T00:00:00Z")
    ports.referrals.items[overdue.referral_id] = overdue
    sent: list[object] = []

    def escalate() -> list[str]:
        return list(
            cases.escalate_overdue(
                referrals=ports.referrals,
                complaints=ports.complaints,
                events=ports.events,
                notify=sent.append,
                admin_address="admin@example.org",
            )
        )

    assert escalate() == [overdue.referral_id]
    assert escalate() == []
    assert ports.published() == ["referral.escalated"]
    assert len(sent) == 1
    complaint = ports.complaints.get(overdue.complaint_id)
    assert complaint is not None
    assert complaint.timeline[-1]["event"] == "escalated"
