"""Accreditation applications, their audit trail and the public roster in DynamoDB.

A transition is one TransactWrite: the application (conditional on the version the caller
read), the audit entry (conditional on being new: the trail is append-only), and the roster
profile, search entries and licence items (a licence held by another recruiter cancels it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from haven.adapters.dynamo.connection import (
    CONDITION_NOT_MET,
    cancellation_codes,
    condition_failed,
    transaction,
)
from haven.adapters.dynamo.models.recruitment import AccreditationApplication as ApplicationItem
from haven.adapters.dynamo.models.recruitment import AccreditationAuditEntry as AuditItem
from haven.adapters.dynamo.models.recruitment import RosterItem
from haven.recruitment.application import (
    Application,
    AuditEntry,
    Change,
    LicenceTaken,
    Page,
    StaleVersion,
)
from haven.recruitment.roster import Entry, SearchPlan, licence_key
from haven.recruitment.workflow import State

_PROFILE = "profile"


def to_item(application: Application, version: int | None) -> ApplicationItem:
    """The item to write; ``version`` is the one it must replace (``None``: a new item)."""
    item = ApplicationItem(
        application_id=application.application_id,
        org_id=application.org_id,
        state=application.state.value,
        created_at=application.created_at,
        updated_at=application.updated_at,
        organisation=application.organisation,
        attestations=application.attestations,
        questionnaire=application.questionnaire,
        documents=application.documents,
        submitted_at=application.submitted_at,
        deferred_at=application.deferred_at,
        audit=application.audit,
        valid_from=application.valid_from,
        valid_until=application.valid_until,
        suspended_until=application.suspended_until,
        compliance_reviews=application.compliance_reviews,
        due_at=application.due_at,
    )
    if version is not None:
        item.version = version
    return item


def from_item(item: ApplicationItem) -> Application:
    return Application(
        application_id=item.application_id,
        org_id=item.org_id,
        state=State(item.state),
        created_at=item.created_at,
        updated_at=item.updated_at,
        organisation=item.organisation,
        attestations=item.attestations or {},
        questionnaire=item.questionnaire or {},
        documents=item.documents or [],
        submitted_at=item.submitted_at,
        deferred_at=item.deferred_at,
        audit=item.audit,
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        suspended_until=item.suspended_until,
        compliance_reviews=item.compliance_reviews or [],
        version=int(item.version or 0),
    )


def _audit_from(item: AuditItem) -> AuditEntry:
    return AuditEntry(
        application_id=item.application_id,
        seq=int(item.seq),
        at=item.at,
        actor=item.actor,
        role=item.role,
        action=item.action,
        reason=item.reason,
        before=item.before,
        after=item.after,
    )


def _recruiter_pk(recruiter_id: str) -> str:
    return f"recruiter#{recruiter_id}"


def _licence_pk(key: str) -> str:
    return f"licence#{key}"


def _entry_of(item: RosterItem) -> Entry:
    return Entry(**item.entry)


def roster_items(entry: Entry) -> tuple[RosterItem, list[RosterItem], list[RosterItem]]:
    """The profile, its search entries and its licence items (what a transaction writes)."""
    data = entry.__dict__.copy()

    def item(pk: str, sk: str, term: str | None = None, sort: str | None = None) -> RosterItem:
        return RosterItem(
            pk=pk,
            sk=sk,
            term=term,
            term_sort=sort,
            recruiter_id=entry.recruiter_id,
            application_id=entry.application_id,
            entry=data,
        )

    pk = _recruiter_pk(entry.recruiter_id)
    terms = [item(pk, f"term#{term}#{sort}", term, sort) for term, sort in entry.search_terms()]
    licences = [item(_licence_pk(key), "licence") for key in entry.licence_keys()]
    return item(pk, _PROFILE), terms, licences


class DynamoApplications:
    def add(self, application: Application) -> None:
        try:
            to_item(application, None).save(condition=ApplicationItem.application_id.does_not_exist())
        except PutError as error:
            if condition_failed(error):
                raise StaleVersion(self.get(application.application_id)) from None
            raise

    def get(self, application_id: str) -> Application | None:
        try:
            return from_item(ApplicationItem.get(application_id, consistent_read=True))
        except ApplicationItem.DoesNotExist:
            return None

    def save_draft(self, application: Application, expected_version: int) -> None:
        try:
            to_item(application, expected_version).save()
        except PutError as error:
            if condition_failed(error):
                raise StaleVersion(self.get(application.application_id)) from None
            raise

    def commit(self, change: Change) -> None:
        application = to_item(change.after, change.expected_version)
        entry = change.entry
        audit = AuditItem(
            application_id=entry.application_id,
            seq=entry.seq,
            at=entry.at,
            actor=entry.actor,
            role=entry.role,
            action=entry.action,
            reason=entry.reason,
            before=entry.before,
            after=entry.after,
        )
        licence_keys: list[str] = []
        try:
            with transaction() as writes:
                writes.save(application)
                writes.save(audit, condition=AuditItem.seq.does_not_exist())
                if change.roster_remove is not None:
                    self._remove(writes, change.roster_remove)
                if change.roster_upsert is not None:
                    licence_keys = self._upsert(writes, change.roster_upsert)
        except TransactWriteError as error:
            reasons = cancellation_codes(error)
            if reasons and reasons[0] == CONDITION_NOT_MET:
                raise StaleVersion(self.get(entry.application_id)) from None
            failed = {i for i, code in enumerate(reasons) if code == CONDITION_NOT_MET}
            if not failed:
                raise
            first_licence = len(reasons) - len(licence_keys)
            taken = [f"licence {k}" for i, k in enumerate(licence_keys, first_licence) if i in failed]
            raise LicenceTaken(taken[0] if taken else f"recruiter {change.after.org_id}") from None

    @staticmethod
    def _upsert(writes: TransactWrite, entry: Entry) -> list[str]:
        """Write the roster items of ``entry``; a recruiter or licence held by another
        application (another accredited organisation) cancels the transaction."""
        profile, terms, licences = roster_items(entry)
        mine = RosterItem.application_id == entry.application_id
        writes.save(profile, condition=RosterItem.pk.does_not_exist() | mine)
        for item in terms:
            writes.save(item)
        for item in licences:
            writes.save(item, condition=RosterItem.pk.does_not_exist() | mine)
        return entry.licence_keys()

    @staticmethod
    def _remove(writes: TransactWrite, entry: Entry) -> None:
        profile, terms, licences = roster_items(entry)
        for item in [profile, *terms, *licences]:
            writes.delete(item)

    def history(self, application_id: str) -> list[AuditEntry]:
        return [_audit_from(i) for i in AuditItem.query(application_id, consistent_read=True)]

    def page_by_org(self, org_id: str, limit: int, position: dict[str, Any] | None) -> Page:
        result = ApplicationItem.by_org.query(
            org_id, scan_index_forward=False, limit=limit, last_evaluated_key=position
        )
        return Page([from_item(i) for i in result], result.last_evaluated_key)

    def page_by_state(self, state: State, limit: int, position: dict[str, Any] | None) -> Page:
        result = ApplicationItem.by_state.query(
            state.value, scan_index_forward=True, limit=limit, last_evaluated_key=position
        )
        return Page([from_item(i) for i in result], result.last_evaluated_key)

    def due(self, state: State, until: str) -> Iterator[Application]:
        for item in ApplicationItem.by_due.query(state.value, ApplicationItem.due_at <= until):
            yield from_item(item)


class DynamoRoster:
    def verify(self, country: str, number: str) -> Entry | None:
        """One GetItem."""
        try:
            return _entry_of(RosterItem.get(_licence_pk(licence_key(country, number)), "licence"))
        except RosterItem.DoesNotExist:
            return None

    def get(self, recruiter_id: str) -> Entry | None:
        try:
            return _entry_of(RosterItem.get(_recruiter_pk(recruiter_id), _PROFILE))
        except RosterItem.DoesNotExist:
            return None

    def page(self, plan: SearchPlan, limit: int, position: dict[str, Any] | None) -> tuple[list[Entry], Any]:
        condition = RosterItem.term_sort.startswith(plan.prefix) if plan.prefix else None
        result = RosterItem.by_term.query(plan.term, condition, limit=limit, last_evaluated_key=position)
        return [_entry_of(i) for i in result], result.last_evaluated_key
