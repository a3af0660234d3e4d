"""Evidence aggregator: consumes incident events (EventBridge rule → SQS) into the counters.

Each record is an EventBridge event ``incident.opened`` or ``incident.updated``. Applying one is
idempotent per (incident, version); a record that races another event of the same incident
fails (partial batch response) and is retried after a backoff, then dead-lettered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from haven.adapters.dynamo.evidence import DynamoEvidenceStore
from haven.adapters.events import queued
from haven.adapters.queues import retry_later
from haven.errors import Conflict
from haven.events.crisis import IncidentEvent
from haven.evidence.countries import country_of
from haven.evidence.displacement import record_incident

if TYPE_CHECKING:
    from haven.adapters.events import QueuedEvent

logger = observability.logger("evidence-aggregator")
tracer = observability.tracer("evidence-aggregator")
metrics = observability.metrics("evidence-aggregator")

processor = BatchProcessor(event_type=EventType.SQS, model=queued(IncidentEvent), logger=logger)
store = DynamoEvidenceStore()
QUEUE = "displacement-aggregation"


@tracer.capture_method
def record_handler(record: QueuedEvent[IncidentEvent]) -> None:
    try:
        applied = record_incident(record.body.detail, store=store, locate=country_of)
    except Conflict:
        # Another event of the incident was applied meanwhile: retry after it, with backoff.
        retry_later(QUEUE, record.receiptHandle, int(record.attributes.ApproximateReceiveCount))
        raise
    except Exception as error:
        logger.warning(
            "aggregation failed", extra={"message_id": record.messageId, "reason": type(error).__name__}
        )
        raise
    metrics.add_metric(
        name="IncidentEventsApplied" if applied else "IncidentEventsSkipped", unit="Count", value=1
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
