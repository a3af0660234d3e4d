"""Compliance reviews worker: ``complaint.resolved`` events → reviews of accreditations.

See :mod:`haven.recruitment.monitoring`. Idempotent: a redelivered event finds its review.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.dynamo.accreditation import DynamoApplications, DynamoRoster
from haven.adapters.events import queued
from haven.events.complaints import ComplaintResolved
from haven.recruitment.monitoring import Outcome, open_compliance_review

if TYPE_CHECKING:
    from haven.adapters.events import QueuedEvent

logger = observability.logger("compliance-reviews")
tracer = observability.tracer("compliance-reviews")
metrics = observability.metrics("compliance-reviews")

processor = BatchProcessor(event_type=EventType.SQS, model=queued(ComplaintResolved), logger=logger)
applications = DynamoApplications()
roster = DynamoRoster()


@tracer.capture_method
def record_handler(record: QueuedEvent[ComplaintResolved]) -> None:
    resolved = record.body.detail
    outcome = open_compliance_review(resolved, roster, applications)
    logger.info(
        "complaint resolution checked for a compliance review",
        extra={"complaint_id": resolved.complaint_id, "outcome": outcome.value},
    )
    if outcome is Outcome.OPENED:
        metrics.add_metric(name="ComplianceReviewsOpened", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
