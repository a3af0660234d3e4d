"""Complaints → routing → referrals → signed delivery → partner pull and ack, on mocked AWS."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from typing import Any

import boto3
import pytest
from chalice.test import Client

from haven import clock, webhooks
from local import tokens
from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext
from tests.integration.test_events import _validator
from tests.support import published_events
from tests.webhook_receiver import received_cloudevent, receiver, reference_verify

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def client(aws: None) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _auth(role: str, **claims: str) -> dict[str, str]:
    return {**JSON, "Authorization": f"Bearer {tokens.mint(role, subject=f'{role}-1', **claims)}"}


def _post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    return client.http.post(path, headers=headers or JSON, body=json.dumps(body))


def file(client: Any, consent: str = "yes", **extra: Any) -> dict[str, Any]:
    body = {
        "recruiter": {"name": "Fast Jobs Ltd", "country": "NP", "licence_number": "1234/075"},
        "categories": ["recruitment_fees", "passport_retention"],
        "description": "They took my passport N1234567 and charged 3000 USD. Call me on +977 980 1234567.",
        "occurred_on": "2026-10-01",
        "fees": {"amount": 3000, "currency": "USD"},
        "origin_country": "NP",
        "destination_country": "QA",
        "contact": {"name": "Ram Thapa", "phone": "+9779801234567"},
        "consent_share_identity": consent,
        "evidence": [{"content_type": "image/jpeg", "size_bytes": 20000}],
        **extra,
    }
    response = _post(client, "/v1/complaints", body)
    assert response.status_code == 201, response.body
    return response.json_body  # type: ignore[no-any-return]


def partner(client: Any, url: str | None, **extra: Any) -> dict[str, Any]:
    body = {
        "name": "Department of Foreign Employment",
        "jurisdictions": {"origin": ["NP"]},
        "categories": ["recruitment_fees", "deception"],
        "webhook_url": url,
        "contact": {"email": "complaints@dofe.example.org"},
        **extra,
    }
    response = _post(client, "/v1/admin/partners", body, _auth("admin"))
    assert response.status_code == 201, response.body
    return response.json_body  # type: ignore[no-any-return]


def staff_get(client: Any, complaint_id: str) -> dict[str, Any]:
    return client.http.get(f"/v1/admin/complaints/{complaint_id}", headers=_auth("auditor")).json_body  # type: ignore[no-any-return]


def transition(client: Any, complaint_id: str, **body: Any) -> Any:
    return _post(client, f"/v1/admin/complaints/{complaint_id}/transitions", body, _auth("auditor"))


def triage_and_refer(client: Any, complaint_id: str, **refer: Any) -> dict[str, Any]:
    triaged = transition(client, complaint_id, action="triage", expected_version=1, priority="high")
    assert triaged.status_code == 200, triaged.body
    referred = transition(
        client, complaint_id, action="refer", expected_version=triaged.json_body["version"], **refer
    )
    assert referred.status_code == 200, referred.body
    return referred.json_body  # type: ignore[no-any-return]


def run_delivery(receive_count: int = 1) -> dict[str, Any]:
    from functions.referral_delivery import handler as worker

    sqs = boto3.client("sqs")
    tap = os.environ["HAVEN_TEST_EVENT_TAP"]
    events = [e for e in published_events() if e["detail-type"] == "complaint.referred"]
    url = os.environ["HAVEN_QUEUE_REFERRAL_DELIVERY"]
    for event in events:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    for m in messages:
        m["Attributes"]["ApproximateReceiveCount"] = str(receive_count)
    assert tap
    result = worker.handler(
        sqs_event(messages, "arn:aws:sqs:eu-west-1:123456789012:referral-delivery"),
        LambdaContext("referral-delivery"),
    )
    return {"events": events, "result": result}


def test_filing_gives_a_tracking_code_and_kms_bucket_uploads(client: Any) -> None:
    filed = file(client)
    assert len(filed["tracking_code"].replace("-", "")) == 20
    [upload] = filed["uploads"]
    assert "complaint-evidence" in upload["url"] or upload["fields"]["key"].startswith("complaints/")
    tracked = client.http.get(f"/v1/complaints/track/{filed['tracking_code']}")
    assert tracked.status_code == 200
    assert tracked.json_body["status"] == "received"
    assert set(tracked.json_body) == {"status", "filed_at", "updated_at", "messages"}
    wrong = client.http.get("/v1/complaints/track/AAAA-BBBB-CCCC-DDDD-EEEE")
    assert wrong.status_code == 404
    stored = staff_get(client, filed["complaint_id"])
    assert "tracking_hash" not in stored
    assert filed["tracking_code"] not in json.dumps(stored)


def test_invalid_complaints_are_refused(client: Any) -> None:
    response = _post(
        client,
        "/v1/complaints",
        {
            "recruiter": {},
            "categories": ["bribery"],
            "description": "x",
            "origin_country": "XX",
            "destination_country": "QA",
            "consent_share_identity": "maybe",
        },
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json_body["errors"]}
    assert {"recruiter", "categories.0", "description", "consent_share_identity"} <= fields


def test_partner_secret_is_shown_once_and_rotation_overlaps(client: Any) -> None:
    created = partner(client, "http://127.0.0.1:9/hook")
    assert created["signing_secret"].startswith("whsec_")
    assert created["identity"] == {
        "role": "partner",
        "partner_id": created["partner_id"],
        "login": "complaints@dofe.example.org",  # the contact is invited (tests/integration/test_logins.py)
        "claim": "custom:partner_id",
    }
    listed = client.http.get("/v1/admin/partners", headers=_auth("auditor")).json_body["items"]
    assert created["signing_secret"] not in json.dumps(listed)
    path = f"/v1/admin/partners/{created['partner_id']}"
    forbidden = client.http.patch(path, headers=_auth("auditor"), body=json.dumps({"expected_version": 1}))
    assert forbidden.status_code == 403
    rotated = client.http.patch(
        path,
        headers=_auth("admin"),
        body=json.dumps({"expected_version": 1, "rotate_secret": True, "overlap_hours": 2}),
    ).json_body
    assert rotated["signing_secret"] != created["signing_secret"]
    assert [s["retires_at"] is None for s in rotated["signing_secrets"]] == [True, False]
    stale = client.http.patch(
        path, headers=_auth("admin"), body=json.dumps({"expected_version": 1, "active": False})
    )
    assert stale.status_code == 409


def test_private_webhook_urls_are_refused(client: Any) -> None:
    response = _post(
        client,
        "/v1/admin/partners",
        {
            "name": "Private Target",
            "jurisdictions": {"origin": ["NP"]},
            "categories": ["other"],
            "webhook_url": "http://10.0.0.1/h",
        },
        _auth("admin"),
    )
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == "webhook_url"


def test_transitions_are_versioned_and_checked(client: Any) -> None:
    filed = file(client)
    cid = filed["complaint_id"]
    refer_first = transition(client, cid, action="refer", expected_version=1)
    assert refer_first.status_code == 409
    assert refer_first.json_body["allowed_actions"] == ["triage", "close"]
    assert transition(client, cid, action="triage", expected_version=1, priority="low").status_code == 200
    stale = transition(client, cid, action="close", expected_version=1, reason="duplicate")
    assert stale.status_code == 409
    assert stale.json_body["current_version"] == 2
    closed = transition(client, cid, action="close", expected_version=2, reason="duplicate of another")
    assert closed.json_body["status"] == "closed"
    assert client.http.get(f"/v1/complaints/track/{filed['tracking_code']}").json_body["status"] == "closed"


def test_a_referral_racing_another_edit_is_a_conflict_and_refers_no_one(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    from haven.adapters.dynamo.complaints import DynamoComplaints
    from haven.complaints.vocabulary import Priority

    partner(client, None)
    cid = file(client)["complaint_id"]
    triaged = transition(client, cid, action="triage", expected_version=1, priority="high")
    assert triaged.status_code == 200, triaged.body
    refer = DynamoComplaints.refer

    def another_edit_lands_first(self: DynamoComplaints, current: Any, new: Any, referrals: Any) -> Any:
        self.update(current, replace(current, priority=Priority.LOW))
        return refer(self, current, new, referrals)

    monkeypatch.setattr(DynamoComplaints, "refer", another_edit_lands_first)
    raced = transition(client, cid, action="refer", expected_version=2)
    assert raced.status_code == 409, raced.body
    assert raced.json_body["current_version"] == 3
    monkeypatch.undo()
    after = staff_get(client, cid)
    assert (after["version"], after["status"], after["priority"]) == (3, "triaged", "low")
    assert after["referrals"] == []


def test_the_view_suggests_the_partners_routing_chooses_until_they_are_referred(client: Any) -> None:
    nepal = partner(client, None)
    partner(client, None, name="Kenya NEA", jurisdictions={"origin": ["KE"]})
    filed = file(client)
    view = staff_get(client, filed["complaint_id"])
    assert view["allowed_actions"] == ["triage", "close"]
    suggested = view["suggested_partners"]
    assert suggested == [{"partner_id": nepal["partner_id"], "name": "Department of Foreign Employment"}]
    triage_and_refer(client, filed["complaint_id"])
    referred = staff_get(client, filed["complaint_id"])
    assert (referred["suggested_partners"], referred["allowed_actions"]) == ([], ["refer", "close"])


def test_referral_is_delivered_signed_with_identity_by_consent(client: Any) -> None:
    with receiver() as hook:
        nepal = partner(client, hook.url)
        qatar = partner(
            client,
            hook.url,
            name="Qatar MoL",
            jurisdictions={"destination": ["QA"]},
            categories=["passport_retention"],
        )
        with_consent = file(client, consent="yes")
        without = file(client, consent="no")
        published_events()
        referred = triage_and_refer(client, with_consent["complaint_id"])
        assert sorted(r["partner_id"] for r in referred["referred"]) == sorted(
            [nepal["partner_id"], qatar["partner_id"]]
        )
        triage_and_refer(client, without["complaint_id"], remove_partners=[qatar["partner_id"]])
        run = run_delivery()
    assert run["result"] == {"batchItemFailures": []}
    assert len(run["events"]) == 3
    for event in run["events"]:
        assert not list(_validator("complaint.referred").iter_errors(event["detail"]))
        assert "Ram" not in json.dumps(event)  # the bus never carries identity
    assert len(hook.deliveries) == 3
    secrets = {nepal["partner_id"]: nepal["signing_secret"], qatar["partner_id"]: qatar["signing_secret"]}
    for delivery in hook.deliveries:
        data = json.loads(delivery.body)["data"]
        referral_partner = next(
            r["partner_id"]
            for c in (with_consent, without)
            for r in staff_get(client, c["complaint_id"])["referrals"]
            if r["referral_id"] == data["referral_id"]
        )
        assert reference_verify(
            secrets[referral_partner], delivery.headers, delivery.body, now=int(time.time())
        )
        assert delivery.headers["content-type"] == webhooks.CONTENT_TYPE  # as docs/partners.md says
        event = received_cloudevent(secrets[referral_partner], delivery)
        assert (event.get_specversion(), event.get_type()) == ("1.0", "org.haven.complaint.referred")
        assert event.get_id() == delivery.headers["webhook-id"] == data["referral_id"]
        assert event.get_data() == data
        consented = data["complaint_id"] == with_consent["complaint_id"]
        assert data["consent_share_identity"] is consented
        assert ("complainant" in data) is consented
        assert ("Ram Thapa" in delivery.body.decode()) is consented
        assert ("N1234567" in delivery.body.decode()) is consented


def test_failed_delivery_is_recorded_and_retried_later(client: Any) -> None:
    with receiver(script=[500]) as hook:
        nepal = partner(client, hook.url)
        filed = file(client)
        published_events()
        triage_and_refer(client, filed["complaint_id"])
        failed = run_delivery(receive_count=1)
    assert len(failed["result"]["batchItemFailures"]) == 1
    auth = _auth("partner", partner_id=nepal["partner_id"])
    [item] = client.http.get("/v1/partner/referrals", headers=auth).json_body["items"]
    assert item["delivery"] == {"state": "retrying", "attempts": 1}
    assert item["data"]["complaint_id"] == filed["complaint_id"]


def test_an_acknowledgement_keeps_the_delivery_attempts(client: Any) -> None:
    with receiver() as hook:
        nepal = partner(client, hook.url)
        filed = file(client)
        published_events()
        triage_and_refer(client, filed["complaint_id"])
        run_delivery()
    auth = _auth("partner", partner_id=nepal["partner_id"])
    [item] = client.http.get("/v1/partner/referrals", headers=auth).json_body["items"]
    assert item["delivery"] == {"state": "delivered", "attempts": 1}
    ack = _post(client, f"/v1/partner/referrals/{item['referral_id']}/ack", {"status": "received"}, auth)
    assert ack.status_code == 200, ack.body
    assert ack.json_body["delivery"] == {"state": "delivered", "attempts": 1}
    assert ack.json_body["version"] == item["version"] + 1


def test_partners_see_only_their_referrals_and_acks_reach_the_tracking_page(client: Any) -> None:
    nepal = partner(client, None)
    other = partner(client, None, name="Other", jurisdictions={"origin": ["BD"]})
    filed = file(client)
    published_events()
    triage_and_refer(client, filed["complaint_id"])
    mine = _auth("partner", partner_id=nepal["partner_id"])
    theirs = _auth("partner", partner_id=other["partner_id"])
    [referral] = client.http.get("/v1/partner/referrals?status=referred", headers=mine).json_body["items"]
    rid = referral["referral_id"]
    # The view says what may follow, in the lifecycle's order, from the one rule the ack obeys.
    assert referral["allowed_statuses"] == ["received", "accepted", "rejected", "in_progress", "resolved"]
    assert client.http.get("/v1/partner/referrals", headers=theirs).json_body["items"] == []
    assert client.http.get(f"/v1/partner/referrals/{rid}", headers=theirs).status_code == 404
    assert (
        _post(client, f"/v1/partner/referrals/{rid}/ack", {"status": "received"}, theirs).status_code == 404
    )
    assert client.http.get("/v1/partner/referrals", headers=_auth("auditor")).status_code == 403

    assert _post(client, f"/v1/partner/referrals/{rid}/ack", {"status": "received"}, mine).status_code == 200
    assert _post(client, f"/v1/partner/referrals/{rid}/ack", {"status": "resolved"}, mine).status_code == 422
    received = client.http.get(f"/v1/partner/referrals/{rid}", headers=mine).json_body
    assert received["allowed_statuses"] == ["accepted", "rejected", "in_progress", "resolved"]
    resolved = _post(
        client,
        f"/v1/partner/referrals/{rid}/ack",
        {"status": "resolved", "outcome": {"substantiated": True, "remedy": "fees refunded"}},
        mine,
    )
    assert resolved.json_body["status"] == "resolved"
    assert resolved.json_body["allowed_statuses"] == []
    again = _post(client, f"/v1/partner/referrals/{rid}/ack", {"status": "accepted"}, mine)
    assert again.status_code == 409
    assert again.json_body["allowed_statuses"] == []
    tracked = client.http.get(f"/v1/complaints/track/{filed['tracking_code']}").json_body
    assert tracked["status"] == "resolved"
    assert "An authority has received your complaint." in [m["message"] for m in tracked["messages"]]
    timeline = staff_get(client, filed["complaint_id"])["timeline"]
    assert [e["status"] for e in timeline if e["event"] == "acknowledged"] == ["received", "resolved"]
    assert client.http.get("/v1/partner/referrals?status=referred", headers=mine).json_body["items"] == []

    events = published_events()
    kinds = [e["detail-type"] for e in events]
    assert kinds.count("referral.updated") == 2
    assert kinds.count("complaint.resolved") == 1
    for event in events:
        assert event["source"] == "haven.complaints"
        assert not list(_validator(str(event["detail-type"])).iter_errors(event["detail"])), event
        assert "Ram" not in json.dumps(event)


def test_escalation_is_once_per_overdue_referral(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from functions.referral_escalation import handler as escalation

    nepal = partner(client, None, sla_days=3)
    filed = file(client)
    triage_and_refer(client, filed["complaint_id"])
    published_events()
    context = LambdaContext("referral-escalation")
    assert escalation.handler({}, context) == {"escalated": 0}
    later = clock.now() + timedelta(days=4)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert escalation.handler({}, context) == {"escalated": 1}
    assert escalation.handler({}, context) == {"escalated": 0}
    [event] = [e for e in published_events() if e["detail-type"] == "referral.escalated"]
    assert not list(_validator("referral.escalated").iter_errors(event["detail"]))
    assert event["detail"]["partner_id"] == nepal["partner_id"]
    timeline = staff_get(client, filed["complaint_id"])["timeline"]
    assert [e["event"] for e in timeline][-1] == "escalated"


@pytest.mark.parametrize(
    "detail_type",
    ["complaint.filed", "complaint.referred", "referral.updated", "referral.escalated", "complaint.resolved"],
)
def test_complaint_event_schemas_refuse_identity(detail_type: str) -> None:
    from pathlib import Path

    sample = json.loads(
        (Path(__file__).resolve().parents[2] / "events" / "samples" / f"{detail_type}.json").read_text()
    )
    assert not list(_validator(detail_type).iter_errors(sample["detail"]))
    sample["detail"]["contact"] = {"name": "Ram Thapa"}
    assert list(_validator(detail_type).iter_errors(sample["detail"]))


def test_a_date_in_the_future_is_refused_naming_occurred_on(client: Any) -> None:
    body = {
        "recruiter": {"name": "Fast Jobs Ltd"},
        "categories": ["wage_theft"],
        "description": "No salary for three months at the site.",
        "occurred_on": "2999-01-01",
        "origin_country": "PH",
        "destination_country": "AE",
        "consent_share_identity": "no",
    }
    response = _post(client, "/v1/complaints", body)
    assert response.status_code == 422, response.body
    assert [e["field"] for e in response.json_body["errors"]] == ["occurred_on"]
