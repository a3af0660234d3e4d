"""Partners in the console: an administrator registers a partner authority and rotates its
signing secret; the partner finds the complaint referred to it in its inbox and acknowledges it
until it is resolved, which the complainant's tracking page shows."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import Platform
from tests.support import EMAIL, NAME, PASSPORT, PHONE, wait_for
from tests.webhook_receiver import receiver, reference_verify

from .conftest import Console, unique

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


#: Tokens minted once per platform, role and claims (minting runs a process).
_TOKENS: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}


def _token(platform: Platform, role: str, claims: dict[str, str]) -> str:
    key = (platform.url, role, tuple(sorted(claims.items())))
    if key not in _TOKENS:
        _TOKENS[key] = platform.token(role, **claims)
    return _TOKENS[key]


def _api(platform: Platform, method: str, path: str, role: str | None = None, **kwargs: Any) -> Any:
    claims = kwargs.pop("claims", {})
    headers = {"Authorization": "Bearer " + _token(platform, role, claims)} if role else {}
    return requests.request(method, platform.url + path, headers=headers, timeout=10, **kwargs)


def file_and_refer(platform: Platform, origin: str) -> dict[str, Any]:
    """A complaint filed by a worker and referred by an auditor, as tests/e2e/test_referrals.py does."""
    filed = _api(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"name": "Fast Jobs Ltd", "country": origin},
            "categories": ["recruitment_fees"],
            "description": f"I paid 2000 USD in recruitment fees and my passport {PASSPORT} was kept.",
            "origin_country": origin,
            "destination_country": "QA",
            "contact": {"name": NAME, "phone": PHONE, "email": EMAIL},
            "consent_share_identity": "no",
        },
    )
    assert filed.status_code == 201, filed.text
    complaint: dict[str, Any] = filed.json()
    path = f"/v1/admin/complaints/{complaint['complaint_id']}/transitions"
    triaged = _api(
        platform,
        "POST",
        path,
        "auditor",
        json={"action": "triage", "expected_version": 1, "priority": "high"},
    )
    assert triaged.status_code == 200, triaged.text
    referred = _api(
        platform,
        "POST",
        path,
        "auditor",
        json={"action": "refer", "expected_version": triaged.json()["version"]},
    )
    assert referred.status_code == 200, referred.text
    return complaint


def secret_shown(page: Page) -> str:
    """The secret the console shows once, after its heading took the focus."""
    expect(page.get_by_role("heading", name=re.compile(r"copy (it|its signing secret) now$"))).to_be_focused()
    expect(page.get_by_text("This is the only time the secret is shown.")).to_be_visible()
    value = page.get_by_role("textbox", name="Signing secret", exact=True).input_value()
    assert value.startswith("whsec_"), value
    return value


def server_error_on_post(route: Route) -> None:
    if route.request.method != "POST":
        route.continue_()
        return
    route.fulfill(
        status=503,
        content_type="application/problem+json",
        body='{"type":"about:blank","title":"Service Unavailable","status":503,"detail":""}',
    )


def change_meanwhile(platform: Platform, partner_id: str, **changes: Any) -> None:
    """Another administrator's change, through the API, to the partner as it is now."""
    listed = _api(platform, "GET", "/v1/admin/partners", "admin").json()["items"]
    [version] = [p["version"] for p in listed if p["partner_id"] == partner_id]
    changed = _api(
        platform,
        "PATCH",
        f"/v1/admin/partners/{partner_id}",
        "admin",
        json={"expected_version": version, **changes},
    )
    assert changed.status_code == 200, changed.text


def on_a_tablet(page: Page, tab: Console, screen: str) -> None:
    """The screen in a tablet's portrait viewport: nothing wider than the page, axe still clean."""
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.check(screen)
    page.set_viewport_size({"width": 1280, "height": 800})


def delivered(platform: Platform, partner_id: str) -> bool:
    """Whether the delivery worker has recorded its delivery on the partner's one referral."""
    answer = _api(platform, "GET", "/v1/partner/referrals", "partner", claims={"partner_id": partner_id})
    return [r["delivery"]["state"] for r in answer.json()["items"]] == ["delivered"]


def acknowledge(page: Page, status: str) -> None:
    page.get_by_label("New status").select_option(label=status)
    page.get_by_role("button", name="Send the acknowledgement").click()


