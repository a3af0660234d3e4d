"""An application as its caller may see it: the full view, and the summary of a listing."""

from __future__ import annotations

from typing import Any

from haven.auth import Principal
from haven.errors import FieldError
from haven.recruitment.application import Application, ApplicationRepository, actor_of
from haven.recruitment.document_uploads import DocumentStore, readiness
from haven.recruitment.workflow import EDITABLE, Actor, action_details, allowed_actions


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
