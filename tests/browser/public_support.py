"""What the public app's browser tests share: the app open on a phone that knows where it is, a
report written in its form, the reports as responders see them through the ops API, and the
embedded S3's media bucket."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import requests
from playwright.sync_api import BrowserContext, expect

from tests.e2e.conftest import Platform

from .conftest import PublicApp

MEDIA_BUCKET = "haven-local-media"
#: Kathmandu, where the phone says it is.
KATHMANDU = {"latitude": 27.7172, "longitude": 85.324, "accuracy": 35}


def locate_phone(phone: BrowserContext, platform: Platform, where: dict[str, float] = KATHMANDU) -> None:
    """The person lets the app use the phone's location, which is ``where``."""
    phone.grant_permissions(["geolocation"], origin=platform.url)
    phone.set_geolocation(
        {"latitude": where["latitude"], "longitude": where["longitude"], "accuracy": where["accuracy"]}
    )


def located_app(
    public_app: Callable[[], PublicApp], phone: BrowserContext, platform: Platform, page: str
) -> PublicApp:
    """The app open at ``page`` (``#/report``) on a phone that lets it know where it is."""
    locate_phone(phone, platform)
    app = public_app()
    app.open(page)
    return app


def write_report(app: PublicApp, description: str, photo: Path | None = None) -> None:
    """The report form filled in as a person would: urgent needs, the phone's location, 12 people."""
    page = app.page
    page.get_by_label("What is happening?").select_option(
        label="People need help now (water, food, shelter, medicine)"
    )
    page.get_by_label("What do you see?").fill(description)
    page.get_by_role("button", name="Use my location").click()
    expect(page.get_by_text("Location found, within about 35 metres.")).to_be_visible()
    page.get_by_label("How many people are affected?").fill("12")
    if photo is not None:
        page.get_by_label("Photos").set_input_files(str(photo))
        expect(page.get_by_role("list", name="Photos chosen")).to_contain_text(photo.name)


def reports_described(platform: Platform, description: str) -> list[dict[str, Any]]:
    """Every report with ``description``, as a responder lists them (newest first, one page)."""
    auth = {"Authorization": "Bearer " + platform.token("responder")}
    answer = requests.get(platform.url + "/v1/ops/reports", params={"limit": 100}, headers=auth, timeout=5)
    assert answer.status_code == 200, answer.text
    return [r for r in answer.json()["items"] if r["description"] == description]


def media_keys(platform: Platform, report_id: str) -> list[str]:
    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{platform.aws_port}",
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    listed = s3.list_objects_v2(Bucket=MEDIA_BUCKET, Prefix="reports/")
    return [obj["Key"] for obj in listed.get("Contents", []) if report_id in obj["Key"]]
