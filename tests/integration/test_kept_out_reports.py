"""Issue 15 on mocked AWS: an irrelevant social post is kept out of incidents by the triage
worker, listed for responders with the reason, and restored into an incident by
``POST /v1/ops/reports/{id}/restore``; an official feed's item with the same text is not kept out."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from haven import clock, geo, ids
from haven.crisis.reports import REPORT_CELL_RESOLUTION, Report, ReportStatus, hash_token
from haven.geo import Point
from local import tokens
from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext

#: Not about any disaster: the model is sure of it (not_humanitarian above the 0.7 cutoff).
IRRELEVANT = "I love this song so much, listening on repeat"


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _auth(role: str = "responder") -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens.mint(role, subject=f'{role}-1')}"}


def _feed_report(source: str, lat: float = 18.54, lon: float = -72.34) -> str:
    from haven.adapters.dynamo.reports import DynamoReports
    from haven.adapters.queues import IntakeQueue

    now = clock.now()
    location = Point(lat, lon)
    report = Report(
        report_id=ids.new_id(),
        tracking_token_hash=hash_token(ids.new_token()),
        status=ReportStatus.RECEIVED,
        source=source,
        category="unknown",
        description=IRRELEVANT,
        location=location,
        cell=geo.cell(location, REPORT_CELL_RESOLUTION),
        received_at=now,
        expires_at=now + timedelta(days=30),
    )
    DynamoReports().add(report)
    IntakeQueue().enqueue(report.report_id)
    return report.report_id


def _run_triage() -> dict[str, Any]:
    from functions.triage import handler as triage

    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_REPORT_INTAKE"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
        "Messages", []
    )
    result: dict[str, Any] = triage.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:intake"), LambdaContext("triage")
    )
    return result


def _listed(client: Any, status: str) -> dict[str, dict[str, Any]]:
    body = client.http.get(f"/v1/ops/reports?status={status}", headers=_auth()).json_body
    return {r["report_id"]: r for r in body["items"]}


def test_an_irrelevant_social_post_is_kept_out_listed_and_restorable(client: Any) -> None:
    social = _feed_report("feed:mastodon")
    official = _feed_report("feed:usgs", lat=18.60)
    assert _run_triage() == {"batchItemFailures": []}

    kept = _listed(client, "triaged")
    assert set(kept) == {social}
    triage = kept[social]["triage"]
    assert triage["kept_out"] == "not_humanitarian"
    classification = triage["classification"]
    assert classification["category"] == "not_humanitarian"
    assert classification["category_confidence"] >= 0.7
    assert classification["classifier_version"].startswith("triage-model-")
    assert classification["features"], "the features that decided it are stored with it"
    assert kept[social]["incident_id"] is None
    assert set(_listed(client, "linked")) == {official}
    assert (
        client.http.get("/v1/ops/incidents?status=new", headers=_auth()).json_body["items"][0]["report_count"]
        == 1
    )

    restored = client.http.post(f"/v1/ops/reports/{social}/restore", headers=_auth())
    assert restored.status_code == 202, restored.body
    assert restored.json_body["status"] == "received"
    assert restored.json_body["restored_at"]
    again = client.http.post(f"/v1/ops/reports/{social}/restore", headers=_auth())
    assert again.status_code == 202
    assert again.json_body["restored_at"] == restored.json_body["restored_at"]

    assert _run_triage() == {"batchItemFailures": []}
    linked = _listed(client, "linked")
    assert social in linked
    assert linked[social]["incident_id"] is not None
    assert linked[social]["restored_at"] == restored.json_body["restored_at"]
    assert "kept_out" not in linked[social]["triage"]
    assert _listed(client, "triaged") == {}


def test_restore_is_for_responders_and_kept_out_reports_only(client: Any) -> None:
    official = _feed_report("feed:usgs")
    _run_triage()
    assert client.http.post(f"/v1/ops/reports/{official}/restore").status_code == 401
    assert (
        client.http.post(f"/v1/ops/reports/{official}/restore", headers=_auth("auditor")).status_code == 403
    )
    linked = client.http.post(f"/v1/ops/reports/{official}/restore", headers=_auth())
    assert linked.status_code == 409
    assert client.http.post(f"/v1/ops/reports/{ids.new_id()}/restore", headers=_auth()).status_code == 404
    assert client.http.post("/v1/ops/reports/nope/restore", headers=_auth()).status_code == 404
