"""Reporting an incident from a phone: what happens in plain words, where (the phone's location,
with its accuracy), a photo, anonymous unless the person chooses; the report reaches the
responders' triage with its photo in the media bucket, and the tracking code shown once is kept
and follows the report. The report page ships at most 100 KB of JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Route, expect

from bench.web import PUBLIC_REPORT_JS_BUDGET as REPORT_PAGE_JS_BUDGET
from tests.e2e.conftest import Platform
from tests.support import JPEG, wait_for

from .conftest import PublicApp, unique
from .public_support import locate_phone, located_app, media_keys, reports_described, write_report


def test_a_report_with_a_photo_reaches_triage_and_its_code_follows_it(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform, tmp_path: Path
) -> None:
    photo = tmp_path / "flooded-road.jpg"
    photo.write_bytes(JPEG)
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    expect(page.get_by_role("heading", level=1, name="Report an incident")).to_be_visible()
    # Anonymous unless the person chooses to leave a contact.
    expect(page.get_by_label("I want responders to be able to contact me")).not_to_be_checked()
    expect(page.get_by_label("Phone number or e-mail")).to_have_count(0)
    app.check("public-report")

    description = unique("Water up to the knees on the school road")
    write_report(app, description, photo)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Your report was sent. Thank you.")).to_be_visible()
    code = page.locator(".keep-code code").nth(1)
    expect(code).to_have_text(re.compile(r"^\S{16,}$"))
    token = code.inner_text()
    app.check("public-report-sent")

    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    assert report["anonymous"] is True
    assert report["contact"] is None
    assert report["people_affected"] == 12
    assert (report["lat"], report["lon"]) == (27.7172, 85.324)
    assert report["accuracy_m"] == 35
    assert report["category"] == "requests_or_urgent_needs"
    # The photo is in the media bucket, and the report reached triage.
    wait_for(lambda: media_keys(platform, report["report_id"]), seconds=30)
    triaged = wait_for(
        lambda: [r for r in reports_described(platform, description) if r["triage"] is not None], seconds=30
    )
    assert triaged[0]["report_id"] == report["report_id"]

    # The code is kept as a file, and its link shows how far the report has come.
    with page.expect_download() as download:
        page.get_by_role("button", name="Save as a file").click()
    kept = Path(download.value.path()).read_text(encoding="utf-8")
    assert token in kept
    assert report["report_id"] in kept
    page.get_by_role("link", name="Follow this report").click()
    expect(page.get_by_role("heading", level=1, name="Follow your report")).to_be_visible()
    expect(page.get_by_text(re.compile("^Status of your report"))).to_be_visible()
    expect(
        page.get_by_text(re.compile("^(Received|Responders have looked at it|It was added to an incident)"))
    ).to_be_visible()
    app.check("public-report-status")
    # Once the person says they kept it, the code is no longer shown anywhere.
    app.open("#/report")
    page.get_by_role("button", name="I have kept the code").click()
    expect(page.get_by_text(token)).to_have_count(0)


def test_the_report_page_ships_at_most_100_kb_of_javascript(public_app: Callable[[], PublicApp]) -> None:
    app = public_app()
    app.open("#/report")
    expect(app.page.get_by_role("button", name="Send the report")).to_be_visible()
    app.page.wait_for_load_state("networkidle")
    shipped = app.shipped(".js")
    assert 0 < shipped <= REPORT_PAGE_JS_BUDGET, f"{shipped / 1024:.1f} KB gzip"
    # The map library is not part of it: it loads only when the map is opened.
    assert not [path for path, _, _ in app.downloads if "maplibre" in path]
    with app.page.expect_response(lambda response: "/assets/maplibre-gl" in response.url):
        app.page.get_by_role("button", name="Correct it on the map").click()
    expect(app.page.get_by_role("application", name=re.compile("drag the pin"))).to_be_visible()


def test_a_refused_report_keeps_what_was_typed_and_says_which_field(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    # Nothing chosen: each missing answer is said next to its field, and nothing is sent.
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_label("What is happening?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Choose what is happening.")).to_be_visible()
    expect(
        page.get_by_text("Say where it is: use your location, the map, or type the position.")
    ).to_be_visible()
    app.check("public-report-errors")
    # The API refuses a field the page let through: its words are next to the field, the text stays.
    description = unique("Bridge cracked")
    write_report(app, description)
    page.route(
        "**/v1/reports",
        lambda route: route.fulfill(
            status=422,
            content_type="application/problem+json",
            body='{"type":"about:blank","title":"Validation failed","status":422,"detail":"the request has'
            ' invalid fields","errors":[{"field":"people_affected","message":"must be at most 10000000"}]}',
        ),
    )
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("The report was not accepted.")).to_be_visible()
    expect(page.get_by_label("How many people are affected?")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("must be at most 10000000")).to_be_visible()
    expect(page.get_by_label("What do you see?")).to_have_value(description)
    page.unroute("**/v1/reports")
    assert reports_described(platform, description) == []


def test_a_photo_the_storage_refuses_is_named_and_the_report_still_arrives(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform, tmp_path: Path
) -> None:
    photo = tmp_path / "bridge.jpg"
    photo.write_bytes(JPEG)
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    # The storage refuses the file (as S3 does a file its POST policy does not allow).
    page.route(
        f"http://127.0.0.1:{platform.aws_port}/**",
        lambda route: route.fulfill(status=400, content_type="application/xml", body="<Error/>"),
    )
    description = unique("The bridge to the camp is cracked")
    write_report(app, description, photo)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("The photo bridge.jpg was refused by the server.")).to_be_visible()
    expect(page.get_by_text(re.compile("^Your report written .* was sent"))).to_be_visible()
    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    assert media_keys(platform, report["report_id"]) == []


def test_the_report_page_has_no_horizontal_scroll_at_200_percent_zoom(
    public_app: Callable[[], PublicApp],
) -> None:
    app = public_app()
    # 200 % zoom of a 360 px phone: 180 CSS pixels across.
    app.page.set_viewport_size({"width": 180, "height": 320})
    app.open("#/report")
    expect(app.page.get_by_role("button", name="Send the report")).to_be_visible()
    assert app.page.evaluate("document.documentElement.scrollWidth") <= 180
    app.page.get_by_label("Language").select_option("ar")
    expect(app.page.get_by_role("button", name="أرسل البلاغ")).to_be_visible()
    assert app.page.evaluate("document.documentElement.scrollWidth") <= 180
    app.check("public-report-zoom-ar")


def test_the_pin_on_the_map_corrects_the_phones_location(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    description = unique("Tents needed at the football ground")
    write_report(app, description)
    page.get_by_role("button", name="Correct it on the map").click()
    map_area = page.get_by_role("application", name=re.compile("drag the pin"))
    expect(map_area.locator("canvas")).to_be_visible()
    page.wait_for_timeout(500)  # the map's first frame
    box = map_area.bounding_box()
    assert box
    # Tapped a little east of where the phone said: the position follows the pin.
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2)
    expect(page.get_by_text("Location set.")).to_be_visible()
    page.get_by_text("Type the position instead").click()
    lon = float(page.get_by_label("Longitude").input_value())
    assert lon > 85.324
    app.check("public-report-map")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Your report was sent. Thank you.")).to_be_visible()
    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    assert report["lon"] == lon
    assert report["accuracy_m"] is None  # a pin put by hand has no measured accuracy


def test_a_failed_upload_is_retried_and_the_photo_lands(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform, tmp_path: Path
) -> None:
    photo = tmp_path / "camp.jpg"
    photo.write_bytes(JPEG)
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    tries: list[str] = []

    def unavailable_once(route: Route) -> None:
        tries.append(route.request.method)
        if len(tries) == 1:
            route.fulfill(status=503, content_type="application/xml", body="<Error>SlowDown</Error>")
        else:
            route.continue_()

    page.route(f"http://127.0.0.1:{platform.aws_port}/**", unavailable_once)
    description = unique("Water point broken at the camp")
    write_report(app, description, photo)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text(re.compile("^Your report written .* was sent"))).to_be_visible(timeout=20_000)
    expect(page.get_by_text("The photo camp.jpg")).to_have_count(0)
    assert tries == ["POST", "POST"]
    [report] = wait_for(lambda: reports_described(platform, description), seconds=30)
    wait_for(lambda: media_keys(platform, report["report_id"]), seconds=30)


def test_a_phone_that_cannot_keep_the_report_says_so_and_keeps_what_was_typed(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    locate_phone(phone, platform)
    app = public_app()
    # The phone's storage is off (a private window of some browsers): IndexedDB cannot be opened.
    app.page.add_init_script(
        "indexedDB.open = () => { throw new DOMException('storage is off', 'InvalidStateError'); };"
    )
    app.open("#/report")
    page = app.page
    description = unique("Road blocked by a landslide")
    write_report(app, description)
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("alert")).to_contain_text("could not be kept on this phone")
    # Nothing typed is lost, and the person can try again.
    expect(page.get_by_label("What do you see?")).to_have_value(description)
    expect(page.get_by_role("button", name="Send the report")).to_be_enabled()
    expect(page.get_by_text("Sending your report…")).to_have_count(0)
    app.check("public-report-not-kept")


def test_a_sent_report_leaves_nothing_the_person_wrote_on_the_phone(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform
) -> None:
    app = located_app(public_app, phone, platform, "#/report")
    page = app.page
    description = unique("Family trapped on a roof")
    write_report(app, description)
    page.get_by_label("I want responders to be able to contact me").check()
    page.get_by_label("Phone number or e-mail").fill("+9779812345678")
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_text("Your report was sent. Thank you.")).to_be_visible()
    # The tracking code waits on the phone until the person kept it; what they wrote does not.
    stored = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const open = indexedDB.open('haven-outbox');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
                const all = open.result.transaction('items').objectStore('items').getAll();
                all.onsuccess = () => resolve(JSON.stringify(all.result));
            };
        })"""
    )
    assert "tracking_token" in stored
    assert description not in stored
    assert "9812345678" not in stored
