"""Every complaint transition through the rule table, on in-memory ports: guard, effect, events."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from haven.auth import Principal, Role
from haven.complaints import complaints as cases
from haven.complaints.entities import (
    Category,
    Complaint,
    Jurisdictions,
    Partner,
    Priority,
    PublicStatus,
    ReferralRef,
    ReferralStatus,
    Status,
)
from haven.errors import Conflict, ValidationFailed
from haven.kernel import StaleVersion
from tests.fakes import ComplaintPorts as Ports

AUDITOR = Principal(subject="auditor-1", roles=frozenset({Role.AUDITOR}))
MakeComplaint = Callable[..., Complaint]
MakePartner = Callable[..., Partner]


def _take(ports: Ports, complaint: Complaint, change: cases.Transition) -> cases.Transitioned:
    return cases.transition(
        complaint.complaint_id,
        change,
        actor=AUDITOR,
        complaints=ports.complaints,
        partners=ports.partners,
        events=ports.events,
        default_sla_days=30,
    )


def _stored(ports: Ports, complaint: Complaint) -> Complaint:
    ports.complaints.items[complaint.complaint_id] = complaint
    return complaint


@pytest.mark.parametrize("status", [Status.FILED, Status.TRIAGED])
def test_triage_sets_the_priority_and_may_recategorise(
    ports: Ports, make_complaint: MakeComplaint, status: Status
) -> None:
    current = _stored(ports, make_complaint(status=status))
    change = cases.Transition(
        cases.Action.TRIAGE, 1, priority=Priority.HIGH, categories=(Category.PASSPORT_RETENTION,)
    )
    result = _take(ports, current, change)
    triaged = result.complaint
    assert (triaged.status, triaged.priority, triaged.categories) == (
        Status.TRIAGED,
        Priority.HIGH,
        (Category.PASSPORT_RETENTION,),
    )
    assert triaged.public_status is PublicStatus.UNDER_REVIEW
    assert triaged.public_messages[-1].message == "Your complaint is being reviewed."
    entry = triaged.timeline[-1]
    assert {k: v for k, v in entry.items() if k != "at"} == {
        "event": "triage",
        "by": "auditor-1",
        "priority": "high",
        "categories": ["passport_retention"],
    }
    assert triaged.version == 2
    assert result.referrals == []
    assert ports.complaints.get(current.complaint_id) == triaged
    assert ports.published() == []


def test_triage_keeps_the_categories_it_is_not_given(ports: Ports, make_complaint: MakeComplaint) -> None:
    current = _stored(ports, make_complaint())
    triaged = _take(ports, current, cases.Transition(cases.Action.TRIAGE, 1, priority=Priority.LOW)).complaint
    assert triaged.categories == current.categories
    assert triaged.timeline[-1]["categories"] == ["recruitment_fees"]


def test_triaging_again_does_not_repeat_the_tracking_message(
    ports: Ports, make_complaint: MakeComplaint
) -> None:
    current = _stored(ports, make_complaint())
    once = _take(ports, current, cases.Transition(cases.Action.TRIAGE, 1, priority=Priority.LOW)).complaint
    twice = _take(ports, once, cases.Transition(cases.Action.TRIAGE, 2, priority=Priority.URGENT)).complaint
    assert [m.message for m in twice.public_messages].count("Your complaint is being reviewed.") == 1
    assert len(twice.timeline) == 3


@pytest.mark.parametrize("status", [Status.FILED, Status.TRIAGED, Status.REFERRED])
def test_close_records_the_reason(ports: Ports, make_complaint: MakeComplaint, status: Status) -> None:
    current = _stored(ports, make_complaint(status=status))
    closed = _take(ports, current, cases.Transition(cases.Action.CLOSE, 1, reason="duplicate")).complaint
    assert (closed.status, closed.close_reason, closed.public_status) == (
        Status.CLOSED,
        "duplicate",
        PublicStatus.CLOSED,
    )
    assert closed.timeline[-1]["reason"] == "duplicate"
    assert cases.allowed_actions(closed) == []


@pytest.mark.parametrize("status", [Status.TRIAGED, Status.REFERRED])
def test_refer_creates_one_referral_per_chosen_partner_and_an_event_each(
    ports: Ports, make_complaint: MakeComplaint, make_partner: MakePartner, status: Status
) -> None:
    ports.partners.add(make_partner(partner_id="P1", name="DoFE", sla_days=0))
    ports.partners.add(make_partner(partner_id="P2", name="Labour Ministry", sla_days=3))
    ports.partners.add(make_partner(partner_id="P3", name="NEA", jurisdictions=Jurisdictions(origin=("KE",))))
    current = _stored(ports, make_complaint(status=status, priority=Priority.HIGH))
    result = _take(ports, current, cases.Transition(cases.Action.REFER, 1))
    referred = result.complaint
    assert referred.status is Status.REFERRED
    assert referred.public_status is PublicStatus.REFERRED
    assert [r.partner_id for r in result.referrals] == ["P1", "P2"]
    assert referred.referrals == tuple(ReferralRef(r.referral_id, r.partner_id) for r in result.referrals)
    assert referred.timeline[-1]["partners"] == ["P1", "P2"]
    first, second = result.referrals
    assert first.status is ReferralStatus.REFERRED
    assert first.awaiting_ack
    assert first.sla_due_at > second.sla_due_at  # P1 has no SLA of its own: the default 30 days
    assert first.payload["priority"] == "high"
    assert "complainant" not in first.payload
    assert ports.referrals.get(first.referral_id) == replace(first, version=1)
    assert ports.published() == ["complaint.referred", "complaint.referred"]
    assert ports.events.published[0][2]["referral_id"] == first.referral_id


def test_refer_adds_to_the_partners_already_referred(
    ports: Ports, make_complaint: MakeComplaint, make_partner: MakePartner
) -> None:
    ports.partners.add(make_partner(partner_id="P1"))
    ports.partners.add(make_partner(partner_id="P2", categories=(Category.ABUSE,)))
    current = _stored(ports, make_complaint(status=Status.REFERRED, referrals=(ReferralRef("R0", "P1"),)))
    result = _take(ports, current, cases.Transition(cases.Action.REFER, 1, add_partners=("P2",)))
    assert [r.partner_id for r in result.complaint.referrals] == ["P1", "P2"]


def test_refer_with_no_partner_chosen_is_refused(ports: Ports, make_complaint: MakeComplaint) -> None:
    current = _stored(ports, make_complaint(status=Status.TRIAGED))
    with pytest.raises(ValidationFailed) as refused:
        _take(ports, current, cases.Transition(cases.Action.REFER, 1))
    assert refused.value.errors[0].field == "add_partners"
    assert ports.complaints.get(current.complaint_id) == current


@pytest.mark.parametrize(
    ("action", "status"),
    [
        (cases.Action.REFER, Status.FILED),
        (cases.Action.TRIAGE, Status.REFERRED),
        (cases.Action.TRIAGE, Status.CLOSED),
        (cases.Action.REFER, Status.CLOSED),
        (cases.Action.CLOSE, Status.CLOSED),
    ],
)
def test_an_action_outside_its_statuses_is_a_conflict_naming_what_is_allowed(
    ports: Ports, make_complaint: MakeComplaint, action: cases.Action, status: Status
) -> None:
    current = _stored(ports, make_complaint(status=status))
    change = cases.Transition(action, 1, priority=Priority.LOW, reason="because")
    with pytest.raises(Conflict) as refused:
        _take(ports, current, change)
    assert refused.value.extensions["current_status"] == status.value
    assert refused.value.extensions["allowed_actions"] == cases.allowed_actions(current)
    assert ports.complaints.get(current.complaint_id) == current


@pytest.mark.parametrize(
    ("action", "field"), [(cases.Action.TRIAGE, "priority"), (cases.Action.CLOSE, "reason")]
)
def test_an_action_without_what_it_needs_is_refused(
    ports: Ports, make_complaint: MakeComplaint, action: cases.Action, field: str
) -> None:
    current = _stored(ports, make_complaint())
    with pytest.raises(ValidationFailed) as refused:
        _take(ports, current, cases.Transition(action, 1))
    assert refused.value.errors[0].field == field


def test_a_stale_version_is_a_conflict_with_the_current_one(
    ports: Ports, make_complaint: MakeComplaint
) -> None:
    current = _stored(ports, make_complaint(version=4))
    with pytest.raises(Conflict) as refused:
        _take(ports, current, cases.Transition(cases.Action.CLOSE, 3, reason="duplicate"))
    assert refused.value.extensions["current_version"] == 4


def test_a_write_lost_to_a_concurrent_one_is_a_conflict(
    ports: Ports, make_complaint: MakeComplaint, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = _stored(ports, make_complaint())
    moved_on = make_complaint(version=2, status=Status.TRIAGED)

    def lost(_current: Complaint, _new: Complaint) -> Complaint:
        raise StaleVersion(moved_on)

    monkeypatch.setattr(ports.complaints, "update", lost)
    with pytest.raises(Conflict) as refused:
        _take(ports, current, cases.Transition(cases.Action.CLOSE, 1, reason="duplicate"))
    assert refused.value.extensions["current_version"] == 2
    assert refused.value.extensions["allowed_actions"] == ["triage", "refer", "close"]
