"""Upload screening as Lambda runs it: S3 "Object Created" events, routed from the default bus
to the worker's queue, on versioned buckets as deployed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from haven import ids
from haven.resources import STORAGE_RULES, bucket_env, function, queue
from tests.support import HTML, UPLOAD_SAMPLES, published_events

SCHEMA = Path(__file__).resolve().parents[2] / "events" / "schemas" / "upload.rejected.json"
MiB = 1024 * 1024
[RULE] = STORAGE_RULES


@pytest.fixture
def s3(aws: None) -> Any:
    """The upload buckets versioned, as the CDK app creates them."""
    client = boto3.client("s3")
    for name in RULE.buckets:
        client.put_bucket_versioning(
            Bucket=os.environ[bucket_env(name)], VersioningConfiguration={"Status": "Enabled"}
        )
    return client


def put(s3: Any, bucket: str, key: str, body: bytes, content_type: str) -> dict[str, Any]:
    """Store an object as an upload would; the EventBridge event S3 sends for it."""
    physical = os.environ[bucket_env(bucket)]
    stored = s3.put_object(Bucket=physical, Key=key, Body=body, ContentType=content_type)
    return object_created(physical, key, len(body), stored.get("VersionId", "null"))


def object_created(physical_bucket: str, key: str, size: int, version_id: str) -> dict[str, Any]:
    """An ``Object Created`` event as S3 sends it to EventBridge (AWS documentation's shape)."""
    return {
        "version": "0",
        "id": ids.new_id(),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2026-11-28T10:00:00Z",
        "region": "eu-west-1",
        "resources": [f"arn:aws:s3:::{physical_bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": physical_bucket},
            "object": {
                "key": key,
                "size": size,
                "etag": "0" * 32,
                "version-id": version_id,
                "sequencer": "0",
            },
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "source-ip-address": "203.0.113.7",
            "reason": "POST Object",
        },
    }


def deliver(*events: dict[str, Any]) -> dict[str, Any]:
    """The events as the storage rule puts them on the worker's queue, one SQS record each."""
    from functions.upload_screening import handler
    from local.dispatcher import sqs_event
    from local.lambda_context import LambdaContext

    assert function(queue(RULE.target_queue).consumer).module == "functions.upload_screening.handler"
    messages = [{"MessageId": ids.new_id(), "ReceiptHandle": "r", "Body": json.dumps(e)} for e in events]
    sqs = sqs_event(messages, f"arn:aws:sqs:eu-west-1:123456789012:{RULE.target_queue}")
    return handler.handler(sqs, LambdaContext("upload-screening"))  # type: ignore[no-any-return]


def versions(s3: Any, bucket: str, key: str) -> list[str]:
    """Every version and delete marker of ``key``: a rejected object leaves neither."""
    listed = s3.list_object_versions(Bucket=os.environ[bucket_env(bucket)], Prefix=key)
    return [
        v["VersionId"]
        for v in (*listed.get("Versions", []), *listed.get("DeleteMarkers", []))
        if v["Key"] == key
    ]


def rejections() -> list[dict[str, Any]]:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())
    found = []
    for event in published_events():
        assert (event["source"], event["detail-type"]) == ("haven.uploads", "upload.rejected")
        validator.validate(event["detail"])
        found.append(event["detail"])
    return found


def test_bad_uploads_are_deleted_for_good_and_reported_good_ones_stay(s3: Any) -> None:
    report, person, complaint, application = (ids.new_id() for _ in range(4))
    good = [
        ("media", f"reports/{report}/0", UPLOAD_SAMPLES["image/jpeg"], "image/jpeg"),
        ("media", f"reports/{report}/1", UPLOAD_SAMPLES["video/mp4"], "video/mp4"),
        ("evidence", f"accreditation/{application}/A", UPLOAD_SAMPLES["application/pdf"], "application/pdf"),
    ]
    oversized_photo = UPLOAD_SAMPLES["image/png"] + bytes(5 * MiB)
    bad = [
        ("media", f"reports/{report}/2", HTML, "image/jpeg", "content_mismatch"),
        ("safety-photos", f"photos/00000000001/{person}", oversized_photo, "image/png", "too_large"),
        (
            "complaint-evidence",
            f"complaints/{complaint}/0",
            UPLOAD_SAMPLES["video/mp4"],
            "video/mp4",
            "type_not_allowed",
        ),
        ("evidence", f"accreditation/{application}/B", b"", "application/pdf", "empty"),
    ]
    kept = {(bucket, key): put(s3, bucket, key, body, type_) for bucket, key, body, type_ in good}
    removed = {(bucket, key, why): put(s3, bucket, key, body, type_) for bucket, key, body, type_, why in bad}
    everything = [*kept.values(), *removed.values()]
    assert deliver(*everything) == {"batchItemFailures": []}

    for (bucket, key), event in kept.items():
        assert versions(s3, bucket, key) == [event["detail"]["object"]["version-id"]]
    for bucket, key, _ in removed:
        assert versions(s3, bucket, key) == []
    rejected = rejections()
    assert {(r["bucket"], r["key"], r["reason"]) for r in rejected} == set(removed)
    for detail in rejected:
        created = removed[(detail["bucket"], detail["key"], detail["reason"])]["detail"]["object"]
        assert (detail["version_id"], detail["size_bytes"]) == (created["version-id"], created["size"])

    # Redelivered (at least once): nothing more is deleted, and nothing is published twice.
    assert deliver(*everything) == {"batchItemFailures": []}
    assert rejections() == []
    for (bucket, key), event in kept.items():
        assert versions(s3, bucket, key) == [event["detail"]["object"]["version-id"]]


def test_only_the_announced_version_is_screened_and_deleted(s3: Any) -> None:
    key = f"reports/{ids.new_id()}/0"
    disguised = put(s3, "media", key, HTML, "image/jpeg")
    genuine = put(s3, "media", key, UPLOAD_SAMPLES["image/jpeg"], "image/jpeg")

    assert deliver(disguised, genuine) == {"batchItemFailures": []}
    assert versions(s3, "media", key) == [genuine["detail"]["object"]["version-id"]]
    got = s3.get_object(Bucket=os.environ[bucket_env("media")], Key=key)
    assert got["Body"].read() == UPLOAD_SAMPLES["image/jpeg"]
    assert [r["reason"] for r in rejections()] == ["content_mismatch"]


def test_in_a_bucket_without_versioning_the_object_is_deleted_by_its_key(aws: None) -> None:
    """Local mode's buckets: S3 calls the only version ``null``."""
    s3 = boto3.client("s3")
    key = f"reports/{ids.new_id()}/0"
    event = put(s3, "media", key, HTML, "image/png")
    assert event["detail"]["object"]["version-id"] == "null"

    assert deliver(event) == {"batchItemFailures": []}
    assert s3.list_objects_v2(Bucket=os.environ[bucket_env("media")], Prefix=key)["KeyCount"] == 0
    [rejected] = rejections()
    assert (rejected["reason"], rejected["version_id"]) == ("content_mismatch", None)


def test_an_event_of_a_bucket_outside_the_rule_fails_its_record(s3: Any) -> None:
    """A rule and grants that disagree are a configuration error: retried, then the DLQ alarms."""
    outside = object_created(os.environ[bucket_env("exports")], "exports/x.csv", 10, "v1")
    inside = put(s3, "media", f"reports/{ids.new_id()}/0", UPLOAD_SAMPLES["image/webp"], "image/webp")
    result = deliver(outside, inside)
    assert len(result["batchItemFailures"]) == 1
    assert rejections() == []
