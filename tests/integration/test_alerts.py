"""Alerts end to end on mocked AWS: CAP messages, public views, subscriptions, fan-out, delivery."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
import xmlschema
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from chalice.test import Client
from defusedxml import ElementTree as SafeET

from haven import webhooks
from haven.adapters.crypto import AesGcmSealer
from haven.alerts.subscriptions import code_context
from local import tokens
from local.dispatcher import sqs_event
from local.lambda_context import LambdaContext
from tests.drip_server import drip_server
from tests.support import published_events, sample_event
from tests.webhook_receiver import WebhookReceiver, received_cloudevent

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).resolve().parents[2] / "standards" / "CAP-v1.2.xsd"))
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
RESPONDER = {
    "Authorization": f"Bearer {tokens.mint('responder', subject='resp-1')}",
    "Content-Type": "application/json",
}


def alert_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "status": "Actual",
        "event": "Flood warning",
        "categories": ["Met"],
        "response_types": ["Evacuate"],
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "expires": (datetime.now(UTC) + timedelta(hours=6)).isoformat(),
        "sender_name": "River Authority",
        "texts": [
            {
                "language": "en",
                "headline": "Flood warning",
                "description": "The river is rising.",
                "instruction": "Go uphill.",
            },
            {
                "language": "fr",
                "event": "Alerte crue",
                "headline": "Alerte crue",
                "description": "La rivière monte.",
            },
        ],
        "areas": [
            {
                "description": "River district",
                "polygons": [
                    [[-0.13, 51.50], [-0.10, 51.50], [-0.10, 51.52], [-0.13, 51.52], [-0.13, 51.50]]
                ],
                "circles": [{"center": [-0.11, 51.51], "radius_km": 2.5}],
            }
        ],
    }
    body.update(changes)
    return body


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    with Client(api.app) as c:
        yield c


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver()
    yield r
    r.close()


def _issue(client: Any, **changes: Any) -> dict[str, Any]:
    response = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert_body(**changes)))
    assert response.status_code == 201, response.body
    return response.json_body  # type: ignore[no-any-return]


def test_issue_update_cancel_produce_valid_linked_cap(client: Any) -> None:
    alert = _issue(client)
    first = client.http.get(f"/v1/alerts/{alert['alert_id']}", headers={"Accept": "application/cap+xml"})
    assert first.headers["Content-Type"] == "application/cap+xml"
    SCHEMA.validate(first.body.decode())

    updated = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**alert_body(severity="Extreme"), "expected_version": 1}),
    )
    assert updated.status_code == 200, updated.body
    assert updated.json_body["version"] == 2
    stale = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/update",
        headers=RESPONDER,
        body=json.dumps({**alert_body(), "expected_version": 1}),
    )
    assert stale.status_code == 409
    cancelled = client.http.post(
        f"/v1/ops/alerts/{alert['alert_id']}/cancel",
        headers=RESPONDER,
        body=json.dumps({"expected_version": 2}),
    )
    assert cancelled.status_code == 200
    assert cancelled.json_body["state"] == "cancelled"

    xml = client.http.get(f"/v1/alerts/{alert['alert_id']}", headers={"Accept": "application/cap+xml"}).body
    SCHEMA.validate(xml.decode())
    root = SafeET.fromstring(xml)
    assert root.find("cap:msgType", NS).text == "Cancel"
    references = root.find("cap:references", NS).text.split(" ")
    assert len(references) == 2
    assert references[0].split(",")[1] == alert["alert_id"]
    assert client.http.get("/v1/alerts").json_body["items"] == []  # cancelled is not active

    kinds = [e["detail-type"] for e in published_events()]
    assert kinds == ["alert.issued", "alert.updated", "alert.cancelled"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"severity": "Terrible"}, "severity"),
        ({"status": "System"}, "status"),
        ({"expires": "2020-01-01T00:00:00+00:00"}, "expires"),
        ({"areas": [{"description": "x", "polygons": [[[0, 0], [0, 1], [1, 1]]]}]}, "areas.0.polygons.0"),
        (
            {"areas": [{"description": "x", "polygons": [[[0, 0], [1, 1], [0, 1], [1, 0], [0, 0]]]}]},
            "areas.0.polygons.0",
        ),
        (
            {"areas": [{"description": "x", "polygons": [[[0, 0], [0, 1], [1, 1], [1, 0]]]}]},
            "areas.0.polygons.0",
        ),
        (
            {"areas": [{"description": "x", "circles": [{"center": [0, 0], "radius_km": 0}]}]},
            "areas.0.circles.0.radius_km",
        ),
        (  # a circle of 1e-140 km is a point: it used to be written into CAP as radius 0
            {"areas": [{"description": "x", "circles": [{"center": [0, 0], "radius_km": 1e-140}]}]},
            "areas.0.circles.0.radius_km",
        ),
        ({"areas": [{"description": "nothing"}]}, "areas.0"),
        ({"texts": []}, "texts"),
    ],
)
def test_invalid_alerts_name_the_field(client: Any, change: dict[str, Any], field: str) -> None:
    response = client.http.post("/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert_body(**change)))
    assert response.status_code == 422, response.body
    assert field in {e["field"] for e in response.json_body["errors"]}


def test_tiny_coordinates_are_stored_at_their_meaningful_precision(client: Any) -> None:
    area = {"description": "Harbour", "circles": [{"center": [-1e-200, 1.53e-137], "radius_km": 2.00049}]}
    response = client.http.post(
        "/v1/ops/alerts", headers=RESPONDER, body=json.dumps(alert_body(areas=[area]))
    )
    assert response.status_code == 201, response.body
    alert = client.http.get(f"/v1/alerts/{response.json_body['alert_id']}").json_body
    assert json.dumps(alert).count("1e-") == 0
    cap = client.http.get(f"/v1/alerts/{alert['alert_id']}", headers={"Accept": "application/cap+xml"}).body
    assert b"<circle>0,0 2</circle>" in cap  # 2.00049 km to the metre


def test_alerts_need_the_responder_role(client: Any) -> None:
    auditor = {"Authorization": f"Bearer {tokens.mint('auditor')}", "Content-Type": "application/json"}
    assert (
        client.http.post("/v1/ops/alerts", headers=auditor, body=json.dumps(alert_body())).status_code == 403
    )
    assert client.http.post("/v1/ops/alerts", body=json.dumps(alert_body())).status_code == 401


def test_public_views_are_cacheable_and_drafts_stay_private(client: Any) -> None:
    alert = _issue(client)
    draft = _issue(client, status="Draft")
    listed = client.http.get("/v1/alerts")
    assert [a["alert_id"] for a in listed.json_body["items"]] == [alert["alert_id"]]
    assert client.http.get(f"/v1/alerts/{draft['alert_id']}").status_code == 404
    again = client.http.get("/v1/alerts", headers={"If-None-Match": listed.headers["ETag"]})
    assert again.status_code == 304
    assert "Last-Modified" in listed.headers
    feed = client.http.get("/v1/alerts/feed.atom")
    assert feed.headers["Content-Type"] == "application/atom+xml"
    root = SafeET.fromstring(feed.body)
    links = root.findall("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}link")
    assert [link.get("type") for link in links] == ["application/cap+xml"]


def _subscribe(
    client: Any, receiver: WebhookReceiver, lat: float, lon: float, **extra: Any
) -> dict[str, Any]:
    body = {
        "area": {"circles": [{"center": [lon, lat], "radius_km": 1}]},
        "channel": "webhook",
        "address": receiver.url,
        **extra,
    }
    response = client.http.post(
        "/v1/subscriptions", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert response.status_code == 201, response.body
    created = response.json_body
    _send_confirmations()
    headers, raw = receiver.deliveries[-1]
    webhooks.verify(created["webhook_secret"], headers, raw)
    code = json.loads(raw)["data"]["code"]
    confirmed = client.http.post(
        f"/v1/subscriptions/{created['subscription_id']}/confirm",
        headers={"Content-Type": "application/json"},
        body=json.dumps({"code": code}),
    )
    assert confirmed.json_body["status"] == "active"
    return created  # type: ignore[no-any-return]


def _drain(queue: str, handler: Any) -> list[dict[str, Any]]:
    sqs = boto3.client("sqs")
    url = os.environ[f"HAVEN_QUEUE_{queue.upper().replace('-', '_')}"]
    results = []
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"]).get(
            "Messages", []
        )
        if not messages:
            return results
        results.append(
            handler(sqs_event(messages, f"arn:aws:sqs:eu-west-1:123456789012:{queue}"), LambdaContext(queue))
        )
        sqs.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )


def _send_confirmations() -> None:
    """What the subscription-confirmation worker does with the codes the API queued."""
    from functions.subscription_confirmation import handler as confirmations

    for result in _drain("subscription-confirmation", confirmations.handler):
        assert result == {"batchItemFailures": []}


def _fanout_event(alert_id: str, message_id: str) -> dict[str, Any]:
    body = json.dumps(sample_event("alert.issued", alert_id=alert_id, message_id=message_id))
    return sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": body}], "arn:x")


def test_fan_out_reaches_subscribers_inside_once(client: Any) -> None:
    from functions.alert_delivery import handler as delivery
    from functions.alert_fanout import handler as fanout

    inside_a, inside_b, outside = WebhookReceiver(), WebhookReceiver(), WebhookReceiver()
    try:
        sub_a = _subscribe(client, inside_a, 51.51, -0.115)
        _subscribe(client, inside_b, 51.505, -0.12, languages=["fr"])
        _subscribe(client, outside, 48.85, 2.35)
        for r in (inside_a, inside_b, outside):
            r.deliveries.clear()
        alert = _issue(client)
        event = _fanout_event(alert["alert_id"], alert["current_message_id"])
        assert fanout.handler(event, LambdaContext("alert-fanout")) == {"batchItemFailures": []}
        assert fanout.handler(event, LambdaContext("alert-fanout")) == {
            "batchItemFailures": []
        }  # redelivered
        _drain("alert-delivery", delivery.handler)
        assert len(inside_a.deliveries) == 1
        assert len(inside_b.deliveries) == 1
        assert outside.deliveries == []
        event = received_cloudevent(sub_a["webhook_secret"], inside_a.deliveries[0])
        assert event.get_type() == "org.haven.alert.alert"
        assert event.get_data()["alert_id"] == alert["alert_id"]  # type: ignore[index]
        assert json.loads(inside_b.deliveries[0][1])["data"]["language"] == "fr"
        status = client.http.get(
            f"/v1/ops/alerts/{alert['alert_id']}/deliveries", headers=RESPONDER
        ).json_body
        assert status["counts"] == {"delivered": 2}
        assert "address" not in json.dumps(status)
    finally:
        for r in (inside_a, inside_b, outside):
            r.close()


def test_failed_delivery_is_recorded_and_retried(client: Any) -> None:
    from functions.alert_delivery import handler as delivery
    from functions.alert_fanout import handler as fanout

    flaky = WebhookReceiver()
    try:
        _subscribe(client, flaky, 51.51, -0.115)
        flaky.deliveries.clear()
        flaky.fail_next()
        alert = _issue(client)
        fanout.handler(
            _fanout_event(alert["alert_id"], alert["current_message_id"]), LambdaContext("alert-fanout")
        )
        sqs = boto3.client("sqs")
        url = os.environ["HAVEN_QUEUE_ALERT_DELIVERY"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])[
            "Messages"
        ]
        # Every record of the batch failed: Powertools fails the whole batch (SQS retries it).
        with pytest.raises(BatchProcessingError):
            delivery.handler(sqs_event(messages, "arn:x"), LambdaContext("alert-delivery"))
        status = client.http.get(
            f"/v1/ops/alerts/{alert['alert_id']}/deliveries", headers=RESPONDER
        ).json_body
        assert status["items"][0]["state"] == "failed"
        assert status["items"][0]["last_error"] == "HTTP 503"
        second = delivery.handler(sqs_event(messages, "arn:x"), LambdaContext("alert-delivery"))
        assert second == {"batchItemFailures": []}
        assert len(flaky.deliveries) == 1
    finally:
        flaky.close()


def _post_subscription(client: Any, channel: str, address: str) -> Any:
    body = {
        "area": {"circles": [{"center": [0, 0], "radius_km": 1}]},
        "channel": channel,
        "address": address,
    }
    return client.http.post(
        "/v1/subscriptions", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )


def test_subscriptions_validate_and_unsubscribe(client: Any, receiver: WebhookReceiver) -> None:
    bad = _post_subscription(client, "sms", "12345")
    assert bad.status_code == 422
    assert bad.json_body["errors"][0]["field"] == "address"
    private = _post_subscription(client, "webhook", "http://10.0.0.1/x")
    assert private.status_code == 422
    created = _subscribe(client, receiver, 10, 10)
    wrong = client.http.delete(f"/v1/subscriptions/{created['subscription_id']}?token={'x' * 32}")
    assert wrong.status_code == 404
    gone = client.http.delete(f"/v1/subscriptions/{created['subscription_id']}?token={created['token']}")
    assert gone.status_code == 204
    from haven.adapters.dynamo.models.alerts import Subscription, SubscriptionCell

    assert list(Subscription.scan()) == []
    assert list(SubscriptionCell.scan()) == []


def test_sms_subscription_code_goes_to_the_outbox_and_address_is_sealed(
    client: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.adapters import notifier as notifier_module
    from haven.adapters.dynamo.models.alerts import Subscription

    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(tmp_path / "outbox.jsonl"))
    notifier_module.notifier.cache_clear()
    body = {
        "area": {"circles": [{"center": [1, 1], "radius_km": 1}]},
        "channel": "sms",
        "address": "+447700900123",
    }
    created = client.http.post(
        "/v1/subscriptions", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    ).json_body
    assert notifier_module.read_outbox(tmp_path / "outbox.jsonl") == []  # queued, not sent in the request
    _send_confirmations()
    [message] = notifier_module.read_outbox(tmp_path / "outbox.jsonl")
    assert message["to"] == "+447700900123"
    assert "+447700900123" not in json.dumps(
        Subscription.get(created["subscription_id"]).attribute_values, default=str
    )
    notifier_module.notifier.cache_clear()


def test_a_wrong_code_is_the_same_404_as_an_unknown_id_and_locks_nothing(
    client: Any, receiver: WebhookReceiver
) -> None:
    """Five wrong codes from a stranger used to lock a subscription (429) and a wrong code said
    422 where an unknown id said 404: now one 404 for both, and the owner's code still works."""
    body = {"area": {"circles": [{"center": [1, 1], "radius_km": 1}]}, "channel": "webhook"}
    created = client.http.post(
        "/v1/subscriptions",
        headers={"Content-Type": "application/json"},
        body=json.dumps({**body, "address": receiver.url}),
    ).json_body
    _send_confirmations()
    code = json.loads(receiver.deliveries[-1].body)["data"]["code"]
    wrong_code = f"{(int(code) + 1) % 10**6:06d}"

    def confirm(subscription_id: str, attempt: str) -> Any:
        return client.http.post(
            f"/v1/subscriptions/{subscription_id}/confirm",
            headers={"Content-Type": "application/json"},
            body=json.dumps({"code": attempt}),
        )

    unknown = confirm("01JFUZZ0000000000000000000", wrong_code)
    assert unknown.status_code == 404
    for _ in range(6):
        wrong = confirm(created["subscription_id"], wrong_code)
        assert (wrong.status_code, wrong.json_body) == (
            404,
            {**unknown.json_body, "instance": wrong.json_body["instance"]},
        )
    assert confirm(created["subscription_id"], code).json_body["status"] == "active"
    assert confirm(created["subscription_id"], code).status_code == 200  # confirming again is harmless
    assert confirm(created["subscription_id"], wrong_code).status_code == 404


