"""Accreditation applications, their audit trail, and the public roster.

Access patterns (no Scan):

accreditation
  - GetItem by ``application_id``; conditional writes on ``version`` (TransactWrite with the
    audit entry and the roster entries for a transition; with the audit entry alone when a
    substantiated complaint opens a compliance review).
  - Query ``by_org`` (org_id, created_at): a recruiter's applications.
  - Query ``by_state`` (state, updated_at): the auditors' work lists.
  - Query ``by_due`` (state, due_at <= now): the scheduled jobs (renewal notice, expiry, lapse
    of deferrals, end of suspensions). Sparse: only states with a deadline carry ``due_at``.
accreditation-audit
  - Query by ``application_id`` (seq ascending): the trail. Conditional PutItem only.
roster
  - GetItem ``licence#<CC>#<number>``/``licence``: licence verification, one call.
  - GetItem ``recruiter#<id>``/``profile``: one recruiter.
  - Query ``by_term`` (term, term_sort) with ``begins_with`` for names: ``name#<2 chars>``
    (token#id), ``country#<CC>``, ``corridor#<O>><D>``, ``roster`` (name#id): search and lists.
  - Query ``by_term`` = ``roster`` page after page: the export (every listed recruiter, capped).
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from haven.adapters.dynamo.models.base import HavenMeta, table_name

# --- recruitment integrity: accreditation and the public roster -------------------------------


class ApplicationsByOrg(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_org"
        projection = AllProjection()

    org_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ApplicationsByState(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_state"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    updated_at = UnicodeAttribute(range_key=True)


class ApplicationsByDue(GlobalSecondaryIndex["AccreditationApplication"]):
    class Meta:
        index_name = "by_due"
        projection = AllProjection()

    state = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class AccreditationApplication(Model):
    """A recruiter's application and, once accredited, its accreditation."""

    class Meta(HavenMeta):
        table_name = table_name("accreditation")

    application_id = UnicodeAttribute(hash_key=True)
    org_id = UnicodeAttribute()
    state = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    organisation = JSONAttribute(null=True)
    attestations = JSONAttribute(default=dict)
    questionnaire = JSONAttribute(default=dict)
    documents = JSONAttribute(default=list)
    submitted_at = UnicodeAttribute(null=True)
    deferred_at = UnicodeAttribute(null=True)
    audit = JSONAttribute(null=True)
    valid_from = UnicodeAttribute(null=True)
    valid_until = UnicodeAttribute(null=True)
    suspended_until = UnicodeAttribute(null=True)
    compliance_reviews = JSONAttribute(default=list)
    due_at = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_org = ApplicationsByOrg()
    by_state = ApplicationsByState()
    by_due = ApplicationsByDue()


class AccreditationAuditEntry(Model):
    """One transition of an application. Append-only: written once, conditionally, never updated."""

    class Meta(HavenMeta):
        table_name = table_name("accreditation-audit")

    application_id = UnicodeAttribute(hash_key=True)
    seq = NumberAttribute(range_key=True)
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    role = UnicodeAttribute()
    action = UnicodeAttribute()
    reason = UnicodeAttribute()
    before = JSONAttribute()
    after = JSONAttribute()


class RosterByTerm(GlobalSecondaryIndex["RosterItem"]):
    class Meta:
        index_name = "by_term"
        projection = AllProjection()

    term = UnicodeAttribute(hash_key=True)
    term_sort = UnicodeAttribute(range_key=True)


class RosterItem(Model):
    """The public roster. ``recruiter#<id>``/``profile``: a recruiter; ``recruiter#<id>``/
    ``term#<term>``: its search entries; ``licence#<CC>#<number>``/``licence``: verification."""

    class Meta(HavenMeta):
        table_name = table_name("roster")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    term = UnicodeAttribute(null=True)
    term_sort = UnicodeAttribute(null=True)
    recruiter_id = UnicodeAttribute()
    application_id = UnicodeAttribute()
    entry = JSONAttribute()

    by_term = RosterByTerm()
