"""The referral delivery decisions: what is sent, what is recorded, whether to retry."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from haven import webhooks
from haven.complaints import referrals as cases
from haven.complaints.entities import DeliveryState, Partner, Referral
from haven.errors import FieldError, ValidationFailed
from tests.fakes import ComplaintPorts as Ports


@dataclass(frozen=True)
class Report:
    ok: bool
    status: int | None = None
    error: str | None = None
    retry_after: int | None = None


class Webhook:
    """Records what is sent and answers with ``report`` (or raises ``refuse``)."""

    def __init__(self, report: Report = Report(ok=True, status=204), refuse: bool = False) -> None:
        self.report = report
        self.refuse = refuse
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> Report:
        self.sent.append((url, body, headers))
        if self.refuse:
            raise ValidationFailed([FieldError("webhook_url", "resolves to a private address")])
        return self.report


@pytest.fixture
def referral(ports: Ports, make_referral: Callable[..., Referral]) -> Referral:
    stored = make_referral()
    ports.referrals.items[stored.referral_id] = stored
    return stored


def _deliver(
    ports: Ports, referral_id: str, send: Webhook, *, attempt: int = 1, last: bool = False
) -> cases.Outcome:
    return cases.deliver(
        referral_id,
        attempt=attempt,
        last_attempt=last,
        referrals=ports.referrals,
        partners=ports.partners,
        send=send,
    )


def _state(
    ports: Ports, referral: Referral
) -> tuple[DeliveryState, list[tuple[bool, int | None, str | None]]]:
    stored = ports.referrals.get(referral.referral_id)
    assert stored is not None
    return stored.delivery_state, [(a.ok, a.http_status, a.error) for a in stored.attempts]


def test_a_delivery_is_a_signed_cloudevent_of_the_payload(
    ports: Ports, referral: Referral, make_partner: Callable[..., Partner]
) -> None:
    partner = ports.partners.add(make_partner())
    send = Webhook()
    assert _deliver(ports, referral.referral_id, send) == cases.Outcome(delivered=True, settled=True)
    [(url, body, headers)] = send.sent
    assert url == partner.webhook_url
    event = json.loads(body)
    assert (event["id"], event["type"], event["subject"]) == (
        referral.referral_id,
        cases.EVENT_TYPE,
        referral.complaint_id,
    )
    assert event["data"] == referral.payload
    webhooks.verify(partner.secrets[0].secret, headers, body)
    assert _state(ports, referral) == (DeliveryState.DELIVERED, [(True, 204, None)])


@pytest.mark.parametrize(
    "partner",
    [None, {"active": False}, {"webhook_url": None}],
    ids=["unknown partner", "inactive partner", "pull-only partner"],
)
def test_a_partner_without_an_active_webhook_pulls_instead(
    ports: Ports, referral: Referral, make_partner: Callable[..., Partner], partner: dict[str, object] | None
) -> None:
    if partner is not None:
        ports.partners.add(make_partner(**partner))
    send = Webhook()
    assert _deliver(ports, referral.referral_id, send) == cases.Outcome(delivered=False, settled=True)
    assert send.sent == []
    assert _state(ports, referral) == (
        DeliveryState.PULL_ONLY,
        [(False, None, "partner has no active webhook")],
    )


def test_an_unknown_or_delivered_referral_is_settled_without_sending(
    ports: Ports, make_referral: Callable[..., Referral], make_partner: Callable[..., Partner]
) -> None:
    ports.partners.add(make_partner())
    delivered = make_referral(delivery_state=DeliveryState.DELIVERED)
    ports.referrals.items[delivered.referral_id] = delivered
    send = Webhook()
    for referral_id in ("no-such-referral", delivered.referral_id):
        assert _deliver(ports, referral_id, send) == cases.Outcome(delivered=False, settled=True)
    assert send.sent == []
    assert ports.referrals.get(delivered.referral_id) == delivered


@pytest.mark.parametrize(
    ("last", "state"), [(False, DeliveryState.RETRYING), (True, DeliveryState.DEAD_LETTERED)]
)
def test_a_failed_delivery_is_retried_until_the_last_attempt(
    ports: Ports, referral: Referral, make_partner: Callable[..., Partner], last: bool, state: DeliveryState
) -> None:
    ports.partners.add(make_partner())
    send = Webhook(Report(ok=False, status=503, error="HTTP 503", retry_after=120))
    outcome = _deliver(ports, referral.referral_id, send, attempt=3, last=last)
    assert outcome == cases.Outcome(delivered=False, settled=False, retry_after=120)
    assert _state(ports, referral) == (state, [(False, 503, "HTTP 503")])


def test_a_refused_webhook_url_is_recorded_and_retried(
    ports: Ports, referral: Referral, make_partner: Callable[..., Partner]
) -> None:
    ports.partners.add(make_partner())
    outcome = _deliver(ports, referral.referral_id, Webhook(refuse=True))
    assert outcome == cases.Outcome(delivered=False, settled=False)
    assert _state(ports, referral) == (DeliveryState.RETRYING, [(False, None, "webhook URL refused")])
