"""A migrant worker complains about a recruiter from a phone: in Arabic, anonymously, and follows
the complaint with the code shown once; a failed submit loses nothing typed (even across a
reload) and a refusal is said at its field; evidence files are sent one by one, a failed one
retried alone, against the recruiter picked from the roster."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Route, expect

from tests.e2e.conftest import Platform

from .conftest import PublicApp, unique
from .public_pages import api, at_200_percent, choose_language, fits, words
from .test_public_recruiters import roster_recruiter

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n% a receipt\n"


def test_a_complaint_filed_in_arabic_is_followed_by_its_code(public_app: Callable[[], PublicApp]) -> None:
    ar = words("ar")
    app = public_app()
    app.open("#/complain")
    page = app.page
    choose_language(page, "ar")
    expect(page.get_by_role("heading", level=1, name=ar["page.complain.title"])).to_be_visible()
    page.get_by_label(ar["complaints.recruiter.name"], exact=True).fill("مكتب النور للاستقدام")
    page.get_by_label(ar["complaints.category.passport_retention"]).check()
    page.get_by_label(ar["complaints.category.recruitment_fees"]).check()
    page.get_by_label(ar["complaints.description"], exact=True).fill(
        "أخذ المكتب جواز سفري وطلب مني ٢٠٠٠ دولار قبل السفر."
    )
    page.get_by_label(ar["complaints.fees.amount"], exact=True).fill("2000")
    page.get_by_label(ar["complaints.fees.currency"], exact=True).fill("USD")
    page.get_by_label(ar["complaints.origin"], exact=True).select_option("EG")
    page.get_by_label(ar["complaints.destination"], exact=True).select_option("SA")
    page.get_by_label(ar["complaints.identity.anonymous"]).check()
    # Anonymous: no name or phone is asked, and nobody will see one.
    expect(page.get_by_label(ar["complaints.contact.name"], exact=True)).to_have_count(0)
    app.check("public-complain-ar")
    fits(page, 360)
    with at_200_percent(page):
        fits(page, 180)
    page.get_by_role("button", name=ar["complaints.submit"]).click()

    expect(page.get_by_role("heading", level=1, name=ar["complaints.filed.title"])).to_be_visible()
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){4}", code), code
    expect(page.get_by_text(ar["complaints.code.why"])).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name=ar["ui.keep.save"]).click()
    assert code in Path(download.value.path()).read_text(encoding="utf-8")
    expect(page.get_by_role("status").filter(has_text=ar["ui.keep.saved"])).to_be_visible()
    app.check("public-complain-filed-ar")
    with at_200_percent(page):
        fits(page, 180)

    # Later, the code typed as it was written down (lower case, spaces) shows the complaint.
    app.open("#/complain/status")
    page.get_by_label(ar["complaints.status.code"], exact=True).fill(code.lower().replace("-", " "))
    page.get_by_role("button", name=ar["complaints.status.submit"]).click()
    expect(page.get_by_role("heading", level=2, name=ar["complaints.public.received"])).to_be_visible()
    expect(page.get_by_text(ar["complaints.public.received.body"])).to_be_visible()
    app.check("public-complaint-status-ar")
    with at_200_percent(page):
        fits(page, 180)
    # A wrong code is said at the field.
    page.get_by_label(ar["complaints.status.code"], exact=True).fill("AAAA-BBBB-CCCC-DDDD-EEEE")
    page.get_by_role("button", name=ar["complaints.status.submit"]).click()
    expect(page.get_by_text(ar["complaints.status.unknown"])).to_be_visible()


def test_a_failed_submit_keeps_everything_typed_and_a_refusal_is_said_at_its_field(
    public_app: Callable[[], PublicApp],
) -> None:
    app = public_app()
    app.open("#/complain")
    page = app.page
    page.get_by_role("button", name="Send the complaint").click()
    # What is missing is said at each field, and nothing is sent.
    expect(
        page.get_by_text("Pick the agency from the list, or write its name (at least 2 letters).")
    ).to_be_visible()
    expect(page.get_by_text("Choose at least one thing that happened.")).to_be_visible()
    expect(page.get_by_label("Tell us what happened", exact=True)).to_have_attribute("aria-invalid", "true")
    app.check("public-complain-missing")

    page.get_by_label("Name of the agency or agent", exact=True).fill("Golden Gulf Recruiters")
    page.get_by_label("I was not paid, or paid less").check()
    page.get_by_label("Tell us what happened", exact=True).fill("No salary for three months at the site.")
    page.get_by_label("Your home country", exact=True).select_option("PH")
    page.get_by_label("Country of the job", exact=True).select_option("AE")
    page.get_by_label("Your name", exact=True).fill("Maria")
    page.get_by_label("No, hide who I am").check()
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    page.get_by_label("When did it happen?", exact=True).fill(tomorrow)

    # The network fails: what failed is said with a retry, and everything typed is still there,
    # even after the page is reloaded (the draft is in this tab's sessionStorage).
    page.route("**/v1/complaints", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Send the complaint").click()
    failure = page.get_by_role("alert").filter(has_text="Your complaint was not sent.")
    expect(failure).to_contain_text("There is no network connection.")
    expect(failure.get_by_role("button", name="Try again")).to_be_visible()
    page.unroute("**/v1/complaints")
    page.reload()
    expect(page.get_by_label("Tell us what happened", exact=True)).to_have_value(
        "No salary for three months at the site."
    )
    expect(page.get_by_label("Name of the agency or agent", exact=True)).to_have_value(
        "Golden Gulf Recruiters"
    )
    expect(page.get_by_label("I was not paid, or paid less")).to_be_checked()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('complaint'))") == []

    # The API refuses a date in the future: said at the date, in the app's words.
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_text("Write a date that is not in the future.")).to_be_visible()
    expect(page.get_by_label("When did it happen?", exact=True)).to_have_attribute("aria-invalid", "true")
    app.check("public-complain-refused")
    page.get_by_label("When did it happen?", exact=True).fill("2026-10-01")
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("heading", level=1, name="Your complaint was sent")).to_be_visible()
    # Filed: the draft is gone from the tab.
    assert page.evaluate("sessionStorage.getItem('haven.complaint-draft')") is None


def test_evidence_files_are_sent_one_by_one_and_a_failed_one_is_retried_alone(
    public_app: Callable[[], PublicApp], platform: Platform
) -> None:
    name = f"Lumbini {unique('Jobs').split('-')[1]} Overseas"
    org = roster_recruiter(platform, name, unique("DoFE").upper())
    app = public_app()
    app.open("#/complain")
    page = app.page
    page.get_by_label("Search the agency by name", exact=True).fill(name.split()[1][:8])
    page.get_by_role("button", name="Search agencies").click()
    page.get_by_role("button", name=f"This one: {name}").click()
    expect(page.get_by_text(f"Complaint about: {name}")).to_be_visible()
    page.get_by_label("They made me pay to get the job").check()
    page.get_by_label("Tell us what happened", exact=True).fill(
        "They took 1500 USD for the visa, see the receipt."
    )
    page.get_by_label("Your home country", exact=True).select_option("NP")
    page.get_by_label("Country of the job", exact=True).select_option("QA")
    page.get_by_label("I want to stay anonymous").check()
    chosen: list[FilePayload] = [
        {"name": "receipt.png", "mimeType": "image/png", "buffer": PNG},
        {"name": "contract.pdf", "mimeType": "application/pdf", "buffer": PDF},
        {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"notes"},
    ]
    page.get_by_label("Photos or papers (evidence)").set_input_files(chosen)
    files = page.locator(".file-list li")
    expect(files.filter(has_text="notes.txt")).to_contain_text("This kind of file cannot be sent.")
    app.check("public-complain-files")
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_text("Please check the parts marked in red.")).to_be_visible()
    page.get_by_role("button", name="Remove notes.txt").click()

    # The API's presigned POSTs are replaced by this origin's, to make the first try of the receipt
    # fail (the real bucket is another origin, allowed by the page's CSP in AWS and locally).
    tries: dict[str, int] = {}
    filed: dict[str, str] = {}

    def file_complaint(route: Route) -> None:
        answer = route.fetch()
        body = answer.json()
        filed["complaint_id"] = body["complaint_id"]
        for n, upload in enumerate(body["uploads"]):
            upload["url"] = f"{platform.url}/test-uploads/{n}"
        route.fulfill(response=answer, body=json.dumps(body))

    def upload(route: Route) -> None:
        n = route.request.url.rsplit("/", 1)[1]
        tries[n] = tries.get(n, 0) + 1
        assert b'name="file"' in (route.request.post_data_buffer or b"")
        route.fulfill(status=503 if (n, tries[n]) == ("0", 1) else 204)

    page.route("**/v1/complaints", file_complaint)
    page.route("**/test-uploads/*", upload)
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("heading", level=1, name="Your complaint was sent")).to_be_visible()
    expect(files.filter(has_text="contract.pdf")).to_contain_text("Sent")
    receipt = files.filter(has_text="receipt.png")
    expect(receipt).to_contain_text("Not sent. Check your connection and try again.")
    app.check("public-complain-upload-failed")
    receipt.get_by_role("button", name="Send receipt.png again").click()
    expect(receipt).to_contain_text("Sent")
    assert tries == {"0": 2, "1": 1}

    # Filed against the recruiter picked from the roster, with two files declared.
    staff = api(platform, "GET", f"/v1/admin/complaints/{filed['complaint_id']}", platform.token("auditor"))
    assert staff["recruiter"]["recruiter_id"] == org


def test_a_complaint_whose_answer_was_lost_is_filed_once_even_after_a_reload(
    public_app: Callable[[], PublicApp],
) -> None:
    app = public_app()
    app.open("#/complain")
    page = app.page
    page.get_by_label("Name of the agency or agent", exact=True).fill(unique("Lost Answer Agency"))
    page.get_by_label("I was not paid, or paid less").check()
    page.get_by_label("Tell us what happened", exact=True).fill("No salary for two months, then sent home.")
    page.get_by_label("Your home country", exact=True).select_option("NP")
    page.get_by_label("Country of the job", exact=True).select_option("QA")
    page.get_by_label("No, hide who I am").check()
    # The complaint reaches the API and is filed; its answer is lost on the way back.
    first: list[dict[str, str]] = []

    def lose_first_answer(route: Route) -> None:
        if first:
            route.continue_()
            return
        first.append(route.fetch().json())
        route.abort("internetdisconnected")

    page.route("**/v1/complaints", lose_first_answer)
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("alert").filter(has_text="Your complaint was not sent.")).to_be_visible()
    # The person reloads the page and sends again: the same complaint, not a second one.
    page.reload()
    page.get_by_role("button", name="Send the complaint").click()
    expect(page.get_by_role("heading", level=1, name="Your complaint was sent")).to_be_visible()
    assert page.get_by_test_id("tracking-code").inner_text().strip() == first[0]["tracking_code"]
    assert page.evaluate("sessionStorage.getItem('haven.complaint-key')") is None
