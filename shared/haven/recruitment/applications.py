"""Accreditation applications: drafts, documents, submission and every workflow transition.

A recruiter (scoped to its ``org_id``: another organisation's application is "not found")
drafts an application, uploads documents and submits it once complete. Auditors and admins,
and the scheduled jobs, move it through :mod:`haven.recruitment.workflow`. Each transition is
one atomic write (:meth:`ApplicationRepository.commit`): the application, conditional on the
version the caller read, an append-only audit entry, and the public roster entries. Then the
``accreditation.changed`` event is published and the recruiter is notified.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from haven import clock, ids
from haven.auth import Principal, Role
from haven.crisis.reports import Upload
from haven.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from haven.events import AccreditationChanged, EventSink
from haven.notifications import Message, Notifier
from haven.recruitment.documents import DOCUMENT_TYPES
from haven.recruitment.roster import RECRUITER_ID_MAX, Entry
from haven.recruitment.workflow import (
    EDITABLE,
    ROSTER_STATUS,
    Action,
    Actor,
    Detail,
    Rule,
    State,
    action_details,
    allowed_actions,
    rule_for,
)
from haven.uploads import SNIFF_BYTES, Reason, StoredUpload, screen

#: The code of conduct: each principle is attested (signed) by the applicant.
PRINCIPLES = (
    "no_fees_to_workers",
    "no_document_retention",
    "transparent_terms",
    "confidentiality",
    "access_to_remedy",
)

#: The self-assessment questionnaire (all answers are required).
QUESTIONS: dict[str, str] = {
    "fee_policy": "How do you make sure that no worker pays recruitment fees or related costs?",
    "document_handling": "How are workers' passports and identity documents handled?",
    "contract_disclosure": "When and in which languages do workers receive their contract?",
    "subagents": "Which sub-agents do you use, and how do you check that they follow this code?",
    "grievance_mechanism": "How can a worker raise a complaint, and what happens next?",
    "data_protection": "How do you protect workers' personal data?",
}

REQUIRED_DOCUMENTS = ("licence", "registration", "contract_template", "fee_policy")
DOCUMENT_KINDS = (*REQUIRED_DOCUMENTS, "other")
MAX_DOCUMENTS = 30
UPLOAD_EXPIRES_SECONDS = 900

DEFERRAL_LAPSES_AFTER = timedelta(days=60)
RENEWAL_NOTICE = timedelta(days=90)
MAX_SUSPENSION = timedelta(days=183)
TERM_YEARS_RANGE = range(1, 6)


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
            return clock.iso(_dt(self.valid_until) - RENEWAL_NOTICE)
        if self.state == State.RENEWAL_DUE:
            return self.valid_until
        if self.state == State.DEFERRED and self.deferred_at:
            return clock.iso(_dt(self.deferred_at) + DEFERRAL_LAPSES_AFTER)
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


@dataclass(frozen=True)
class StoredObject:
    """The version a document's key holds, as upload screening judges it, and what pins it."""

    #: Its bucket, key, version id, size and Content-Type.
    upload: StoredUpload
    etag: str
    #: Its first bytes, of that very version: a file's format shows in its magic number.
    head: bytes


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


class DocumentStore(Protocol):
    def presign_upload(
        self, key: str, content_type: str, max_bytes: int, sha256_hex: str, expires_in: int
    ) -> Upload: ...

    def inspect(self, key: str, head_bytes: int) -> StoredObject | None:
        """The latest version of ``key`` with up to ``head_bytes`` of its leading bytes (``None``:
        nothing is stored there)."""
        ...

    def download_url(self, key: str, version_id: str | None) -> str: ...


@dataclass(frozen=True)
class Workflow:
    """The ports a transition uses."""

    applications: ApplicationRepository
    events: EventSink
    notifier: Notifier
    default_term_years: int = 3


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- drafts -------------------------------------------------------------------------------------


