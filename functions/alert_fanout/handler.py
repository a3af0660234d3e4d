"""Alert fan-out worker: one alert message event → one queued delivery per matching subscriber.

Fed by the EventBridge rule on alert.issued / alert.updated / alert.cancelled. A redelivered
event queues the deliveries again; each delivery is claimed before it is sent, so nobody gets a
message twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.dynamo.alerts import DynamoAlerts, DynamoSubscriberIndex
from haven.adapters.events import queued
from haven.adapters.queues import AlertDeliveryQueue
from haven.alerts.fanout import fan_out
from haven.events.alerts import AlertEvent

if TYPE_CHECKING:
    from haven.adapters.events import QueuedEvent

logger = observability.logger("alert-fanout")
tracer = observability.tracer("alert-fanout")
metrics = observability.metrics("alert-fanout")

processor = BatchProcessor(event_type=EventType.SQS, model=queued(AlertEvent), logger=logger)
alerts = DynamoAlerts()
index = DynamoSubscriberIndex()
queue = AlertDeliveryQueue()


class UnknownMessage(ValueError):
    pass


@tracer.capture_method
def record_handler(record: QueuedEvent[AlertEvent]) -> None:
    message_id = record.body.detail.message_id
    message = alerts.message(message_id)
    if message is None:
        raise UnknownMessage(message_id)
    matched = fan_out(message, index=index, queue=queue)
    logger.info("fanned out", extra={"message_id": message_id, "deliveries": len(matched)})
    metrics.add_metric(name="AlertDeliveriesQueued", unit="Count", value=len(matched))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
