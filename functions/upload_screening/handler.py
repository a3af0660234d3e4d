"""Upload screening worker: S3 ``Object Created`` events of the upload buckets → screening.

See :mod:`haven.uploads`. A rejected object version is deleted for good and ``upload.rejected``
is published; an object already gone is done, so a redelivered event is harmless. Logs carry the
logical bucket, the key (generated ids), the outcome and the reason: never content or names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import BatchProcessor, EventType, process_partial_response
from haven.adapters.events import EventBridgePublisher, queued_object_created
from haven.adapters.uploads import S3Uploads
from haven.uploads import POLICIES, Outcome, screen_upload

if TYPE_CHECKING:
    from haven.adapters.events import QueuedObjectCreated

logger = observability.logger("upload-screening")
tracer = observability.tracer("upload-screening")
metrics = observability.metrics("upload-screening")

processor = BatchProcessor(event_type=EventType.SQS, model=queued_object_created, logger=logger)
# The buckets screened are those with a policy: the catalog's upload buckets (a unit test holds them equal).
uploads = S3Uploads(POLICIES)
events = EventBridgePublisher()


@tracer.capture_method
def record_handler(record: QueuedObjectCreated) -> None:
    created = record.body.detail
    version = uploads.announced(created.bucket.name, created.object.key, created.object.version_id)
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
