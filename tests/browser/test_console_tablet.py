"""Every screen of the console on a tablet in portrait (820×1180): nothing wider than the screen,
every control reachable from the keyboard in turn, axe clean, a screenshot of each
(``build/screenshots/tablet-*.png``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Platform

from .conftest import Console
from .test_auditor import submitted_application
from .test_console import incident_with, report

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TABLET = {"width": 820, "height": 1180}

#: Marks every control a person can operate (visible, enabled, not taken out of the tab order)
#: and answers how many; radio buttons count once per group (Tab enters a group, arrows move in it).
_MARK = """() => {
  const selector = 'a[href], button, input, select, textarea, summary, [tabindex]';
  const seen = new Set();
  let n = 0;
  for (const el of document.querySelectorAll(selector)) {
    delete el.dataset.kb;
    if (el.closest('[inert], [aria-hidden=true]') || el.tabIndex < 0 || el.disabled) continue;
    if (!el.getClientRects().length || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    const key = el.type === 'radio' ? 'radio:' + el.name : 'el:' + n;
    if (seen.has(key)) { el.dataset.kb = [...seen].indexOf(key); continue; }
    seen.add(key);
    el.dataset.kb = String(seen.size - 1);
    n++;
  }
  return seen.size;
}"""
_FOCUSED = "() => document.activeElement?.dataset.kb ?? null"
_UNREACHED = """(reached) => [...document.querySelectorAll('[data-kb]')]
  .filter(el => !reached.includes(el.dataset.kb))
  .map(el => (el.getAttribute('aria-label') || el.textContent || el.id || el.tagName).trim().slice(0, 60))"""


def on_tablet(tab: Console, screen: str) -> None:
    """The screen as it is now, at tablet size: no horizontal scrolling, each control reached by
    Tab (from the first one of the page, in turn), axe clean, a screenshot."""
    page = tab.page
    assert page.viewport_size == TABLET
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= TABLET["width"], f"{screen}: the page is {width} px wide on a tablet"
    controls = page.evaluate(_MARK)
    assert controls > 0
    # From the first control of the page (the skip link), then Tab only.
    page.evaluate("() => document.querySelector('[data-kb=\"0\"]').focus()")
    reached: set[str] = {"0"}
    for _ in range(2 * controls + 10):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is not None:
            reached.add(focused)
        if len(reached) == controls:
            break
    unreached = page.evaluate(_UNREACHED, sorted(reached))
    assert unreached == [], f"{screen}: not reached from the keyboard: {unreached}"
    tab.check(f"tablet-{screen}")


def tablet(console: Callable[[], Console], role: str, **ids: str) -> Console:
    tab = console()
    tab.page.set_viewport_size(TABLET)
    tab.sign_in(role, **ids)
    return tab


def go(page: Page, hash_: str, heading: str) -> None:
    page.evaluate("(h) => { location.hash = h; }", hash_)
    expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()


def test_the_responders_screens_on_a_tablet(platform: Platform, console: Callable[[], Console]) -> None:
    report(platform, "The river flooded the market street; water is knee deep", 33.312, 44.361)
    incident = incident_with(platform, "flood", 1)
    responder = tablet(console, "responder")
    page = responder.page
    on_tablet(responder, "home-responder")

    go(page, "#/incidents", "Incidents")
    expect(page.locator(f"tr[data-incident-id='{incident['incident_id']}']")).to_be_visible()
    expect(page.get_by_role("region", name="Incident map")).to_have_attribute(
        "data-map-ready", "true", timeout=40_000
    )
    on_tablet(responder, "incidents")

    page.locator(f"tr[data-incident-id='{incident['incident_id']}']").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Flood")
    on_tablet(responder, "incident-detail")

    go(page, "#/feeds", "Feed sources")
    on_tablet(responder, "feeds")
    go(page, "#/people", "Missing persons")
    on_tablet(responder, "people")
    go(page, "#/alerts", "Alerts")
    expect(page.get_by_role("region", name="Alert area map")).to_have_attribute(
        "data-map-ready", "true", timeout=40_000
    )
    on_tablet(responder, "alerts")


def test_the_auditors_and_administrators_screens_on_a_tablet(
    platform: Platform, console: Callable[[], Console]
) -> None:
    submitted_application(platform, "Himal Tablet Manpower")
    filed: Any = requests.post(
        platform.url + "/v1/complaints",
        json={
            "recruiter": {"name": "Fast Jobs Ltd", "country": "NP"},
            "categories": ["recruitment_fees"],
            "description": "I paid 2000 USD in recruitment fees before I travelled.",
            "origin_country": "NP",
            "destination_country": "QA",
            "consent_share_identity": "no",
        },
        timeout=10,
    )
    assert filed.status_code == 201, filed.text
    complaint_id = filed.json()["complaint_id"]

    auditor = tablet(console, "auditor")
    page = auditor.page
    go(page, "#/applications", "Accreditation queue")
    expect(page.get_by_role("link", name="Himal Tablet Manpower")).to_be_visible()
    on_tablet(auditor, "applications")
    page.get_by_role("link", name="Himal Tablet Manpower").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Himal Tablet Manpower")
    on_tablet(auditor, "application")
    go(page, "#/complaints", "Complaints queue")
    on_tablet(auditor, "complaints")
    go(page, f"#/complaints/{complaint_id}", "Complaint about Fast Jobs Ltd")
    on_tablet(auditor, "complaint")

    admin = tablet(console, "admin")
    go(admin.page, "#/partners", "Partners")
    on_tablet(admin, "partners")


def test_the_partners_and_the_sign_in_screens_on_a_tablet(console: Callable[[], Console]) -> None:
    visitor = console()
    visitor.page.set_viewport_size(TABLET)
    visitor.open("#/sign-in")
    expect(visitor.page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()
    on_tablet(visitor, "sign-in")

    partner = tablet(console, "partner", partner_id="partner-tablet-1")
    go(partner.page, "#/referrals", "Referrals")
    on_tablet(partner, "referrals")
