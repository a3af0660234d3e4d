"""Feed poll worker: consumes the feed-poll queue, one source per record.

The records of a batch are polled at once, each in its own thread: a slow source holds only
its own poll (each fetch has a total deadline, haven.adapters.feeds), never the others'.

A failed poll (fetch, credentials, archive, payload, storage) is recorded on the source
(backoff, health) and the record succeeds; only a storage conflict (the source changed during
the poll) fails the record, which SQS redelivers. Logs carry counts, never item text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from haven.adapters import observability
from haven.adapters.batch import (
    AsyncBatchProcessor,
    EventType,
    async_process_partial_response,
    queued_message,
)
from haven.adapters.dynamo.feeds import DynamoFeedStore
from haven.adapters.feeds import HttpFetcher, S3RawArchive, SecretsManagerCredentials
from haven.adapters.queues import IntakeQueue
from haven.feeds.polling import Poller, outcome_summary
from haven.settings import settings

if TYPE_CHECKING:
    from haven.adapters.batch import QueuedMessage

logger = observability.logger("feed-poller")
tracer = observability.tracer("feed-poller")
metrics = observability.metrics("feed-poller")


@dataclass(frozen=True)
class PollQueued:
    """The body of a feed-poll message (``haven.adapters.queues.FeedPollQueue``)."""

    source_id: str


processor = AsyncBatchProcessor(event_type=EventType.SQS, model=queued_message(PollQueued), logger=logger)


@cache  # at the first poll: the settings are read then, not at import
def poller() -> Poller:
    return Poller(
        store=DynamoFeedStore(),
        fetcher=HttpFetcher(),
        archive=S3RawArchive(),
        intake=IntakeQueue(),
        credentials=SecretsManagerCredentials(),
        report_retention=timedelta(days=settings.report_retention_days),
    )


@tracer.capture_method
async def record_handler(record: QueuedMessage[PollQueued]) -> None:
    # asyncio comes with the batch processor, at the first batch (ADR 0039), not at import.
    import asyncio

    outcome = await asyncio.to_thread(poller().poll, record.body.source_id)
    if outcome is None:
        return
    logger.info("feed polled", extra=outcome_summary(outcome))
    metrics.add_metric(name="FeedPolls" if outcome.ok else "FeedPollFailures", unit="Count", value=1)
    metrics.add_metric(name="FeedReports", unit="Count", value=len(outcome.reports))


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return async_process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
