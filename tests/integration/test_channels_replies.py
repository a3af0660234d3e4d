"""Replies through AWS End User Messaging SMS and Social, checked by botocore's Stubber against
the services' own models (the embedded AWS serves neither): parameters, types and shapes."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber

from haven.adapters.channels import AwsReplier, OutboxReplier
from haven.adapters.notifier import read_outbox


def _clients() -> tuple[Any, Any]:
    session = boto3.session.Session(region_name="eu-west-1")
    return session.client("pinpoint-sms-voice-v2"), session.client("socialmessaging")


def _replier(sms: Any, social: Any, **overrides: Any) -> AwsReplier:
    settings: dict[str, Any] = {
        "origination_identity": "arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-abc",
        "configuration_set": "haven-replies",
        "whatsapp_phone_number_id": "phone-number-id-0123456789abcdef",
        "meta_api_version": "v20.0",
        **overrides,
    }
    return AwsReplier(sms=sms, social=social, **settings)


def test_sms_reply_is_a_transactional_send_text_message() -> None:
    sms, social = _clients()
    with Stubber(sms) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "msg-1"},
            {
                "DestinationPhoneNumber": "+447700900123",
                "OriginationIdentity": "arn:aws:sms-voice:eu-west-1:123456789012:phone-number/phone-abc",
                "MessageBody": "Report received, thank you.",
                "MessageType": "TRANSACTIONAL",
                "ConfigurationSetName": "haven-replies",
                "Context": {"haven_ref": "aws-sms:abc"},
            },
        )
        assert (
            _replier(sms, social).send("sms", "+447700900123", "Report received, thank you.", "aws-sms:abc")
            == "msg-1"
        )
        stub.assert_no_pending_responses()


def test_whatsapp_reply_is_a_cloud_api_text_message() -> None:
    sms, social = _clients()
    sent: dict[str, Any] = {}
    with Stubber(social) as stub:
        stub.add_response(
            "send_whatsapp_message",
            {"messageId": "wa-1"},
            {
                "originationPhoneNumberId": "phone-number-id-0123456789abcdef",
                "message": ANY,
                "metaApiVersion": "v20.0",
            },
        )
        social.meta.events.register(
            "provide-client-params.socialmessaging.SendWhatsAppMessage",
            lambda params, **_: sent.update(params),
        )
        assert _replier(sms, social).send("whatsapp", "+447700900123", "مرحبا", "ref") == "wa-1"
        stub.assert_no_pending_responses()
    assert json.loads(sent["message"]) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "+447700900123",
        "type": "text",
        "text": {"preview_url": False, "body": "مرحبا"},
    }


def test_a_provider_error_fails_the_send() -> None:
    sms, social = _clients()
    with Stubber(sms) as stub:
        stub.add_client_error(
            "send_text_message", service_error_code="ThrottlingException", http_status_code=400
        )
        with pytest.raises(sms.exceptions.ThrottlingException):
            _replier(sms, social).send("sms", "+447700900123", "hi", "ref")


def test_a_number_opted_out_at_aws_is_not_retried() -> None:
    sms, social = _clients()
    with Stubber(sms) as stub:
        stub.add_client_error(
            "send_text_message",
            service_error_code="ConflictException",
            http_status_code=400,
            response_meta={},
            modeled_fields={"Reason": "DESTINATION_PHONE_NUMBER_OPTED_OUT", "ResourceType": "opt-out-list"},
        )
        assert (
            _replier(sms, social).send("sms", "+447700900123", "hi", "ref")
            == "DESTINATION_PHONE_NUMBER_OPTED_OUT"
        )


def test_without_configuration_nothing_is_sent() -> None:
    sms, social = _clients()
    replier = _replier(sms, social, origination_identity=None, whatsapp_phone_number_id=None)
    with Stubber(sms), Stubber(social):
        with pytest.raises(RuntimeError, match="HAVEN_SMS_ORIGINATION_IDENTITY"):
            replier.send("sms", "+447700900123", "hi", "ref")
        with pytest.raises(RuntimeError, match="HAVEN_WHATSAPP_PHONE_NUMBER_ID"):
            replier.send("whatsapp", "+447700900123", "hi", "ref")


def test_locally_replies_are_outbox_lines(tmp_path: Any) -> None:
    path = tmp_path / "outbox.jsonl"
    OutboxReplier(path).send("whatsapp", "+447700900123", "Alerts are on for London.", "aws-whatsapp:wamid.1")
    [line] = read_outbox(path)
    assert (line["channel"], line["to"], line["body"], line["ref"]) == (
        "whatsapp",
        "+447700900123",
        "Alerts are on for London.",
        "aws-whatsapp:wamid.1",
    )
