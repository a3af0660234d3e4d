"""The public app's shell on a phone: the home page lists every page, each page opens by its link,
the language follows the browser and can be switched (Arabic right to left), and an unknown
address says so with a way home."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import expect

from .conftest import PublicApp

PAGES = (
    "Report an incident",
    "Follow your report",
    "Alerts",
    "Find people, or say you are safe",
    "Check a recruiter",
    "Complain about a recruiter",
    "Follow your complaint",
    "Guidance for job seekers",
    "Displacement evidence",
)


def test_a_visitor_finds_every_page_from_home(public_app: Callable[[], PublicApp]) -> None:
    app = public_app()
    app.open()
    page = app.page
    expect(page.get_by_role("heading", level=1, name="What do you need?")).to_be_visible()
    app.check("public-home")
    for title in PAGES:
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_focused()
        page.get_by_role("link", name="Haven").click()
        expect(page.get_by_role("heading", level=1, name="What do you need?")).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_language_is_switched_and_remembered_arabic_right_to_left(
    public_app: Callable[[], PublicApp],
) -> None:
    app = public_app()
    app.open()
    page = app.page
    page.get_by_label("Language").select_option("ar")
    expect(page.get_by_role("heading", level=1, name="ماذا تحتاج؟")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    app.check("public-home-ar")
    page.reload()
    expect(page.get_by_role("heading", level=1, name="ماذا تحتاج؟")).to_be_visible()
    page.get_by_label("اللغة").select_option("fr")
    expect(page.get_by_role("heading", level=1, name="De quoi avez-vous besoin ?")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")


def test_an_unknown_address_says_so_and_leads_home(public_app: Callable[[], PublicApp]) -> None:
    app = public_app()
    app.open("#/nowhere")
    page = app.page
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    app.check("public-not-found")
    page.get_by_role("link", name="Go to the home page").click()
    expect(page.get_by_role("heading", level=1, name="What do you need?")).to_be_visible()