def test_subscribing_a_webhook_calls_nothing_within_the_request_and_the_worker_has_a_deadline(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A subscriber's server that drips its answer used to hold the request for 40 s: the request
    now only queues the code, and the worker gives up at the delivery's deadline, to retry."""
    from functions.subscription_confirmation import handler as confirmations
    from haven.adapters import webhook_client
    from haven.adapters.dynamo.models.alerts import AlertDelivery

    monkeypatch.setattr(webhook_client, "DEADLINE_SECONDS", 1.0)
    body = {"area": {"circles": [{"center": [1, 1], "radius_km": 1}]}, "channel": "webhook"}
    with drip_server(interval_s=0.2) as slow:
        started = time.monotonic()
        created = client.http.post(
            "/v1/subscriptions",
            headers={"Content-Type": "application/json"},
            body=json.dumps({**body, "address": slow.url + "/hook"}),
        )
        assert created.status_code == 201
        assert time.monotonic() - started < 5.0  # the receiver would drip for 16 s
        assert slow.requests == 0

        started = time.monotonic()
        with pytest.raises(BatchProcessingError):  # SQS redelivers it after a backoff, then its DLQ
            _drain("subscription-confirmation", confirmations.handler)
        assert time.monotonic() - started < 5.0
        assert slow.requests == 1
    subscription_id = created.json_body["subscription_id"]
    record = AlertDelivery.get(f"confirm:{subscription_id}", subscription_id)
    assert (record.state, record.last_error) == ("failed", "TimeoutError")


def test_a_webhook_host_whose_name_server_never_answers_holds_the_request_two_seconds_at_most(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def silent_name_server(*args: Any, **kwargs: Any) -> Any:
        time.sleep(10)
        raise OSError("no answer")

    monkeypatch.setattr("socket.getaddrinfo", silent_name_server)
    body = {
        "area": {"circles": [{"center": [1, 1], "radius_km": 1}]},
        "channel": "webhook",
        "address": "https://hooks.slow-dns.example.org/haven",
    }
    started = time.monotonic()
    refused = client.http.post(
        "/v1/subscriptions", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert time.monotonic() - started < 6.0  # 2 s, not the name server's 10 s
    assert refused.status_code == 422
    assert refused.json_body["errors"] == [{"field": "address", "message": "host did not resolve in time"}]


def test_a_confirmation_is_sent_once_and_not_after_it_was_confirmed(
    client: Any, receiver: WebhookReceiver
) -> None:
    from functions.subscription_confirmation import handler as confirmations

    created = _subscribe(client, receiver, 1, 1)
    sealed = AesGcmSealer("subscription-address").seal("123456", code_context(created["subscription_id"]))
    redelivered = {"subscription_id": created["subscription_id"], "sealed_code": sealed}
    message = {"MessageId": "m1", "ReceiptHandle": "r1", "Body": json.dumps(redelivered)}
    before = len(receiver.deliveries)
    result = confirmations.handler(sqs_event([message], "arn:x"), LambdaContext("c"))
    assert (result, len(receiver.deliveries)) == ({"batchItemFailures": []}, before)


def _incident_event(
    severity: str, hazard: str = "flood", lat: float = 51.51, lon: float = -0.115
) -> dict[str, Any]:
    detail = {
        "id": "01JDQ7W9A1B2C3D4E5F6G7H8J9",
        "occurred_at": "2026-11-28T14:02:12Z",
        "schema_version": "1",
        "incident_id": "01JDQ7W9A1B2C3D4E5F6G7H8J9",
        "version": 3,
        "hazard": hazard,
        "category": "other_relevant_information",
        "status": "new",
        "severity": severity,
        "report_count": 12,
        "people_affected": 150,
        "credibility": 0.6,
        "location": {"lat": lat, "lon": lon},
        "radius_km": 0.5,
    }
    body = json.dumps(sample_event("incident.updated", **detail))
    return sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": body}], "arn:x")


def test_responders_hear_of_severe_incidents_in_their_area_once(client: Any) -> None:
    from functions.responder_alerts import handler as responders

    flood_team, fire_team, public = WebhookReceiver(), WebhookReceiver(), WebhookReceiver()
    try:
        for receiver, hazards in ((flood_team, ["flood"]), (fire_team, ["fire"])):
            body = {
                "area": {"circles": [{"center": [-0.12, 51.51], "radius_km": 5}]},
                "channel": "webhook",
                "address": receiver.url,
                "hazards": hazards,
            }
            created = client.http.post(
                "/v1/ops/subscriptions", headers=RESPONDER, body=json.dumps(body)
            ).json_body
            _send_confirmations()
            code = json.loads(receiver.deliveries.pop()[1])["data"]["code"]
            client.http.post(
                f"/v1/subscriptions/{created['subscription_id']}/confirm",
                headers={"Content-Type": "application/json"},
                body=json.dumps({"code": code}),
            )
        _subscribe(client, public, 51.51, -0.115)
        public.deliveries.clear()

        assert responders.handler(_incident_event("Moderate"), LambdaContext("r")) == {
            "batchItemFailures": []
        }
        assert flood_team.deliveries == []  # below the threshold (Severe)
        responders.handler(_incident_event("Severe"), LambdaContext("r"))
        responders.handler(_incident_event("Severe"), LambdaContext("r"))  # redelivered
        responders.handler(_incident_event("Severe", lat=-33.9, lon=151.2), LambdaContext("r"))  # elsewhere
        assert len(flood_team.deliveries) == 1
        assert json.loads(flood_team.deliveries[0][1])["type"] == "org.haven.incident.severe"
        responders.handler(_incident_event("Extreme"), LambdaContext("r"))  # severity rose
        assert len(flood_team.deliveries) == 2
        assert fire_team.deliveries == []  # another hazard
        assert public.deliveries == []  # the public index is separate
    finally:
        for r in (flood_team, fire_team, public):
            r.close()


def test_responder_subscriptions_need_the_role(client: Any) -> None:
    body = {
        "area": {"circles": [{"center": [0, 0], "radius_km": 5}]},
        "channel": "sms",
        "address": "+447700900123",
    }
    response = client.http.post(
        "/v1/ops/subscriptions", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert response.status_code == 401


def test_responders_list_alerts_by_state_with_deliveries_in_pages(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.alert_delivery import handler as delivery
    from functions.alert_fanout import handler as fanout
    from haven import clock

    inside = WebhookReceiver()
    try:
        _subscribe(client, inside, 51.51, -0.115)
        delivered = _issue(client)
        fanout.handler(
            _fanout_event(delivered["alert_id"], delivered["current_message_id"]),
            LambdaContext("alert-fanout"),
        )
        _drain("alert-delivery", delivery.handler)
    finally:
        inside.close()
    draft = _issue(client, status="Draft")
    soon = _issue(client, expires=(datetime.now(UTC) + timedelta(minutes=30)).isoformat())
    cancelled = _issue(client)
    body = json.dumps({"expected_version": cancelled["version"]})
    assert (
        client.http.post(
            f"/v1/ops/alerts/{cancelled['alert_id']}/cancel", headers=RESPONDER, body=body
        ).status_code
        == 200
    )

    def listed(state: str, **query: str) -> dict[str, Any]:
        params = "&".join(f"{k}={v}" for k, v in {"state": state, **query}.items())
        response = client.http.get(f"/v1/ops/alerts?{params}", headers=RESPONDER)
        assert response.status_code == 200, response.body
        return response.json_body  # type: ignore[no-any-return]

    def ids(page: dict[str, Any]) -> list[str]:
        return [a["alert_id"] for a in page["items"]]

    # Newest change first; drafts listed for responders (never public).
    assert ids(listed("active")) == [soon["alert_id"], draft["alert_id"], delivered["alert_id"]]
    assert ids(listed("cancelled")) == [cancelled["alert_id"]]
    assert listed("cancelled")["items"][0]["state"] == "cancelled"
    assert ids(listed("expired")) == []
    by_id = {a["alert_id"]: a for a in listed("active")["items"]}
    assert by_id[delivered["alert_id"]]["deliveries"] == {"delivered": 1}
    assert by_id[draft["alert_id"]]["deliveries"] == {}

    # An hour later the short one has expired: listed as such, no longer active.
    later = datetime.now(UTC) + timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert ids(listed("expired")) == [soon["alert_id"]]
    assert ids(listed("active")) == [draft["alert_id"], delivered["alert_id"]]
    monkeypatch.undo()

    # Paged with a cursor bound to its query: one alert a page, then the next; another state's
    # query refuses it.
    first = listed("active", limit="1")
    assert ids(first) == [soon["alert_id"]]
    assert first["cursor"]
    second = listed("active", limit="1", cursor=first["cursor"])
    assert ids(second) == [draft["alert_id"]]
    replayed = client.http.get(f"/v1/ops/alerts?state=cancelled&cursor={first['cursor']}", headers=RESPONDER)
    assert replayed.status_code == 422
    assert replayed.json_body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("query", "field"), [("state=gone", "state"), ("limit=51", "limit"), ("extra=1", "extra")]
)
def test_the_alert_list_refuses_what_it_does_not_take(client: Any, query: str, field: str) -> None:
    response = client.http.get(f"/v1/ops/alerts?{query}", headers=RESPONDER)
    assert response.status_code == 422
    assert response.json_body["errors"][0]["field"] == field


def test_the_alert_list_needs_the_responder_role(client: Any) -> None:
    auditor = {"Authorization": f"Bearer {tokens.mint('auditor')}"}
    assert client.http.get("/v1/ops/alerts", headers=auditor).status_code == 403
    assert client.http.get("/v1/ops/alerts").status_code == 401
