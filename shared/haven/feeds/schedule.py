"""The feed schedule: claim each due source and queue one poll of it.

A claim moves the source's next poll time one interval ahead (conditional on its version), so
a re-run, or a second scheduler, queues nothing twice; the poll then sets the real next time
(interval on success, backoff on failure).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Protocol

from haven import clock
from haven.feeds.sources import FeedSource, PollQueue, StaleSource

#: Sources claimed per run; the rest are due at the next run.
MAX_PER_RUN = 500


class DueSources(Protocol):
    def due(self, now: datetime, limit: int) -> list[FeedSource]: ...

    def replace(self, source: FeedSource, expected_version: int) -> FeedSource: ...


def queue_due_polls(*, sources: DueSources, queue: PollQueue) -> list[str]:
    now = clock.now()
    queued: list[str] = []
    for source in sources.due(now, MAX_PER_RUN):
        claimed = replace(source, next_poll_at=now + timedelta(minutes=source.settings.interval_minutes))
        try:
            sources.replace(claimed, source.version)
        except StaleSource:
            continue  # changed or claimed meanwhile
        queue.enqueue(source.source_id)
        queued.append(source.source_id)
    return queued