def create_application(
    principal: Principal, content: dict[str, Any], applications: ApplicationRepository
) -> Application:
    now = clock.iso(clock.now())
    application = Application(
        application_id=ids.new_id(),
        org_id=_org_of(principal),
        state=State.DRAFT,
        created_at=now,
        updated_at=now,
        **content,
    )
    applications.add(application)
    application.version = 1
    return application


def update_application(
    application_id: str,
    principal: Principal,
    expected_version: int,
    content: dict[str, Any],
    applications: ApplicationRepository,
) -> Application:
    """Replace the given sections of a draft (or of a deferred application being completed)."""
    application = _editable(load(application_id, principal, applications), expected_version)
    updated = replace(application, updated_at=clock.iso(clock.now()), **content)
    _save_draft(updated, expected_version, applications)
    return updated


def add_document(
    application_id: str,
    principal: Principal,
    *,
    kind: str,
    content_type: str,
    size_bytes: int,
    sha256: str,
    filename: str,
    applications: ApplicationRepository,
    documents: DocumentStore,
) -> tuple[Application, dict[str, Any], Upload]:
    """Declare a document and get its presigned upload. Documents are never replaced: each
    has its own key, and the version uploaded is pinned when the application is submitted."""
    application = load(application_id, principal, applications)
    _editable(application, application.version)
    if len(application.documents) >= MAX_DOCUMENTS:
        raise ValidationFailed([FieldError("documents", f"at most {MAX_DOCUMENTS} documents")])
    limit = DOCUMENT_TYPES[content_type]
    if size_bytes > limit:
        raise ValidationFailed([FieldError("size_bytes", f"must not exceed {limit} for {content_type}")])
    document_id = ids.new_id()
    key = f"accreditation/{application.application_id}/{document_id}"
    declared_at = clock.iso(clock.now())
    document: dict[str, Any] = {
        "document_id": document_id,
        "kind": kind,
        "filename": filename,
        "content_type": content_type,
        "declared_size_bytes": size_bytes,
        "sha256": sha256,
        "key": key,
        "declared_at": declared_at,
        "uploaded": False,
    }
    expected = application.version
    application = replace(application, documents=[*application.documents, document], updated_at=declared_at)
    _save_draft(application, expected, applications)
    upload = documents.presign_upload(key, content_type, limit, sha256, UPLOAD_EXPIRES_SECONDS)
    return application, document, upload


def missing(application: Application) -> list[FieldError]:
    """Everything that keeps the application from being complete (empty: it may be submitted)."""
    gaps: list[FieldError] = []
    organisation = application.organisation or {}
    if not organisation:
        gaps.append(FieldError("organisation", "describe the organisation"))
    else:
        for name, message in (
            ("registrations", "give at least one registration number"),
            ("licences", "give at least one recruitment licence number"),
            ("countries_of_operation", "list the countries you operate in"),
            ("corridors", "list at least one corridor (origin → destination)"),
        ):
            if not organisation.get(name):
                gaps.append(FieldError(f"organisation.{name}", message))
    for principle in PRINCIPLES:
        attestation = application.attestations.get(principle) or {}
        if attestation.get("accepted") is not True or not attestation.get("signed_by"):
            gaps.append(FieldError(f"attestations.{principle}", "sign the attestation of this principle"))
    for question in QUESTIONS:
        if not str(application.questionnaire.get(question) or "").strip():
            gaps.append(FieldError(f"questionnaire.{question}", "answer this question"))
    uploaded = {d["kind"] for d in application.documents if d.get("uploaded")}
    for kind in REQUIRED_DOCUMENTS:
        if kind not in uploaded:
            gaps.append(FieldError(f"documents.{kind}", f"upload a {kind.replace('_', ' ')} document"))
    return gaps


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


