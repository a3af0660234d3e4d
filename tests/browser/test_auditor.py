"""The auditor's journeys in the console: an application from submitted to accredited, and a
complaint triaged and referred to the partner the routing suggests."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform
from tests.e2e.test_accreditation import APPS, PDF, PRINCIPLES, QUESTIONS
from tests.support import wait_for

from .conftest import Console, unique

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _api(platform: Platform, method: str, path: str, token: str | None = None, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers |= kwargs.pop("headers", {})
    answer = requests.request(method, platform.url + path, headers=headers, timeout=10, **kwargs)
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def submitted_application(platform: Platform, legal_name: str) -> dict[str, Any]:
    """A recruiter's application, complete with its four documents uploaded, and submitted."""
    recruiter = platform.token("recruiter", org_id=unique("org-browser"))
    created = _api(
        platform,
        "POST",
        APPS,
        recruiter,
        json={
            "organisation": {
                "legal_name": legal_name,
                "registrations": [{"country": "NP", "number": "OCR-7731"}],
                "licences": [{"country": "NP", "number": "DoFE 7731/080"}],
                "countries_of_operation": ["NP", "QA"],
                "corridors": [{"origin": "NP", "destination": "QA"}],
                "contact": {"name": "Compliance", "email": "compliance@himal.example.org"},
            }
        },
    )
    path = f"{APPS}/{created['application_id']}"
    patched = _api(
        platform,
        "PATCH",
        path,
        recruiter,
        json={
            "expected_version": created["version"],
            "attestations": {
                p: {"accepted": True, "signed_by": "Director", "signed_at": "2026-11-20T08:00:00Z"}
                for p in PRINCIPLES
            },
            "questionnaire": {q: "Described in our policy manual, section 3." for q in QUESTIONS},
        },
    )
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        declared = _api(
            platform,
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
        upload = declared["upload"]
        stored = requests.post(
            upload["url"], data=upload["fields"], files={"file": (f"{kind}.pdf", PDF)}, timeout=10
        )
        assert stored.status_code in (200, 201, 204), stored.text
    ready = _api(platform, "GET", path, recruiter)
    assert ready["missing"] == []
    assert ready["version"] >= patched["version"]
    return _api(platform, "POST", path + "/submit", recruiter, json={"expected_version": ready["version"]})  # type: ignore[no-any-return]


def substantiated_complaint(platform: Platform, recruiter_id: str) -> str:
    """A complaint naming the recruiter by its roster id, referred to a partner that resolves it
    as substantiated; returns its id once the compliance review is open on the application."""
    admin, auditor = platform.token("admin"), platform.token("auditor")
    authority = _api(
        platform,
        "POST",
        "/v1/admin/partners",
        admin,
        json={
            "name": f"Labour Inspectorate {unique('np')}",
            "jurisdictions": {"origin": ["NP"]},
            "categories": ["recruitment_fees"],
            "webhook_url": None,
            "contact": {"email": "inspect@labour.example.org"},
        },
    )
    filed = _api(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"recruiter_id": recruiter_id},
            "categories": ["recruitment_fees"],
            "description": "They asked me for 2000 USD before the visa was issued.",
            "origin_country": "NP",
            "destination_country": "QA",
            "consent_share_identity": "no",
        },
        headers={"Idempotency-Key": unique("browser-complaint")},
    )
    path = f"/v1/admin/complaints/{filed['complaint_id']}"
    triaged = _api(
        platform,
        "POST",
        path + "/transitions",
        auditor,
        json={"action": "triage", "expected_version": 1, "priority": "high"},
    )
    referred = _api(
        platform,
        "POST",
        path + "/transitions",
        auditor,
        json={"action": "refer", "expected_version": triaged["version"]},
    )
    [referral] = [r for r in referred["referred"] if r["partner_id"] == authority["partner_id"]]
    partner = platform.token("partner", partner_id=authority["partner_id"])
    _api(
        platform,
        "POST",
        f"/v1/partner/referrals/{referral['referral_id']}/ack",
        partner,
        json={"status": "resolved", "outcome": {"substantiated": True, "remedy": "Fees refunded"}},
    )

    def reviewed() -> bool:
        apps = _api(platform, "GET", f"{APPS}?state=suspended", auditor)["items"]
        [mine] = [a for a in apps if a["org_id"] == recruiter_id]
        found = _api(platform, "GET", f"{APPS}/{mine['application_id']}", auditor)
        return any(r["complaint_id"] == filed["complaint_id"] for r in found["compliance_reviews"] or [])

    wait_for(reviewed, seconds=30)
    return filed["complaint_id"]  # type: ignore[no-any-return]


