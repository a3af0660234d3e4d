"""Safety sweep (scheduled): deletes the photos of expired person records from S3.

The records themselves expire by DynamoDB TTL (and are never served once past their expiry);
photos are keyed by expiry, so each run lists only what has expired. Idempotent.
"""

from __future__ import annotations

from typing import Any

from haven.adapters import observability
from haven.adapters.photos import S3PhotoStore
from haven.safety.photos import sweep_photos

logger = observability.logger("safety-sweep")
tracer = observability.tracer("safety-sweep")
metrics = observability.metrics("safety-sweep")

photos = S3PhotoStore()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    deleted = sweep_photos(photos=photos)
    metrics.add_metric(name="SafetyPhotosDeleted", unit="Count", value=deleted)
    logger.info("safety sweep", extra={"photos_deleted": deleted})
    return {"photos_deleted": deleted}
