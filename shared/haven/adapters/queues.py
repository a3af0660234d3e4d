"""Sending work to SQS queues."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from haven.adapters.aws import client
from haven.adapters.names import queue_url
from haven.errors import DeliveryFailed
from haven.settings import get_settings


class SqsQueue:
    def __init__(self, queue: str) -> None:
        self._queue = queue

    def send(self, body: dict[str, object]) -> None:
        client("sqs").send_message(
            QueueUrl=queue_url(self._queue), MessageBody=json.dumps(body, separators=(",", ":"))
        )


class IntakeQueue(SqsQueue):
    def __init__(self) -> None:
        super().__init__("report-intake")

    def enqueue(self, report_id: str) -> None:
        self.send({"report_id": report_id})


class ConfirmationQueue(SqsQueue):
    """Confirmation codes of new subscriptions, sent by the subscription-confirmation worker."""

    def __init__(self) -> None:
        super().__init__("subscription-confirmation")

    def enqueue(self, subscription_id: str, sealed_code: str) -> None:
        self.send({"subscription_id": subscription_id, "sealed_code": sealed_code})


def backoff_seconds(receive_count: int, base: int = 10, cap: int = 900) -> int:
    """Exponential backoff for the n-th failed delivery: base, 2·base, 4·base, ... up to cap."""
    return int(min(cap, base * 2 ** max(0, receive_count - 1)))


def retry_later(queue: str, receipt_handle: str, receive_count: int, retry_after: int | None = None) -> int:
    """Delay the redelivery of a failed SQS record (exponential, or the receiver's Retry-After).

    The record must then be reported as a batch item failure; SQS redelivers it after the delay
    and moves it to the DLQ once the queue's ``maxReceiveCount`` is reached.
    """
    base = get_settings().retry_base_seconds
    delay = max(backoff_seconds(receive_count, base=base), min(retry_after or 0, 900))
    client("sqs").change_message_visibility(
        QueueUrl=queue_url(queue), ReceiptHandle=receipt_handle, VisibilityTimeout=delay
    )
    return delay


class FailedRecord(Protocol):
    """What :func:`redelivered_later` reads of an SQS record (Powertools' ``SqsRecordModel``)."""

    @property
    def receiptHandle(self) -> str: ...

    @property
    def attributes(self) -> Any: ...


@contextmanager
def redelivered_later(
    queue: str, record: FailedRecord, logger: logging.Logger | Any, what: str, **facts: str
) -> Iterator[None]:
    """A send that raises :class:`~haven.errors.DeliveryFailed` inside is delayed with
    :func:`retry_later` (its Retry-After honoured), logged as ``what`` with ``facts`` (ids only,
    never an address) and raised again, so the batch reports the record failed and SQS redelivers
    it (then the DLQ). One way for the workers that send to subscribers."""
    try:
        yield
    except DeliveryFailed as failure:
        attempts = int(record.attributes.ApproximateReceiveCount)
        delay = retry_later(queue, record.receiptHandle, attempts, failure.retry_after)
        logger.warning(what, extra={**facts, "reason": str(failure), "attempt": attempts, "retry_in": delay})
        raise


class AlertDeliveryQueue(SqsQueue):
    def __init__(self) -> None:
        super().__init__("alert-delivery")

    def enqueue(self, deliveries: list[dict[str, str]]) -> None:
        """In batches of ten; a delivery the queue refused fails the fan-out (it is retried)."""
        url = queue_url(self._queue)
        for start in range(0, len(deliveries), 10):
            chunk = deliveries[start : start + 10]
            response = client("sqs").send_message_batch(
                QueueUrl=url,
                Entries=[
                    {"Id": str(n), "MessageBody": json.dumps(d, separators=(",", ":"))}
                    for n, d in enumerate(chunk)
                ],
            )
            if response.get("Failed"):
                raise RuntimeError(f"{len(response['Failed'])} deliveries were not queued")


class FeedPollQueue(SqsQueue):
    """Polls of feed sources, queued by the scheduler and the API's "poll now" for the poller."""

    def __init__(self) -> None:
        super().__init__("feed-poll")

    def enqueue(self, source_id: str) -> None:
        self.send({"source_id": source_id})
