"""Alerts on a phone: the active alerts in the person's language with what to do first, on a map
and as a list; an area around the person subscribed by e-mail, confirmed with the code local
mode writes to its outbox, and the messages stopped again."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import requests
from playwright.sync_api import BrowserContext, Route, expect

from haven.adapters.notifier import read_outbox
from tests.e2e.conftest import Platform
from tests.support import EMAIL, wait_for

from .conftest import PublicApp, unique
from .public_support import KATHMANDU, located_app


def issue(platform: Platform, headline: str) -> str:
    """A responder issues an alert over Kathmandu in English and French (through the ops API)."""
    answer = requests.post(
        platform.url + "/v1/ops/alerts",
        headers={"Authorization": "Bearer " + platform.token("responder")},
        json={
            "event": "Flood",
            "categories": ["Met"],
            "response_types": ["Evacuate"],
            "urgency": "Immediate",
            "severity": "Severe",
            "certainty": "Observed",
            "expires": (datetime.now(UTC) + timedelta(hours=6)).replace(microsecond=0).isoformat(),
            "texts": [
                {
                    "language": "en",
                    "headline": headline,
                    "description": "The Bagmati is above its banks.",
                    "instruction": "Go to higher ground now.",
                },
                {
                    "language": "fr",
                    "event": "Crue",
                    "headline": "Crue de la Bagmati",
                    "description": "La Bagmati déborde.",
                    "instruction": "Montez sur les hauteurs maintenant.",
                },
            ],
            "areas": [
                {
                    "description": "Kathmandu valley",
                    "circles": [{"center": [KATHMANDU["longitude"], KATHMANDU["latitude"]], "radius_km": 20}],
                }
            ],
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["alert_id"])


def code_sent_to(platform: Platform, address: str) -> str:
    def sent() -> list[dict[str, str]]:
        return [m for m in read_outbox(platform.state_dir / "outbox.jsonl") if m["to"] == address]

    [message] = wait_for(sent, seconds=30)
    found = re.search(r"\b(\d{6})\b", message["body"])
    assert found, message["body"]
    return found.group(1)


def test_active_alerts_are_shown_in_the_persons_language_with_what_to_do_first(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    headline = unique("Flood warning for the Bagmati")
    issue(platform, headline)
    app = public_app()
    app.open("#/alerts")
    page = app.page
    alert = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=headline))
    expect(alert).to_be_visible()
    # The instruction comes first, before the description.
    expect(alert.locator("p").first).to_have_text("What to do: Go to higher ground now.")
    expect(alert).to_contain_text("Serious danger")
    expect(alert).to_contain_text("Kathmandu valley")
    app.check("public-alerts")
    # On the map too: the map opens with the alerts' areas.
    page.get_by_role("button", name="Show the map").click()
    expect(page.get_by_role("application", name=re.compile("Map of the alerts"))).to_be_visible()
    expect(page.locator(".pin-map canvas")).to_be_visible()
    page.wait_for_timeout(1000)  # the basemap loaded, the map fitted to the alerts' areas
    app.check("public-alerts-map")
    # In French, the French text of the same alert.
    page.get_by_label("Language").select_option("fr")
    expect(page.get_by_role("heading", name="Crue de la Bagmati").first).to_be_visible()
    expect(page.get_by_text("Que faire : Montez sur les hauteurs maintenant.").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_area_around_me_is_subscribed_by_email_confirmed_and_stopped(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/alerts")
    page = app.page
    # Nothing chosen yet: the page says what is missing, next to it.
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("Choose the area: around you, or a place on the map.")).to_be_visible()
    expect(page.get_by_label("Your e-mail address")).to_have_attribute("aria-invalid", "true")

    page.get_by_role("button", name="Around me").click()
    page.get_by_label("How far around").select_option("5")
    expect(page.get_by_text("Area chosen: 5 km around 27.7172, 85.324.")).to_be_visible()
    address = f"{unique('alerts')}.{EMAIL}"
    page.get_by_label("Your e-mail address").fill(address)
    # The first try meets a server error: it says so, with a retry; nothing typed is lost.
    failed_once: list[str] = []

    def fail_first(route: Route) -> None:
        if not failed_once:
            failed_once.append(route.request.url)
            route.fulfill(
                status=503,
                content_type="application/problem+json",
                body='{"type":"about:blank","title":"Unavailable","status":503}',
            )
        else:
            route.continue_()

    page.route("**/v1/subscriptions", fail_first)
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("The server had a problem (error 503).")).to_be_visible()
    expect(page.get_by_label("Your e-mail address")).to_have_value(address)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("We sent a 6-digit code to your e-mail.")).to_be_visible()
    page.unroute("**/v1/subscriptions")
    app.check("public-alerts-confirm")

    # A wrong code is refused next to the field; the code from the e-mail confirms it.
    page.get_by_label("The code").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("This code is not right, or it is too old.")).to_be_visible()
    page.get_by_label("The code").fill(code_sent_to(platform, address))
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text("Done. You will get a message when there is a new alert in your area.")
    ).to_be_visible()
    # Remembered on this phone: after a reload, it can still be stopped.
    page.reload()
    kept = page.evaluate("() => JSON.parse(localStorage.getItem('haven.subscription'))")
    assert kept["status"] == "active"
    page.get_by_role("button", name="Stop the messages").click()
    expect(page.get_by_text("The messages are stopped.")).to_be_visible()
    # Gone in the API too (its token no longer stops anything), and forgotten on the phone.
    again = requests.delete(
        f"{platform.url}/v1/subscriptions/{kept['id']}", params={"token": kept["token"]}, timeout=5
    )
    assert again.status_code == 404, again.text
    assert page.evaluate("() => localStorage.getItem('haven.subscription')") is None


def test_a_subscription_whose_answer_was_lost_is_not_made_twice(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/alerts")
    page = app.page
    page.get_by_role("button", name="Around me").click()
    expect(page.get_by_text(re.compile("^Area chosen"))).to_be_visible()
    address = f"{unique('lost')}.{EMAIL}"
    page.get_by_label("Your e-mail address").fill(address)
    # The first request reaches the API, which makes the subscription and sends its code; its
    # answer is lost on the way back. The person tries again.
    first: list[dict[str, str]] = []

    def lose_first_answer(route: Route) -> None:
        if first:
            route.continue_()
            return
        answer = route.fetch()
        first.append(answer.json())
        route.abort("internetdisconnected")

    page.route("**/v1/subscriptions", lose_first_answer)
    page.get_by_role("button", name="Send me a code").click()
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("We sent a 6-digit code to your e-mail.")).to_be_visible()
    page.unroute("**/v1/subscriptions")
    # One subscription, one code: the one in the person's e-mail confirms what the page keeps.
    kept = page.evaluate("() => JSON.parse(localStorage.getItem('haven.subscription'))")
    assert kept["id"] == first[0]["subscription_id"]
    page.get_by_label("The code").fill(code_sent_to(platform, address))
    page.get_by_role("button", name="Confirm").click()
    expect(
        page.get_by_text("Done. You will get a message when there is a new alert in your area.")
    ).to_be_visible()
    assert len([m for m in read_outbox(platform.state_dir / "outbox.jsonl") if m["to"] == address]) == 1
