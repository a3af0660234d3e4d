"""Subscription confirmation worker: sends a new subscription its code, once.

The API only queues the code (sealed); sending it here keeps a subscriber's slow or silent
server out of the request. A failed send is recorded, delayed with exponential backoff (or the
receiver's Retry-After) and retried by SQS; after the queue's receive limit it lands in the DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response, queued_message
from haven.adapters.crypto import AesGcmSealer
from haven.adapters.dynamo.alerts import DynamoDeliveryLog, DynamoSubscriptions
from haven.adapters.notifier import notifier
from haven.adapters.queues import redelivered_later
from haven.adapters.webhook_client import post
from haven.alerts.fanout import send_confirmation
from haven.settings import settings

if TYPE_CHECKING:
    from haven.adapters.batch import QueuedMessage

logger = observability.logger("subscription-confirmation")
tracer = observability.tracer("subscription-confirmation")
metrics = observability.metrics("subscription-confirmation")


@dataclass(frozen=True)
class ConfirmationQueued:
    """The body of a confirmation message (``haven.adapters.queues.ConfirmationQueue``)."""

    subscription_id: str
    sealed_code: str


processor = BatchProcessor(event_type=EventType.SQS, model=queued_message(ConfirmationQueued), logger=logger)
subscriptions = DynamoSubscriptions()
log = DynamoDeliveryLog()
sealer = AesGcmSealer("subscription-address")


@tracer.capture_method
def record_handler(record: QueuedMessage[ConfirmationQueued]) -> None:
    body = record.body
    with redelivered_later(
        "subscription-confirmation",
        record,
        logger,
        "confirmation failed",
        subscription_id=body.subscription_id,
    ):
        sent = send_confirmation(
            body.subscription_id,
            body.sealed_code,
            subscriptions=subscriptions,
            log=log,
            sealer=sealer,
            notifier=notifier(),
            post_webhook=post,
            public_url=settings.public_url,
        )
    metrics.add_metric(name="ConfirmationsSent" if sent else "ConfirmationsSkipped", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
