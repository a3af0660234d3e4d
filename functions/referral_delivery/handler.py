"""Referral delivery worker: consumes ``complaint.referred`` events routed to its queue.

Each record is an EventBridge event naming a referral; the use case POSTs the referral to the
partner's webhook as a signed CloudEvent and records the attempt. A failed delivery is retried
with exponential backoff (the record's visibility is extended, then it is reported as a batch
item failure); after the queue's last receive it lands in the DLQ, and the referral stays
readable through the partner pull API either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability, webhook_client
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.dynamo.complaints import DynamoPartners, DynamoReferrals
from haven.adapters.events import queued
from haven.adapters.queues import retry_later
from haven.complaints.referrals import deliver
from haven.events.complaints import ComplaintReferred
from haven.queue_catalog import queue

QUEUE = "referral-delivery"

if TYPE_CHECKING:
    from haven.adapters.events import QueuedEvent

logger = observability.logger("referral-delivery")
tracer = observability.tracer("referral-delivery")
metrics = observability.metrics("referral-delivery")

# Every record failing is still a partial response: each record keeps its own backoff.
processor = BatchProcessor(
    event_type=EventType.SQS,
    model=queued(ComplaintReferred),
    logger=logger,
    raise_on_entire_batch_failure=False,
)
referrals = DynamoReferrals()
partners = DynamoPartners()
MAX_RECEIVES = queue(QUEUE).max_receive_count


class DeliveryFailed(RuntimeError):
    pass


@tracer.capture_method
def record_handler(record: QueuedEvent[ComplaintReferred]) -> None:
    attempt = int(record.attributes.ApproximateReceiveCount)
    outcome = deliver(
        record.body.detail.referral_id,
        attempt=attempt,
        last_attempt=attempt >= MAX_RECEIVES,
        referrals=referrals,
        partners=partners,
        send=webhook_client.post,
    )
    if outcome.delivered:
        metrics.add_metric(name="ReferralsDelivered", unit="Count", value=1)
    if outcome.settled:
        return
    metrics.add_metric(name="ReferralDeliveryFailures", unit="Count", value=1)
    delay = None
    if attempt < MAX_RECEIVES:
        delay = retry_later(QUEUE, record.receiptHandle, attempt, outcome.retry_after)
    # The ids and the attempt only: payloads carry personal data.
    logger.warning(
        "delivery failed",
        extra={"message_id": record.messageId, "attempt": attempt, "retry_in_s": delay},
    )
    raise DeliveryFailed(f"attempt {attempt} failed")


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
