"""The accreditation state machine: one declarative table of (state, action) → rule.

Everything else (the API, the scheduled jobs, the tests) reads this table; nothing encodes a
transition anywhere else. A rule says who may take the action (the recruiter, staff, or the
scheduler), the state it leads to, the details the action needs, its guard (what it refuses
beyond a missing or unused detail) and its effect (what it records beyond the new state).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from haven import clock
from haven.errors import FieldError

if TYPE_CHECKING:
    from haven.recruitment.application import Application

MAX_SUSPENSION = timedelta(days=183)
TERM_YEARS_RANGE = range(1, 6)


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
class Step:
    """What a guard and an effect read: the details given with the action, and its moment."""

    details: Mapping[str, Any]
    now: datetime
    #: The term of an accreditation or renewal that does not name one.
    default_term_years: int

    @property
    def at(self) -> str:
        return clock.iso(self.now)

    def term_years(self) -> int:
        return int(self.details.get(Detail.TERM_YEARS) or self.default_term_years)


#: What an action refuses in details it was given (``None``: nothing).
Guard = Callable[[Step], FieldError | None]
#: The application after the action, from the application moved to the rule's state.
Effect = Callable[["Application", Step], "Application"]


def _anything(step: Step) -> None:
    return None


def _nothing_more(moved: Application, step: Step) -> Application:
    return moved


@dataclass(frozen=True)
class Rule:
    to: State
    by: Actor
    #: Details the action must carry.
    requires: frozenset[Detail] = frozenset()
    #: Details the action may carry.
    accepts: frozenset[Detail] = frozenset()
    guard: Guard = field(default=_anything)
    effect: Effect = field(default=_nothing_more)

    def refusals(self, action: Action, step: Step) -> list[FieldError]:
        """Why ``step`` may not take ``action`` (empty: it may): details missing or not used,
        then the guard's objection."""
        given = {Detail(name) for name, value in step.details.items() if value is not None}
        errors = [FieldError(d.value, f"required by '{action}'") for d in sorted(self.requires - given)]
        errors += [FieldError(d.value, f"not used by '{action}'") for d in sorted(given - self.accepts)]
        if errors:
            return errors
        objection = self.guard(step)
        return [objection] if objection else []


def _rule(
    to: State,
    by: Actor,
    requires: tuple[Detail, ...] = (),
    accepts: tuple[Detail, ...] = (),
    guard: Guard = _anything,
    effect: Effect = _nothing_more,
) -> Rule:
    return Rule(to, by, frozenset(requires), frozenset(requires) | frozenset(accepts), guard, effect)


# --- guards and effects -------------------------------------------------------------------------


def _term_in_range(step: Step) -> FieldError | None:
    if step.term_years() not in TERM_YEARS_RANGE:
        return FieldError(Detail.TERM_YEARS.value, "must be between 1 and 5")
    return None


def _suspension_in_range(step: Step) -> FieldError | None:
    until = step.details[Detail.SUSPENDED_UNTIL]
    if not isinstance(until, datetime) or not step.now < until <= step.now + MAX_SUSPENSION:
        return FieldError(Detail.SUSPENDED_UNTIL.value, "must be in the future, at most 6 months from now")
    return None


def _submitted(moved: Application, step: Step) -> Application:
    return replace(moved, submitted_at=step.at)


def _deferred(moved: Application, step: Step) -> Application:
    return replace(moved, deferred_at=step.at)


def _answered(moved: Application, step: Step) -> Application:
    return replace(moved, deferred_at=None)


def _audit_scheduled(moved: Application, step: Step) -> Application:
    return replace(
        moved, audit={"date": step.details[Detail.AUDIT_DATE], "auditor": step.details[Detail.AUDITOR]}
    )


def _audit_completed(moved: Application, step: Step) -> Application:
    findings = {
        "findings": step.details[Detail.FINDINGS],
        "non_conformities": step.details[Detail.NON_CONFORMITIES],
        "completed_at": step.at,
    }
    return replace(moved, audit={**(moved.audit or {}), **findings})


