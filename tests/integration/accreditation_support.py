"""Helpers for the accreditation tests: a complete application, tokens, calls."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from local import tokens

PDF = b"%PDF-1.4 accreditation document\n"
ORG = "org-acme"


def auth(role: str, org_id: str | None = None, subject: str | None = None) -> dict[str, str]:
    token = tokens.mint(role, org_id=org_id, subject=subject or f"{role}-{org_id or 1}")
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def recruiter(org_id: str = ORG) -> dict[str, str]:
    return auth("recruiter", org_id=org_id)


def auditor(subject: str = "auditor-1") -> dict[str, str]:
    return auth("auditor", subject=subject)


def organisation(
    legal_name: str = "Société Générale d'Emploi S.A.", licence: str = "POEA-123/2020"
) -> dict[str, Any]:
    return {
        "legal_name": legal_name,
        "trading_names": ["SGE Manpower"],
        "registrations": [{"country": "PH", "number": "SEC-998877"}],
        "licences": [{"country": "PH", "number": licence}],
        "countries_of_operation": ["PH", "QA"],
        "corridors": [{"origin": "PH", "destination": "QA"}],
        "contact": {"name": "Maria Santos", "email": "compliance@sge.example.org"},
    }


def complete_content(**organisation_overrides: str) -> dict[str, Any]:
    from haven.recruitment.drafts import PRINCIPLES, QUESTIONS

    return {
        "organisation": organisation(**organisation_overrides),
        "attestations": {
            p: {"accepted": True, "signed_by": "Maria Santos", "signed_at": "2026-11-01T10:00:00Z"}
            for p in PRINCIPLES
        },
        "questionnaire": {q: f"Our practice for {q}." for q in QUESTIONS},
    }


def document(kind: str) -> dict[str, Any]:
    return {
        "kind": kind,
        "content_type": "application/pdf",
        "size_bytes": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "filename": f"{kind}.pdf",
    }


def post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.http.post(path, headers=headers, body=json.dumps(body))
