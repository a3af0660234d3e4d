"""Responder alerts worker: incident events → notifications to subscribed responders."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.crypto import AesGcmSealer
from haven.adapters.dynamo.alerts import DynamoDeliveryLog, DynamoSubscriberIndex, DynamoSubscriptions
from haven.adapters.events import queued
from haven.adapters.notifier import notifier
from haven.adapters.webhook_client import post
from haven.alerts.responders import notify_responders
from haven.events.crisis import IncidentEvent
from haven.settings import settings

if TYPE_CHECKING:
    from haven.adapters.events import QueuedEvent

logger = observability.logger("responder-alerts")
tracer = observability.tracer("responder-alerts")
metrics = observability.metrics("responder-alerts")

processor = BatchProcessor(event_type=EventType.SQS, model=queued(IncidentEvent), logger=logger)
index = DynamoSubscriberIndex()
subscriptions = DynamoSubscriptions()
log = DynamoDeliveryLog()
sealer = AesGcmSealer("subscription-address")


@tracer.capture_method
def record_handler(record: QueuedEvent[IncidentEvent]) -> None:
    incident = record.body.detail
    notified = notify_responders(
        incident,
        threshold=settings.responder_alert_min_severity,
        index=index,
        subscriptions=subscriptions,
        log=log,
        sealer=sealer,
        notifier=notifier(),
        post_webhook=post,
        public_url=settings.public_url,
    )
    if notified:
        logger.info(
            "responders notified", extra={"incident_id": incident.incident_id, "count": len(notified)}
        )
        metrics.add_metric(name="ResponderAlerts", unit="Count", value=len(notified))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
