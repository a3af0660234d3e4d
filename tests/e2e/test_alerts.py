"""Alert fan-out on the local stack: real webhooks over loopback, signed, delivered once."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from haven import webhooks
from tests.support import EMAIL, PHONE_E164, wait_for
from tests.webhook_receiver import WebhookReceiver

from .conftest import Platform

pytestmark = pytest.mark.e2e


def _subscribe(platform: Platform, receiver: WebhookReceiver, lat: float, lon: float) -> dict[str, Any]:
    created = requests.post(
        platform.url + "/v1/subscriptions",
        json={
            "area": {"circles": [{"center": [lon, lat], "radius_km": 1}]},
            "channel": "webhook",
            "address": receiver.url,
        },
        timeout=10,
    ).json()
    headers, raw = wait_for(lambda: receiver.deliveries).pop()  # sent by the confirmation worker
    webhooks.verify(created["webhook_secret"], headers, raw)
    code = json.loads(raw)["data"]["code"]
    confirmed = requests.post(
        f"{platform.url}/v1/subscriptions/{created['subscription_id']}/confirm",
        json={"code": code},
        timeout=5,
    )
    assert confirmed.json()["status"] == "active"
    return created  # type: ignore[no-any-return]


def test_two_subscribers_inside_get_one_signed_delivery_each(platform: Platform) -> None:
    receivers = [WebhookReceiver(), WebhookReceiver(), WebhookReceiver()]
    try:
        inside_a = _subscribe(platform, receivers[0], -33.87, 151.21)
        inside_b = _subscribe(platform, receivers[1], -33.875, 151.205)
        _subscribe(platform, receivers[2], -37.81, 144.96)  # Melbourne, outside
        token = platform.token("responder")
        alert = requests.post(
            platform.url + "/v1/ops/alerts",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "event": "Bushfire",
                "categories": ["Fire"],
                "urgency": "Immediate",
                "severity": "Extreme",
                "certainty": "Observed",
                "expires": (datetime.now(UTC) + timedelta(hours=3)).isoformat(),
                "texts": [
                    {"language": "en", "headline": "Evacuate now", "description": "Fire front approaching."}
                ],
                "areas": [
                    {"description": "Sydney CBD", "circles": [{"center": [151.21, -33.87], "radius_km": 3}]}
                ],
            },
            timeout=10,
        )
        assert alert.status_code == 201, alert.text
        wait_for(lambda: receivers[0].deliveries and receivers[1].deliveries)
        time.sleep(3)  # anything repeated or misrouted would arrive by now
        assert len(receivers[0].deliveries) == 1
        assert len(receivers[1].deliveries) == 1
        assert receivers[2].deliveries == []
        for receiver, sub in ((receivers[0], inside_a), (receivers[1], inside_b)):
            headers, raw = receiver.deliveries[0]
            webhooks.verify(sub["webhook_secret"], headers, raw)
            assert json.loads(raw)["data"]["alert_id"] == alert.json()["alert_id"]
        status = requests.get(
            f"{platform.url}/v1/ops/alerts/{alert.json()['alert_id']}/deliveries",
            headers={"Authorization": f"Bearer {token}"},
            timeout=5,
        ).json()
        assert status["counts"] == {"delivered": 2}

        # Force a redelivery: the same alert.issued event again on the bus. A subscriber that
        # joined since then proves the fan-out ran again; nobody who had it hears it twice.
        receivers.append(WebhookReceiver())
        _subscribe(platform, receivers[3], -33.872, 151.212)
        _redeliver(platform, alert.json())
        wait_for(lambda: receivers[3].deliveries)
        time.sleep(2)
        assert [len(r.deliveries) for r in receivers] == [1, 1, 0, 1]
    finally:
        for r in receivers:
            r.close()


def _redeliver(platform: Platform, alert: dict[str, Any]) -> None:
    import boto3

    events = boto3.client(
        "events",
        endpoint_url=f"http://127.0.0.1:{platform.aws_port}",
        region_name="eu-west-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    # The very event the bus carried when the alert was issued, as EventBridge would redeliver it.
    [detail] = wait_for(
        lambda: [
            event["detail"]
            for event in map(json.loads, platform.event_log().splitlines())
            if event["detail-type"] == "alert.issued" and event["detail"]["alert_id"] == alert["alert_id"]
        ]
    )
    events.put_events(
        Entries=[
            {
                "EventBusName": "haven-local",
                "Source": "haven.alerts",
                "DetailType": "alert.issued",
                "Detail": json.dumps(detail),
            }
        ]
    )


def _outbox(platform: Platform, to: str) -> list[dict[str, str]]:
    from haven.adapters.notifier import read_outbox

    return [m for m in read_outbox(platform.state_dir / "outbox.jsonl") if m["to"] == to]


def test_email_and_sms_subscribers_confirm_and_get_the_alert_through_the_outbox(platform: Platform) -> None:
    """Local mode sends SMS and e-mail to its outbox; the addresses reach no log and no event
    (checked when the module's platform stops)."""
    perth = {"circles": [{"center": [115.86, -31.95], "radius_km": 2}]}
    for channel, address in (("email", EMAIL), ("sms", PHONE_E164)):
        created = requests.post(
            platform.url + "/v1/subscriptions",
            json={"area": perth, "channel": channel, "address": address},
            timeout=10,
        )
        assert created.status_code == 201, created.text
        [sent] = wait_for(lambda address=address: _outbox(platform, address))  # type: ignore[misc]
        code = re.search(r"\b(\d{6})\b", sent["body"]).group(1)  # type: ignore[union-attr]
        confirmed = requests.post(
            f"{platform.url}/v1/subscriptions/{created.json()['subscription_id']}/confirm",
            json={"code": code},
            timeout=5,
        )
        assert confirmed.json()["status"] == "active"

    alert = requests.post(
        platform.url + "/v1/ops/alerts",
        headers={"Authorization": "Bearer " + platform.token("responder")},
        json={
            "event": "Heatwave",
            "categories": ["Met"],
            "urgency": "Expected",
            "severity": "Severe",
            "certainty": "Likely",
            "expires": (datetime.now(UTC) + timedelta(hours=6)).isoformat(),
            "texts": [
                {"language": "en", "headline": "Extreme heat tomorrow", "description": "Stay indoors."}
            ],
            "areas": [{"description": "Perth", "circles": [{"center": [115.86, -31.95], "radius_km": 5}]}],
        },
        timeout=10,
    )
    assert alert.status_code == 201, alert.text
    for address in (EMAIL, PHONE_E164):
        wait_for(lambda address=address: len(_outbox(platform, address)) == 2)  # type: ignore[misc]
        assert "Extreme heat tomorrow" in json.dumps(_outbox(platform, address)[-1], ensure_ascii=False)
