"""The providers' payloads as their documentation shows them, read into messages."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from haven.channels import providers
from haven.geo import Point

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)

#: AWS End User Messaging SMS user guide, "Example of a two-way SMS message payload".
SMS_DOC = {
    "originationNumber": "+14255550182",
    "destinationNumber": "+12125550101",
    "messageKeyword": "JOIN",
    "messageBody": "EXAMPLE",
    "inboundMessageId": "cae173d2-66b9-564c-8309-21f858e9fb84",
    "previousPublishedMessageId": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
}

#: Meta's webhook entry of a text message (Cloud API, "messages" field).
TEXT_ENTRY = {
    "id": "102290129340398",
    "changes": [
        {
            "value": {
                "messaging_product": "whatsapp",
                "metadata": {"display_phone_number": "15550783881", "phone_number_id": "106540352242922"},
                "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "16505551234"}],
                "messages": [
                    {
                        "from": "16505551234",
                        "id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
                        "timestamp": "1749416383",
                        "type": "text",
                        "text": {"body": "Does it come in another color?"},
                    }
                ],
            },
            "field": "messages",
        }
    ],
}


def _social(entry: dict[str, object]) -> dict[str, object]:
    """AWS End User Messaging Social's event header around a webhook entry (its user guide)."""
    return {
        "context": {
            "MetaWabaIds": [
                {
                    "wabaId": "1234567890abcde",
                    "arn": "arn:aws:social-messaging:us-east-1:123456789012:waba/fb2594b8a7974770b128a409e2example",
                }
            ],
            "MetaPhoneNumberIds": [
                {
                    "metaPhoneNumberId": "abcde1234567890",
                    "arn": "arn:aws:social-messaging:us-east-1:123456789012:phone-number-id/976c72a700aac43eaf573ae050example",
                }
            ],
        },
        "whatsAppWebhookEntry": json.dumps(entry),
        "aws_account_id": "123456789012",
        "message_timestamp": "2025-01-08T23:30:43.271279391Z",
        "messageId": "6d69f07a-c317-4278-9d5c-6a84078419ec",
    }


def _envelope(document: dict[str, object]) -> str:
    return json.dumps(
        {
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": "arn:aws:sns:us-east-1:123456789012:inbound",
            "Message": json.dumps(document),
            "Timestamp": "2026-12-01T12:00:00.000Z",
            "SignatureVersion": "1",
        }
    )


def test_two_way_sms_as_documented() -> None:
    document, published = providers.sns_message(_envelope(SMS_DOC))
    [message] = providers.from_aws(document, published)
    assert (message.channel, message.provider, message.message_id, message.sender, message.text) == (
        "sms",
        "aws-sms",
        "cae173d2-66b9-564c-8309-21f858e9fb84",
        "+14255550182",
        "EXAMPLE",
    )
    assert published == NOW


def test_whatsapp_text_as_documented() -> None:
    document, published = providers.sns_message(_envelope(_social(TEXT_ENTRY)))
    [message] = providers.from_aws(document, published)
    assert message.channel == "whatsapp"
    assert message.sender == "+16505551234"  # wa_id has no plus
    assert message.text == "Does it come in another color?"
    assert message.message_id.startswith("wamid.")
    assert message.received_at == datetime.fromtimestamp(1749416383, UTC)


def test_whatsapp_location() -> None:
    entry = json.loads(json.dumps(TEXT_ENTRY))
    entry["changes"][0]["value"]["messages"][0] = {
        "from": "16505551234",
        "id": "wamid.loc",
        "timestamp": "1749416383",
        "type": "location",
        "location": {"latitude": 27.7172, "longitude": 85.324, "name": "Kathmandu"},
    }
    [message] = providers.from_aws(_social(entry), NOW)
    assert message.location == Point(27.7172, 85.324)
    assert message.text == ""


def test_whatsapp_status_events_carry_no_message() -> None:
    entry = json.loads(json.dumps(TEXT_ENTRY))
    value = entry["changes"][0]["value"]
    del value["messages"]
    value["statuses"] = [{"id": "wamid.x", "status": "delivered", "recipient_id": "16505551234"}]
    assert providers.from_aws(_social(entry), NOW) == []


def test_raw_message_delivery_is_read_too() -> None:
    document, _ = providers.sns_message(json.dumps(SMS_DOC))
    assert providers.from_aws(document, NOW)[0].text == "EXAMPLE"


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"Type": "Notification", "Message": "not json"}),
        json.dumps({"Type": "Notification", "Message": "[1]"}),
        _envelope({"something": "else"}),
        _envelope({**SMS_DOC, "originationNumber": "12345"}),
        _envelope({**SMS_DOC, "inboundMessageId": ""}),
        _envelope({"whatsAppWebhookEntry": "{broken"}),
    ],
)
def test_unreadable(body: str) -> None:
    def read() -> object:
        document, published = providers.sns_message(body)
        return providers.from_aws(document, published)

    with pytest.raises(providers.Unparseable):
        read()


def test_twilio_form() -> None:
    message = providers.from_twilio(
        {
            "MessageSid": "SM" + "a" * 32,
            "From": "whatsapp:+14155238886",
            "Body": "hi",
            "Latitude": "1.5",
            "Longitude": "2",
        },
        NOW,
    )
    assert (message.channel, message.sender, message.location) == (
        "whatsapp",
        "+14155238886",
        Point(1.5, 2.0),
    )
