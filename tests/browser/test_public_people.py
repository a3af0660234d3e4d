"""A person on a phone in a crisis: says they are safe (in Spanish), is found by a relative who
misspells the name, gets news added to a sought person's record, and deletes their own record
with the code shown once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Platform

from .conftest import PublicApp, unique
from .public_pages import api, at_200_percent, choose_language, fits, unique_key, words

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_someone_says_they_are_safe_in_spanish_is_found_misspelled_and_deletes_the_record(
    public_app: Callable[[], PublicApp],
) -> None:
    es = words("es")
    family = unique("Quintanilla").split("-")[1][:6].translate(str.maketrans("0123456789", "bcdfghjklm"))
    name = f"Rosalinda {family.capitalize()} Quintanilla"
    app = public_app()
    app.open("#/people")
    page = app.page
    choose_language(page, "es")
    expect(page.get_by_role("heading", level=1, name=es["page.people.title"])).to_be_visible()

    with at_200_percent(page):
        fits(page, 180)
        app.check("public-people-es-200")

    # Registering oneself as safe: one's name, the town; the code shown once, and what it is for.
    page.get_by_label(es["people.register.kind_safe"]).check()
    page.get_by_label(es["people.register.your_name"], exact=True).fill(name)
    page.get_by_label(es["people.register.city"], exact=True).fill("Valencia")
    page.get_by_label(es["people.register.message_safe"], exact=True).fill(
        "Estoy en el albergue del polideportivo."
    )
    app.check("public-people-register-es")
    page.get_by_role("button", name=es["people.register.submit_safe"]).click()
    expect(page.get_by_role("heading", name=es["people.done.safe"].replace("{name}", name))).to_be_visible()
    expect(page.get_by_text(es["people.done.safe_noted"])).to_be_visible()
    expect(page.get_by_text(es["people.token.why"])).to_be_visible()
    expect(page.get_by_text(es["people.token.how"])).to_be_visible()
    token = page.get_by_test_id("deletion-token").inner_text()
    record = page.locator(".secret dd code").first.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name=es["ui.keep.save"]).click()
    kept = Path(download.value.path()).read_text(encoding="utf-8")
    assert f"{es['people.token.record']}: {record}" in kept
    assert f"{es['people.token.code']}: {token}" in kept
    assert len(token) >= 16
    assert record
    app.check("public-people-token-es")
    with at_200_percent(page):
        fits(page, 180)
        app.check("public-people-token-es-200")

    # A relative searches with the name misspelled (a typo in each of two words) and sees it.
    page.get_by_label(es["people.search.name"], exact=True).fill("Rosalinde Quintanila")
    page.get_by_role("button", name=es["people.search.submit"], exact=True).click()
    found = page.locator(".people-list > li").filter(has_text=name)
    expect(found).to_contain_text(es["people.status.is_note_author"])
    expect(found).to_contain_text("Valencia")
    app.check("public-people-found-es")
    fits(page, 360)

    # The person deletes the record with the number and the code; the search no longer has it.
    page.get_by_label(es["people.token.record"], exact=True).fill(record)
    page.get_by_label(es["people.token.code"], exact=True).fill("x" * 20)
    page.get_by_role("button", name=es["people.delete.submit"]).click()
    expect(page.get_by_text(es["people.delete.wrong"])).to_be_visible()
    page.get_by_label(es["people.token.code"], exact=True).fill(token)
    page.get_by_role("button", name=es["people.delete.submit"]).click()
    expect(page.get_by_text(es["people.delete.done"])).to_be_visible()
    page.get_by_role("button", name=es["people.search.submit"], exact=True).click()
    expect(page.get_by_text(es["people.search.none"])).to_be_visible()


def test_news_is_added_to_a_sought_person_and_a_missing_name_is_said_at_the_field(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    name = f"Bishnu {unique('Thapa').split('-')[1]} Thapa"
    api(
        platform,
        "POST",
        "/v1/safety/people",
        json={"full_name": name, "home_city": "Gorkha", "author": {"name": "Sita"}},
        headers={"Idempotency-Key": unique_key()},
    )
    app = public_app()
    app.open("#/people")
    page = app.page
    page.get_by_label("Someone I am looking for").check()
    page.get_by_role("button", name="Register this person").click()
    expect(page.get_by_label("Their full name", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("Write the person's name, with at least one letter.")).to_be_visible()

    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Search", exact=True).click()
    found = page.locator(".people-list > li").filter(has_text=name)
    expect(found).to_contain_text("No news yet")
    found.get_by_role("button", name=f"Add news about {name}").click()
    form = page.get_by_role("form", name=f"News about {name}")
    form.get_by_label("Your name", exact=True).fill("Hari")
    form.get_by_label("What do you know?").select_option("believed_alive")
    form.get_by_label("Your message", exact=True).fill("Seen at the school shelter this morning.")
    app.check("public-people-note")
    form.get_by_role("button", name="Send the news").click()
    expect(page.get_by_text("Thank you. Your news was added.")).to_be_visible()
    expect(found).to_contain_text("Someone has seen them alive")


def test_the_same_news_about_two_people_is_added_to_both(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    family = unique("Rai").split("-")[1]
    names = [f"Asha {family} Rai", f"Bimal {family} Rai"]
    for name in names:
        api(
            platform,
            "POST",
            "/v1/safety/people",
            json={"full_name": name, "home_city": "Dharan", "author": {"name": "Sita"}},
            headers={"Idempotency-Key": unique_key()},
        )
    app = public_app()
    app.open("#/people")
    page = app.page
    # A mother brings the same news of both her children: the same words, two records.
    for name in names:
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Search", exact=True).click()
        found = page.locator(".people-list > li").filter(has_text=name)
        found.get_by_role("button", name=f"Add news about {name}").click()
        form = page.get_by_role("form", name=f"News about {name}")
        form.get_by_label("Your name", exact=True).fill("Maya")
        form.get_by_label("What do you know?").select_option("believed_alive")
        form.get_by_label("Your message", exact=True).fill("Both are with me at the school shelter.")
        form.get_by_role("button", name="Send the news").click()
        expect(found.get_by_text("Thank you. Your news was added.")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)
    # Each record has the news, not only the first.
    for name in names:
        [person] = [
            p
            for p in api(platform, "GET", "/v1/safety/people", params={"q": name})["items"]
            if p["full_name"] == name
        ]
        assert person["latest_status"] == "believed_alive", (name, person)