def readiness(application: Application, documents: DocumentStore) -> tuple[Application, list[FieldError]]:
    """What a submit would find now: the application with the uploads it would pin (documents
    never uploaded dropped), and what it would refuse (nothing: it may be submitted)."""
    pinned, refused = _pin_uploads(application.documents, documents)
    checked = replace(application, documents=pinned)
    # A refused upload stands in the way only while no other document of its kind is good:
    # declaring and uploading the document again is how a recruiter corrects it.
    good = {f"documents.{d['kind']}" for d in pinned}
    refused = [error for error in refused if error.field not in good]
    named = {error.field for error in refused}
    return checked, refused + [gap for gap in missing(checked) if gap.field not in named]


def _pin_uploads(
    declared: list[dict[str, Any]], documents: DocumentStore
) -> tuple[list[dict[str, Any]], list[FieldError]]:
    """The documents actually uploaded, with the exact object version that is now immutable,
    and why each other upload may not be pinned; declared documents never uploaded are dropped."""
    pinned: list[dict[str, Any]] = []
    refused: list[FieldError] = []
    for document in declared:
        if document.get("uploaded"):
            pinned.append(document)
            continue
        stored = documents.inspect(document["key"], SNIFF_BYTES)
        if stored is None:
            continue
        fault = _upload_fault(document, stored)
        if fault is not None:
            refused.append(FieldError(f"documents.{document['kind']}", f"{fault}: upload it again"))
            continue
        pinned.append(
            {
                **document,
                "uploaded": True,
                "size_bytes": stored.upload.size_bytes,
                "etag": stored.etag,
                "version_id": stored.upload.version.version_id,
            }
        )
    return pinned, refused


def _upload_fault(document: dict[str, Any], stored: StoredObject) -> str | None:
    """What keeps ``stored`` from being pinned as ``document`` (``None``: nothing).

    It must be what was declared, and what upload screening keeps: screening runs seconds after
    the upload and deletes what it refuses, so a version pinned before it ran could vanish from
    under the application. Nothing is deleted here; that stays screening's job.
    """
    upload, kind = stored.upload, document["kind"].replace("_", " ")
    declared_type, declared_size = document["content_type"], document["declared_size_bytes"]
    if upload.content_type != declared_type:
        sent = upload.content_type or "no type"
        return f"the uploaded {kind} was sent as {sent}, {declared_type} was declared"
    if upload.size_bytes != declared_size:
        return f"the uploaded {kind} is {upload.size_bytes} bytes, {declared_size} were declared"
    reason = screen(upload, stored.head)
    if reason == Reason.CONTENT_MISMATCH:
        return f"the uploaded {kind} is not a {declared_type.rpartition('/')[2].upper()}"
    if reason is not None:
        return f"the uploaded {kind} is refused ({reason})"
    return None


# --- transitions ------------------------------------------------------------------------------


