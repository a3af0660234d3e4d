"""The alert composer, as a responder lives it: the area drawn on the map, texts in two
languages side by side, the CAP preview, the alert issued with its real CAP and delivery status,
seen in the public list, then cancelled; the API's refusals beside their fields; a failed issue
that keeps what was written."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import requests
from playwright.sync_api import Locator, Page, Route, expect

from haven import webhooks
from tests.e2e.conftest import Platform
from tests.support import wait_for
from tests.webhook_receiver import WebhookReceiver, receiver

from .conftest import Console, unique

#: How long a test waits for the map library to load and draw in software WebGL (test_console.py).
MAP_PATIENCE_MS = 40_000

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def open_composer(responder: Console) -> Page:
    responder.sign_in("responder")
    page = responder.page
    page.get_by_role("navigation").get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", level=1, name="Alerts")).to_be_focused()
    return page


def subscribe_webhook(platform: Platform, hook: WebhookReceiver, lon: float, lat: float) -> None:
    """A subscriber at ``lon, lat``, confirmed with the code its webhook received."""
    created = requests.post(
        platform.url + "/v1/subscriptions",
        json={
            "area": {"circles": [{"center": [lon, lat], "radius_km": 1}]},
            "channel": "webhook",
            "address": hook.url,
        },
        timeout=10,
    ).json()
    headers, raw = wait_for(lambda: hook.deliveries).pop()
    webhooks.verify(created["webhook_secret"], headers, raw)
    confirmed = requests.post(
        f"{platform.url}/v1/subscriptions/{created['subscription_id']}/confirm",
        json={"code": json.loads(raw)["data"]["code"]},
        timeout=5,
    )
    assert confirmed.json()["status"] == "active"


def write_texts(page: Page, event: str) -> None:
    page.get_by_label("Event", exact=True).fill(event)
    page.get_by_label("Area description").fill("River district")
    english = page.get_by_role("group", name="Text 1 (en)")
    english.get_by_label("Headline").fill("Flood warning for the river district")
    english.get_by_label("Description").fill("The river is above its banks and still rising.")
    english.get_by_label("Instruction (optional)").fill("Move to higher ground now.")
    page.get_by_role("button", name="Add a language").click()
    page.get_by_label("Language (e.g. en, fr, sw)").nth(1).fill("fr")
    french = page.get_by_role("group", name="Text 2 (fr)")
    french.get_by_label("Headline").fill("Alerte crue pour le quartier de la rivière")
    french.get_by_label("Description").fill("La rivière déborde et continue de monter.")


def test_a_responder_draws_an_area_issues_a_multilingual_alert_sees_its_cap_and_cancels_it(
    platform: Platform, console: Callable[[], Console]
) -> None:
    with receiver() as hook:
        # Someone subscribed at the map's first centre (20° E, 5° N), inside what will be drawn.
        subscribe_webhook(platform, hook, 20.0, 5.0)
        _draw_issue_and_cancel(platform, console, hook)


def _draw_issue_and_cancel(platform: Platform, console: Callable[[], Console], hook: WebhookReceiver) -> None:
    responder = console()
    page = open_composer(responder)
    listed_alerts = page.get_by_role("region", name="Every alert, by state")
    expect(listed_alerts.get_by_label("Show alerts that are")).to_have_value("active")
    expect(page.get_by_text("No shape yet")).to_be_visible()

    # The responder draws a polygon: four points on the map, then closes the ring.
    the_map = page.get_by_role("region", name="Alert area map")
    expect(the_map).to_have_attribute("data-map-ready", "true", timeout=MAP_PATIENCE_MS)
    the_map.scroll_into_view_if_needed()
    # Closer in, around the map's centre, for an area of a district rather than of a continent.
    # One step at a time: a click while the last zoom still eases starts from where it is.
    for step in range(1, 6):
        the_map.get_by_role("button", name="Zoom in").click()
        expect(the_map).to_have_attribute("data-zoom", f"{1.5 + step:.1f}")
    page.get_by_role("button", name="Draw a polygon").click()
    box = the_map.bounding_box()
    assert box is not None
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in ((-60, -40), (60, -40), (60, 40), (-60, 40)):
        page.mouse.click(cx + dx, cy + dy)
    expect(page.get_by_role("status").filter(has_text="4 vertex")).to_be_visible()
    page.get_by_role("button", name="Close the ring").click()
    ring = page.get_by_label("Polygon 1: positions")
    expect(ring).to_be_visible()
    assert len(ring.input_value().splitlines()) == 5  # closed: the first position repeated last
    expect(the_map).to_have_attribute("data-drawn-shapes", "1", timeout=MAP_PATIENCE_MS)

    # A vertex dragged to a new place moves that corner, and the ring stays closed.
    drawn = ring.input_value().splitlines()
    page.mouse.move(cx - 60, cy - 40)
    page.mouse.down()
    page.mouse.move(cx - 90, cy - 70, steps=6)
    page.mouse.up()
    expect(ring).not_to_have_value("\n".join(drawn))
    moved = ring.input_value().splitlines()
    assert moved[0] != drawn[0]
    assert moved[0] == moved[-1]
    assert moved[1:4] == drawn[1:4]

    event = unique("Flood warning")
    write_texts(page, event)
    page.get_by_role("group", name="Text 2 (fr)").get_by_label("Event in this language").fill("Alerte crue")
    page.get_by_role("group", name="Response types (optional)").get_by_label("Evacuate").check()

    # The preview, built from the fields, says it is one and has both languages and the area.
    preview = page.locator("pre[data-cap=preview]")
    expect(page.get_by_role("heading", name="CAP 1.2 preview (not issued)")).to_be_visible()
    expect(preview).to_contain_text("<language>fr</language>")
    expect(preview).to_contain_text("<event>Alerte crue</event>")
    expect(preview).to_contain_text(f"<event>{event}</event>")
    expect(preview).to_contain_text("<responseType>Evacuate</responseType>")
    expect(preview).to_contain_text("<polygon>")
    responder.check("alerts-composer")

    page.get_by_role("button", name="Issue the alert").click()

    # Issued: the alert's own CAP as the API stored it, and the delivery status of that message.
    panel = page.get_by_role("region", name=f"Alert: {event}")
    expect(panel).to_be_focused()
    expect(panel.locator("[data-fact=state]")).to_have_text("Active")
    cap = panel.locator("pre[data-cap=issued]")
    expect(cap).to_contain_text("<msgType>Alert</msgType>")
    expect(cap).to_contain_text("<language>fr</language>")
    expect(cap).to_contain_text("<headline>Alerte crue pour le quartier de la rivière</headline>")
    expect(cap).to_contain_text("<areaDesc>River district</areaDesc>")
    expect(cap).to_contain_text("<web>")
    expect(cap).not_to_contain_text("(given on issue)")
    expect(panel.get_by_role("heading", name="Delivery status of the current message")).to_be_visible()
    expect(panel.locator("[data-deliveries]")).to_be_visible()
    wait_for(lambda: hook.deliveries)  # the fan-out worker delivered it to the subscriber
    panel.get_by_role("button", name="Refresh the delivery status").click()
    delivery = panel.locator("[data-deliveries] tbody tr")
    expect(delivery).to_have_count(1)
    expect(delivery.get_by_role("rowheader")).to_have_text("webhook")
    expect(delivery.get_by_role("cell").first).to_have_text("delivered")
    expect(panel.get_by_text("delivered: 1")).to_be_visible()
    # The composer is empty again for the next alert; the responders' list has the one issued,
    # first (the newest change), with its deliveries.
    expect(page.get_by_label("Event", exact=True)).to_have_value("")
    row = listed_alerts.locator("tbody tr").first
    expect(row.get_by_role("rowheader")).to_have_text(event)
    listed_alerts.get_by_role("button", name="Read the list again").click()
    expect(row.locator("[data-deliveries-summary]")).to_have_text("delivered: 1")
    responder.check("alerts-issued")

    # As the public sees it: in the public list, with its texts in both languages.
    public = page.get_by_role("region", name="Public alerts, as the public sees them")
    listed = public.locator("li").filter(has_text=event)
    expect(listed).to_have_count(1)
    listed.locator("summary").click()
    expect(listed.locator("[lang=fr]")).to_contain_text("La rivière déborde")
    expect(listed.locator("[lang=en]")).to_contain_text("Move to higher ground now.")
    responder.check("alerts-public")

    # Cancelled, with a reason: the panel says so, the CAP is the Cancel, the public list drops it.
    panel.get_by_label("Reason for cancelling (optional)").fill("The river has fallen back")
    panel.get_by_role("button", name="Cancel this alert").click()
    expect(panel.locator("[data-fact=state]")).to_have_text("Cancelled")
    expect(panel.locator("[data-fact=msg_type]")).to_have_text("Cancel")
    expect(cap).to_contain_text("<msgType>Cancel</msgType>")
    expect(cap).to_contain_text("<references>")
    # The active list no longer has it; the cancelled one does, and can open it again.
    expect(listed_alerts.locator("tbody tr").filter(has_text=event)).to_have_count(0)
    listed_alerts.get_by_label("Show alerts that are").select_option("cancelled")
    cancelled_row = listed_alerts.locator("tbody tr").filter(has_text=event)
    expect(cancelled_row).to_have_count(1)
    expect(cancelled_row.locator("[data-deliveries-summary]")).to_be_visible()
    expect(public.locator("li").filter(has_text=event)).to_have_count(0)
    responder.check("alerts-cancelled")
    methods = {(a.method, a.target.split("?")[0].rsplit("/", 1)[-1]) for a in responder.answers}
    assert ("POST", "alerts") in methods
    assert ("POST", "cancel") in methods


def test_the_api_names_the_fields_it_refuses_beside_them_and_a_failed_issue_keeps_the_text(
    platform: Platform, console: Callable[[], Console]
) -> None:
    responder = console()
    page = open_composer(responder)
    event = unique("Flood warning")
    write_texts(page, event)
    # From the keyboard, no map: a polygon typed as positions, one that crosses itself.
    page.get_by_label("Type a polygon").fill("36.8, -1.3\n36.9, -1.2\n36.8, -1.2\n36.9, -1.3\n36.8, -1.3")
    page.get_by_role("button", name="Add the typed polygon").click()
    ring = page.get_by_label("Polygon 1: positions")
    expect(ring).to_be_visible()

    # The French text has no event of its own: refused, and said beside that field.
    page.get_by_role("button", name="Issue the alert").click()
    french_event = page.get_by_role("group", name="Text 2 (fr)").get_by_label("Event in this language")
    expect(french_event).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#text-1-event-error")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("texts.1.event")
    responder.check("alerts-field-error-text")

    # With the event, the crossed polygon is refused next to it.
    french_event.fill("Alerte crue")
    page.get_by_role("button", name="Issue the alert").click()
    expect(ring).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#polygon-0-error")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("areas.0.polygons.0")
    expect(french_event).not_to_have_attribute("aria-invalid", "true")
    responder.check("alerts-field-error-area")

    # The polygon corrected by editing its positions (a vertex moved); then the server fails.
    ring.fill("36.8, -1.3\n36.9, -1.3\n36.9, -1.2\n36.8, -1.2\n36.8, -1.3")
    # And a circle, typed too: centre and radius.
    page.get_by_label("Centre longitude of a new circle").fill("36.85")
    page.get_by_label("Centre latitude of a new circle").fill("-1.25")
    page.get_by_label("Radius of a new circle (km)").fill("2")
    page.get_by_role("button", name="Add the typed circle").click()
    expect(page.get_by_role("group", name="Circle 1").get_by_label("Radius (km)")).to_have_value("2")
    page.route("**/v1/ops/alerts", lambda route: _fail_posts(route, 500))
    page.get_by_role("button", name="Issue the alert").click()
    failure = page.get_by_role("alert")
    expect(failure).to_contain_text("The alert could not be issued.")
    expect(failure).to_contain_text("status 500")
    # Nothing written is lost.
    expect(page.get_by_label("Event", exact=True)).to_have_value(event)
    expect(page.get_by_role("group", name="Text 2 (fr)").get_by_label("Headline")).to_have_value(
        "Alerte crue pour le quartier de la rivière"
    )
    expect(french_event).to_have_value("Alerte crue")
    responder.check("alerts-issue-failed")

    page.unroute("**/v1/ops/alerts")
    page.get_by_role("button", name="Issue the alert").click()
    panel = page.get_by_role("region", name=f"Alert: {event}")
    expect(panel.locator("[data-fact=state]")).to_have_text("Active")
    expect(panel.locator("pre[data-cap=issued]")).to_contain_text("<polygon>-1.3,36.8 -1.3,36.9")
    expect(panel.locator("pre[data-cap=issued]")).to_contain_text("<circle>-1.25,36.85 2</circle>")

    # A Draft is issued too, but never public: the panel says why it shows no CAP.
    draft_event = unique("Draft flood warning")
    write_texts(page, draft_event)
    page.get_by_role("group", name="Text 2 (fr)").get_by_label("Event in this language").fill("Alerte crue")
    page.get_by_label("Type a polygon").fill("36.8, -1.3\n36.9, -1.3\n36.9, -1.2\n36.8, -1.2")
    page.get_by_role("button", name="Add the typed polygon").click()
    page.get_by_label("Status").select_option("Draft")
    page.get_by_role("button", name="Issue the alert").click()
    draft_panel = page.get_by_role("region", name=f"Alert: {draft_event}")
    expect(draft_panel.locator("[data-fact=state]")).to_have_text("Active")
    expect(draft_panel).to_contain_text("A Draft is never public")
    expect(draft_panel.locator("pre[data-cap=issued]")).to_have_count(0)
    public = page.get_by_role("region", name="Public alerts, as the public sees them")
    expect(public.locator("li").filter(has_text=event)).to_have_count(1)
    expect(public.locator("li").filter(has_text=draft_event)).to_have_count(0)
    responder.check("alerts-draft")

    # On a tablet the two texts still sit side by side, nothing wider than the screen; the map is there.
    page.set_viewport_size({"width": 820, "height": 1180})
    page.get_by_role("button", name="Add a language").click()
    first_text = page.get_by_role("group", name="Text 1 (en)").bounding_box()
    second_text = page.get_by_role("group", name="Text 2 (?)").bounding_box()
    assert first_text is not None
    assert second_text is not None
    assert second_text["x"] >= first_text["x"] + first_text["width"]
    assert second_text["x"] + second_text["width"] <= 820
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 820
    page.get_by_role("region", name="Alert area map").scroll_into_view_if_needed()
    expect(page.get_by_role("region", name="Alert area map")).to_be_in_viewport()
    responder.check("alerts-tablet")


def _fail_posts(route: Route, status: int) -> None:
    if route.request.method == "POST":
        route.fulfill(status=status, content_type="text/plain", body="upstream failure")
    else:
        route.continue_()


def issue_by_api(platform: Platform, event: str) -> dict[str, object]:
    answer = requests.post(
        platform.url + "/v1/ops/alerts",
        json={
            "event": event,
            "categories": ["Met"],
            "response_types": ["Evacuate"],
            "urgency": "Immediate",
            "severity": "Severe",
            "certainty": "Observed",
            "expires": (datetime.now(UTC) + timedelta(hours=6)).replace(microsecond=0).isoformat(),
            "texts": [
                {
                    "language": "en",
                    "headline": "Flood warning for the river district",
                    "description": "The river is above its banks.",
                },
                {
                    "language": "fr",
                    "event": "Alerte crue",
                    "headline": "Alerte crue",
                    "description": "La rivière déborde.",
                },
            ],
            "areas": [
                {
                    "description": "River district",
                    "polygons": [[[36.8, -1.3], [36.9, -1.3], [36.9, -1.2], [36.8, -1.2], [36.8, -1.3]]],
                }
            ],
        },
        headers={
            "Authorization": "Bearer " + platform.token("responder"),
            "Idempotency-Key": unique("alert"),
        },
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


def manage(responder: Console, event: str) -> Locator:
    page = open_composer(responder)
    public = page.get_by_role("region", name="Public alerts, as the public sees them")
    public.locator("li").filter(has_text=event).get_by_role("button", name="Manage this alert").click()
    panel = page.get_by_role("region", name=f"Alert: {event}")
    expect(panel).to_be_focused()
    panel.get_by_role("button", name="Update this alert in the composer").click()
    expect(page.get_by_role("heading", name=f"Update “{event}” (version 1)")).to_be_visible()
    return panel


def test_two_responders_update_the_same_alert_and_the_second_keeps_what_they_wrote(
    platform: Platform, console: Callable[[], Console]
) -> None:
    event = unique("Flood warning")
    issue_by_api(platform, event)
    first, second = console(), console()
    first_panel = manage(first, event)
    manage(second, event)

    # The first responder sharpens the English headline and issues the update.
    english = first.page.get_by_role("group", name="Text 1 (en)")
    expect(english.get_by_label("Headline")).to_have_value("Flood warning for the river district")
    english.get_by_label("Headline").fill("Flood warning: evacuate the river district")
    first.page.get_by_role("button", name="Issue the update").click()
    expect(first_panel.locator("[data-fact=version]")).to_have_text("2")
    expect(first_panel.locator("[data-fact=msg_type]")).to_have_text("Update")

    # The second, working from version 1, widens the area with a circle and rewrites the French.
    page = second.page
    the_map = page.get_by_role("region", name="Alert area map")
    expect(the_map).to_have_attribute("data-map-ready", "true", timeout=MAP_PATIENCE_MS)
    the_map.scroll_into_view_if_needed()
    page.get_by_label("Radius of a new circle (km)").fill("3")
    page.get_by_role("button", name="Place a circle").click()
    box = the_map.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.get_by_role("group", name="Circle 1").get_by_label("Radius (km)")).to_have_value("3")
    french = page.get_by_role("group", name="Text 2 (fr)")
    french.get_by_label("Description").fill("La rivière déborde; évacuez le quartier.")
    page.get_by_role("button", name="Issue the update").click()

    conflict = page.get_by_role("alert")
    expect(conflict).to_contain_text("Changed by someone else.")
    expect(conflict).to_contain_text("version 2")
    expect(page.get_by_role("heading", name=f"Update “{event}” (version 2)")).to_be_visible()
    expect(page.get_by_role("region", name=f"Alert: {event}").locator("[data-fact=version]")).to_have_text(
        "2"
    )
    # What the second wrote is kept; what they left alone shows the first one's change.
    expect(french.get_by_label("Description")).to_have_value("La rivière déborde; évacuez le quartier.")
    expect(page.get_by_role("group", name="Circle 1")).to_be_visible()
    expect(page.get_by_role("group", name="Text 1 (en)").get_by_label("Headline")).to_have_value(
        "Flood warning: evacuate the river district"
    )
    expect(
        page.get_by_role("group", name="Response types (optional)").get_by_label("Evacuate")
    ).to_be_checked()
    second.check("alerts-update-conflict")

    page.get_by_role("button", name="Issue the update").click()
    panel = page.get_by_role("region", name=f"Alert: {event}")
    expect(panel.locator("[data-fact=version]")).to_have_text("3")
    cap = panel.locator("pre[data-cap=issued]")
    expect(cap).to_contain_text("<headline>Flood warning: evacuate the river district</headline>")
    expect(cap).to_contain_text("évacuez le quartier")
    expect(cap).to_contain_text("<circle>")
    expect(cap).to_contain_text("<responseType>Evacuate</responseType>")


def test_an_alert_with_two_areas_its_times_contact_and_web_and_the_refusals_beside_them(
    console: Callable[[], Console],
) -> None:
    responder = console()
    page = open_composer(responder)
    event = unique("Storm warning")
    write_texts(page, event)
    page.get_by_role("group", name="Text 2 (fr)").get_by_label("Event in this language").fill(
        "Alerte tempête"
    )
    page.get_by_label("Type a polygon").fill("36.8, -1.3\n36.9, -1.3\n36.9, -1.2\n36.8, -1.2")
    page.get_by_role("button", name="Add the typed polygon").click()
    expect(page.get_by_label("Polygon 1: positions")).to_be_visible()

    # A second area, with a circle of its own; the first keeps its polygon.
    page.get_by_role("button", name="Add an area").click()
    expect(page.get_by_role("heading", name="Area 2 of 2")).to_be_visible()
    expect(page.get_by_text("No shape yet")).to_be_visible()
    page.get_by_label("Area description").fill("Coast")
    page.get_by_label("Centre longitude of a new circle").fill("39.6")
    page.get_by_label("Centre latitude of a new circle").fill("-4.05")
    page.get_by_label("Radius of a new circle (km)").fill("3")
    page.get_by_role("button", name="Add the typed circle").click()
    expect(page.get_by_role("group", name="Circle 1").get_by_label("Radius (km)")).to_have_value("3")
    page.get_by_role("button", name="Area 1: River district").click()
    expect(page.get_by_label("Polygon 1: positions")).to_be_visible()
    expect(page.get_by_role("group", name="Circle 1")).to_have_count(0)
    preview = page.locator("pre[data-cap=preview]")
    expect(preview).to_contain_text("<areaDesc>River district</areaDesc>")
    expect(preview).to_contain_text("<areaDesc>Coast</areaDesc>")
    expect(preview).to_contain_text("<circle>-4.05,39.6 3</circle>")

    # Onset after the expiry and a web address that is none: each refusal beside its field,
    # the contract's first, then the domain's; nothing typed is lost.
    local = "%Y-%m-%dT%H:%M"  # the datetime-local inputs, in the browser's (this machine's) zone
    now = datetime.now()
    page.get_by_label("Effective from (optional)").fill((now + timedelta(minutes=10)).strftime(local))
    page.get_by_label("Onset (optional)").fill((now + timedelta(hours=7)).strftime(local))
    contact = "River Authority duty desk, +254 20 000 0000"
    page.get_by_label("Contact (optional)").fill(contact)
    web = page.get_by_label("Web page for the public (optional; the alert's own page otherwise)")
    web.fill("not a web address")
    page.get_by_role("button", name="Issue the alert").click()
    expect(web).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#web-error")).to_be_visible()
    web.fill("https://river.example.org/storm")
    page.get_by_role("button", name="Issue the alert").click()
    onset = page.get_by_label("Onset (optional)")
    expect(onset).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#onset-error")).to_have_text("must be before expires")
    expect(page.get_by_label("Contact (optional)")).to_have_value(contact)
    expect(page.get_by_label("Area description")).to_have_value("River district")
    responder.check("alerts-refused-times")
    onset.fill((now + timedelta(hours=1)).strftime(local))
    page.get_by_role("button", name="Issue the alert").click()

    panel = page.get_by_role("region", name=f"Alert: {event}")
    cap = panel.locator("pre[data-cap=issued]")
    expect(cap).to_contain_text("<areaDesc>River district</areaDesc>")
    expect(cap).to_contain_text("<areaDesc>Coast</areaDesc>")
    expect(cap).to_contain_text("<circle>-4.05,39.6 3</circle>")
    expect(cap).to_contain_text(f"<contact>{contact}</contact>")
    expect(cap).to_contain_text("<web>https://river.example.org/storm</web>")
    expect(cap).to_contain_text("<onset>")
    expect(cap).to_contain_text("<effective>")
    responder.check("alerts-two-areas")

    # Updating it brings both areas and the fields back into the composer.
    panel.get_by_role("button", name="Update this alert in the composer").click()
    expect(page.get_by_role("button", name="Area 2: Coast")).to_be_visible()
    expect(page.get_by_label("Contact (optional)")).to_have_value(contact)
    expect(web).to_have_value("https://river.example.org/storm")
