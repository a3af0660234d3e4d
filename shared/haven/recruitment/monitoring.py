"""Accreditation monitoring: a complaint substantiated against an accredited recruiter.

A partner resolving a referred complaint as substantiated (``complaint.resolved``) opens a
compliance review on the recruiter's accreditation while the recruiter is on the roster
(accredited, renewal due or suspended). The review is recorded on the application, and in its
append-only audit trail, once per complaint: a redelivered event finds it and records nothing.
The state does not change: the auditors see the review and decide, through the workflow,
whether to suspend.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import Protocol

from haven import clock
from haven.errors import Conflict
from haven.events.complaints import ComplaintResolved
from haven.recruitment.application import (
    Application,
    ApplicationRepository,
    Change,
    StaleVersion,
    audit_entry,
)
from haven.recruitment.roster import Entry
from haven.recruitment.workflow import ROSTER_STATUS, Actor

REVIEW_OPENED = "compliance_review_opened"
#: Attempts at recording a review on an application that staff may be changing at the same time.
_WRITE_TRIES = 5


class Outcome(StrEnum):
    OPENED = "opened"
    ALREADY_OPEN = "already_open"
    UNSUBSTANTIATED = "unsubstantiated"
    NOT_ACCREDITED = "not_accredited"


class Recruiters(Protocol):
    def get(self, recruiter_id: str) -> Entry | None:
        """The roster entry of a listed recruiter (``None``: not on the roster)."""
        ...


def open_compliance_review(
    resolved: ComplaintResolved, recruiters: Recruiters, applications: ApplicationRepository
) -> Outcome:
    """Record a compliance review for the ``complaint.resolved`` event ``resolved``."""
    if not resolved.substantiated or not resolved.recruiter_id:
        return Outcome.UNSUBSTANTIATED
    listed = recruiters.get(resolved.recruiter_id)
    if listed is None:
        return Outcome.NOT_ACCREDITED
    for _ in range(_WRITE_TRIES):
        application = applications.get(listed.application_id)
        if application is None or application.state not in ROSTER_STATUS:
            return Outcome.NOT_ACCREDITED
        if any(r["complaint_id"] == resolved.complaint_id for r in application.compliance_reviews):
            return Outcome.ALREADY_OPEN
        try:
            applications.commit(_review(application, resolved))
        except StaleVersion:
            continue
        return Outcome.OPENED
    raise Conflict("the accreditation is being changed by others; try again")


def _review(application: Application, resolved: ComplaintResolved) -> Change:
    at = clock.iso(clock.now())
    review = {
        "complaint_id": resolved.complaint_id,
        "referral_id": resolved.referral_id,
        "categories": resolved.categories,
        "opened_at": at,
    }
    after = replace(application, compliance_reviews=[*application.compliance_reviews, review], updated_at=at)
    after.version = application.version + 1
    entry = audit_entry(
        application,
        after,
        actor=Actor.SYSTEM.value,
        role=Actor.SYSTEM.value,
        action=REVIEW_OPENED,
        reason=f"complaint {resolved.complaint_id} was resolved as substantiated",
    )
    return Change(expected_version=application.version, after=after, entry=entry)