def actor_of(principal: Principal) -> Actor:
    if principal.has(Role.AUDITOR):
        return Actor.STAFF
    if principal.has(Role.RECRUITER):
        return Actor.RECRUITER
    raise Forbidden("this action needs the role auditor or admin")


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
    or ``expected_version`` is stale, and then nothing changes."""
    rule = _check_legal(application, action, actor, expected_version)
    moment = now or clock.now()
    after = _apply(application, action, rule, details, moment, workflow.default_term_years)
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
    except StaleVersion as stale:
        raise _conflict(stale.current or application, actor, "stale") from None
    except LicenceTaken as taken:
        raise Conflict(
            f"{taken.key} is already on the roster for another accreditation",
            current_state=application.state.value,
            current_version=application.version,
        ) from None
    workflow.events.publish(changed_event(entry, after))
    _notify(after, entry, workflow.notifier)
    return after


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


def _check_legal(application: Application, action: Action, actor: Actor, expected_version: int) -> Rule:
    if application.version != expected_version:
        raise _conflict(application, actor, "stale")
    rule = rule_for(application.state, action, actor)
    if rule is None:
        raise _conflict(application, actor, "illegal", action)
    return rule


def _conflict(application: Application, actor: Actor, why: str, action: Action | None = None) -> Conflict:
    detail = (
        "the application was changed by someone else; reload it and decide again"
        if why == "stale"
        else f"'{action}' is not allowed in state '{application.state}'"
    )
    return Conflict(
        detail,
        current_state=application.state.value,
        current_version=application.version,
        allowed_actions=allowed_actions(application.state, actor),
    )


def _apply(
    application: Application,
    action: Action,
    rule: Rule,
    details: dict[str, Any],
    now: datetime,
    default_term_years: int,
) -> Application:
    _check_details(action, rule, details)
    at = clock.iso(now)
    after = replace(application, state=rule.to, updated_at=at)
    if action == Action.SUBMIT:
        after.submitted_at = at
    elif action == Action.DEFER:
        after.deferred_at = at
    elif action == Action.RESPOND:
        after.deferred_at = None
    elif action == Action.SCHEDULE_AUDIT:
        after.audit = {"date": details["audit_date"], "auditor": details["auditor"]}
    elif action == Action.COMPLETE_AUDIT:
        after.audit = {
            **(application.audit or {}),
            "findings": details["findings"],
            "non_conformities": details["non_conformities"],
            "completed_at": at,
        }
    elif action in (Action.ACCREDIT, Action.RENEW):
        years = int(details.get("term_years") or default_term_years)
        if years not in TERM_YEARS_RANGE:
            raise ValidationFailed([FieldError("term_years", "must be between 1 and 5")])
        start = now if action == Action.ACCREDIT else _dt(application.valid_until or at)
        after.valid_from = application.valid_from if action == Action.RENEW else at
        after.valid_until = clock.iso(_add_years(start, years))
    elif action == Action.SUSPEND:
        until = details["suspended_until"]
        if not isinstance(until, datetime) or not now < until <= now + MAX_SUSPENSION:
            raise ValidationFailed(
                [FieldError("suspended_until", "must be in the future, at most 6 months from now")]
            )
        after.suspended_until = clock.iso(until)
    elif action in (Action.REINSTATE, Action.END_SUSPENSION):
        after.suspended_until = None
    return after


def _check_details(action: Action, rule: Rule, details: dict[str, Any]) -> None:
    given = {Detail(name) for name, value in details.items() if value is not None}
    errors = [FieldError(d.value, f"required by '{action}'") for d in sorted(rule.requires - given)]
    errors += [FieldError(d.value, f"not used by '{action}'") for d in sorted(given - rule.accepts)]
    if errors:
        raise ValidationFailed(errors)


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


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


_NEWS: dict[State, str] = {
    State.SUBMITTED: "We have received your application and will start reviewing it soon.",
    State.UNDER_REVIEW: "An auditor is reviewing your application.",
    State.DEFERRED: "We need more information. Complete your application and submit it again "
    "within 60 days, or it will be withdrawn.",
    State.REJECTED: "Your application was not accepted.",
    State.AUDIT_SCHEDULED: "An audit of your organisation has been scheduled.",
    State.AUDIT_COMPLETED: "The audit is complete; a decision will follow.",
    State.ACCREDITED: "Your organisation is accredited and listed on the public roster.",
    State.RENEWAL_DUE: "Your accreditation expires within 90 days: contact us to renew it.",
    State.SUSPENDED: "Your accreditation is suspended; the public roster shows it as suspended.",
    State.WITHDRAWN: "Your application or accreditation has been withdrawn.",
    State.EXPIRED: "Your accreditation has expired and is no longer on the public roster.",
}


def _notify(application: Application, entry: AuditEntry, notifier: Notifier) -> None:
    contact = (application.organisation or {}).get("contact") or {}
    if not contact.get("email"):
        return
    lines = [_NEWS.get(application.state, ""), "", f"Reason: {entry.reason}"]
    if application.valid_until and application.state in ROSTER_STATUS:
        lines.append(f"Valid until: {application.valid_until}")
    notifier.send(
        Message(
            channel="email",
            to=contact["email"],
            subject=f"Accreditation application {application.application_id}: {application.state.value}",
            body="\n".join(lines),
            ref=f"accreditation:{application.application_id}:{application.version}",
        )
    )


# --- reading ----------------------------------------------------------------------------------


def load(application_id: str, principal: Principal, applications: ApplicationRepository) -> Application:
    """The application if the caller may see it: staff see all, a recruiter only its org's."""
    application = applications.get(application_id) if ids.is_id(application_id) else None
    if application is None or (not principal.has(Role.AUDITOR) and application.org_id != _org_of(principal)):
        raise NotFound("no such application")
    return application


