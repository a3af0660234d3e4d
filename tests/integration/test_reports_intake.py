"""Report intake and the reporter's view through the real API app, on mocked AWS."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
import pytest
from chalice.test import Client

VALID: dict[str, Any] = {
    "category": "unknown",
    "description": "Water is rising fast in the street, cars are floating",
    "location": {"lat": 51.5072, "lon": -0.1276, "accuracy_m": 25},
    "people_affected": 12,
    "language": "en",
    "contact": "+44 7700 900123",
    "media": [{"content_type": "image/jpeg", "size_bytes": 2_000_000}],
}


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _post(client: Any, body: Any, **headers: str) -> Any:
    return client.http.post(
        "/v1/reports",
        headers={"Content-Type": "application/json", **headers},
        body=json.dumps(body),
    )


def _queued() -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    messages = sqs.receive_message(
        QueueUrl=os.environ["HAVEN_QUEUE_REPORT_INTAKE"], MaxNumberOfMessages=10
    ).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_submit_answers_202_with_token_and_bounded_upload(client: Any) -> None:
    response = _post(client, VALID)
    assert response.status_code == 202
    body = response.json_body
    assert body["status"] == "received"
    assert len(body["tracking_token"]) >= 32
    [upload] = body["uploads"]
    assert upload["method"] == "POST"
    assert upload["fields"]["Content-Type"] == "image/jpeg"
    assert upload["fields"]["key"] == f"reports/{body['report_id']}/0"
    policy = json.loads(__import__("base64").b64decode(upload["fields"]["policy"]))
    assert ["content-length-range", 1, 10 * 1024 * 1024] in policy["conditions"]
    assert _queued() == [{"report_id": body["report_id"]}]


def test_reporter_sees_status_with_token_only(client: Any) -> None:
    body = _post(client, VALID).json_body
    ok = client.http.get(f"/v1/reports/{body['report_id']}?token={body['tracking_token']}")
    assert ok.status_code == 200
    assert ok.json_body == {
        "report_id": body["report_id"],
        "status": "received",
        "received_at": ok.json_body["received_at"],
    }
    wrong = client.http.get(f"/v1/reports/{body['report_id']}?token={'x' * 32}")
    assert wrong.status_code == 404
    unknown = client.http.get(f"/v1/reports/01HZZZZZZZZZZZZZZZZZZZZZZZ?token={'x' * 32}")
    assert unknown.status_code == 404
    missing = client.http.get(f"/v1/reports/{body['report_id']}")
    assert missing.status_code == 422


def test_anonymous_report_keeps_no_contact(client: Any) -> None:
    from haven.adapters.dynamo.models.crisis import Report

    body = _post(client, {**VALID, "anonymous": True}).json_body
    assert Report.get(body["report_id"]).contact is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "aliens"}, "category"),
        ({"description": ""}, "description"),
        ({"description": "x" * 5001}, "description"),
        ({"location": {"lat": 91, "lon": 0}}, "location.lat"),
        ({"location": {"lat": 0, "lon": -181}}, "location.lon"),
        ({"location": {"lat": "12", "lon": 0}}, "location.lat"),
        ({"people_affected": -1}, "people_affected"),
        ({"occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"occurred_at": "2026-01-01T00:00:00"}, "occurred_at"),
        (
            {"media": [{"content_type": "application/pdf", "size_bytes": 10}]},
            "media.0.content_type",
        ),
        ({"media": [{"content_type": "image/png", "size_bytes": 10**9}]}, "media.0"),
        ({"media": [{"content_type": "image/png", "size_bytes": 1}] * 5}, "media"),
        ({"language": "English!"}, "language"),
        ({"unexpected": True}, "unexpected"),
    ],
)
def test_invalid_reports_name_the_field(client: Any, change: dict[str, Any], field: str) -> None:
    response = _post(client, {**VALID, **change})
    assert response.status_code == 422, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert field in {e["field"] for e in response.json_body["errors"]}
    assert _queued() == []


def test_numbers_too_small_to_store_are_kept_at_their_meaningful_precision(client: Any) -> None:
    """DynamoDB cannot hold 1.53e-137: a coordinate is kept to 7 decimals, an accuracy to 0.1 m."""
    body = {**VALID, "location": {"lat": 1.53e-137, "lon": -4.9e-324, "accuracy_m": 1e-200}}
    response = _post(client, body)
    assert response.status_code == 202, response.body
    table = os.environ["HAVEN_TABLE_PREFIX"] + "-reports"
    item = boto3.client("dynamodb").get_item(
        TableName=table, Key={"report_id": {"S": response.json_body["report_id"]}}
    )["Item"]
    assert [float(item[k]["N"]) for k in ("lat", "lon", "accuracy_m")] == [0.0, 0.0, 0.0]


def test_retried_submission_never_creates_a_second_report(client: Any) -> None:
    from haven.adapters.dynamo.models.crisis import Report

    key = {"Idempotency-Key": "d6a7c1f0-5a1e-4a53-8f55-1c1d3a0e2b11"}
    first = _post(client, VALID, **key)
    second = _post(client, VALID, **key)
    assert first.status_code == second.status_code == 202
    assert first.json_body == second.json_body
    assert sum(1 for _ in Report.scan()) == 1
    assert len(_queued()) == 1
    other = _post(client, {**VALID, "people_affected": 13}, **key)
    assert other.status_code == 422
