"""Upload screening end to end: presigned POSTs of a report's media to the embedded S3, which
(unlike S3) enforces none of the POST policy; the worker deletes what breaks it, and a restart
restores only what was kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest
import requests

from tests.support import HTML, UPLOAD_SAMPLES, wait_for

from .conftest import Platform, start_platform

pytestmark = pytest.mark.e2e

MEDIA_BUCKET = "haven-local-media"
SCREENING_QUEUE = "haven-local-upload-screening"


def _aws(platform: Platform, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=f"http://127.0.0.1:{platform.aws_port}",
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def _report_with_photos(platform: Platform, count: int) -> list[dict[str, Any]]:
    submitted = requests.post(
        platform.url + "/v1/reports",
        json={
            "category": "unknown",
            "description": "Landslide: the road above the school is blocked",
            "location": {"lat": 27.7172, "lon": 85.3240},
            "media": [{"content_type": "image/jpeg", "size_bytes": 2000}] * count,
        },
        timeout=5,
    )
    assert submitted.status_code == 202, submitted.text
    return submitted.json()["uploads"]  # type: ignore[no-any-return]


def _post(upload: dict[str, Any], content: bytes) -> None:
    """What an app does with a presigned upload: a multipart POST of the fields and the file."""
    assert upload["fields"]["Content-Type"] == "image/jpeg"
    posted = requests.post(
        upload["url"], data=upload["fields"], files={"file": ("photo.jpg", content)}, timeout=30
    )
    assert posted.status_code == 204, posted.text  # the embedded S3 checks no POST policy


def _keys(platform: Platform) -> set[str]:
    listed = _aws(platform, "s3").list_objects_v2(Bucket=MEDIA_BUCKET, Prefix="reports/")
    return {obj["Key"] for obj in listed.get("Contents", [])}


def _screening_idle(platform: Platform) -> bool:
    sqs = _aws(platform, "sqs")
    url = sqs.get_queue_url(QueueName=SCREENING_QUEUE)["QueueUrl"]
    counts = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return all(value == "0" for value in counts.values())


def test_uploads_breaking_their_policy_are_deleted_and_the_rest_survive_a_restart(tmp_path: Path) -> None:
    first = start_platform(tmp_path)
    try:
        too_large, disguised, genuine = _report_with_photos(first, 3)
        # A real JPEG, one byte over the limit; an HTML page under the declared image/jpeg.
        jpeg = UPLOAD_SAMPLES["image/jpeg"]
        _post(too_large, jpeg + bytes(too_large["max_bytes"] + 1 - len(jpeg)))
        _post(disguised, HTML)
        _post(genuine, jpeg)
        kept = genuine["fields"]["key"]

        wait_for(lambda: _keys(first) == {kept} and _screening_idle(first), seconds=60)
        body = _aws(first, "s3").get_object(Bucket=MEDIA_BUCKET, Key=kept)["Body"].read()
        assert body == jpeg
    finally:
        first.stop()

    # Restored objects come back as they were kept (ADR 24): the genuine photo stays.
    second = start_platform(tmp_path)
    try:
        wait_for(lambda: _screening_idle(second), seconds=60)
        assert _keys(second) == {kept}
    finally:
        second.stop()
