"""Triage worker: consumes the report intake queue, a batch at a time.

The batch's reports are triaged together (haven.crisis.triage.triage_batch): one write per
incident whatever the number of its reports, and a write that loses a race with another worker
is re-planned and retried here, with jitter, never handed to SQS for that. Only a record that
cannot be triaged (malformed, unknown report, an AWS error, or the time budget spent on races)
is reported as a batch item failure: SQS redelivers it later and, after the queue's receive
limit, moves it to the DLQ. A batch whose every record fails is reported the same way, not as
a function error, so the errors alarm means the function itself broke.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
    queued_message,
)
from haven.adapters.dynamo.triage import DynamoTriageStore
from haven.adapters.events import EventBridgePublisher
from haven.crisis.classifier import default_classifier
from haven.crisis.triage import BatchOutcome, RetryPolicy, triage_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

logger = observability.logger("triage")
tracer = observability.tracer("triage")
metrics = observability.metrics("triage")

processor = BatchProcessor(event_type=EventType.SQS, logger=logger, raise_on_entire_batch_failure=False)
store = DynamoTriageStore()
classifier = default_classifier()
events = EventBridgePublisher()


@dataclass(frozen=True)
class ReportQueued:
    """The body of an intake message (``haven.adapters.queues.IntakeQueue``)."""

    report_id: str


#: Records are parsed before the batch is processed: the reports are triaged together.
intake_record = queued_message(ReportQueued)


def _triage(event: dict[str, Any], context: Any) -> tuple[dict[str, str], dict[str, Exception], BatchOutcome]:
    """message id → report id, message id → why it cannot be triaged, and the batch's outcome."""
    report_ids: dict[str, str] = {}
    malformed: dict[str, Exception] = {}
    for record in event.get("Records", []):
        try:
            report_ids[record["messageId"]] = intake_record().model_validate(record).body.report_id
        except ValueError as error:  # pydantic's ValidationError: failed, and logged, by the processor
            malformed[record["messageId"]] = error
    started = time.monotonic()
    # Lambda's context counts down; without one (a test), a 30 s budget from now.
    remaining_s = getattr(
        context, "get_remaining_time_in_millis", lambda: 30_000 - (time.monotonic() - started) * 1000
    )
    outcome = triage_batch(
        list(dict.fromkeys(report_ids.values())),
        store=store,
        classifier=classifier,
        events=events,
        retry=RetryPolicy(time_left_s=lambda: remaining_s() / 1000),
    )
    return report_ids, malformed, outcome


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    report_ids, malformed, outcome = _triage(event, context)
    triaged = sum(1 for decision in outcome.decisions.values() if decision is not None)
    if triaged:
        metrics.add_metric(name="ReportsTriaged", unit="Count", value=triaged)
    if outcome.retries:
        metrics.add_metric(name="TriageRaceRetries", unit="Count", value=outcome.retries)

    def record_handler(record: SQSRecord) -> None:
        error = malformed.get(record.message_id) or outcome.failures.get(
            report_ids.get(record.message_id, "")
        )
        if error is not None:
            # The reason, never the content: message bodies may carry personal data.
            logger.warning(
                "triage failed", extra={"message_id": record.message_id, "reason": type(error).__name__}
            )
            raise error

    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
