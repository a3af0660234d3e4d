"""The queues of the resource catalog (:mod:`haven.resources`, which re-exports them).

Apart from the rest of the catalog so that a worker that reads its own queue's settings (the
referral delivery's last receive) loads this table only, not every function and bucket.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Queue:
    name: str
    #: The function that consumes it (an SQS event source with partial batch failures).
    consumer: str
    batch_size: int = 10
    max_receive_count: int = 5
    #: At least 6x its consumer's timeout (AWS's guidance for SQS event sources; checked by
    #: the CDK app), so a slow batch is not delivered twice while it still runs.
    visibility_timeout_s: int = 180
    batching_window_s: int = 0
    retention_days: int = 4
    #: Most consumer instances the event source runs at once (None: Lambda's own scaling). Caps
    #: the workers that contend for the same items in a surge (haven.crisis.triage).
    max_concurrency: int | None = None


QUEUES: tuple[Queue, ...] = (
    Queue("incident-alerts", consumer="responder-alerts", batch_size=10, visibility_timeout_s=360),
    Queue(
        "alert-fanout", consumer="alert-fanout", batch_size=1, max_receive_count=5, visibility_timeout_s=360
    ),
    # Deliveries back off exponentially (10 s, 20 s, ... up to 15 min) before their DLQ.
    Queue(
        "alert-delivery",
        consumer="alert-delivery",
        batch_size=10,
        max_receive_count=6,
        visibility_timeout_s=180,
    ),
    # Confirmation codes of new subscriptions, sent outside the request with the same backoff.
    Queue(
        "subscription-confirmation",
        consumer="subscription-confirmation",
        batch_size=10,
        max_receive_count=6,
        visibility_timeout_s=180,
    ),
    Queue("displacement-aggregation", consumer="evidence-aggregator", batch_size=10),
    Queue("report-intake", consumer="triage", batch_size=10, max_receive_count=5, max_concurrency=10),
    Queue(
        "referral-delivery",
        consumer="referral-delivery",
        batch_size=5,
        max_receive_count=5,
        visibility_timeout_s=360,
    ),
    Queue("compliance-reviews", consumer="compliance-reviews", batch_size=10, visibility_timeout_s=360),
    # One message per poll of one source; failures are recorded on the source, not retried here.
    Queue("feed-poll", consumer="feed-poller", batch_size=5, max_receive_count=3, visibility_timeout_s=1800),
    Queue("upload-screening", consumer="upload-screening", batch_size=10),
    # Inbound SMS and WhatsApp messages from their SNS topics (TOPICS). A short batching window
    # lets the parts of one long message arrive in one batch, to be joined.
    Queue(
        "message-intake",
        consumer="message-intake",
        batch_size=10,
        batching_window_s=2,
        max_receive_count=5,
        visibility_timeout_s=180,
    ),
)


def queue(name: str) -> Queue:
    for q in QUEUES:
        if q.name == name:
            return q
    raise KeyError(name)
