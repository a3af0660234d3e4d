"""The accreditation application: the entity, its audit trail and the port that stores both.

A recruiter (scoped to its ``org_id``: another organisation's application is "not found")
drafts an application (:mod:`haven.recruitment.drafts`), adds documents
(:mod:`haven.recruitment.document_uploads`) and submits it; auditors, admins and the scheduled
jobs move it through :mod:`haven.recruitment.workflow` (:mod:`haven.recruitment.transitions`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from haven import clock, ids
from haven.auth import Principal, Role
from haven.errors import Conflict, Forbidden, NotFound
from haven.recruitment.roster import RECRUITER_ID_MAX, Entry
from haven.recruitment.workflow import Action, Actor, State, allowed_actions

DEFERRAL_LAPSES_AFTER = timedelta(days=60)
RENEWAL_NOTICE = timedelta(days=90)


@dataclass
class Application:
    application_id: str
    org_id: str
    state: State
    created_at: str
    updated_at: str
    organisation: dict[str, Any] | None = None
    attestations: dict[str, Any] = field(default_factory=dict)
    questionnaire: dict[str, Any] = field(default_factory=dict)
    documents: list[dict[str, Any]] = field(default_factory=list)
    submitted_at: str | None = None
    deferred_at: str | None = None
    audit: dict[str, Any] | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    suspended_until: str | None = None
    #: Opened by :mod:`haven.recruitment.monitoring`, one per substantiated complaint.
    compliance_reviews: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0

    @property
    def due_at(self) -> str | None:
        """When the scheduler must act on this application in its state (none: never)."""
        if self.state == State.ACCREDITED and self.valid_until:
            return clock.iso(datetime.fromisoformat(self.valid_until) - RENEWAL_NOTICE)
        if self.state == State.RENEWAL_DUE:
            return self.valid_until
        if self.state == State.DEFERRED and self.deferred_at:
            return clock.iso(datetime.fromisoformat(self.deferred_at) + DEFERRAL_LAPSES_AFTER)
        if self.state == State.SUSPENDED and self.suspended_until and self.valid_until:
            return min(self.suspended_until, self.valid_until)
        return None

    def standing(self) -> dict[str, Any]:
        """What a transition changes: the before/after of the audit trail."""
        return {
            "state": self.state.value,
            "version": self.version,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "suspended_until": self.suspended_until,
            "audit": self.audit,
        }


@dataclass(frozen=True)
class AuditEntry:
    application_id: str
    seq: int  # the application's version after the transition
    at: str
    actor: str
    role: str
    action: str
    reason: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class Change:
    """One transition, written atomically by :meth:`ApplicationRepository.commit`."""

    expected_version: int
    after: Application
    entry: AuditEntry
    roster_upsert: Entry | None = None
    roster_remove: Entry | None = None


@dataclass(frozen=True)
class Page:
    items: list[Application]
    position: dict[str, Any] | None


class StaleVersion(Exception):
    def __init__(self, current: Application | None) -> None:
        super().__init__("stale version")
        self.current = current


class LicenceTaken(Exception):
    """A licence (or the recruiter itself) is on the roster for another application."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class ApplicationRepository(Protocol):
    def add(self, application: Application) -> None: ...

    def get(self, application_id: str) -> Application | None: ...

    def save_draft(self, application: Application, expected_version: int) -> None:
        """Replace a draft if its stored version is ``expected_version`` (else StaleVersion)."""
        ...

    def commit(self, change: Change) -> None:
        """Atomically: the application (if still at ``expected_version``, else StaleVersion),
        the audit entry, the roster entries (LicenceTaken if another recruiter holds a licence)."""
        ...

    def history(self, application_id: str) -> list[AuditEntry]: ...

    def page_by_org(self, org_id: str, limit: int, position: dict[str, Any] | None) -> Page: ...

    def page_by_state(self, state: State, limit: int, position: dict[str, Any] | None) -> Page: ...

    def due(self, state: State, until: str) -> Iterator[Application]:
        """Applications in ``state`` whose ``due_at`` is at or before ``until``."""
        ...


def audit_entry(
    before: Application, after: Application, *, actor: str, role: str, action: str, reason: str
) -> AuditEntry:
    """The append-only record of what moved ``before`` to ``after`` (at ``after.version``)."""
    return AuditEntry(
        application_id=after.application_id,
        seq=after.version,
        at=after.updated_at,
        actor=actor,
        role=role,
        action=action,
        reason=reason,
        before=before.standing(),
        after=after.standing(),
    )


def load(application_id: str, principal: Principal, applications: ApplicationRepository) -> Application:
    """The application if the caller may see it: staff see all, a recruiter only its org's."""
    application = applications.get(application_id) if ids.is_id(application_id) else None
    if application is None or (not principal.has(Role.AUDITOR) and application.org_id != org_of(principal)):
        raise NotFound("no such application")
    return application


def actor_of(principal: Principal) -> Actor:
    if principal.has(Role.AUDITOR):
        return Actor.STAFF
    if principal.has(Role.RECRUITER):
        return Actor.RECRUITER
    raise Forbidden("this action needs the role auditor or admin")


def org_of(principal: Principal) -> str:
    """The organisation a recruiter acts for: its roster id once accredited."""
    if not principal.org_id:
        raise Forbidden("recruiter token carries no org_id")
    if len(principal.org_id) > RECRUITER_ID_MAX:
        raise Forbidden(f"recruiter token's org_id is longer than {RECRUITER_ID_MAX} characters")
    return principal.org_id


def stale(application: Application, actor: Actor) -> Conflict:
    """The 409 of a write based on an older version, with what ``actor`` may do now."""
    return _conflict(
        application, actor, "the application was changed by someone else; reload it and decide again"
    )


def illegal(application: Application, actor: Actor, action: Action) -> Conflict:
    """The 409 of an action the table does not allow ``actor`` in the application's state."""
    return _conflict(application, actor, f"'{action}' is not allowed in state '{application.state}'")


def _conflict(application: Application, actor: Actor, detail: str) -> Conflict:
    return Conflict(
        detail,
        current_state=application.state.value,
        current_version=application.version,
        allowed_actions=allowed_actions(application.state, actor),
    )
