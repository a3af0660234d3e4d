"""Upload screening worker: S3 ``Object Created`` events of the upload buckets → screening.

See :mod:`haven.uploads`. A rejected object version is deleted for good and ``upload.rejected``
is published; an object already gone is done, so a redelivered event is harmless. Logs carry the
logical bucket, the key (generated ids), the outcome and the reason: never content or names.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.events import EventBridgePublisher
from haven.adapters.uploads import S3Uploads
from haven.resources import function
from haven.uploads import Outcome, screen_upload

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

logger = observability.logger("upload-screening")
tracer = observability.tracer("upload-screening")
metrics = observability.metrics("upload-screening")

processor = BatchProcessor(event_type=EventType.SQS)
uploads = S3Uploads(function("upload-screening").reads_buckets)
events = EventBridgePublisher()


@tracer.capture_method
def record_handler(record: SQSRecord) -> None:
    # Here, not at import: the data classes module loads every event class (ADR 0039).
    from aws_lambda_powertools.utilities.data_classes import S3EventBridgeNotificationEvent

    created = S3EventBridgeNotificationEvent(json.loads(record.body)).detail
    version = uploads.announced(created.bucket.name, created.object.key, created.object.get("version-id"))
    screening = screen_upload(version, uploads, events)
    logger.info(
        "upload screened",
        extra={
            "bucket": version.bucket,
            "key": version.key,
            "outcome": screening.outcome.value,
            "reason": screening.reason.value if screening.reason else None,
        },
    )
    if screening.outcome is Outcome.REJECTED:
        metrics.add_metric(name="UploadsRejected", unit="Count", value=1)


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
