"""Recruitment integrity end to end over HTTP on the local stack: apply, upload, submit,
review, audit, accredit, the roster and licence verification, suspension; the portal."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from .conftest import Platform

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% e2e accreditation document\n"
APPS = "/v1/accreditation/applications"
PRINCIPLES = (
    "no_fees_to_workers",
    "no_document_retention",
    "transparent_terms",
    "confidentiality",
    "access_to_remedy",
)
QUESTIONS = (
    "fee_policy",
    "document_handling",
    "contract_disclosure",
    "subagents",
    "grievance_mechanism",
    "data_protection",
)


def _call(
    method: str, url: str, token: str | None = None, headers: dict[str, str] | None = None, **kwargs: Any
) -> requests.Response:
    sent = {**(headers or {}), **({"Authorization": f"Bearer {token}"} if token else {})}
    return requests.request(method, url, headers=sent, timeout=10, **kwargs)


def test_apply_accredit_verify_suspend(platform: Platform) -> None:
    recruiter = platform.token("recruiter", org_id="org-e2e-nepal")
    auditor = platform.token("auditor")
    application = _call(
        "POST",
        platform.url + APPS,
        recruiter,
        json={
            "organisation": {
                "legal_name": "Sagarmāthā Overseas Pvt. Ltd.",
                "registrations": [{"country": "NP", "number": "OCR-5521"}],
                "licences": [{"country": "NP", "number": "DoFE 1234/075"}],
                "countries_of_operation": ["NP", "AE"],
                "corridors": [{"origin": "NP", "destination": "AE"}],
                "contact": {"name": "Compliance", "email": "compliance@sagarmatha.example.org"},
            }
        },
    )
    assert application.status_code == 201, application.text
    path = f"{platform.url}{APPS}/{application.json()['application_id']}"
    assert "attestations.no_fees_to_workers" in {m["field"] for m in application.json()["missing"]}

    # Complete the draft, then upload the four documents with their presigned POSTs.
    patched = _call(
        "PATCH",
        path,
        recruiter,
        json={
            "expected_version": application.json()["version"],
            "attestations": {
                p: {"accepted": True, "signed_by": "Director", "signed_at": "2026-11-20T08:00:00Z"}
                for p in PRINCIPLES
            },
            "questionnaire": {q: "Described in our policy manual, section 3." for q in QUESTIONS},
        },
    )
    assert patched.status_code == 200, patched.text
    refused = _call("POST", path + "/submit", recruiter, json={"expected_version": patched.json()["version"]})
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {
        "documents.licence",
        "documents.registration",
        "documents.contract_template",
        "documents.fee_policy",
    }
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        declared = _call(
            "POST",
            path + "/documents",
            recruiter,
            json={
                "kind": kind,
                "content_type": "application/pdf",
                "size_bytes": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
                "filename": f"{kind}.pdf",
            },
        )
        assert declared.status_code == 201, declared.text
        upload = declared.json()["upload"]
        stored = requests.post(
            upload["url"], data=upload["fields"], files={"file": (f"{kind}.pdf", PDF)}, timeout=10
        )
        assert stored.status_code in (200, 201, 204), stored.text
    ready = _call("GET", path, recruiter).json()  # what the submit will find
    assert ready["missing"] == []
    assert all(d["uploaded"] for d in ready["documents"])
    version = ready["version"]
    submitted = _call("POST", path + "/submit", recruiter, json={"expected_version": version})
    assert submitted.status_code == 200, submitted.text
    assert all(d["uploaded"] for d in submitted.json()["documents"])

    # Another organisation cannot see it; the auditor drives the workflow.
    other = platform.token("recruiter", org_id="org-e2e-other")
    assert _call("GET", path, other).status_code == 404
    current = submitted.json()
    for action, details in (
        ("start_review", {}),
        ("schedule_audit", {"audit_date": "2026-12-15", "auditor": "Field auditor"}),
        ("complete_audit", {"findings": "Zero-fee policy verified", "non_conformities": []}),
        ("accredit", {"term_years": 3}),
    ):
        body = {"action": action, "reason": f"{action}: checks done", "expected_version": current["version"]}
        moved = _call("POST", path + "/transitions", auditor, json={**body, **details})
        assert moved.status_code == 200, moved.text
        current = moved.json()
    assert current["state"] == "accredited"
    assert current["documents"][0]["url"]

    listed = _call("GET", platform.url + "/v1/roster", params={"q": "sagarmatha overseas"})
    assert listed.headers["Cache-Control"].startswith("public")
    [entry] = listed.json()["items"]
    assert (entry["recruiter_id"], entry["status"]) == ("org-e2e-nepal", "accredited")
    verified = _call(
        "GET", platform.url + "/v1/roster/verify", params={"country": "np", "licence_number": "DOFE-1234-075"}
    ).json()
    assert verified["accredited"] is True
    assert verified["valid_until"] == current["valid_until"]

    # A worker's complaint names it by the id the roster shows, or by name, country and licence.
    for named in (
        {"recruiter_id": "org-e2e-nepal"},
        {"name": "Sagarmatha Overseas", "country": "NP", "licence_number": "DoFE 1234/075"},
    ):
        filed = _call(
            "POST",
            platform.url + "/v1/complaints",
            json={
                "recruiter": named,
                "categories": ["recruitment_fees"],
                "description": "They asked me for 2000 USD before the visa.",
                "origin_country": "NP",
                "destination_country": "AE",
                "consent_share_identity": "no",
            },
        )
        assert filed.status_code == 201, filed.text
        staff = _call("GET", f"{platform.url}/v1/admin/complaints/{filed.json()['complaint_id']}", auditor)
        assert staff.json()["recruiter"]["recruiter_id"] == "org-e2e-nepal"

    # A stale decision is refused; the suspension shows on the roster.
    stale = _call(
        "POST",
        path + "/transitions",
        auditor,
        json={"action": "reinstate", "reason": "stale", "expected_version": current["version"] - 1},
    )
    assert stale.status_code == 409
    assert stale.json()["allowed_actions"] == ["suspend"]
    suspended = _call(
        "POST",
        path + "/transitions",
        auditor,
        json={
            "action": "suspend",
            "reason": "Complaint of fees charged under investigation",
            "expected_version": current["version"],
            "suspended_until": (datetime.now(UTC) + timedelta(days=60)).isoformat(),
        },
    )
    assert suspended.status_code == 200, suspended.text
    [entry] = _call("GET", platform.url + "/v1/roster", params={"country": "AE"}).json()["items"]
    assert (entry["status"], entry["suspended"]) == ("suspended", True)
    verified = _call(
        "GET", platform.url + "/v1/roster/verify", params={"country": "NP", "licence_number": "DoFE 1234/075"}
    ).json()
    assert (verified["accredited"], verified["status"]) == (False, "suspended")
    history = _call("GET", path, auditor).json()["history"]
    assert [h["to_state"] for h in history][-2:] == ["accredited", "suspended"]


def test_portal_negotiates_the_language(platform: Platform) -> None:
    listed = _call("GET", platform.url + "/v1/portal/articles", headers={"Accept-Language": "ne-NP,en;q=0.5"})
    assert listed.status_code == 200
    assert listed.headers["Content-Language"] == "ne"
    assert {a["slug"] for a in listed.json()["items"]} >= {"keep-your-passport", "employer-pays"}
    article = _call("GET", platform.url + "/v1/portal/articles/keep-your-passport", params={"lang": "ar"})
    assert article.json()["lang"] == "ar"
    assert article.json()["pending_review"] is True
    assert _call("GET", platform.url + "/v1/portal/articles/nothing-here").status_code == 404
