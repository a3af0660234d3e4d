"""Compliance reviews opened by substantiated complaints (pure, with in-memory ports)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from haven.errors import Conflict
from haven.events.complaints import ComplaintResolved
from haven.recruitment.application import Application, AuditEntry, Change, StaleVersion
from haven.recruitment.monitoring import REVIEW_OPENED, Outcome, open_compliance_review
from haven.recruitment.roster import Entry
from haven.recruitment.workflow import State

RECRUITER = "01JDQ6ZZ00RECRWTER00000000"
APPLICATION = "01JDQ6ZZ00APPL1CAT10N00000"


class Applications:
    """Stores one application; ``contended`` commits fail as if staff had just changed it."""

    def __init__(self, state: State, contended: int = 0) -> None:
        self.application = Application(APPLICATION, RECRUITER, state, "t0", "t0", version=4)
        self.trail: list[AuditEntry] = []
        self.contended = contended

    def get(self, application_id: str) -> Application | None:
        return replace(self.application) if application_id == APPLICATION else None

    def commit(self, change: Change) -> None:
        if self.contended:
            self.contended -= 1
            self.application = replace(self.application, version=self.application.version + 1)
            raise StaleVersion(self.application)
        assert change.expected_version == self.application.version
        self.application, self.trail = change.after, [*self.trail, change.entry]


class Recruiters:
    def get(self, recruiter_id: str) -> Entry | None:
        if recruiter_id != RECRUITER:
            return None
        return Entry(RECRUITER, APPLICATION, "Acme", [], "accredited", [], [], [], "", "", "t0")


def resolved(complaint_id: str = "01JDQ7N3K9V6F2XW8T4R5Y1Z0A", **changes: Any) -> ComplaintResolved:
    resolution = ComplaintResolved(
        id="01JDQ7P1B2C3D4E5F6G7H8J9K0",
        occurred_at="2026-03-04T10:00:00Z",
        complaint_id=complaint_id,
        referral_id="01JDQ7P1B2C3D4E5F6G7H8J9K0",
        partner_id="01JDQ7P1B2C3D4E5F6G7H8J9K1",
        substantiated=True,
        remedy_given=False,
        recruiter_id=RECRUITER,
        categories=["recruitment_fees"],
    )
    return replace(resolution, **changes)


@pytest.mark.parametrize("state", [State.ACCREDITED, State.RENEWAL_DUE, State.SUSPENDED])
def test_review_is_recorded_once_without_changing_the_state(state: State) -> None:
    applications = Applications(state)

    assert open_compliance_review(resolved(), Recruiters(), applications) is Outcome.OPENED
    assert open_compliance_review(resolved(), Recruiters(), applications) is Outcome.ALREADY_OPEN

    stored = applications.application
    assert (stored.state, stored.version) == (state, 5)
    assert [r["complaint_id"] for r in stored.compliance_reviews] == [resolved().complaint_id]
    [entry] = applications.trail
    assert (entry.seq, entry.actor, entry.role, entry.action) == (5, "system", "system", REVIEW_OPENED)
    assert resolved().complaint_id in entry.reason
    assert entry.before["state"] == entry.after["state"] == state.value


@pytest.mark.parametrize(
    ("detail", "outcome"),
    [
        (resolved(substantiated=False), Outcome.UNSUBSTANTIATED),
        (resolved(recruiter_id=None), Outcome.UNSUBSTANTIATED),
        (resolved(recruiter_id="01JDQ6ZZ00UNKNOWN000000000"), Outcome.NOT_ACCREDITED),
    ],
)
def test_nothing_to_review(detail: ComplaintResolved, outcome: Outcome) -> None:
    applications = Applications(State.ACCREDITED)
    assert open_compliance_review(detail, Recruiters(), applications) is outcome
    assert applications.trail == []


@pytest.mark.parametrize("state", [State.EXPIRED, State.WITHDRAWN])
def test_an_accreditation_no_longer_listed_is_not_reviewed(state: State) -> None:
    applications = Applications(state)
    assert open_compliance_review(resolved(), Recruiters(), applications) is Outcome.NOT_ACCREDITED
    assert applications.trail == []


def test_a_contended_application_is_reloaded_then_reviewed() -> None:
    applications = Applications(State.ACCREDITED, contended=2)
    assert open_compliance_review(resolved(), Recruiters(), applications) is Outcome.OPENED
    assert applications.trail[0].seq == applications.application.version == 7


def test_a_persistently_contended_application_is_retried_later() -> None:
    applications = Applications(State.ACCREDITED, contended=99)
    with pytest.raises(Conflict):
        open_compliance_review(resolved(), Recruiters(), applications)
    assert applications.trail == []
