"""Every allowed accreditation transition, and refused ones, checked against the rule table.

The expected table is written out here independently of ``TRANSITIONS`` so that adding,
removing or re-routing a transition in the table makes this test fail.
"""

from __future__ import annotations

import pytest

from haven.recruitment.workflow import TRANSITIONS, Action, Actor, Detail, State, rule_for

S, A = State, Action
R, F, Y = Actor.RECRUITER, Actor.STAFF, Actor.SYSTEM

EXPECTED: dict[tuple[State, Action], tuple[State, Actor]] = {
    (S.DRAFT, A.SUBMIT): (S.SUBMITTED, R),
    (S.SUBMITTED, A.START_REVIEW): (S.UNDER_REVIEW, F),
    (S.UNDER_REVIEW, A.DEFER): (S.DEFERRED, F),
    (S.UNDER_REVIEW, A.REJECT): (S.REJECTED, F),
    (S.UNDER_REVIEW, A.SCHEDULE_AUDIT): (S.AUDIT_SCHEDULED, F),
    (S.DEFERRED, A.RESPOND): (S.UNDER_REVIEW, R),
    (S.DEFERRED, A.LAPSE): (S.WITHDRAWN, Y),
    (S.AUDIT_SCHEDULED, A.COMPLETE_AUDIT): (S.AUDIT_COMPLETED, F),
    (S.AUDIT_COMPLETED, A.ACCREDIT): (S.ACCREDITED, F),
    (S.AUDIT_COMPLETED, A.REJECT): (S.REJECTED, F),
    (S.ACCREDITED, A.SUSPEND): (S.SUSPENDED, F),
    (S.ACCREDITED, A.MARK_RENEWAL_DUE): (S.RENEWAL_DUE, Y),
    (S.RENEWAL_DUE, A.RENEW): (S.ACCREDITED, F),
    (S.RENEWAL_DUE, A.SUSPEND): (S.SUSPENDED, F),
    (S.RENEWAL_DUE, A.EXPIRE): (S.EXPIRED, Y),
    (S.SUSPENDED, A.REINSTATE): (S.ACCREDITED, F),
    (S.SUSPENDED, A.WITHDRAW): (S.WITHDRAWN, F),
    (S.SUSPENDED, A.END_SUSPENSION): (S.ACCREDITED, Y),
    (S.SUSPENDED, A.EXPIRE): (S.EXPIRED, Y),
}


def test_the_table_has_exactly_the_expected_transitions() -> None:
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(("key", "expected"), sorted(EXPECTED.items()))
def test_allowed_transition(key: tuple[State, Action], expected: tuple[State, Actor]) -> None:
    state, action = key
    to, by = expected
    rule = rule_for(state, action, by)
    assert rule is not None
    assert rule.to == to
    for other in Actor:
        if other != by:
            assert rule_for(state, action, other) is None


@pytest.mark.parametrize(
    ("state", "action", "actor"),
    [
        (S.DRAFT, A.ACCREDIT, F),
        (S.DRAFT, A.SUBMIT, F),
        (S.SUBMITTED, A.SUBMIT, R),
        (S.UNDER_REVIEW, A.ACCREDIT, F),
        (S.REJECTED, A.SUBMIT, R),
        (S.WITHDRAWN, A.REINSTATE, F),
        (S.EXPIRED, A.RENEW, F),
        (S.ACCREDITED, A.EXPIRE, Y),
        (S.ACCREDITED, A.SUSPEND, R),
        (S.SUSPENDED, A.END_SUSPENSION, F),
    ],
)
def test_refused_transition(state: State, action: Action, actor: Actor) -> None:
    assert rule_for(state, action, actor) is None


def test_terminal_states_allow_nothing() -> None:
    for state in (S.REJECTED, S.WITHDRAWN, S.EXPIRED):
        assert all(rule_for(state, action, actor) is None for action in Action for actor in Actor)


def test_details_an_action_must_carry() -> None:
    assert TRANSITIONS[(S.UNDER_REVIEW, A.SCHEDULE_AUDIT)].requires == {Detail.AUDIT_DATE, Detail.AUDITOR}
    assert TRANSITIONS[(S.AUDIT_SCHEDULED, A.COMPLETE_AUDIT)].requires == {
        Detail.FINDINGS,
        Detail.NON_CONFORMITIES,
    }
    assert TRANSITIONS[(S.ACCREDITED, A.SUSPEND)].requires == {Detail.SUSPENDED_UNTIL}
    assert TRANSITIONS[(S.AUDIT_COMPLETED, A.ACCREDIT)].requires == frozenset()
    assert TRANSITIONS[(S.AUDIT_COMPLETED, A.ACCREDIT)].accepts == {Detail.TERM_YEARS}
