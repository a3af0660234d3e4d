"""Personal data given to the API never reaches a log line or an event on the bus."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext
from tests.support import EMAIL, NAME, PASSPORT, PERSONAL_DATA, PHONE, published_events

SECRETS = PERSONAL_DATA
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    previous = api.logger.log_level
    api.logger.setLevel(logging.DEBUG)  # every line the API can write, not only warnings
    with Client(api.app) as c:
        yield c
    api.logger.setLevel(previous)


def _scenario(client: Any) -> list[Any]:
    said = f"{NAME} (passport {PASSPORT}) needs help; call {PHONE} or {EMAIL}"
    report = {
        "category": "unknown",
        "description": f"Flood: water rising. {said}",
        "location": {"lat": 51.5072, "lon": -0.1276},
        "contact": f"{PHONE} / {EMAIL}",
    }
    complaint = {
        "recruiter": {"name": "Fast Jobs Ltd", "country": "NP"},
        "categories": ["passport_retention"],
        "description": f"The agent kept my passport {PASSPORT}. {said}",
        "origin_country": "NP",
        "destination_country": "QA",
        "contact": {"name": NAME, "phone": PHONE, "email": EMAIL},
        "consent_share_identity": "no",
    }
    person = {
        "full_name": NAME,
        "description": said,
        "author": {"name": NAME, "email": EMAIL, "phone": PHONE},
    }
    invalid = {**complaint, "occurred_on": NAME}  # a refusal must not echo the body into logs
    posted = [
        client.http.post(path, headers=JSON, body=json.dumps(body))
        for path, body in (
            ("/v1/reports", report),
            ("/v1/complaints", complaint),
            ("/v1/safety/people", person),
            ("/v1/complaints", invalid),
        )
    ]
    return [*posted, client.http.get("/v1/safety/people?" + urlencode({"q": NAME}))]


def test_personal_data_is_in_no_log_line_and_no_event(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    import boto3

    from functions.triage import handler as triage

    caplog.set_level(logging.DEBUG)
    answers = _scenario(client)
    assert [a.status_code for a in answers] == [202, 201, 201, 422, 200]

    sqs = boto3.client("sqs")
    queue = next(u for u in sqs.list_queues()["QueueUrls"] if u.endswith("report-intake"))
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    triage.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:report-intake"), LambdaContext("triage")
    )
    # Every attribute of every record: the message, its arguments and the structured extras.
    lines = [json.dumps(record.__dict__, default=str) for record in caplog.records]
    assert sum('"message": "request"' in line for line in lines) == len(answers), "access log not captured"
    events = json.dumps(published_events())
    assert "report.received" in events
    assert "complaint.filed" in events
    leaks = [(s, text[:600]) for s in SECRETS for text in (*lines, events) if s.lower() in text.lower()]
    assert leaks == []
