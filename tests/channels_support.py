"""Shared helpers of the text-channel tests: SNS-shaped SQS records and the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from haven.adapters.notifier import read_outbox


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


def replies(outbox: Path, to: str | None = None) -> list[str]:
    return [m["body"] for m in read_outbox(outbox) if to is None or m["to"] == to]