def take(page: Page, action: str, reason: str, **details: str) -> None:
    """Chooses ``action``, fills what it needs and the reason, and submits it."""
    page.get_by_role("radio", name=action, exact=True).check()
    for label, value in details.items():
        page.get_by_label(label.replace("_", " ")).fill(value)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name=action, exact=True).click()


def test_an_auditor_takes_an_application_from_submitted_to_accredited(
    platform: Platform, console: Callable[[], Console]
) -> None:
    legal_name = f"Himal Manpower {unique('pvt')}"
    application = submitted_application(platform, legal_name)
    auditor = console()
    auditor.sign_in("auditor")
    page = auditor.page
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Accreditation").click()
    expect(page.get_by_role("heading", level=1, name="Accreditation queue")).to_be_focused()
    expect(page.get_by_label("State")).to_have_value("submitted")
    row = page.get_by_role("row").filter(has_text=legal_name)
    expect(row).to_contain_text("Submitted")
    auditor.check("accreditation-queue")

    row.get_by_role("link", name=legal_name).click()
    expect(page.get_by_role("heading", level=1, name=legal_name)).to_be_focused()
    state = page.locator("[data-fact=state]")
    expect(state).to_have_text("Submitted")
    documents = page.get_by_role("region", name="Documents (4)")
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        link = documents.get_by_role("link", name=f"{kind}: {kind}.pdf")
        expect(link).to_have_attribute("href", re.compile(r".+"))
    expect(page.get_by_text("Nothing is missing.")).to_be_visible()
    expect(page.get_by_role("region", name="Compliance reviews")).to_contain_text("No compliance review")
    expect(page.get_by_role("radio")).to_have_count(1)  # only what the state allows: start review
    auditor.check("application-submitted")

    # A reason is required: the API's message shows beside the field, and the choice is kept.
    page.get_by_role("radio", name="Start review", exact=True).check()
    page.get_by_role("button", name="Start review", exact=True).click()
    expect(page.get_by_label("Reason")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("radio", name="Start review", exact=True)).to_be_checked()
    expect(state).to_have_text("Submitted")

    take(page, "Start review", "Documents received and complete")
    expect(page.get_by_role("status")).to_have_text(
        "Done: Start review. The application is now Under review."
    )
    expect(state).to_have_text("Under review")
    take(page, "Schedule audit", "Site visit agreed", Audit_date="2026-12-15", Auditor="Field auditor Gurung")
    expect(state).to_have_text("Audit scheduled")
    expect(page.get_by_role("region", name="Audit")).to_contain_text("Field auditor Gurung")
    take(page, "Complete audit", "Audit done", Findings="Zero-fee policy verified with workers")
    expect(state).to_have_text("Audit completed")
    take(page, "Accredit", "All checks passed", Term_in_years="3")
    expect(state).to_have_text("Accredited")
    expect(page.locator("[data-fact=valid-until]")).not_to_have_text("none")

    history = page.get_by_role("region", name="History").get_by_role("listitem")
    expect(history).to_have_count(5)
    expect(history.nth(1)).to_contain_text("Start review, Submitted → Under review")
    expect(history.nth(1)).to_contain_text("reason: Documents received and complete")
    expect(history.nth(4)).to_contain_text("Accredit, Audit completed → Accredited")
    auditor.check("application-accredited")

    # The API agrees, and a move decided on an old version shows the conflict and what is allowed.
    path = f"{APPS}/{application['application_id']}"
    fresh = _api(platform, "GET", path, platform.token("auditor"))
    assert fresh["state"] == "accredited"
    _api(
        platform,
        "POST",
        path + "/transitions",
        platform.token("admin"),
        json={
            "action": "suspend",
            "reason": "Complaint under investigation",
            "expected_version": fresh["version"],
            "suspended_until": "2027-01-15T00:00:00Z",
        },
    )
    page.get_by_role("radio", name="Suspend", exact=True).check()
    page.get_by_label("Suspended until").fill("2027-02-01T00:00")
    page.get_by_label("Reason").fill("A second suspension")
    page.get_by_role("button", name="Suspend", exact=True).click()
    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("Changed by someone else.")
    expect(conflict).to_contain_text("It is now Suspended; allowed now: Reinstate, Withdraw")
    expect(conflict).to_be_focused()
    expect(state).to_have_text("Suspended")
    expect(page.get_by_label("Reason")).to_have_value("A second suspension")
    auditor.check("application-conflict")

    # A complaint against this recruiter, substantiated by a partner, opens a compliance review
    # that the auditor sees on the application and follows to the complaint.
    reviewed = substantiated_complaint(platform, application["org_id"])
    page.get_by_role("link", name="Back to the accreditation queue").click()
    page.get_by_label("State").select_option("suspended")
    page.get_by_role("row").filter(has_text=legal_name).get_by_role("link", name=legal_name).click()
    reviews = page.get_by_role("region", name="Compliance reviews")
    expect(reviews).to_contain_text("by a substantiated complaint (Recruitment fees)")
    auditor.check("application-compliance-review")
    reviews.get_by_role("link", name="Open the complaint").click()
    expect(page).to_have_url(re.compile(f"#/complaints/{reviewed}$"))
    expect(page.locator("[data-fact=status]")).to_have_text("Referred")