def tracking(platform: Platform, code: str) -> dict[str, Any]:
    answer = _api(platform, "GET", f"/v1/complaints/track/{code}")
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def test_an_admin_creates_a_partner_and_rotates_its_secret_and_the_partner_resolves_its_referral(
    platform: Platform, console: Callable[[], Console]
) -> None:
    admin = console()
    admin.sign_in("admin")
    page = admin.page
    page.get_by_role("navigation").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", level=1, name="Partners")).to_be_focused()
    expect(page.get_by_text("No partner authority is registered yet")).to_be_visible()
    admin.check("partners-empty")

    with receiver() as hook:
        # A first try the API refuses: an unknown country and no category, each named beside its field.
        name = unique("Department of Foreign Employment")
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Origin countries").fill("XX")
        page.get_by_label("Webhook URL").fill(hook.url)
        page.get_by_label("Days to acknowledge").fill("14")
        page.get_by_role("button", name="Create the partner").click()
        expect(page.get_by_role("alert").filter(has_text="Some fields need a change")).to_be_visible()
        expect(page.get_by_label("Origin countries")).to_have_attribute("aria-invalid", "true")
        expect(page.locator("#categories-error")).to_be_visible()
        expect(page.get_by_label("Name", exact=True)).to_have_value(name)  # nothing typed is lost
        admin.check("partners-create-refused")

        page.get_by_label("Origin countries").fill("NP")
        page.get_by_label("Recruitment fees").check()
        page.get_by_label("Contact email").fill("referrals@labour.example.org")
        # The server fails once: the form says so and keeps everything; sending again creates it.
        page.route("**/v1/admin/partners", server_error_on_post)
        page.get_by_role("button", name="Create the partner").click()
        failed = page.get_by_role("alert").filter(has_text="The partner could not be created.")
        expect(failed).to_contain_text("The server had a problem (status 503)")
        expect(page.get_by_label("Origin countries")).to_have_value("NP")
        expect(page.get_by_label("Recruitment fees")).to_be_checked()
        page.unroute("**/v1/admin/partners", server_error_on_post)
        page.get_by_role("button", name="Create the partner").click()
        first_secret = secret_shown(page)
        expect(
            page.get_by_text("A partner sign-in was invited at referrals@labour.example.org.")
        ).to_be_visible()
        partner_id = (
            page.get_by_text("Partner id (the partner signs in with it)").inner_text().rsplit(": ", 1)[1]
        )
        row = page.locator(f"tr[data-partner-id='{partner_id}']")
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("From NP.")
        expect(row).to_contain_text("Current, since")
        expect(page.get_by_label("Name", exact=True)).to_have_value("")
        admin.check("partners-secret-once")

        # Once: dismissed, the secret is nowhere on the page, and coming back does not bring it.
        page.get_by_role("button", name="I have copied it").click()
        expect(page.get_by_role("textbox", name="Signing secret", exact=True)).to_have_count(0)
        expect(page.get_by_role("heading", level=1, name="Partners")).to_be_focused()
        page.get_by_role("navigation").get_by_role("link", name="Incidents").click()
        page.get_by_role("navigation").get_by_role("link", name="Partners").click()
        expect(row).to_be_visible()
        assert first_secret not in page.content()

        # Rotation with an overlap the API refuses, then one it takes: a second secret, shown once.
        row.get_by_role("button", name=f"Rotate secret of {name}").click()
        expect(page.get_by_role("heading", name=f"Rotate the signing secret of {name}")).to_be_focused()
        page.get_by_label("Overlap in hours").fill("500")
        page.get_by_role("button", name="Rotate the secret").click()
        expect(page.get_by_label("Overlap in hours")).to_have_attribute("aria-invalid", "true")
        page.get_by_label("Overlap in hours").fill("12")
        # Someone else changes the partner meanwhile: the rotation says so, keeps the overlap typed
        # and rotates the partner as it now is when asked again.
        change_meanwhile(platform, partner_id, sla_days=10)
        page.get_by_role("button", name="Rotate the secret").click()
        expect(page.get_by_role("alert").filter(has_text="Changed by someone else.")).to_be_visible()
        expect(row).to_contain_text("within 10 day(s)")
        expect(page.get_by_label("Overlap in hours")).to_have_value("12")
        admin.check("partners-rotate-conflict")
        page.get_by_role("button", name="Rotate the secret").click()
        rotated_secret = secret_shown(page)
        assert rotated_secret != first_secret
        expect(row).to_contain_text("Previous, since")
        expect(row).to_contain_text("signs until")
        admin.check("partners-rotated")
        on_a_tablet(page, admin, "partners-tablet")
        page.get_by_role("button", name="I have copied it").click()

        # Again someone else changes it: deactivating says so and shows it fresh.
        change_meanwhile(platform, partner_id, sla_days=7)
        row.get_by_role("button", name=f"Deactivate {name}").click()
        expect(row.get_by_role("alert")).to_contain_text("Changed by someone else.")
        expect(row).to_contain_text("within 7 day(s)")
        admin.check("partners-conflict")
        row.get_by_role("button", name=f"Deactivate {name}").click()
        expect(page.get_by_role("status").filter(has_text="is deactivated")).to_be_visible()
        expect(row).to_have_count(0)
        page.get_by_label("Show deactivated partners instead").check()
        row.get_by_role("button", name=f"Reactivate {name}").click()
        expect(page.get_by_role("status").filter(has_text="is active again")).to_be_visible()
        page.get_by_label("Show deactivated partners instead").uncheck()
        expect(row).to_be_visible()

        # A complaint from Nepal is referred to it; the delivery is signed with the rotated secret
        # the console showed (and, during the overlap, the first one too).
        complaint = file_and_refer(platform, "NP")
        wait_for(lambda: hook.deliveries)
        [delivery] = hook.deliveries
        now = int(time.time())
        assert reference_verify(rotated_secret, delivery.headers, delivery.body, now=now)
        assert reference_verify(first_secret, delivery.headers, delivery.body, now=now)
        wait_for(lambda: delivered(platform, partner_id))

    # The partner signs in with its id and finds the referral in its inbox.
    partner = console()
    partner.sign_in("partner", partner_id=partner_id)
    inbox = partner.page
    # The network fails as the inbox loads: it says what failed and retries.
    inbox.route("**/v1/partner/referrals?*", lambda route: route.abort("internetdisconnected"))
    inbox.get_by_role("navigation").get_by_role("link", name="Referrals").click()
    expect(inbox.get_by_role("heading", level=1, name="Referrals")).to_be_focused()
    failed = inbox.get_by_role("alert").filter(has_text="The referrals could not be loaded.")
    expect(failed).to_contain_text("The network could not be reached")
    inbox.unroute("**/v1/partner/referrals?*")
    failed.get_by_role("button", name="Retry").click()
    referral = inbox.locator("tbody tr")
    expect(referral).to_have_count(1)
    expect(referral).to_contain_text("Recruitment fees")
    expect(referral).to_contain_text("NP → QA")
    expect(referral).to_contain_text("Referred (not yet acknowledged)")
    expect(referral).to_contain_text("delivered to the webhook (1 attempt(s))")
    partner.check("referrals-inbox")
    on_a_tablet(inbox, partner, "referrals-inbox-tablet")
    inbox.get_by_label("Status").select_option(label="Rejected")
    expect(inbox.get_by_text("No referral matches these filters")).to_be_visible()
    inbox.get_by_label("Status").select_option(label="Any status")
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    inbox.get_by_label("Changed since").fill(tomorrow.isoformat())
    expect(inbox.get_by_text("No referral matches these filters")).to_be_visible()
    inbox.get_by_label("Changed since").fill((tomorrow - timedelta(days=1)).isoformat())
    expect(referral).to_have_count(1)

    referral.get_by_role("link", name="Recruitment fees").click()
    expect(inbox.get_by_role("heading", level=1, name="Referral: Recruitment fees")).to_be_focused()
    expect(inbox.get_by_text("did not agree to share who they are")).to_be_visible()
    assert PASSPORT not in inbox.content()
    assert NAME not in inbox.content()
    inbox.get_by_text("The referral as delivered (JSON)").click()
    expect(inbox.locator(".payload")).to_contain_text(complaint["complaint_id"])
    partner.check("referral-detail")

    code = complaint["tracking_code"]
    for status, public in (
        ("Received", "An authority has received your complaint."),
        ("Accepted", "An authority has accepted your complaint."),
        ("In progress", "An authority is working on your complaint."),
    ):
        acknowledge(inbox, status)
        expect(inbox.get_by_role("status").filter(has_text="Acknowledged")).to_contain_text(status)
        expect(inbox.locator("[data-fact=status]")).to_have_text(status)
        assert tracking(platform, code)["messages"][-1]["message"] == public

    # Resolving needs an outcome: without one the API names it, and the note stays typed.
    inbox.get_by_label("New status").select_option(label="Resolved")
    inbox.get_by_label("Note (optional)").fill("Met the recruiter on 3 March")
    inbox.get_by_role("button", name="Send the acknowledgement").click()
    expect(inbox.locator("#ack-substantiated-error")).to_be_visible()
    expect(inbox.get_by_label("Note (optional)")).to_have_value("Met the recruiter on 3 March")
    partner.check("referral-outcome-needed")
    inbox.get_by_label("The complaint was substantiated").check()
    inbox.get_by_label("Remedy given").fill("The fees were refunded in full")
    inbox.get_by_role("button", name="Send the acknowledgement").click()
    expect(inbox.locator("[data-fact=status]")).to_have_text("Resolved")
    expect(inbox.get_by_text("nothing more to acknowledge")).to_be_visible()
    acks = inbox.locator(".acks li")
    expect(acks).to_have_count(4)
    expect(acks.last).not_to_contain_text("not substantiated")
    expect(acks.last).to_contain_text("substantiated")
    expect(acks.last).to_contain_text("The fees were refunded in full")
    expect(acks.last).to_contain_text("Met the recruiter on 3 March")
    partner.check("referral-resolved")

    tracked = tracking(platform, code)
    assert tracked["status"] == "resolved"
    assert tracked["messages"][-1]["message"] == "An authority has resolved your complaint."

    inbox.get_by_role("link", name="Back to referrals").click()
    inbox.get_by_label("Status").select_option(label="Resolved")
    expect(inbox.locator("tbody tr")).to_have_count(1)
    expect(inbox.locator("tbody tr")).to_contain_text("Resolved")


