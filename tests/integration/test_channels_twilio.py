"""Twilio's signed webhook: the signature checked as Twilio's own RequestValidator checks it, a
wrong or missing one refused with 403 and nothing stored, the dialogue answered in TwiML."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from chalice.test import Client
from defusedxml import ElementTree as SafeET
from twilio.request_validator import RequestValidator

from haven.channels import twilio

TOKEN = "0123456789abcdef0123456789abcdef"
URL = "http://127.0.0.1:8000/v1/channels/twilio/sms"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    from haven.adapters import channels

    boto3.client("secretsmanager").create_secret(
        Name="haven-test/channels/twilio-auth-token", SecretString=TOKEN
    )
    channels._twilio_token.clear()
    channels.intake.cache_clear()
    with Client(api.app) as c:
        yield c
    channels._twilio_token.clear()


def message(body: str, sid: str, sender: str = "+447700900123", **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "AccountSid": "AC" + "1" * 32,
        "From": sender,
        "To": "+447700900000",
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "ApiVersion": "2010-04-01",
        **extra,
    }


def post(client: Any, params: dict[str, str], signature: str | None) -> Any:
    headers = dict(FORM)
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return client.http.post("/v1/channels/twilio/sms", headers=headers, body=urlencode(params))


def signed(client: Any, params: dict[str, str]) -> Any:
    return post(client, params, RequestValidator(TOKEN).compute_signature(URL, params))


def reply_of(response: Any) -> str | None:
    assert response.status_code == 200, response.body
    assert response.headers["Content-Type"] == "application/xml"
    root = SafeET.fromstring(response.body)
    assert root.tag == "Response"
    found = root.find("Message")
    return None if found is None else found.text


@pytest.mark.parametrize(
    "params",
    [
        {},
        message("SAFE", "SM" + "a" * 32),
        message("Ça va? <b>&</b> ünïcödé ✓", "SM" + "b" * 32, MediaUrl0="https://api.twilio.com/x"),
        {"Body": "x" * 1600, "From": "whatsapp:+447700900123", "A": "", "a": "1"},
    ],
)
def test_the_signature_is_twilios(params: dict[str, str]) -> None:
    validator = RequestValidator(TOKEN)
    ours = twilio.signature(TOKEN, URL, params)
    assert ours == validator.compute_signature(URL, params)
    assert validator.validate(URL, params, ours)
    assert twilio.valid(TOKEN, URL, params, ours)
    assert not twilio.valid(TOKEN, URL + "?x=1", params, ours)
    assert not twilio.valid("another-token", URL, params, ours)


def _stored() -> list[dict[str, Any]]:
    return boto3.client("dynamodb").scan(TableName="haven-test-conversations")["Items"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("signature", [None, "", "bm90IGEgc2lnbmF0dXJl", "tampered"])
def test_a_wrong_or_missing_signature_is_403_and_nothing_is_stored(
    client: Any, signature: str | None
) -> None:
    params = message("SAFE", "SM" + "c" * 32)
    if signature == "tampered":
        signature = RequestValidator(TOKEN).compute_signature(URL, {**params, "Body": "FIND"})
    response = post(client, params, signature)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"
    assert _stored() == []


def test_an_unsigned_form_is_403_whatever_is_wrong_with_it(client: Any) -> None:
    # A name given twice is refused only once the form is known to be Twilio's: unsigned, it is 403.
    body = urlencode(message("HELP", "SM" + "e" * 32)) + "&Body=again"
    headers = {**FORM, "X-Twilio-Signature": "not-a-signature"}
    response = client.http.post("/v1/channels/twilio/sms", headers=headers, body=body)
    assert response.status_code == 403
    assert _stored() == []


def test_without_a_token_in_secrets_manager_every_request_is_refused(aws: None) -> None:
    import app as api

    from haven.adapters import channels

    channels._twilio_token.clear()
    with Client(api.app) as c:
        params = message("SAFE", "SM" + "d" * 32)
        assert post(c, params, RequestValidator(TOKEN).compute_signature(URL, params)).status_code == 403
    assert _stored() == []


def test_a_signed_check_in_is_answered_in_twiml_once(client: Any) -> None:
    first = message("hola", "SM" + "e" * 32)
    assert reply_of(signed(client, first)).startswith("Haven. Reply 1 report")  # type: ignore[union-attr]
    assert reply_of(signed(client, message("ASALVO", "SM" + "f" * 32))) == (
        "¿Su nombre completo, para que sus familiares le encuentren?"
    )
    named = message("Rosa Díaz", "SM" + "0" * 31 + "1")
    assert reply_of(signed(client, named)) == (
        "Rosa Díaz figura a salvo. Sus familiares pueden encontrarle por su nombre durante 40 dias."
    )
    # Twilio retries a webhook it thinks failed: the same MessageSid is not a second check-in.
    assert reply_of(signed(client, named)) is None
    found = client.http.get("/v1/safety/people?q=Rosa%20Diaz").json_body["items"]
    assert [(p["full_name"], p["latest_status"]) for p in found] == [("Rosa Díaz", "is_note_author")]


def test_a_parameter_twilio_adds_later_is_ignored_not_a_lost_message(client: Any) -> None:
    params = message("HELP", "SM" + "2" * 32, SomethingNew="1")
    response = signed(client, params)
    assert response.status_code == 200
    assert "REPORT" in (reply_of(response) or "")
    # A listed parameter is still checked.
    wrong = signed(client, message("HELP", "not-a-sid"))
    assert wrong.status_code == 422
    assert [e["field"] for e in wrong.json_body["errors"]] == ["MessageSid"]


def test_whatsapp_through_twilio_shares_a_location(client: Any) -> None:
    sender = "whatsapp:+447700900555"
    assert reply_of(signed(client, message("REPORT", "SM" + "3" * 32, sender=sender))).startswith(
        "What happened?"
    )
    reply_of(signed(client, message("Landslide on the road", "SM" + "4" * 32, sender=sender)))
    located = message("", "SM" + "5" * 32, sender=sender, Latitude="27.7", Longitude="85.3")
    assert reply_of(signed(client, located)).startswith("How many people")


def test_a_message_while_the_sender_is_being_answered_waits_its_turn_in_the_request(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Twilio does not retry a 409 by default (only a connect timeout): the message would be lost.
    from chalicelib import channels as route
    from haven.adapters import channels
    from haven.channels.intake import SenderBusy

    conversations = channels.intake().conversations
    load = conversations.load
    busy = iter([True, True])

    def load_once_busy(sender_key: str, now: Any) -> Any:
        if next(busy, False):
            raise SenderBusy(sender_key)
        return load(sender_key, now)

    monkeypatch.setattr(conversations, "load", load_once_busy)
    waits: list[float] = []
    monkeypatch.setattr(route.time, "sleep", waits.append)
    response = signed(client, message("HELP", "SM" + "6" * 32))
    assert "REPORT" in (reply_of(response) or "")
    assert len(waits) == 2


def test_a_sender_busy_for_too_long_is_409_and_the_message_can_come_again(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib import channels as route
    from haven.adapters import channels
    from haven.channels.intake import SenderBusy

    conversations = channels.intake().conversations
    load = conversations.load

    def always_busy(sender_key: str, now: Any) -> Any:
        raise SenderBusy(sender_key)

    monkeypatch.setattr(conversations, "load", always_busy)
    monkeypatch.setattr(route.time, "sleep", lambda _s: None)
    params = message("HELP", "SM" + "7" * 32)
    assert signed(client, params).status_code == 409
    monkeypatch.setattr(conversations, "load", load)
    assert "REPORT" in (reply_of(signed(client, params)) or "")


def test_a_rotated_auth_token_is_picked_up_without_a_cold_start(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.adapters import channels

    assert reply_of(signed(client, message("HELP", "SM" + "8" * 32)))
    rotated = "fedcba9876543210fedcba9876543210"
    boto3.client("secretsmanager").put_secret_value(
        SecretId="haven-test/channels/twilio-auth-token", SecretString=rotated
    )
    later = channels.time.monotonic() + channels.TWILIO_TOKEN_TTL_S + 1
    monkeypatch.setattr(channels.time, "monotonic", lambda: later)
    params = message("HELP", "SM" + "9" * 32)
    response = post(client, params, RequestValidator(rotated).compute_signature(URL, params))
    assert "REPORT" in (reply_of(response) or "")
