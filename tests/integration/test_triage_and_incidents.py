"""Reports → triage worker → incidents → responders and public, on mocked AWS."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import boto3
import pytest
from chalice.test import Client

from local import tokens
from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext

FLOOD = "Flood: the river burst its banks, water is rising in the streets"


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _submit(client: Any, lat: float, lon: float, description: str = FLOOD, **extra: Any) -> dict[str, Any]:
    body = {"category": "unknown", "description": description, "location": {"lat": lat, "lon": lon}, **extra}
    response = client.http.post(
        "/v1/reports", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert response.status_code == 202, response.body
    return response.json_body  # type: ignore[no-any-return]


def _run_triage() -> dict[str, Any]:
    from functions.triage import handler as triage

    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_REPORT_INTAKE"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    )
    result = triage.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:intake"), LambdaContext("triage")
    )
    return {"messages": messages, "result": result}


def _auth(role: str = "responder") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint(role, subject=f'{role}-1')}"}


def test_responders_find_a_report_under_every_category_triage_found(client: Any) -> None:
    both = _submit(
        client, 51.5, -0.12, "Flooding: the river overflowed, we need water and food, many people are dead"
    )
    other = _submit(client, 51.6, -0.12)
    assert _run_triage()["result"] == {"batchItemFailures": []}

    def listed(**filters: str) -> set[str]:
        query = "&".join(f"{k}={v}" for k, v in {"status": "linked", **filters}.items())
        return {
            r["report_id"]
            for r in client.http.get(f"/v1/ops/reports?{query}", headers=_auth()).json_body["items"]
        }

    assert listed() == {both["report_id"], other["report_id"]}
    assert listed(category="injured_or_dead_people") == {both["report_id"]}
    assert listed(category="requests_or_urgent_needs") == {both["report_id"]}, "its second category"
    assert listed(category="displaced_people_and_evacuations") == set()
    assert listed(hazard="flood") == {both["report_id"], other["report_id"]}


def test_three_nearby_flood_reports_make_one_incident(client: Any) -> None:
    for dlat in (0.0, 0.01, 0.02):
        _submit(client, 51.50 + dlat, -0.12, people_affected=10)
    run = _run_triage()
    assert run["result"] == {"batchItemFailures": []}
    listed = client.http.get("/v1/ops/incidents?status=new", headers=_auth()).json_body
    [incident] = listed["items"]
    assert incident["hazard"] == "flood"
    assert incident["report_count"] == 3
    assert incident["people_affected"] == 30
    detail = client.http.get(f"/v1/ops/incidents/{incident['incident_id']}", headers=_auth()).json_body
    assert len(detail["reports"]) == 3
    assert all(r["triage"]["classification"]["classifier_version"] for r in detail["reports"])
    assert all(0 <= r["triage"]["credibility"]["score"] <= 1 for r in detail["reports"])


def test_different_hazards_at_one_place_make_two_incidents(client: Any) -> None:
    _submit(client, 40.0, -3.7)
    _submit(client, 40.0, -3.7, description="Fire! The building is burning, smoke everywhere")
    _run_triage()
    items = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
    assert sorted(i["hazard"] for i in items) == ["fire", "flood"]


def test_redelivered_message_never_double_counts(client: Any) -> None:
    _submit(client, 10.0, 10.0)
    run = _run_triage()
    from functions.triage import handler as triage

    again = triage.handler(sqs_event(run["messages"], "arn:x"), LambdaContext("triage"))
    assert again == {"batchItemFailures": []}
    [incident] = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
    assert incident["report_count"] == 1


def test_malformed_message_fails_only_itself(client: Any) -> None:
    from functions.triage import handler as triage

    _submit(client, 20.0, 20.0)
    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_REPORT_INTAKE"]
    sqs.send_message(QueueUrl=url, MessageBody="not json")
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"report_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ"}))
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    result = triage.handler(sqs_event(messages, "arn:x"), LambdaContext("triage"))
    assert len(result["batchItemFailures"]) == 2
    assert len(client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]) == 1


def test_patch_with_stale_version_is_409_and_public_sees_verified_only(client: Any) -> None:
    _submit(client, 48.8566, 2.3522, contact="+33 6 12 34 56 78")
    _run_triage()
    [incident] = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
    public = client.http.get("/v1/incidents").json_body
    assert public["features"] == []

    path = f"/v1/ops/incidents/{incident['incident_id']}"
    patch = {"expected_version": incident["version"], "status": "verified", "note": "confirmed by patrol"}
    ok = client.http.patch(
        path, headers={**_auth(), "Content-Type": "application/json"}, body=json.dumps(patch)
    )
    assert ok.status_code == 200, ok.body
    assert ok.json_body["status"] == "verified"
    assert ok.json_body["version"] == incident["version"] + 1
    assert ok.json_body["history"][-1]["status"] == {"from": "new", "to": "verified"}
    stale = client.http.patch(
        path,
        headers={**_auth(), "Content-Type": "application/json"},
        body=json.dumps({**patch, "status": "dismissed"}),
    )
    assert stale.status_code == 409
    assert stale.json_body["current_version"] == incident["version"] + 1
    assert client.http.get(path, headers=_auth()).json_body["status"] == "verified"

    public = client.http.get("/v1/incidents?near=48.85,2.35&radius_km=20").json_body
    [feature] = public["features"]
    lon, lat = feature["geometry"]["coordinates"]
    assert (lat, lon) != (48.8566, 2.3522)
    assert abs(lat - 48.8566) < 0.02
    text = json.dumps(public)
    assert "+33" not in text
    assert "patrol" not in text
    assert client.http.get("/v1/incidents?near=10,10&radius_km=5").json_body["features"] == []


def test_ops_routes_need_the_responder_role(client: Any) -> None:
    assert client.http.get("/v1/ops/incidents").status_code == 401
    assert client.http.get("/v1/ops/reports", headers=_auth("auditor")).status_code == 403
    assert client.http.get("/v1/ops/reports", headers=_auth("admin")).status_code == 200


def test_cursor_pages_through_and_rejects_tampering(client: Any) -> None:
    for n in range(5):
        _submit(client, -30.0 + n * 5, 120.0)
    _run_triage()
    seen: list[str] = []
    url = "/v1/ops/incidents?limit=2"
    while True:
        page = client.http.get(url, headers=_auth()).json_body
        seen.extend(i["incident_id"] for i in page["items"])
        if not page["cursor"]:
            break
        url = f"/v1/ops/incidents?limit=2&cursor={page['cursor']}"
    assert len(seen) == len(set(seen)) == 5
    first = client.http.get("/v1/ops/incidents?limit=2", headers=_auth()).json_body["cursor"]
    other_query = client.http.get(
        f"/v1/ops/incidents?limit=2&status=verified&cursor={first}", headers=_auth()
    )
    assert other_query.status_code == 422
    assert other_query.json_body["errors"][0]["field"] == "cursor"


def test_bad_query_names_the_field(client: Any) -> None:
    response = client.http.get("/v1/incidents?bbox=1,2,3")
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == "bbox"
    assert client.http.get("/v1/incidents?unknown=1").status_code == 422


def test_the_incident_list_answers_304_while_nothing_changed_at_no_extra_aws_call(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import botocore.endpoint

    calls: list[str] = []
    original = botocore.endpoint.Endpoint.make_request

    def counting(endpoint: Any, operation_model: Any, request_dict: Any) -> Any:
        calls.append(operation_model.name)
        return original(endpoint, operation_model, request_dict)

    for n in range(3):
        _submit(client, -30.0 + n * 5, 120.0)
    _run_triage()
    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", counting)
    url = "/v1/ops/incidents?limit=2"
    first = client.http.get(url, headers=_auth())
    assert first.status_code == 200
    assert first.json_body["cursor"]
    tag = first.headers["ETag"]
    fresh_calls, calls[:] = list(calls), []

    time.sleep(1.1)  # a fresh cursor is signed with a later time: the tag must not change with it
    again = client.http.get(url, headers={**_auth(), "If-None-Match": tag})
    assert (again.status_code, again.body, again.headers["ETag"]) == (304, b"", tag)
    assert fresh_calls
    assert calls == fresh_calls
    # Another tag, or a list of tags naming this one (weak or not), as caches send them.
    assert client.http.get(url, headers={**_auth(), "If-None-Match": '"other"'}).status_code == 200
    listed = f'"other", W/{tag}'
    assert client.http.get(url, headers={**_auth(), "If-None-Match": listed}).status_code == 304

    # The second page has a tag of its own, current too; each page is read again on its own.
    second_url = f"{url}&cursor={first.json_body['cursor']}"
    second = client.http.get(second_url, headers=_auth())
    assert second.status_code == 200
    assert second.headers["ETag"] != tag
    revalidated = client.http.get(second_url, headers={**_auth(), "If-None-Match": second.headers["ETag"]})
    assert revalidated.status_code == 304

    # A change to an incident on the page: the old tag no longer matches, the new page is sent.
    incident = first.json_body["items"][0]
    patched = client.http.patch(
        f"/v1/ops/incidents/{incident['incident_id']}",
        headers={**_auth(), "Content-Type": "application/json"},
        body=json.dumps({"expected_version": incident["version"], "assignee": "team-2"}),
    )
    assert patched.status_code == 200, patched.body
    changed = client.http.get(url, headers={**_auth(), "If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert any(i["assignee"] == "team-2" for i in changed.json_body["items"])
