"""Feed schedule: queues one poll per enabled feed source that is due.

Runs every few minutes (catalog schedule ``feed-schedule``). Idempotent: a source is claimed
(its next poll time moved ahead, conditionally) before its poll is queued.
"""

from __future__ import annotations

from typing import Any

from haven.adapters import observability
from haven.adapters.dynamo.feed_sources import DynamoFeedSources
from haven.adapters.queues import FeedPollQueue
from haven.feeds.schedule import queue_due_polls

logger = observability.logger("feed-scheduler")
tracer = observability.tracer("feed-scheduler")
metrics = observability.metrics("feed-scheduler")

sources = DynamoFeedSources()
queue = FeedPollQueue()


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    queued = queue_due_polls(sources=sources, queue=queue)
    metrics.add_metric(name="FeedPollsQueued", unit="Count", value=len(queued))
    return {"queued": len(queued)}
