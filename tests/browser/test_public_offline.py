"""The public app offline first: installable (a valid manifest, a service worker controlling the
page, Chromium's own installability check clean), it starts with no network after one visit,
and a report written offline waits on the phone — through a reload — and arrives exactly once
when the network is back; a report whose answer was lost on the way is not sent twice."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable

import requests
from playwright.sync_api import BrowserContext, Page, Route, expect

from local.static_site import WEB_ROOT
from tests.e2e.conftest import Platform
from tests.support import wait_for

from .conftest import PublicApp, unique
from .public_support import located_app, reports_described, write_report


def controlled(page: Page) -> None:
    """Waits until the service worker controls the page (it takes over on its first install)."""
    for _ in range(100):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no service worker controls the page")


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_the_app_is_installable_and_starts_offline_after_one_visit(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = public_app()
    app.open()
    page = app.page
    expect(page.get_by_role("heading", level=1, name="What do you need?")).to_be_visible()
    controlled(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == platform.url + "/"

    manifest = requests.get(platform.url + "/manifest.webmanifest", timeout=5)
    assert manifest.headers["Content-Type"] == "application/manifest+json"
    declared = manifest.json()
    assert declared["name"] == "Haven"
    assert declared["short_name"] == "Haven"
    assert declared["start_url"] == "/"
    assert declared["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", declared["theme_color"])
    sizes = set()
    for icon in declared["icons"]:
        content = requests.get(platform.url + icon["src"], timeout=5)
        assert content.status_code == 200, icon
        assert content.headers["Content-Type"] == icon["type"]
        if icon["type"] == "image/png":
            width, height = png_size(content.content)
            assert f"{width}x{height}" == icon["sizes"]
            sizes.add(width)
    assert {192, 512} <= sizes
    worker = requests.get(platform.url + "/sw.js", timeout=5)
    assert worker.headers["Cache-Control"] == "no-cache"
    assert worker.headers["Service-Worker-Allowed"] == "/"

    # Chromium's own verdict: the manifest parses and nothing stops installing the app.
    cdp = phone.new_cdp_session(page)
    parsed = cdp.send("Page.getAppManifest")
    assert parsed["errors"] == [], parsed["errors"]
    assert json.loads(parsed["data"])["name"] == "Haven"
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []

    # No network: the app still opens, every page of it, from the worker's cache.
    phone.set_offline(True)
    try:
        offline = phone.new_page()
        offline.goto(platform.url + "/#/alerts")
        expect(offline.get_by_role("heading", level=1, name="Alerts")).to_be_visible()
        offline.goto(platform.url + "/#/report")
        expect(offline.get_by_role("button", name="Send the report")).to_be_visible()
        # The API is never answered from the cache: offline, the alerts cannot load.
        offline.goto(platform.url + "/#/alerts")
        expect(offline.get_by_text("The alerts could not be loaded.")).to_be_visible()
    finally:
        phone.set_offline(False)


def test_a_report_written_offline_survives_a_reload_and_arrives_once_online(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    controlled(page)
    phone.set_offline(True)
    description = unique("Landslide blocks the road to the health post")
    write_report(app, description)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("No network now: your report is kept on this phone")).to_be_visible()
    expect(page.get_by_text(re.compile("^Your report written .* is waiting to be sent"))).to_be_visible()
    app.check("public-report-offline")

    # The phone's browser is closed and opened again, still offline: the report is still waiting.
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Report an incident")).to_be_visible()
    expect(page.get_by_text(re.compile("^Your report written .* is waiting to be sent"))).to_be_visible()
    assert reports_described(platform, description) == []

    phone.set_offline(False)
    # Sent at the "online" event (or, at the latest, at its next retry).
    expect(page.get_by_text(re.compile("^Your report written .* was sent"))).to_be_visible(timeout=20_000)
    expect(page.locator(".keep-code")).to_have_count(1)
    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    assert report["lat"] == 27.7172
    # Another start of the app sends nothing again.
    page.reload()
    expect(page.get_by_text(re.compile("^Your report written .* was sent"))).to_be_visible()
    page.wait_for_timeout(3000)
    assert len(reports_described(platform, description)) == 1


def test_a_report_whose_answer_was_lost_is_not_sent_twice(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    keys: list[str] = []

    def lose_the_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the API receives the report and accepts it ...
            route.abort("connectionreset")  # ... but the phone never hears back
        else:
            route.continue_()

    page.route("**/v1/reports", lose_the_first_answer)
    description = unique("Three families sleeping outside the school")
    write_report(app, description)
    page.get_by_role("button", name="Send the report").click()
    # Not heard back: kept and retried by itself, with the same key; the API answers it as before.
    expect(page.get_by_text(re.compile("^Your report written .* was sent"))).to_be_visible(timeout=30_000)
    assert len(keys) >= 2
    assert set(keys) == {keys[0]}
    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    assert report["description"] == description


def test_a_new_version_waits_for_the_person_then_replaces_the_old_one(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    app = public_app()
    app.open("#/report")
    page = app.page
    controlled(page)
    assert len(page.evaluate("() => caches.keys()")) == 1
    # A new build: the same worker with another version (the build hashes every file into it).
    # Written where the gateway serves it from (Playwright cannot route a worker's update check),
    # and put back after.
    worker = WEB_ROOT / "sw.js"
    current = worker.read_text(encoding="utf-8")
    version = re.search(r'const VERSION = "([0-9a-f]+)";', current)
    assert version, "the worker names its version"
    try:
        worker.write_text(
            current.replace(version.group(0), 'const VERSION = "0123456789abcdef";'), encoding="utf-8"
        )
        page.get_by_label("What do you see?").fill("Half written")
        page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
        # It waits: nothing changes under the person writing; the page offers the new version.
        expect(page.get_by_text("A new version of Haven is ready.")).to_be_visible()
        expect(page.get_by_label("What do you see?")).to_have_value("Half written")
        page.get_by_role("button", name="Reload now").click()
        expect(page.get_by_text("A new version of Haven is ready.")).to_have_count(0)
        expect(page.get_by_role("button", name="Send the report")).to_be_visible()
        controlled(page)
        # The old version's cache is gone; the new one serves the app.
        assert page.evaluate("() => caches.keys()") == ["haven-public-0123456789abcdef"]
    finally:
        worker.write_text(current, encoding="utf-8")


def test_a_report_refused_when_the_network_returns_still_shows_what_was_written(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    # The form is on the screen before the network goes (its code loads when the page opens).
    expect(page.get_by_label("What is happening?")).to_be_visible()
    phone.set_offline(True)
    description = unique("Shelter roof torn off in the night")
    write_report(app, description)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("No network now: your report is kept on this phone")).to_be_visible()
    # Back online, the API refuses it: the form is empty by now, but the words are not lost.
    page.route(
        "**/v1/reports",
        lambda route: route.fulfill(
            status=422,
            content_type="application/problem+json",
            body='{"type":"about:blank","title":"Validation failed","status":422,"detail":"invalid fields",'
            '"errors":[{"field":"location","message":"outside the served area"}]}',
        ),
    )
    phone.set_offline(False)
    refused = page.locator(".outbox-refused")
    expect(refused).to_contain_text("it was refused", timeout=20_000)
    refused.get_by_text("What you wrote").click()
    expect(refused.get_by_text(description)).to_be_visible()
    app.check("public-report-refused-later")
