"""A worker checks recruiters on a phone before paying anyone: a licence number answers yes,
suspended or no in words, icon and colour with what to do next (here in Nepali), and the roster
searched by name leads to a complaint about the recruiter found."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import Platform
from tests.e2e.test_accreditation import APPS, PDF, PRINCIPLES, QUESTIONS

from .conftest import PublicApp, unique
from .public_pages import api, at_200_percent, choose_language, fits, words

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def roster_recruiter(platform: Platform, legal_name: str, licence: str, *, suspend: bool = False) -> str:
    """A recruiter accredited through the API as auditors do it (suspended after, if asked);
    returns its roster id."""
    org = unique("org-public")
    recruiter, auditor = platform.token("recruiter", org_id=org), platform.token("auditor")
    created = api(
        platform,
        "POST",
        APPS,
        recruiter,
        json={
            "organisation": {
                "legal_name": legal_name,
                "registrations": [{"country": "NP", "number": unique("OCR")}],
                "licences": [{"country": "NP", "number": licence}],
                "countries_of_operation": ["NP", "QA"],
                "corridors": [{"origin": "NP", "destination": "QA"}],
                "contact": {"name": "Compliance", "email": "compliance@recruiter.example.org"},
            },
            "attestations": {
                p: {"accepted": True, "signed_by": "Director", "signed_at": "2026-11-20T08:00:00Z"}
                for p in PRINCIPLES
            },
            "questionnaire": {q: "Described in our policy manual, section 3." for q in QUESTIONS},
        },
    )
    path = f"{APPS}/{created['application_id']}"
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        upload = api(
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
        )["upload"]
        stored = requests.post(
            upload["url"], data=upload["fields"], files={"file": ("f.pdf", PDF)}, timeout=10
        )
        assert stored.status_code in (200, 201, 204), stored.text
    current = api(platform, "GET", path, recruiter)
    current = api(
        platform, "POST", path + "/submit", recruiter, json={"expected_version": current["version"]}
    )
    steps: list[tuple[str, dict[str, object]]] = [
        ("start_review", {}),
        ("schedule_audit", {"audit_date": "2026-12-15", "auditor": "Field auditor"}),
        ("complete_audit", {"findings": "Zero-fee policy verified", "non_conformities": []}),
        ("accredit", {"term_years": 3}),
    ]
    if suspend:
        until = (datetime.now(UTC) + timedelta(days=60)).isoformat()
        steps.append(("suspend", {"suspended_until": until}))
    for action, details in steps:
        current = api(
            platform,
            "POST",
            path + "/transitions",
            auditor,
            json={
                "action": action,
                "reason": f"{action}: checks done",
                "expected_version": current["version"],
                **details,
            },
        )
    return org


def test_a_worker_checks_an_accredited_a_suspended_and_an_unknown_licence_in_nepali(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    good, bad = unique("DoFE").upper(), unique("DoFE").upper()
    roster_recruiter(platform, "Himal Manpower Pvt. Ltd.", good)
    roster_recruiter(platform, "Everest Fast Jobs Pvt. Ltd.", bad, suspend=True)
    ne = words("ne")
    app = public_app()
    app.open("#/recruiters")
    page = app.page
    choose_language(page, "ne")
    expect(page.get_by_role("heading", level=1, name=ne["page.recruiters.title"])).to_be_visible()

    def check(licence: str) -> None:
        page.get_by_label(ne["recruiters.check.licence"], exact=True).fill(licence)
        page.get_by_label(ne["recruiters.check.country"], exact=True).select_option("NP")
        page.get_by_role("button", name=ne["recruiters.check.submit"], exact=True).click()

    # Accredited: yes, in words, with the name and what to do next.
    check(good)
    verdict = page.get_by_role("region", name=ne["recruiters.verdict.yes.title"])
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text("Himal Manpower Pvt. Ltd.")
    expect(verdict).to_contain_text(ne["recruiters.next.yes"])
    expect(verdict.get_by_role("link", name=ne["recruiters.next.complain"])).to_be_visible()
    app.check("public-recruiters-yes-ne")

    # Suspended: stop, with a way to complain about exactly this recruiter.
    check(bad.lower().replace("-", " "))  # as a worker may type it: case and punctuation aside
    verdict = page.get_by_role("region", name=ne["recruiters.verdict.suspended.title"])
    expect(verdict).to_contain_text("Everest Fast Jobs Pvt. Ltd.")
    expect(verdict).to_have_class(re.compile("standing-suspended"))
    app.check("public-recruiters-suspended-ne")
    with at_200_percent(page):
        fits(page, 180)
        app.check("public-recruiters-suspended-ne-200")
    fits(page, 360)

    # Unknown: no, and the licence read back.
    check("NO-SUCH-9999")
    verdict = page.get_by_role("region", name=ne["recruiters.verdict.no.title"])
    expect(verdict).to_contain_text("NO-SUCH-9999")
    app.check("public-recruiters-unknown-ne")

    # A licence number left empty is said next to the field.
    page.get_by_label(ne["recruiters.check.licence"], exact=True).fill("")
    page.get_by_role("button", name=ne["recruiters.check.submit"], exact=True).click()
    expect(page.get_by_label(ne["recruiters.check.licence"], exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )


def test_the_roster_searched_by_name_leads_to_a_complaint_about_the_recruiter(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    name = f"Annapurna {unique('Agency').split('-')[1]} Overseas"
    org = roster_recruiter(platform, name, unique("DoFE").upper())
    app = public_app()
    app.open("#/recruiters")
    page = app.page
    page.get_by_label("Agency name", exact=True).fill(name.split()[1][:6])
    # The server fails once: what failed is said, with a retry that then works.
    page.route(
        "**/v1/roster?*",
        lambda route: route.fulfill(
            status=503,
            content_type="application/problem+json",
            body='{"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": ""}',
        ),
    )
    page.get_by_role("button", name="Search", exact=True).click()
    failure = page.get_by_role("alert").filter(has_text="We could not search the list of agencies.")
    expect(failure).to_contain_text("error 503")
    page.unroute("**/v1/roster?*")
    failure.get_by_role("button", name="Try again").click()
    found = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=name))
    expect(found).to_contain_text("Approved")
    app.check("public-recruiters-search")
    found.get_by_role("link", name=f"Complain about {name}").click()
    expect(page.get_by_role("heading", level=1, name="Complain about a recruiter")).to_be_visible()
    expect(page.get_by_text(f"Complaint about: {name}")).to_be_visible()
    assert org  # the complaint form holds its roster id (checked in test_public_complaints)
