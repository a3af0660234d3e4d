"""Sending work to SQS queues."""

from __future__ import annotations

import json

from haven.adapters.aws import client
from haven.adapters.names import queue_url


class SqsQueue:
    def __init__(self, queue: str) -> None:
        self._queue = queue

    def send(self, body: dict[str, object]) -> None:
        client("sqs").send_message(
            QueueUrl=queue_url(self._queue), MessageBody=json.dumps(body, separators=(",", ":"))
        )


class IntakeQueue(SqsQueue):
    def __init__(self) -> None:
        super().__init__("report-intake")

    def enqueue(self, report_id: str) -> None:
        self.send({"report_id": report_id})
