"""The incident list with more incidents than one page of the API and of the screen: polls of
every page stay 304s (each page's kept cursor still valid), and the list shows 100 rows at a
time while the map has them all (ADR 0035)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Response, expect

from bench.web import _seed_into
from tests.e2e.conftest import Platform

from .conftest import Console
from .test_console import MAP_PATIENCE_MS
from .test_console_polling import LIST, POLLS_MS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SEEDED = 150  # two pages of the API (100 a page), two of the list


def test_a_long_list_polls_every_page_conditionally_and_shows_a_hundred_rows_at_a_time(
    platform: Platform, console: Callable[[], Console]
) -> None:
    _seed_into(platform, SEEDED)
    responder = console()
    responder.sign_in("responder")
    page = responder.page
    answers: list[tuple[str, bool, int]] = []  # (cursor?, If-None-Match sent?, status)

    def answered(response: Response) -> None:
        if LIST in response.url:
            request = response.request
            answers.append(("cursor=" in request.url, "if-none-match" in request.headers, response.status))

    page.on("response", answered)
    page.get_by_role("navigation").get_by_role("link", name="Incidents").click()
    the_list = page.locator(f"[data-incident-count='{SEEDED}']")
    expect(the_list).to_be_visible()
    expect(the_list.locator("caption")).to_contain_text(f"1–100 of {SEEDED} incidents")
    expect(the_list.locator("tbody tr")).to_have_count(100)
    the_map = page.get_by_role("region", name="Incident map")
    expect(the_map).to_have_attribute("data-drawn-incidents", str(SEEDED), timeout=MAP_PATIENCE_MS)

    # Both pages polled with If-None-Match, the second with the first's kept cursor: 304s, no 422.
    page.wait_for_timeout(POLLS_MS)
    polled = [(cursor, status) for cursor, conditional, status in answers if conditional]
    assert (False, 304) in polled
    assert (True, 304) in polled, "the second page's poll reused its cursor"
    assert all(status == 304 for _, status in polled), polled
    expect(page.get_by_text("The incidents could not be loaded.")).to_have_count(0)

    # The next hundred, from the keyboard: the caption says which, and takes the focus.
    page.get_by_role("navigation", name="Pages of the incident list").get_by_role(
        "button", name="Next 100"
    ).press("Enter")
    expect(the_list.locator("caption")).to_contain_text(f"101–{SEEDED} of {SEEDED} incidents")
    expect(the_list.locator("caption")).to_be_focused()
    expect(the_list.locator("tbody tr")).to_have_count(SEEDED - 100)
    expect(page.get_by_role("button", name="Next 100")).to_be_disabled()
    responder.check("incidents-second-hundred")
    page.get_by_role("button", name="Previous 100").click()
    expect(the_list.locator("tbody tr")).to_have_count(100)


def test_more_incidents_than_the_console_reads_are_said_to_be_more(
    platform: Platform, console: Callable[[], Console]
) -> None:
    _seed_into(platform, 1_001)  # past the ten pages of 100 the console reads
    responder = console()
    responder.sign_in("responder")
    page = responder.page
    page.get_by_role("navigation").get_by_role("link", name="Incidents").click()
    the_list = page.locator("[data-incident-count='1000']")
    expect(the_list).to_be_visible(timeout=MAP_PATIENCE_MS)
    # The thousand shown are not all: the screen says so and how to see the others.
    notice = page.get_by_role("status").filter(has_text="Only the first 1000 incidents are shown")
    expect(notice).to_contain_text("Narrow the filters")
    responder.check("incidents-more-than-shown")
