"""Complaint transitions and referral acknowledgements, written out independently of the tables."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from haven.complaints.complaints import Status, allowed_actions
from haven.complaints.entities import Complaint
from haven.complaints.referrals import next_statuses

COMPLAINT: dict[str, list[str]] = {
    "filed": ["triage", "close"],
    "triaged": ["triage", "refer", "close"],
    "referred": ["refer", "close"],
    "closed": [],
}

ACK: dict[str, list[str]] = {
    "referred": ["received", "accepted", "rejected", "in_progress", "resolved"],
    "received": ["accepted", "rejected", "in_progress", "resolved"],
    "accepted": ["in_progress", "resolved"],
    "in_progress": ["resolved"],
    "rejected": [],
    "resolved": [],
}


def test_every_complaint_status_is_covered() -> None:
    assert {s.value for s in Status} == set(COMPLAINT)


@pytest.mark.parametrize(("status", "expected"), sorted(COMPLAINT.items()))
def test_complaint_transitions(
    status: str, expected: list[str], make_complaint: Callable[..., Complaint]
) -> None:
    assert allowed_actions(make_complaint(status=Status(status))) == expected


@pytest.mark.parametrize(("status", "expected"), sorted(ACK.items()))
def test_referral_acknowledgements(status: str, expected: list[str]) -> None:
    assert next_statuses(status) == expected


def test_an_unknown_referral_status_allows_nothing() -> None:
    assert next_statuses("delivered-by-pigeon") == []
