"""``make sms FROM=+447700900123 TEXT="..."`` and ``make whatsapp ...``: a message from a phone,
published to its topic on the running local platform exactly as the AWS service publishes it
(a two-way SMS document, or a WhatsApp event with Meta's webhook entry); SNS delivers it to
the message-intake queue and the reply lands in the outbox (``make outbox``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import boto3

from local.environment import ACCOUNT, REGION, running_aws_endpoint, topic_arn

#: The numbers local mode pretends to own (an origination number, a WhatsApp phone number id).
LOCAL_NUMBER = "+447700900000"
LOCAL_WABA_ID = "111111111111111"
LOCAL_PHONE_NUMBER_ID = "222222222222222"


def sms_document(sender: str, text: str, message_id: str | None = None) -> dict[str, Any]:
    """AWS End User Messaging SMS's two-way payload (its user guide's example, field for field)."""
    return {
        "originationNumber": sender,
        "destinationNumber": LOCAL_NUMBER,
        "messageKeyword": "HAVEN",
        "messageBody": text,
        "inboundMessageId": message_id or str(uuid.uuid4()),
        "previousPublishedMessageId": "",
    }


def whatsapp_document(
    sender: str,
    text: str | None,
    message_id: str | None = None,
    location: tuple[float, float] | None = None,
    timestamp: int | None = None,
) -> dict[str, Any]:
    """AWS End User Messaging Social's event: its header and Meta's webhook entry (a string)."""
    wa_id = sender.removeprefix("+")
    message: dict[str, Any] = {
        "from": wa_id,
        "id": message_id or f"wamid.{uuid.uuid4().hex}",
        "timestamp": str(timestamp or int(time.time())),
    }
    if location is not None:
        message.update(type="location", location={"latitude": location[0], "longitude": location[1]})
    else:
        message.update(type="text", text={"body": text or ""})
    entry = {
        "id": LOCAL_WABA_ID,
        "changes": [
            {
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {
                        "display_phone_number": LOCAL_NUMBER.removeprefix("+"),
                        "phone_number_id": LOCAL_PHONE_NUMBER_ID,
                    },
                    "contacts": [{"profile": {"name": "Local tester"}, "wa_id": wa_id}],
                    "messages": [message],
                },
                "field": "messages",
            }
        ],
    }
    return {
        "context": {
            "MetaWabaIds": [
                {"wabaId": LOCAL_WABA_ID, "arn": f"arn:aws:social-messaging:{REGION}:{ACCOUNT}:waba/local"}
            ],
            "MetaPhoneNumberIds": [
                {
                    "metaPhoneNumberId": LOCAL_PHONE_NUMBER_ID,
                    "arn": f"arn:aws:social-messaging:{REGION}:{ACCOUNT}:phone-number-id/local",
                }
            ],
        },
        "whatsAppWebhookEntry": json.dumps(entry),
        "aws_account_id": ACCOUNT,
        "message_timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "messageId": str(uuid.uuid4()),
    }


def sns_record(
    document: dict[str, Any], topic: str = "inbound-sms", at: datetime | None = None
) -> dict[str, Any]:
    """An SQS record as SNS delivers a published document to a subscribed queue (raw delivery
    off: the body is SNS's notification envelope)."""
    when = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"
    envelope = {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": f"arn:aws:sns:eu-west-1:123456789012:haven-test-{topic}",
        "Message": json.dumps(document),
        "Timestamp": when,
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-example.pem",
        "UnsubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
    }
    return {
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "handle-" + uuid.uuid4().hex,
        "body": json.dumps(envelope),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1700000000000",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1700000000000",
        },
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:haven-test-message-intake",
        "awsRegion": "eu-west-1",
    }


def publish(endpoint: str, channel: str, document: dict[str, Any]) -> str:
    sns = boto3.client(
        "sns",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - the embedded AWS accepts any key
    )
    topic = "inbound-sms" if channel == "sms" else "inbound-whatsapp"
    return str(sns.publish(TopicArn=topic_arn(topic), Message=json.dumps(document))["MessageId"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Send a text message to the running local platform.")
    parser.add_argument("channel", choices=("sms", "whatsapp"))
    parser.add_argument("--from", dest="sender", required=True, help="E.164 number, e.g. +447700900123")
    parser.add_argument("--text", default="", help="what the message says")
    parser.add_argument("--lat", type=float, help="WhatsApp: share a location instead of text")
    parser.add_argument("--lon", type=float)
    args = parser.parse_args(argv)
    endpoint = running_aws_endpoint()
    if endpoint is None:
        sys.exit("the local platform is not running: start it with make run")
    if args.channel == "sms":
        document = sms_document(args.sender, args.text)
    else:
        location = (args.lat, args.lon) if args.lat is not None and args.lon is not None else None
        document = whatsapp_document(args.sender, args.text, location=location)
    publish(endpoint, args.channel, document)
    print(f"sent as {args.channel} from {args.sender}; the reply will be in make outbox")


if __name__ == "__main__":
    main()
