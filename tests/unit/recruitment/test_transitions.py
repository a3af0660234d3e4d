"""Every accreditation transition taken through its rule's guard and effect, with the
in-memory fakes of ``tests/fakes.py`` (no moto): the state reached, what the effect records,
the audit entry, the roster, the event and the email; and every refusal, which changes nothing.

The effects expected are written out here, independently of the table in ``workflow.py``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from haven import clock
from haven.auth import Principal, Role
from haven.errors import Conflict, ValidationFailed
from haven.recruitment.application import Application
from haven.recruitment.drafts import PRINCIPLES, QUESTIONS, REQUIRED_DOCUMENTS
from haven.recruitment.transitions import Workflow, roster_entry, submit, transition
from haven.recruitment.workflow import ROSTER_STATUS, TRANSITIONS, Action, Actor, State, rule_for
from tests.fakes import FakeApplications, FakeDocuments, FakeEvents, FakeNotifier

S, A = State, Action
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
AT = clock.iso(NOW)
ORG = "01JDQ6ZZ00RECRWTER00000000"
APPLICATION = "01JDQ6ZZ00A9911CAT10N00000"
OTHER = "01JDQ6ZZ00A9911CAT10N00001"
VALID_FROM, VALID_UNTIL = "2024-01-01T00:00:00Z", "2027-01-01T00:00:00Z"
SCHEDULED = {"date": "2026-07-01", "auditor": "auditor-7"}
SUSPENDED_UNTIL = NOW + timedelta(days=30)
ORGANISATION = {
    "legal_name": "Acme Recruitment",
    "registrations": [{"country": "NP", "number": "R-1"}],
    "licences": [{"country": "NP", "number": "L-1"}],
    "countries_of_operation": ["NP"],
    "corridors": [{"origin": "NP", "destination": "QA"}],
    "contact": {"name": "Asha", "email": "asha@acme.example"},
}

RECRUITER = Principal("recruiter-1", frozenset({Role.RECRUITER}), org_id=ORG)
PRINCIPALS: dict[Actor, Principal | None] = {
    Actor.STAFF: Principal("auditor-1", frozenset({Role.AUDITOR})),
    Actor.RECRUITER: RECRUITER,
    Actor.SYSTEM: None,
}
ROLES = {Actor.STAFF: "auditor", Actor.RECRUITER: "recruiter", Actor.SYSTEM: "system"}

#: What the application holds in each state before a transition out of it.
BEFORE: dict[State, dict[str, Any]] = {
    S.DEFERRED: {"deferred_at": "2026-05-20T00:00:00Z"},
    S.AUDIT_SCHEDULED: {"audit": SCHEDULED},
    S.AUDIT_COMPLETED: {"audit": {**SCHEDULED, "findings": "sound", "non_conformities": []}},
    S.ACCREDITED: {"valid_from": VALID_FROM, "valid_until": VALID_UNTIL},
    S.RENEWAL_DUE: {"valid_from": VALID_FROM, "valid_until": VALID_UNTIL},
    S.SUSPENDED: {
        "valid_from": VALID_FROM,
        "valid_until": VALID_UNTIL,
        "suspended_until": "2026-06-20T00:00:00Z",
    },
}

#: The details each action is given.
DETAILS: dict[Action, dict[str, Any]] = {
    A.SCHEDULE_AUDIT: {"audit_date": "2026-07-01", "auditor": "auditor-7"},
    A.COMPLETE_AUDIT: {"findings": "two gaps", "non_conformities": ["fees"]},
    A.ACCREDIT: {"term_years": 2},
    A.RENEW: {"term_years": 2},
    A.SUSPEND: {"suspended_until": SUSPENDED_UNTIL},
}

#: What each action records beyond the state and ``updated_at`` (nothing else may change).
EFFECTS: dict[Action, dict[str, Any]] = {
    A.SUBMIT: {"submitted_at": AT},
    A.DEFER: {"deferred_at": AT},
    A.RESPOND: {"deferred_at": None},
    A.SCHEDULE_AUDIT: {"audit": SCHEDULED},
    A.COMPLETE_AUDIT: {
        "audit": {**SCHEDULED, "findings": "two gaps", "non_conformities": ["fees"], "completed_at": AT}
    },
    A.ACCREDIT: {"valid_from": AT, "valid_until": "2028-06-01T12:00:00Z"},
    A.RENEW: {"valid_until": "2029-01-01T00:00:00Z"},  # from the end of the term; still valid from its start
    A.SUSPEND: {"suspended_until": clock.iso(SUSPENDED_UNTIL)},
    A.REINSTATE: {"suspended_until": None},
    A.END_SUSPENSION: {"suspended_until": None},
}


def application(state: State, application_id: str = APPLICATION, **fields: Any) -> Application:
    return Application(
        application_id, ORG, state, "2026-01-01T00:00:00Z", "2026-05-01T00:00:00Z",
        organisation=ORGANISATION, version=3, **{**BEFORE.get(state, {}), **fields},
    )  # fmt: skip


class World:
    """An application in ``state`` (listed on the roster if its state is), and the fakes."""

    def __init__(self, state: State, default_term_years: int = 3) -> None:
        self.before = application(state)
        self.applications = FakeApplications(self.before)
        if state in ROSTER_STATUS:
            self.applications.list_on_roster(roster_entry(self.before, ROSTER_STATUS[state]))
        self.events, self.notifier = FakeEvents(), FakeNotifier()
        self.workflow = Workflow(self.applications, self.events, self.notifier, default_term_years)

    def take(self, action: Action, actor: Actor, version: int = 3, **details: Any) -> Application:
        return transition(
            self.before, action, principal=PRINCIPALS[actor], actor=actor, expected_version=version,
            reason="because", details=details, workflow=self.workflow, now=NOW,
        )  # fmt: skip

    def unchanged(self) -> bool:
        return (
            self.applications.get(APPLICATION) == self.before
            and self.applications.history(APPLICATION) == []
            and self.events.published == []
            and self.notifier.sent == []
        )


@pytest.mark.parametrize(("state", "action"), sorted(TRANSITIONS))
def test_every_transition_records_its_effect_audit_roster_event_and_email(
    state: State, action: Action
) -> None:
    rule = TRANSITIONS[(state, action)]
    world = World(state)

    after = world.take(action, rule.by, **DETAILS.get(action, {}))

    expected = replace(world.before, state=rule.to, updated_at=AT, version=4, **EFFECTS.get(action, {}))
    assert after == expected
    assert world.applications.get(APPLICATION) == expected
    [entry] = world.applications.history(APPLICATION)
    principal = PRINCIPALS[rule.by]
    assert (entry.seq, entry.at, entry.action, entry.reason) == (4, AT, action.value, "because")
    assert (entry.actor, entry.role) == (principal.subject if principal else "scheduler", ROLES[rule.by])
    assert (entry.before["state"], entry.after["state"]) == (state.value, rule.to.value)
    listed = world.applications.roster.get(ORG)
    assert (listed.status if listed else None) == ROSTER_STATUS.get(rule.to)
    [(domain, detail_type, detail)] = world.events.published
    assert (domain, detail_type) == ("recruitment", "accreditation.changed")
    assert (detail["from_state"], detail["to_state"], detail["version"]) == (state.value, rule.to.value, 4)
    assert detail["roster_status"] == ROSTER_STATUS.get(rule.to)
    [email] = world.notifier.sent
    assert (email.to, email.ref) == ("asha@acme.example", f"accreditation:{APPLICATION}:4")
    assert "Reason: because" in email.body


def test_accrediting_without_a_term_uses_the_default_term() -> None:
    after = World(S.AUDIT_COMPLETED, default_term_years=4).take(A.ACCREDIT, Actor.STAFF)
    assert after.valid_until == "2030-06-01T12:00:00Z"


def test_every_action_the_table_does_not_allow_is_a_conflict_that_changes_nothing() -> None:
    refused = 0
    for state in State:
        world = World(state)
        for action in Action:
            for actor in Actor:
                if rule_for(state, action, actor) is not None:
                    continue
                with pytest.raises(Conflict) as raised:
                    world.take(action, actor, **DETAILS.get(action, {}))
                assert raised.value.extensions["current_state"] == state.value
                assert raised.value.extensions["allowed_actions"] == [
                    a.value for (s, a), rule in TRANSITIONS.items() if s == state and rule.by == actor
                ]
                refused += 1
        assert world.unchanged()
    assert refused == len(State) * len(Action) * len(Actor) - len(TRANSITIONS)


def test_a_stale_version_is_a_conflict_that_changes_nothing() -> None:
    world = World(S.SUBMITTED)
    with pytest.raises(Conflict, match="changed by someone else") as raised:
        world.take(A.START_REVIEW, Actor.STAFF, version=2)
    assert raised.value.extensions["allowed_actions"] == ["start_review"]
    assert world.unchanged()


@pytest.mark.parametrize(
    ("state", "action", "details", "field", "message"),
    [
        (S.ACCREDITED, A.SUSPEND, {}, "suspended_until", "required by 'suspend'"),
        (S.UNDER_REVIEW, A.SCHEDULE_AUDIT, {"auditor": "a"}, "audit_date", "required by 'schedule_audit'"),
        (S.UNDER_REVIEW, A.DEFER, {"term_years": 2}, "term_years", "not used by 'defer'"),
        (S.AUDIT_COMPLETED, A.ACCREDIT, {"term_years": 6}, "term_years", "between 1 and 5"),
        (S.RENEWAL_DUE, A.RENEW, {"term_years": 9}, "term_years", "between 1 and 5"),
        (S.ACCREDITED, A.SUSPEND, {"suspended_until": NOW}, "suspended_until", "in the future"),
        (
            S.ACCREDITED,
            A.SUSPEND,
            {"suspended_until": NOW + timedelta(days=184)},
            "suspended_until",
            "6 months",
        ),
        (S.RENEWAL_DUE, A.SUSPEND, {"suspended_until": "2026-07-01"}, "suspended_until", "in the future"),
    ],
)
def test_a_rule_refuses_details_its_guard_does_not_accept(
    state: State, action: Action, details: dict[str, Any], field: str, message: str
) -> None:
    world = World(state)
    with pytest.raises(ValidationFailed) as raised:
        world.take(action, Actor.STAFF, **details)
    [error] = raised.value.errors
    assert error.field == field
    assert message in error.message
    assert world.unchanged()


def test_a_licence_listed_for_another_application_is_a_conflict_that_changes_nothing() -> None:
    world = World(S.AUDIT_COMPLETED)
    other = replace(application(S.ACCREDITED, OTHER), org_id="01JDQ6ZZ00OTHERRECRUITER00")
    world.applications.list_on_roster(roster_entry(other, "accredited"))
    with pytest.raises(Conflict, match="licence NP#L1 is already on the roster"):
        world.take(A.ACCREDIT, Actor.STAFF)
    assert world.unchanged()


def _complete_draft() -> Application:
    return application(
        S.DRAFT,
        attestations={p: {"accepted": True, "signed_by": "Asha"} for p in PRINCIPLES},
        questionnaire=dict.fromkeys(QUESTIONS, "an answer"),
        documents=[{"document_id": kind, "kind": kind, "uploaded": True} for kind in REQUIRED_DOCUMENTS],
    )


def test_the_recruiter_submits_a_complete_draft() -> None:
    draft = _complete_draft()
    applications, events = FakeApplications(draft), FakeEvents()
    workflow = Workflow(applications, events, FakeNotifier())

    after = submit(APPLICATION, RECRUITER, 3, workflow, FakeDocuments())

    assert (after.state, after.version) == (S.SUBMITTED, 4)
    assert after.documents == draft.documents
    assert [e.action for e in applications.history(APPLICATION)] == ["submit"]


def test_an_incomplete_draft_is_not_submitted() -> None:
    draft = replace(_complete_draft(), questionnaire={})
    applications, events = FakeApplications(draft), FakeEvents()
    workflow = Workflow(applications, events, FakeNotifier())

    with pytest.raises(ValidationFailed, match="incomplete") as raised:
        submit(APPLICATION, RECRUITER, 3, workflow, FakeDocuments())

    assert {e.field for e in raised.value.errors} == {f"questionnaire.{q}" for q in QUESTIONS}
    assert applications.get(APPLICATION) == draft
    assert events.published == []