def view(
    application: Application,
    principal: Principal,
    applications: ApplicationRepository,
    documents: DocumentStore,
) -> dict[str, Any]:
    """The application as the caller may see it. While it can be submitted, its documents and
    ``missing`` are what a submit would find now: an upload that landed and that screening keeps
    shows as uploaded (and is pinned only by the submit)."""
    actor = actor_of(principal)
    gaps: list[FieldError] = []
    shown = application.documents
    if application.state in EDITABLE:
        checked, gaps = readiness(application, documents)
        found = {d["document_id"]: d for d in checked.documents}
        shown = [found.get(d["document_id"], d) for d in application.documents]
    history = [
        {
            "seq": e.seq,
            "at": e.at,
            "action": e.action,
            "role": e.role,
            "reason": e.reason,
            "from_state": e.before["state"],
            "to_state": e.after["state"],
            **({"actor": e.actor, "before": e.before, "after": e.after} if actor == Actor.STAFF else {}),
        }
        for e in applications.history(application.application_id)
    ]
    return {
        **summary(application),
        "organisation": application.organisation,
        "attestations": application.attestations,
        "questionnaire": application.questionnaire,
        "documents": [{k: v for k, v in d.items() if k != "key"} for d in shown],
        "audit": application.audit if actor == Actor.STAFF else None,
        "compliance_reviews": application.compliance_reviews if actor == Actor.STAFF else None,
        "missing": [{"field": g.field, "message": g.message} for g in gaps],
        "allowed_actions": allowed_actions(application.state, actor),
        "action_details": action_details(application.state, actor),
        "history": history,
    }


def summary(application: Application) -> dict[str, Any]:
    return {
        "application_id": application.application_id,
        "org_id": application.org_id,
        "legal_name": (application.organisation or {}).get("legal_name"),
        "state": application.state.value,
        "version": application.version,
        "created_at": application.created_at,
        "updated_at": application.updated_at,
        "submitted_at": application.submitted_at,
        "valid_from": application.valid_from,
        "valid_until": application.valid_until,
        "suspended_until": application.suspended_until,
    }


def _org_of(principal: Principal) -> str:
    """The organisation a recruiter acts for: its roster id once accredited."""
    if not principal.org_id:
        raise Forbidden("recruiter token carries no org_id")
    if len(principal.org_id) > RECRUITER_ID_MAX:
        raise Forbidden(f"recruiter token's org_id is longer than {RECRUITER_ID_MAX} characters")
    return principal.org_id


def _editable(application: Application, expected_version: int) -> Application:
    if application.version != expected_version:
        raise _conflict(application, Actor.RECRUITER, "stale")
    if application.state not in EDITABLE:
        raise Conflict(
            f"an application in state '{application.state}' can no longer be changed",
            current_state=application.state.value,
            current_version=application.version,
            allowed_actions=allowed_actions(application.state, Actor.RECRUITER),
        )
    return application


def _save_draft(application: Application, expected_version: int, applications: ApplicationRepository) -> None:
    try:
        applications.save_draft(application, expected_version)
    except StaleVersion as stale:
        raise _conflict(stale.current or application, Actor.RECRUITER, "stale") from None
    application.version = expected_version + 1
