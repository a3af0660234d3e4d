"""Alert delivery worker: sends one alert message to one subscriber, once.

A failed delivery is recorded, delayed with exponential backoff (or the receiver's
Retry-After) and retried by SQS; after the queue's receive limit it lands in the DLQ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response, queued_message
from haven.adapters.crypto import AesGcmSealer
from haven.adapters.dynamo.alerts import DynamoAlerts, DynamoDeliveryLog, DynamoSubscriptions
from haven.adapters.notifier import notifier
from haven.adapters.queues import redelivered_later
from haven.adapters.webhook_client import post
from haven.alerts.fanout import deliver
from haven.settings import settings

if TYPE_CHECKING:
    from haven.adapters.batch import QueuedMessage

logger = observability.logger("alert-delivery")
tracer = observability.tracer("alert-delivery")
metrics = observability.metrics("alert-delivery")


@dataclass(frozen=True)
class DeliveryQueued:
    """The body of an alert-delivery message (``haven.alerts.fanout.fan_out``)."""

    message_id: str
    subscription_id: str


processor = BatchProcessor(event_type=EventType.SQS, model=queued_message(DeliveryQueued), logger=logger)
alerts = DynamoAlerts()
subscriptions = DynamoSubscriptions()
log = DynamoDeliveryLog()
sealer = AesGcmSealer("subscription-address")


@tracer.capture_method
def record_handler(record: QueuedMessage[DeliveryQueued]) -> None:
    body = record.body
    with redelivered_later("alert-delivery", record, logger, "delivery failed", message_id=body.message_id):
        sent = deliver(
            body.message_id,
            body.subscription_id,
            messages=alerts,
            subscriptions=subscriptions,
            log=log,
            sealer=sealer,
            notifier=notifier(),
            post_webhook=post,
            public_url=settings.public_url,
        )
    metrics.add_metric(name="AlertsDelivered" if sent else "AlertDeliveriesSkipped", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
