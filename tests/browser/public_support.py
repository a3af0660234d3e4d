"""What the public app's browser tests share: the phone's location, the reports as responders
see them through the ops API, and the embedded S3's media bucket."""

from __future__ import annotations

from typing import Any

import boto3
import requests
from playwright.sync_api import BrowserContext

from tests.e2e.conftest import Platform

MEDIA_BUCKET = "haven-local-media"
#: Kathmandu, where the phone says it is.
KATHMANDU = {"latitude": 27.7172, "longitude": 85.324, "accuracy": 35}


def locate_phone(phone: BrowserContext, platform: Platform, where: dict[str, float] = KATHMANDU) -> None:
    """The person lets the app use the phone's location, which is ``where``."""
    phone.grant_permissions(["geolocation"], origin=platform.url)
    phone.set_geolocation(
        {"latitude": where["latitude"], "longitude": where["longitude"], "accuracy": where["accuracy"]}
    )


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