def test_the_inbox_pages_with_the_api_cursor(platform: Platform, console: Callable[[], Console]) -> None:
    created = _api(
        platform,
        "POST",
        "/v1/admin/partners",
        "admin",
        json={
            "name": unique("Bureau of Emigration"),
            "jurisdictions": {"origin": ["BD"]},
            "categories": ["recruitment_fees"],
        },
    )
    assert created.status_code == 201, created.text
    partner_id = created.json()["partner_id"]
    for _ in range(26):  # one more than a page of the inbox
        file_and_refer(platform, "BD")

    partner = console()
    partner.sign_in("partner", partner_id=partner_id)
    page = partner.page
    page.get_by_role("navigation").get_by_role("link", name="Referrals").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("BD → QA")
    page.get_by_role("button", name="Show more").click()
    expect(rows).to_have_count(26)
    expect(page.get_by_role("button", name="Show more")).to_have_count(0)
    ids = rows.evaluate_all("rows => rows.map(r => r.dataset.referralId)")
    assert len(set(ids)) == 26
    partner.check("referrals-paged")

    # The partner cannot take one up: a rejection needs its reason, which the API names.
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Referral: Recruitment fees")).to_be_focused()
    page.get_by_label("New status").select_option(label="Rejected")
    page.get_by_role("button", name="Send the acknowledgement").click()
    reason = page.get_by_label("Why you cannot take it up")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("a rejection gives a reason")
    reason.fill("Outside our jurisdiction: the recruiter is licensed in another country")
    page.get_by_role("button", name="Send the acknowledgement").click()
    expect(page.locator("[data-fact=status]")).to_have_text("Rejected")
    expect(page.locator(".acks li")).to_contain_text("Outside our jurisdiction")
    partner.check("referral-rejected")


