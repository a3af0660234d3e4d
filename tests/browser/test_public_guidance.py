"""A job seeker reads the guidance on a phone: the rights articles and the crisis guidance in
French, a translation not yet reviewed said so; in Spanish, which the API does not have, the text
comes in English and the page says it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from .conftest import PublicApp
from .public_pages import at_200_percent, choose_language, fits, words

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_job_seeker_reads_the_articles_and_the_crisis_guidance_in_french(
    public_app: Callable[[], PublicApp],
) -> None:
    fr = words("fr")
    app = public_app()
    app.open("#/guidance")
    page = app.page
    choose_language(page, "fr")
    expect(page.get_by_role("heading", level=1, name=fr["page.guidance.title"])).to_be_visible()
    article = page.get_by_role("link", name="Gardez votre passeport et vos papiers d'identité")
    expect(article).to_have_attribute("lang", "fr")
    app.check("public-guidance-fr")
    with at_200_percent(page):
        fits(page, 180)

    article.click()
    expect(
        page.get_by_role("heading", level=1, name="Gardez votre passeport et vos papiers d'identité")
    ).to_be_focused()
    expect(page.get_by_text(fr["guidance.pending_review"])).to_be_visible()
    expect(page.get_by_text(fr["guidance.other_language"].split("{")[0])).to_have_count(0)
    # The article's own title is the page's one h1; its Markdown is elements, bold kept.
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("article strong").first).to_have_text("doit vous les rendre")
    app.check("public-guidance-article-fr")
    fits(page, 360)
    with at_200_percent(page):
        fits(page, 180)

    page.get_by_role("link", name=fr["guidance.back"]).click()
    page.get_by_role("link", name=fr["guidance.crisis.link"]).click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_be_focused()
    expect(page.locator("article")).to_have_attribute("lang", "fr")
    assert page.locator("article li").count() > 3
    assert page.locator("article h2").count() > 3  # the guide's sections, under the page's h1
    app.check("public-guidance-crisis-fr")


def test_in_spanish_the_english_text_is_shown_and_said_to_be_english(
    public_app: Callable[[], PublicApp],
) -> None:
    es = words("es")
    app = public_app()
    app.open("#/guidance?article=keep-your-passport")
    page = app.page
    choose_language(page, "es")
    expect(
        page.get_by_role("heading", level=1, name="Keep your passport and identity documents")
    ).to_be_visible()
    expect(page.get_by_text(es["guidance.other_language"].replace("{language}", "inglés"))).to_be_visible()
    expect(page.locator("article")).to_have_attribute("lang", "en")
    app.check("public-guidance-article-es")
    # An article that does not exist says so, with the way back.
    app.open("#/guidance?article=no-such-article")
    expect(page.get_by_role("alert")).to_contain_text(es["guidance.failed"])
    expect(page.get_by_role("link", name=es["guidance.back"])).to_be_visible()
