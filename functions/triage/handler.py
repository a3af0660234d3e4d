"""Triage worker: consumes the report intake queue.

Each record names a report; the use case classifies it, scores its credibility and clusters it
into an incident. Failed records are reported to SQS (partial batch response) and retried;
after the queue's receive limit they land in its DLQ.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from haven.adapters import observability
from haven.adapters.dynamo.triage import DynamoTriageStore
from haven.adapters.events import EventBridgePublisher
from haven.config import get_settings
from haven.crisis.classifier import LexiconClassifier
from haven.crisis.triage import triage_report

settings = get_settings()
logger = observability.logger("triage")
tracer = observability.tracer("triage")
metrics = observability.metrics("triage")

processor = BatchProcessor(event_type=EventType.SQS)
store = DynamoTriageStore()
classifier = LexiconClassifier()
events = EventBridgePublisher()


class MalformedMessage(ValueError):
    pass


def report_id_of(record: SQSRecord) -> str:
    try:
        body = json.loads(record.body)
    except ValueError:
        raise MalformedMessage("body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("report_id"), str):
        raise MalformedMessage("body has no report_id")
    return str(body["report_id"])


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    try:
        decision = triage_report(report_id_of(record), store=store, classifier=classifier, events=events)
    except Exception as error:
        # The reason, never the content: message bodies may carry personal data.
        logger.warning(
            "triage failed", extra={"message_id": record.message_id, "reason": type(error).__name__}
        )
        raise
    if decision is not None:
        metrics.add_metric(name="ReportsTriaged", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