def _accredited(moved: Application, step: Step) -> Application:
    return replace(moved, valid_from=step.at, valid_until=clock.iso(add_years(step.now, step.term_years())))


def _renewed(moved: Application, step: Step) -> Application:
    """A renewal extends the term from its end; the accreditation is still valid from its start."""
    end = datetime.fromisoformat(moved.valid_until or step.at)
    return replace(moved, valid_until=clock.iso(add_years(end, step.term_years())))


def _suspended(moved: Application, step: Step) -> Application:
    return replace(moved, suspended_until=clock.iso(step.details[Detail.SUSPENDED_UNTIL]))


def _suspension_lifted(moved: Application, step: Step) -> Application:
    return replace(moved, suspended_until=None)


def add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


S, A = State, Action

#: The whole machine. A (state, action) pair that is not here is illegal.
TRANSITIONS: dict[tuple[State, Action], Rule] = {
    (S.DRAFT, A.SUBMIT): _rule(S.SUBMITTED, Actor.RECRUITER, effect=_submitted),
    (S.SUBMITTED, A.START_REVIEW): _rule(S.UNDER_REVIEW, Actor.STAFF),
    (S.UNDER_REVIEW, A.DEFER): _rule(S.DEFERRED, Actor.STAFF, effect=_deferred),
    (S.UNDER_REVIEW, A.REJECT): _rule(S.REJECTED, Actor.STAFF),
    (S.UNDER_REVIEW, A.SCHEDULE_AUDIT): _rule(
        S.AUDIT_SCHEDULED, Actor.STAFF, requires=(Detail.AUDIT_DATE, Detail.AUDITOR), effect=_audit_scheduled
    ),
    (S.DEFERRED, A.RESPOND): _rule(S.UNDER_REVIEW, Actor.RECRUITER, effect=_answered),
    (S.DEFERRED, A.LAPSE): _rule(S.WITHDRAWN, Actor.SYSTEM),
    (S.AUDIT_SCHEDULED, A.COMPLETE_AUDIT): _rule(
        S.AUDIT_COMPLETED,
        Actor.STAFF,
        requires=(Detail.FINDINGS, Detail.NON_CONFORMITIES),
        effect=_audit_completed,
    ),
    (S.AUDIT_COMPLETED, A.ACCREDIT): _rule(
        S.ACCREDITED, Actor.STAFF, accepts=(Detail.TERM_YEARS,), guard=_term_in_range, effect=_accredited
    ),
    (S.AUDIT_COMPLETED, A.REJECT): _rule(S.REJECTED, Actor.STAFF),
    (S.ACCREDITED, A.SUSPEND): _rule(
        S.SUSPENDED,
        Actor.STAFF,
        requires=(Detail.SUSPENDED_UNTIL,),
        guard=_suspension_in_range,
        effect=_suspended,
    ),
    (S.ACCREDITED, A.MARK_RENEWAL_DUE): _rule(S.RENEWAL_DUE, Actor.SYSTEM),
    (S.RENEWAL_DUE, A.RENEW): _rule(
        S.ACCREDITED, Actor.STAFF, accepts=(Detail.TERM_YEARS,), guard=_term_in_range, effect=_renewed
    ),
    (S.RENEWAL_DUE, A.SUSPEND): _rule(
        S.SUSPENDED,
        Actor.STAFF,
        requires=(Detail.SUSPENDED_UNTIL,),
        guard=_suspension_in_range,
        effect=_suspended,
    ),
    (S.RENEWAL_DUE, A.EXPIRE): _rule(S.EXPIRED, Actor.SYSTEM),
    (S.SUSPENDED, A.REINSTATE): _rule(S.ACCREDITED, Actor.STAFF, effect=_suspension_lifted),
    (S.SUSPENDED, A.WITHDRAW): _rule(S.WITHDRAWN, Actor.STAFF),
    (S.SUSPENDED, A.END_SUSPENSION): _rule(S.ACCREDITED, Actor.SYSTEM, effect=_suspension_lifted),
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