def test_an_auditor_triages_a_complaint_and_refers_it_to_the_suggested_partner(
    platform: Platform, console: Callable[[], Console]
) -> None:
    admin = platform.token("admin")
    bureau = _api(
        platform,
        "POST",
        "/v1/admin/partners",
        admin,
        json={
            "name": f"Bureau of Manpower {unique('bd')}",
            "jurisdictions": {"origin": ["BD"]},
            "categories": ["recruitment_fees"],
            "webhook_url": None,
            "contact": {"email": "complaints@bmet.example.org"},
        },
    )
    kenya = _api(
        platform,
        "POST",
        "/v1/admin/partners",
        admin,
        json={
            "name": f"Kenya National Employment Authority {unique('ke')}",
            "jurisdictions": {"origin": ["KE"]},
            "categories": ["recruitment_fees"],
            "webhook_url": None,
            "contact": {"email": "complaints@nea.example.org"},
        },
    )
    recruiter = f"Quick Visas {unique('ltd')}"
    filed = _api(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"name": recruiter, "country": "BD"},
            "categories": ["recruitment_fees"],
            "description": "The agent charged me a fee before the flight and kept the receipt.",
            "origin_country": "BD",
            "destination_country": "QA",
            "consent_share_identity": "no",
            "evidence": [{"content_type": "image/jpeg", "size_bytes": 20000}],
        },
        headers={"Idempotency-Key": unique("browser-complaint")},
    )

    auditor = console()
    auditor.sign_in("auditor")
    page = auditor.page
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Complaints").click()
    expect(page.get_by_role("heading", level=1, name="Complaints queue")).to_be_focused()
    expect(page.get_by_label("Status")).to_have_value("filed")
    row = page.get_by_role("row").filter(has_text=recruiter)
    expect(row).to_contain_text("Recruitment fees")
    expect(row).to_contain_text("BD → QA")
    auditor.check("complaints-queue")

    row.get_by_role("link", name=recruiter).click()
    expect(page.get_by_role("heading", level=1, name=f"Complaint about {recruiter}")).to_be_focused()
    status = page.locator("[data-fact=status]")
    expect(status).to_have_text("Filed")
    expect(page.get_by_role("region", name="Evidence (1)").get_by_role("link")).to_have_count(1)
    expect(page.get_by_role("region", name="Timeline")).to_contain_text("filed")
    auditor.check("complaint-filed")

    # Triage: the priority is required, and the API says so beside it.
    page.get_by_role("radio", name="Triage", exact=True).check()
    page.get_by_role("button", name="Triage", exact=True).click()
    expect(page.get_by_label("Priority")).to_have_accessible_description("triage sets a priority")
    page.get_by_label("Priority").select_option("high")
    page.get_by_role("button", name="Triage", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Done: Triage. The complaint is now Triaged.")
    expect(status).to_have_text("Triaged")
    expect(page.locator("[data-fact=priority]")).to_have_text("High")

    # Refer: the partner the routing rules choose is suggested and checked; the other is not.
    page.get_by_role("radio", name="Refer to partners", exact=True).check()
    partners = page.get_by_role("group", name="Refer to")
    suggested = partners.get_by_role("checkbox", name=f"{bureau['name']} (suggested)")
    expect(suggested).to_be_checked()
    expect(partners.get_by_role("checkbox", name=kenya["name"])).not_to_be_checked()
    auditor.check("complaint-refer")
    page.get_by_role("button", name="Refer to partners", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"Referred to {bureau['name']}.")
    expect(status).to_have_text("Referred")
    expect(page.get_by_role("region", name="Referrals").get_by_role("listitem")).to_have_text(
        [bureau["name"]]
    )
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(f"partners: {bureau['name']}")
    auditor.check("complaint-referred")

    complaint = _api(
        platform, "GET", f"/v1/admin/complaints/{filed['complaint_id']}", platform.token("auditor")
    )
    assert [r["partner_id"] for r in complaint["referrals"]] == [bureau["partner_id"]]
    assert complaint["priority"] == "high"


def test_a_failed_load_or_transition_says_what_failed_and_keeps_what_was_typed(
    platform: Platform, console: Callable[[], Console]
) -> None:
    recruiter = f"Sure Jobs {unique('ltd')}"
    _api(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"name": recruiter, "country": "NP"},
            "categories": ["deception"],
            "description": "The contract I signed at home is not the one I was given here.",
            "origin_country": "NP",
            "destination_country": "AE",
            "consent_share_identity": "no",
        },
        headers={"Idempotency-Key": unique("browser-complaint")},
    )
    _api(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"name": f"Other Agency {unique('ltd')}", "country": "NP"},
            "categories": ["wage_theft"],
            "description": "My wages for three months were never paid by the employer.",
            "origin_country": "NP",
            "destination_country": "AE",
            "consent_share_identity": "no",
        },
        headers={"Idempotency-Key": unique("browser-complaint")},
    )
    auditor = console()
    auditor.sign_in("auditor")
    page = auditor.page
    problem = '{"type":"about:blank","title":"Service unavailable","status":503,"detail":"try later"}'
    page.route(
        "**/v1/admin/complaints?*",
        lambda route: route.fulfill(status=503, content_type="application/problem+json", body=problem),
    )
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Complaints").click()
    failure = page.get_by_role("alert")
    expect(failure).to_contain_text("The complaints could not be loaded.")
    expect(failure).to_contain_text("status 503")
    auditor.check("complaints-server-error")
    page.unroute("**/v1/admin/complaints?*")
    failure.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("alert")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text=recruiter)
    expect(row).to_be_visible()

    # The queue pages with the API's cursor: asked a page of one, it shows one, then the next.
    page.route(
        "**/v1/admin/complaints?*",
        lambda route: route.continue_(url=route.request.url.replace("limit=50", "limit=1")),
    )
    page.get_by_label("Status").select_option("triaged")
    page.get_by_label("Status").select_option("filed")
    expect(page.get_by_role("table")).to_have_accessible_name("1 complaint(s)")
    page.get_by_role("button", name="Show more").click()
    expect(page.get_by_role("table")).to_have_accessible_name("2 complaint(s)")
    page.unroute("**/v1/admin/complaints?*")

    # An empty queue says what to do.
    page.get_by_label("Status").select_option("closed")
    expect(page.get_by_text("No complaint is Closed. Choose another status")).to_be_visible()
    page.get_by_label("Status").select_option("filed")
    row.get_by_role("link", name=recruiter).click()
    expect(page.get_by_role("heading", level=1, name=f"Complaint about {recruiter}")).to_be_focused()

    # The server fails the close: the reason typed is still there, and closing again works.
    page.route(
        "**/v1/admin/complaints/*/transitions",
        lambda route: route.fulfill(status=500, content_type="text/plain", body="upstream failure"),
    )
    page.get_by_role("radio", name="Close", exact=True).check()
    page.get_by_label("Reason for closing").fill("Duplicate of an earlier complaint")
    page.get_by_role("button", name="Close", exact=True).click()
    failed = page.get_by_role("alert")
    expect(failed).to_contain_text("The change could not be made. What you typed is kept.")
    expect(failed).to_contain_text("status 500")
    expect(page.get_by_label("Reason for closing")).to_have_value("Duplicate of an earlier complaint")
    expect(page.locator("[data-fact=status]")).to_have_text("Filed")
    page.unroute("**/v1/admin/complaints/*/transitions")
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("[data-fact=status]")).to_have_text("Closed")
    expect(page.get_by_text("This complaint is closed: nothing more can be done.")).to_be_visible()
    expect(page.get_by_role("region", name="Timeline")).to_contain_text(
        "reason: Duplicate of an earlier complaint"
    )

    # On a tablet the complaint reads top to bottom, nothing cut off.
    page.set_viewport_size({"width": 820, "height": 1180})
    expect(page.get_by_role("heading", level=1, name=f"Complaint about {recruiter}")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    auditor.check("complaint-tablet")
