"""Moving an application through :mod:`haven.recruitment.workflow`, by staff, the recruiter
(submitting) or the scheduler.

Each transition is one atomic write (:meth:`ApplicationRepository.commit`): the application,
conditional on the version the caller read, an append-only audit entry, and the public roster
entries. Then the ``accreditation.changed`` event is published and the recruiter is notified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from haven import clock
from haven.auth import Principal, Role
from haven.errors import Conflict, ValidationFailed
from haven.events import EventSink
from haven.events.recruitment import AccreditationChanged
from haven.notifications import Notifier
from haven.recruitment.application import (
    Application,
    ApplicationRepository,
    AuditEntry,
    Change,
    LicenceTaken,
    StaleVersion,
    actor_of,
    audit_entry,
    illegal,
    load,
    stale,
)
from haven.recruitment.document_uploads import DocumentStore, readiness
from haven.recruitment.notices import notify
from haven.recruitment.roster import Entry
from haven.recruitment.workflow import ROSTER_STATUS, Action, Actor, Rule, State, Step, rule_for


@dataclass(frozen=True)
class Workflow:
    """The ports a transition uses."""

    applications: ApplicationRepository
    events: EventSink
    notifier: Notifier
    default_term_years: int = 3


def request_transition(
    application_id: str,
    action: Action,
    *,
    principal: Principal,
    expected_version: int,
    reason: str,
    details: dict[str, Any],
    workflow: Workflow,
) -> Application:
    """A staff transition through the API."""
    application = load(application_id, principal, workflow.applications)
    return transition(
        application, action, principal=principal, actor=actor_of(principal),
        expected_version=expected_version, reason=reason, details=details, workflow=workflow,
    )  # fmt: skip


def submit(
    application_id: str,
    principal: Principal,
    expected_version: int,
    workflow: Workflow,
    documents: DocumentStore,
) -> Application:
    """Submit a complete draft (or answer a deferral): 422 listing what is missing, and the
    uploads that may not be pinned."""
    application = load(application_id, principal, workflow.applications)
    action = Action.RESPOND if application.state == State.DEFERRED else Action.SUBMIT
    _check_legal(application, action, Actor.RECRUITER, expected_version)
    checked, gaps = readiness(application, documents)
    if gaps:
        raise ValidationFailed(gaps, detail="the application is incomplete")
    return transition(
        checked, action, principal=principal, actor=Actor.RECRUITER, expected_version=expected_version,
        reason="submitted by the recruiter", details={}, workflow=workflow,
    )  # fmt: skip


def transition(
    application: Application,
    action: Action,
    *,
    principal: Principal | None,
    actor: Actor,
    expected_version: int,
    reason: str,
    details: dict[str, Any],
    workflow: Workflow,
    now: datetime | None = None,
) -> Application:
    """Take ``action``: 409 (with the current state and the allowed actions) if it is illegal
    or ``expected_version`` is stale, 422 if its rule refuses the details, and then nothing
    changes."""
    rule = _check_legal(application, action, actor, expected_version)
    after = _apply(application, action, rule, Step(details, now or clock.now(), workflow.default_term_years))
    after.version = expected_version + 1
    entry = audit_entry(
        application,
        after,
        actor=principal.subject if principal else "scheduler",
        role=_role_name(principal, actor),
        action=action.value,
        reason=reason,
    )
    was, now_listed = ROSTER_STATUS.get(application.state), ROSTER_STATUS.get(after.state)
    change = Change(
        expected_version=expected_version,
        after=after,
        entry=entry,
        roster_upsert=roster_entry(after, now_listed) if now_listed else None,
        roster_remove=roster_entry(application, was) if was and not now_listed else None,
    )
    try:
        workflow.applications.commit(change)
    except StaleVersion as conflict:
        raise stale(conflict.current or application, actor) from None
    except LicenceTaken as taken:
        raise Conflict(
            f"{taken.key} is already on the roster for another accreditation",
            current_state=application.state.value,
            current_version=application.version,
        ) from None
    workflow.events.publish(changed_event(entry, after))
    notify(after, entry, workflow.notifier)
    return after


def _check_legal(application: Application, action: Action, actor: Actor, expected_version: int) -> Rule:
    if application.version != expected_version:
        raise stale(application, actor)
    rule = rule_for(application.state, action, actor)
    if rule is None:
        raise illegal(application, actor, action)
    return rule


def _apply(application: Application, action: Action, rule: Rule, step: Step) -> Application:
    """The application after ``action``: its rule's guard, then its effect (422 if refused)."""
    refusals = rule.refusals(action, step)
    if refusals:
        raise ValidationFailed(refusals)
    return rule.effect(replace(application, state=rule.to, updated_at=step.at), step)


def _role_name(principal: Principal | None, actor: Actor) -> str:
    if principal is None:
        return "system"
    if actor == Actor.RECRUITER:
        return Role.RECRUITER.value
    return Role.ADMIN.value if Role.ADMIN in principal.roles else Role.AUDITOR.value


def roster_entry(application: Application, status: str) -> Entry:
    organisation = application.organisation or {}
    return Entry(
        recruiter_id=application.org_id,
        application_id=application.application_id,
        legal_name=organisation.get("legal_name", ""),
        trading_names=list(organisation.get("trading_names", [])),
        status=status,
        countries=list(organisation.get("countries_of_operation", [])),
        corridors=list(organisation.get("corridors", [])),
        licences=[{"country": x["country"], "number": x["number"]} for x in organisation.get("licences", [])],
        valid_from=application.valid_from or "",
        valid_until=application.valid_until or "",
        updated_at=application.updated_at,
    )


def changed_event(entry: AuditEntry, after: Application) -> AccreditationChanged:
    return AccreditationChanged(
        id=after.application_id,
        occurred_at=entry.at,
        application_id=after.application_id,
        recruiter_id=after.org_id,
        version=after.version,
        action=entry.action,
        from_state=entry.before["state"],
        to_state=after.state.value,
        roster_status=ROSTER_STATUS.get(after.state),
        valid_until=after.valid_until,
    )
