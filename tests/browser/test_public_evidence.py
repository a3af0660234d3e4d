"""A researcher reads the displacement evidence on a phone: reports of families evacuated near
Paris (enough to publish) and near Nairobi (too few) become a month chart and a map by country and
hazard with their tables; Kenya's cell is said as suppressed, never as zero; the HXL CSV and the
JSON are linked with how to cite them (here in French)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import Platform
from tests.support import wait_for

from .conftest import PublicApp
from .public_pages import api, at_200_percent, choose_language, fits, unique_key, words

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

EVACUATED = "Flood: families evacuated from their homes, the river is rising"
DISPLACED = "displaced_people_and_evacuations"


def _report(platform: Platform, lat: float, lon: float, people: int) -> None:
    api(
        platform,
        "POST",
        "/v1/reports",
        json={
            "category": DISPLACED,
            "description": EVACUATED,
            "location": {"lat": lat, "lon": lon},
            "people_affected": people,
        },
        headers={"Idempotency-Key": unique_key()},
    )


def _displacement(platform: Platform) -> list[dict[str, Any]]:
    return api(platform, "GET", "/v1/evidence/displacement?group_by=country,hazard")["items"]  # type: ignore[no-any-return]


def test_the_evidence_shows_a_small_cell_as_suppressed_never_as_zero_in_french(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    for n in range(6):  # one incident of six reports near Paris: published
        _report(platform, 48.85 + n * 0.001, 2.35, 10)
    for n in range(2):  # one of two reports near Nairobi: too few, suppressed
        _report(platform, -1.29 + n * 0.001, 36.82, 3)

    def published() -> list[dict[str, Any]]:
        found = _displacement(platform)
        paris = [r for r in found if r["country"] == "FRA"]
        nairobi = [r for r in found if r["country"] == "KEN"]
        return found if paris and nairobi and paris[0]["reports"] == 6 else []

    rows = wait_for(published, seconds=60)
    assert next(r for r in rows if r["country"] == "KEN")["suppressed"] is True

    fr = words("fr")
    app = public_app()
    app.open("#/evidence")
    page = app.page
    choose_language(page, "fr")
    expect(page.get_by_role("heading", level=1, name=fr["page.evidence.title"])).to_be_visible()
    expect(page.get_by_role("img", name=fr["evidence.chart.title"])).to_be_visible()

    # By country: France's figures, Kenya suppressed (not 0), on the map and in its table.
    table = page.get_by_role(
        "table", name=fr["evidence.table.countries"].replace("{hazard}", fr["evidence.hazard.flood"])
    )
    france = table.get_by_role("row", name="France")
    expect(france).to_contain_text("60")
    expect(france).to_contain_text("6")
    kenya = table.get_by_role("row", name="Kenya")
    expect(kenya).to_contain_text(fr["evidence.suppressed"])
    assert "0" not in kenya.inner_text().replace(fr["evidence.suppressed"], "")
    expect(page.locator(".map svg path title", has_text="Kenya")).to_have_text(
        f"Kenya: {fr['evidence.suppressed']}"
    )
    expect(page.locator(".map svg path", has=page.locator("title", has_text="Kenya"))).to_have_attribute(
        "fill", "url(#map-hatch)"
    )
    # By month: the month sums both incidents (8 reports), so it is published.
    months = page.get_by_role("table", name=fr["evidence.table.months"])
    expect(months.locator("td", has_text="66")).to_have_count(1)
    app.check("public-evidence-fr")
    fits(page, 360)
    with at_200_percent(page):
        fits(page, 180)
        app.check("public-evidence-fr-200")

    # The downloads are the API's: the CSV carries its HXL row; the citation names the address.
    csv_link = page.get_by_role("link", name=fr["evidence.download.csv"])
    href = csv_link.get_attribute("href") or ""
    answer = requests.get(platform.url + href, timeout=10)
    assert answer.headers["Content-Type"].startswith("text/csv")
    hashtags = list(csv.reader(io.StringIO(answer.text)))[1]
    assert "#affected+displaced+num" in hashtags
    assert "#meta+suppressed" in hashtags
    json_href = page.get_by_role("link", name=fr["evidence.download.json"]).get_attribute("href") or ""
    assert requests.get(platform.url + json_href, timeout=10).json()["items"]
    expect(page.locator(".citation")).to_contain_text(platform.url + href)