def test_an_acknowledgement_refused_as_stale_offers_and_selects_what_may_follow_now(
    platform: Platform, console: Callable[[], Console]
) -> None:
    created = _api(
        platform,
        "POST",
        "/v1/admin/partners",
        "admin",
        json={
            "name": unique("Lanka Foreign Employment Bureau"),
            "jurisdictions": {"origin": ["LK"]},
            "categories": ["recruitment_fees"],
        },
    )
    assert created.status_code == 201, created.text
    partner_id = created.json()["partner_id"]
    file_and_refer(platform, "LK")
    claims = {"partner_id": partner_id}
    (referral,) = _api(platform, "GET", "/v1/partner/referrals", "partner", claims=claims).json()["items"]

    partner = console()
    partner.sign_in("partner", partner_id=partner_id)
    partner.open(f"#/referrals/{referral['referral_id']}")
    page = partner.page
    expect(page.get_by_role("heading", level=1, name="Referral: Recruitment fees")).to_be_visible()
    page.get_by_label("New status").select_option(label="Received")

    # A colleague accepts it meanwhile: "received" may no longer follow.
    accepted = _api(
        platform,
        "POST",
        f"/v1/partner/referrals/{referral['referral_id']}/ack",
        "partner",
        claims=claims,
        json={"status": "accepted"},
    )
    assert accepted.status_code == 200, accepted.text
    page.get_by_role("button", name="Send the acknowledgement").click()
    expect(page.locator(".conflict")).to_be_visible()
    offered = page.get_by_label("New status").evaluate("s => [...s.options].map(o => o.value)")
    assert "received" not in offered
    # The choice shown is one the API allows now, and sending it is what the state holds.
    chosen = page.get_by_label("New status").input_value()
    assert chosen in offered, (chosen, offered)
    page.get_by_role("button", name="Send the acknowledgement").click()
    expect(page.locator(".conflict")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Acknowledged: the referral is now")).to_be_visible()
