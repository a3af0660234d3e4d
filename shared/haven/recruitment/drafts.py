"""Drafting an application: what it must hold, creating it, and editing it while it may be.

A recruiter edits its application while it is a draft, or deferred (being completed after a
request for information); each edit is conditional on the version the recruiter read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from haven import clock, ids
from haven.auth import Principal
from haven.errors import Conflict, FieldError
from haven.recruitment.application import (
    Application,
    ApplicationRepository,
    StaleVersion,
    load,
    org_of,
    stale,
)
from haven.recruitment.workflow import EDITABLE, Actor, State, allowed_actions

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


def create_application(
    principal: Principal, content: dict[str, Any], applications: ApplicationRepository
) -> Application:
    now = clock.iso(clock.now())
    application = Application(
        application_id=ids.new_id(),
        org_id=org_of(principal),
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
    application = editable(load(application_id, principal, applications), expected_version)
    updated = replace(application, updated_at=clock.iso(clock.now()), **content)
    save_draft(updated, expected_version, applications)
    return updated


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


def editable(application: Application, expected_version: int) -> Application:
    """The application, if the recruiter read its current version and may still change it."""
    if application.version != expected_version:
        raise stale(application, Actor.RECRUITER)
    if application.state not in EDITABLE:
        raise Conflict(
            f"an application in state '{application.state}' can no longer be changed",
            current_state=application.state.value,
            current_version=application.version,
            allowed_actions=allowed_actions(application.state, Actor.RECRUITER),
        )
    return application


def save_draft(application: Application, expected_version: int, applications: ApplicationRepository) -> None:
    try:
        applications.save_draft(application, expected_version)
    except StaleVersion as conflict:
        raise stale(conflict.current or application, Actor.RECRUITER) from None
    application.version = expected_version + 1
