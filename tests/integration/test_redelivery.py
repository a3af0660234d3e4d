"""The workers that send to subscribers redeliver a failed send one way (haven.adapters.queues)."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import boto3
import pytest

from haven.adapters.queues import backoff_seconds, redelivered_later
from haven.alerts.fanout import DeliveryFailed
from haven.config import get_settings


class Recorder:
    def __init__(self) -> None:
        self.warnings: list[tuple[str, dict[str, Any]]] = []

    def warning(self, message: str, extra: dict[str, Any]) -> None:
        self.warnings.append((message, extra))


@pytest.mark.parametrize(("retry_after", "receives"), [(None, 3), (600, 1)])
def test_a_failed_send_is_delayed_logged_with_ids_only_and_raised_again(
    aws: None, retry_after: int | None, receives: int
) -> None:
    sqs = boto3.client("sqs")
    url = os.environ["HAVEN_QUEUE_ALERT_DELIVERY"]
    sqs.send_message(QueueUrl=url, MessageBody='{"message_id": "m-1", "subscription_id": "s-1"}')
    [message] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    record = SimpleNamespace(
        receiptHandle=message["ReceiptHandle"],
        attributes=SimpleNamespace(ApproximateReceiveCount=str(receives)),
    )
    logger = Recorder()
    with (
        pytest.raises(DeliveryFailed),
        redelivered_later("alert-delivery", record, logger, "delivery failed", message_id="m-1"),
    ):
        raise DeliveryFailed("HTTP 503", retry_after=retry_after)
    delay = max(backoff_seconds(receives, base=get_settings().retry_base_seconds), retry_after or 0)
    assert logger.warnings == [
        (
            "delivery failed",
            {"message_id": "m-1", "reason": "HTTP 503", "attempt": receives, "retry_in": delay},
        )
    ]
    # Not visible again until the delay has passed (it was visible at once before).
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def test_anything_else_passes_through_untouched(aws: None) -> None:
    logger = Recorder()
    record = SimpleNamespace(
        receiptHandle="never-used", attributes=SimpleNamespace(ApproximateReceiveCount="1")
    )
    with pytest.raises(KeyError), redelivered_later("alert-delivery", record, logger, "delivery failed"):
        raise KeyError("a bug, not a failed send")
    assert logger.warnings == []
