"""Complaint referral end to end on the local stack: real signed HTTP deliveries to loopback.

The EventBridge rule routes ``complaint.referred`` to the referral-delivery queue; the local
dispatcher runs the worker with Lambda's SQS semantics (backoff through the visibility timeout,
redrive to the DLQ). ``HAVEN_RETRY_BASE_SECONDS=1`` keeps the backoff short.
"""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
import requests

from tests.support import EMAIL, NAME, PASSPORT, PHONE, wait_for
from tests.webhook_receiver import WebhookReceiver, received_cloudevent, receiver, reference_verify

from .conftest import Platform

pytestmark = pytest.mark.e2e


def _call(platform: Platform, method: str, path: str, role: str | None = None, **kwargs: Any) -> Any:
    headers = {"Authorization": "Bearer " + platform.token(role, **kwargs.pop("claims", {}))} if role else {}
    response = requests.request(method, platform.url + path, headers=headers, timeout=10, **kwargs)
    return response


def _partner(platform: Platform, hook: WebhookReceiver, origin: str) -> dict[str, Any]:
    response = _call(
        platform,
        "POST",
        "/v1/admin/partners",
        "admin",
        json={
            "name": f"Labour authority {origin}",
            "jurisdictions": {"origin": [origin]},
            "categories": ["recruitment_fees"],
            "webhook_url": hook.url,
        },
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _file_and_refer(platform: Platform, origin: str) -> tuple[dict[str, Any], str]:
    filed = _call(
        platform,
        "POST",
        "/v1/complaints",
        json={
            "recruiter": {"name": "Fast Jobs Ltd", "country": origin},
            "categories": ["recruitment_fees"],
            "description": f"I paid 2000 USD in recruitment fees and my passport {PASSPORT} was kept.",
            "origin_country": origin,
            "destination_country": "QA",
            "contact": {"name": NAME, "phone": PHONE, "email": EMAIL},
            "consent_share_identity": "no",
        },
    )
    assert filed.status_code == 201, filed.text
    complaint = filed.json()
    path = f"/v1/admin/complaints/{complaint['complaint_id']}/transitions"
    triaged = _call(
        platform,
        "POST",
        path,
        "auditor",
        json={"action": "triage", "expected_version": 1, "priority": "high"},
    )
    referred = _call(
        platform,
        "POST",
        path,
        "auditor",
        json={"action": "refer", "expected_version": triaged.json()["version"]},
    )
    assert referred.status_code == 200, referred.text
    [referral] = referred.json()["referred"]
    return complaint, referral["referral_id"]


def _pulled(platform: Platform, partner: dict[str, Any]) -> list[dict[str, Any]]:
    response = _call(
        platform, "GET", "/v1/partner/referrals", "partner", claims={"partner_id": partner["partner_id"]}
    )
    return response.json()["items"]  # type: ignore[no-any-return]


def test_one_signed_delivery_per_referral_and_ack_reaches_tracking(platform: Platform) -> None:
    with receiver() as hook:
        partner = _partner(platform, hook, "NP")
        complaint, referral_id = _file_and_refer(platform, "NP")
        wait_for(lambda: hook.deliveries)
        time.sleep(3)  # anything more would be a duplicate
    [delivery] = hook.deliveries
    assert reference_verify(partner["signing_secret"], delivery.headers, delivery.body, now=int(time.time()))
    event = received_cloudevent(partner["signing_secret"], delivery)
    assert (event.get_specversion(), event.get_id()) == ("1.0", referral_id)
    data = event.get_data()
    assert isinstance(data, dict)
    assert data["referral_id"] == referral_id
    assert "complainant" not in data  # no consent
    assert NAME not in delivery.body.decode()

    ack = _call(
        platform,
        "POST",
        f"/v1/partner/referrals/{referral_id}/ack",
        "partner",
        claims={"partner_id": partner["partner_id"]},
        json={"status": "accepted"},
    )
    assert ack.status_code == 200, ack.text
    tracked = _call(platform, "GET", f"/v1/complaints/track/{complaint['tracking_code']}").json()
    assert tracked["status"] == "with_authority"
    assert tracked["messages"][-1]["message"] == "An authority has accepted your complaint."


def test_a_receiver_failing_three_times_gets_it_after_retries(platform: Platform) -> None:
    with receiver(script=[500, 503, 500]) as hook:
        partner = _partner(platform, hook, "BD")
        _, referral_id = _file_and_refer(platform, "BD")
        wait_for(lambda: hook.deliveries, seconds=60)
    assert hook.attempts == 4
    [delivery] = hook.deliveries
    assert reference_verify(partner["signing_secret"], delivery.headers, delivery.body, now=int(time.time()))
    [item] = _pulled(platform, partner)
    assert item["referral_id"] == referral_id
    assert item["delivery"] == {"state": "delivered", "attempts": 4}


def test_a_receiver_always_failing_leaves_it_in_the_dlq_and_pullable(platform: Platform) -> None:
    with receiver(then=500) as hook:
        partner = _partner(platform, hook, "LK")
        _, referral_id = _file_and_refer(platform, "LK")
        sqs = boto3.client(
            "sqs",
            endpoint_url=f"http://127.0.0.1:{platform.aws_port}",
            region_name="eu-west-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        dlq = sqs.get_queue_url(QueueName="haven-local-referral-delivery-dlq")["QueueUrl"]

        def dead_lettered() -> list[dict[str, Any]]:
            messages = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=0)
            return [
                m
                for m in messages.get("Messages", [])
                if json.loads(m["Body"])["detail"]["referral_id"] == referral_id
            ]

        wait_for(dead_lettered, seconds=90)
    assert hook.deliveries == []
    assert hook.attempts == 5
    [item] = _pulled(platform, partner)
    assert item["referral_id"] == referral_id
    assert item["delivery"] == {"state": "dead_lettered", "attempts": 5}
