"""The accreditation state machine: one declarative table of (state, action) → rule.

Everything else (the API, the scheduled jobs, the tests) reads this table; nothing encodes a
transition anywhere else. A rule says who may take the action (the recruiter, staff, or the
scheduler), the state it leads to, and the details the action needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    DEFERRED = "deferred"
    REJECTED = "rejected"
    AUDIT_SCHEDULED = "audit_scheduled"
    AUDIT_COMPLETED = "audit_completed"
    ACCREDITED = "accredited"
    RENEWAL_DUE = "renewal_due"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Action(StrEnum):
    SUBMIT = "submit"
    RESPOND = "respond"  # the recruiter answers a deferral
    START_REVIEW = "start_review"
    DEFER = "defer"
    REJECT = "reject"
    SCHEDULE_AUDIT = "schedule_audit"
    COMPLETE_AUDIT = "complete_audit"
    ACCREDIT = "accredit"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    WITHDRAW = "withdraw"
    RENEW = "renew"
    # taken by the scheduler only
    MARK_RENEWAL_DUE = "mark_renewal_due"
    EXPIRE = "expire"
    LAPSE = "lapse"
    END_SUSPENSION = "end_suspension"


class Actor(StrEnum):
    RECRUITER = "recruiter"
    STAFF = "staff"  # auditor or admin
    SYSTEM = "system"  # the scheduled jobs


class Detail(StrEnum):
    """Fields of a transition request beyond ``action``, ``reason`` and ``expected_version``."""

    AUDIT_DATE = "audit_date"
    AUDITOR = "auditor"
    FINDINGS = "findings"
    NON_CONFORMITIES = "non_conformities"
    TERM_YEARS = "term_years"
    SUSPENDED_UNTIL = "suspended_until"


@dataclass(frozen=True)
class Rule:
    to: State
    by: Actor
    #: Details the action must carry.
    requires: frozenset[Detail] = frozenset()
    #: Details the action may carry.
    accepts: frozenset[Detail] = frozenset()


def _rule(to: State, by: Actor, requires: tuple[Detail, ...] = (), accepts: tuple[Detail, ...] = ()) -> Rule:
    return Rule(to, by, frozenset(requires), frozenset(requires) | frozenset(accepts))


S, A = State, Action

#: The whole machine. A (state, action) pair that is not here is illegal.
TRANSITIONS: dict[tuple[State, Action], Rule] = {
    (S.DRAFT, A.SUBMIT): _rule(S.SUBMITTED, Actor.RECRUITER),
    (S.SUBMITTED, A.START_REVIEW): _rule(S.UNDER_REVIEW, Actor.STAFF),
    (S.UNDER_REVIEW, A.DEFER): _rule(S.DEFERRED, Actor.STAFF),
    (S.UNDER_REVIEW, A.REJECT): _rule(S.REJECTED, Actor.STAFF),
    (S.UNDER_REVIEW, A.SCHEDULE_AUDIT): _rule(
        S.AUDIT_SCHEDULED, Actor.STAFF, requires=(Detail.AUDIT_DATE, Detail.AUDITOR)
    ),
    (S.DEFERRED, A.RESPOND): _rule(S.UNDER_REVIEW, Actor.RECRUITER),
    (S.DEFERRED, A.LAPSE): _rule(S.WITHDRAWN, Actor.SYSTEM),
    (S.AUDIT_SCHEDULED, A.COMPLETE_AUDIT): _rule(
        S.AUDIT_COMPLETED, Actor.STAFF, requires=(Detail.FINDINGS, Detail.NON_CONFORMITIES)
    ),
    (S.AUDIT_COMPLETED, A.ACCREDIT): _rule(S.ACCREDITED, Actor.STAFF, accepts=(Detail.TERM_YEARS,)),
    (S.AUDIT_COMPLETED, A.REJECT): _rule(S.REJECTED, Actor.STAFF),
    (S.ACCREDITED, A.SUSPEND): _rule(S.SUSPENDED, Actor.STAFF, requires=(Detail.SUSPENDED_UNTIL,)),
    (S.ACCREDITED, A.MARK_RENEWAL_DUE): _rule(S.RENEWAL_DUE, Actor.SYSTEM),
    (S.RENEWAL_DUE, A.RENEW): _rule(S.ACCREDITED, Actor.STAFF, accepts=(Detail.TERM_YEARS,)),
    (S.RENEWAL_DUE, A.SUSPEND): _rule(S.SUSPENDED, Actor.STAFF, requires=(Detail.SUSPENDED_UNTIL,)),
    (S.RENEWAL_DUE, A.EXPIRE): _rule(S.EXPIRED, Actor.SYSTEM),
    (S.SUSPENDED, A.REINSTATE): _rule(S.ACCREDITED, Actor.STAFF),
    (S.SUSPENDED, A.WITHDRAW): _rule(S.WITHDRAWN, Actor.STAFF),
    (S.SUSPENDED, A.END_SUSPENSION): _rule(S.ACCREDITED, Actor.SYSTEM),
    (S.SUSPENDED, A.EXPIRE): _rule(S.EXPIRED, Actor.SYSTEM),
}

#: States in which the public roster lists the recruiter, and how it shows them.
ROSTER_STATUS: dict[State, str] = {
    S.ACCREDITED: "accredited",
    S.RENEWAL_DUE: "accredited",  # still valid until it expires
    S.SUSPENDED: "suspended",
}

#: States in which the recruiter may still edit the application and add documents.
EDITABLE: frozenset[State] = frozenset({S.DRAFT, S.DEFERRED})


def rule_for(state: State, action: Action, actor: Actor) -> Rule | None:
    """The rule if ``actor`` may take ``action`` in ``state``; ``None`` if that is illegal."""
    rule = TRANSITIONS.get((state, action))
    return rule if rule is not None and rule.by == actor else None


def allowed_actions(state: State, actor: Actor) -> list[str]:
    return [action.value for (s, action), rule in TRANSITIONS.items() if s == state and rule.by == actor]


def action_details(state: State, actor: Actor) -> dict[str, dict[str, list[str]]]:
    """For each action :func:`allowed_actions` names, the details it must carry (``required``)
    and those it may (``optional``), in the order :class:`Detail` declares them: what a client
    asks for, read from :data:`TRANSITIONS` rather than copied."""
    return {
        action.value: {
            "required": [d.value for d in Detail if d in rule.requires],
            "optional": [d.value for d in Detail if d in rule.accepts - rule.requires],
        }
        for (s, action), rule in TRANSITIONS.items()
        if s == state and rule.by == actor
    }
