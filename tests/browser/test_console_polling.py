"""The responder's live list, read again every few seconds: an unchanged list costs a 304 per
page, and what is on screen stays as it was (ADR 0031)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests
from playwright.sync_api import Request, Response, expect

from tests.e2e.conftest import Platform
from tests.support import wait_for

from .conftest import Console
from .test_console import MAP_PATIENCE_MS, incident_with, report

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

#: The console polls every 5 s (web/src/console/vocabulary.ts): two polls and some slack.
POLLS_MS = 15_000
LIST = "/v1/ops/incidents"


def test_the_live_list_asks_if_changed_and_keeps_the_screen_on_a_304(
    platform: Platform, console: Callable[[], Console]
) -> None:
    report(platform, "Landslide: the hillside came down on the road to the school", -0.4167, 36.9500)
    incident = incident_with(platform, "landslide", reports=1)
    responder = console()
    responder.sign_in("responder")
    page = responder.page
    asked: list[tuple[str | None, int]] = []  # (If-None-Match sent, status answered) per poll

    def answered(response: Response) -> None:
        if LIST in response.url:
            asked.append((response.request.headers.get("if-none-match"), response.status))

    page.on("response", answered)
    page.get_by_role("navigation").get_by_role("link", name="Incidents").click()
    row = page.locator(f"tr[data-incident-id='{incident['incident_id']}']")
    expect(row).to_be_visible()
    the_map = page.get_by_role("region", name="Incident map")
    expect(the_map).to_have_attribute("data-drawn-incidents", "1", timeout=MAP_PATIENCE_MS)
    assert asked[0][0] is None, "the first read of the list is unconditional"

    # A keyboard user is on the row's link while the console polls; every change to the list or
    # the map (a row, a cell, the map's drawn count) is recorded from here on.
    row.get_by_role("link").focus()
    page.evaluate(
        "() => { window.mutations = 0; new MutationObserver(r => { window.mutations += r.length; })"
        ".observe(document.querySelector('.incidents-layout'),"
        " {subtree: true, childList: true, attributes: true, characterData: true}); }"
    )

    def not_modified(request: Request) -> bool:
        return LIST in request.url and request.headers.get("if-none-match") is not None

    with page.expect_request(not_modified, timeout=POLLS_MS) as poll:
        pass
    with page.expect_response(lambda r: r.request == poll.value, timeout=POLLS_MS) as polled:
        pass
    assert polled.value.status == 304
    assert polled.value.request.headers["if-none-match"] == polled.value.headers["etag"]
    page.wait_for_timeout(500)  # what a 304 would render, had it rendered anything
    assert page.evaluate("window.mutations") == 0, "a 304 poll changed the screen"
    expect(row.get_by_role("link")).to_be_focused()
    expect(page.locator("tbody tr")).to_have_count(1)

    # A new incident: the next poll is answered in full and the row appears without a reload.
    report(platform, "Landslide: mud and rocks blocked the river near the bridge", 10.5, -66.9)
    auth = {"Authorization": "Bearer " + platform.token("responder")}

    def another() -> str | None:
        listed = requests.get(platform.url + LIST, params={"hazard": "landslide"}, headers=auth, timeout=5)
        ids = {item["incident_id"] for item in listed.json()["items"]} - {incident["incident_id"]}
        return ids.pop() if ids else None

    second = wait_for(another, seconds=30)
    expect(page.locator(f"tr[data-incident-id='{second}']")).to_be_visible(timeout=POLLS_MS)
    expect(page.locator("tbody tr")).to_have_count(2)
    conditional = [status for sent, status in asked if sent is not None]
    assert 304 in conditional
    assert 200 in conditional, "a changed list is sent whole to a conditional poll"
    responder.check("incidents-after-polls")
