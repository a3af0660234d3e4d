"""Runs the worker and scheduled handlers in-process with Lambda's semantics.

For each queue of the catalog, a poller receives batches (up to the event source's batch size),
invokes the consumer's handler with an SQS event, and deletes only the records the handler did
not report in ``batchItemFailures``. A failed record stays on the queue, becomes visible again
after the queue's visibility timeout and is redelivered; the embedded SQS moves it to the DLQ
once it has been received ``maxReceiveCount`` times. A handler that raises fails the whole batch.
Schedules fire on a clock that ``HAVEN_LOCAL_CLOCK_SCALE`` can speed up.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from haven.resources import Function, Queue, Schedule
from local.environment import ACCOUNT, REGION, bus_name
from local.lambda_context import LambdaContext
from local.provision import queue_arn

log = logging.getLogger("haven.local.dispatcher")

Handler = Callable[[dict[str, Any], Any], Any]


def load_handler(function: Function) -> Handler:
    module = importlib.import_module(function.module)
    return getattr(module, function.attribute)  # type: ignore[no-any-return]


def sqs_event(messages: list[dict[str, Any]], arn: str) -> dict[str, Any]:
    records = []
    for m in messages:
        attributes = m.get("Attributes", {})
        records.append(
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {
                    "ApproximateReceiveCount": attributes.get("ApproximateReceiveCount", "1"),
                    "SentTimestamp": attributes.get("SentTimestamp", "0"),
                    "SenderId": attributes.get("SenderId", ACCOUNT),
                    "ApproximateFirstReceiveTimestamp": attributes.get(
                        "ApproximateFirstReceiveTimestamp", "0"
                    ),
                },
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "dataType": value.get("DataType", "String"),
                        "stringListValues": [],
                        "binaryListValues": [],
                    }
                    for name, value in m.get("MessageAttributes", {}).items()
                },
                "md5OfBody": hashlib.md5(m["Body"].encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": arn,
                "awsRegion": REGION,
            }
        )
    return {"Records": records}


class QueuePoller:
    def __init__(
        self,
        sqs: Any,
        queue: Queue,
        queue_url: str,
        queue_name: str,
        function: Function,
        handler: Handler,
        stop: threading.Event,
    ) -> None:
        self.sqs = sqs
        self.queue = queue
        self.url = queue_url
        self.arn = queue_arn(queue_name)
        self.function = function
        self.handler = handler
        self.stop = stop
        self.invocations = 0
        self.thread = threading.Thread(target=self.run, name=f"poll-{queue.name}", daemon=True)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.poll_once(wait_seconds=1)
            except Exception:  # the poller survives anything, as the event source mapping does
                log.exception("poller %s failed; retrying", self.queue.name)
                self.stop.wait(1)

    def poll_once(self, wait_seconds: int = 0) -> int:
        response = self.sqs.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=min(10, self.queue.batch_size),
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        self.invocations += 1
        context = LambdaContext(self.function.name, self.function.timeout_s, self.function.memory_mb)
        try:
            result = self.handler(sqs_event(messages, self.arn), context)
        except Exception:
            log.exception("%s failed a whole batch of %d", self.function.name, len(messages))
            return len(messages)
        failed = {f["itemIdentifier"] for f in (result or {}).get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self.sqs.delete_message_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)],
            )
        return len(messages)


def scheduled_event(schedule: Schedule) -> dict[str, Any]:
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "region": REGION,
        "resources": [f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{bus_name()}-{schedule.name}"],
        "detail": {},
    }


class ScheduleRunner:
    def __init__(
        self,
        schedule: Schedule,
        function: Function,
        handler: Handler,
        stop: threading.Event,
        clock_scale: float,
    ) -> None:
        self.schedule = schedule
        self.function = function
        self.handler = handler
        self.stop = stop
        self.period = schedule.every_minutes * 60 / clock_scale
        self.runs = 0
        self.thread = threading.Thread(target=self.run, name=f"schedule-{schedule.name}", daemon=True)

    def fire(self) -> None:
        self.runs += 1
        try:
            self.handler(
                scheduled_event(self.schedule),
                LambdaContext(self.function.name, self.function.timeout_s),
            )
        except Exception:  # EventBridge would retry; the next tick runs the job again
            log.exception("scheduled %s failed", self.schedule.name)

    def run(self) -> None:
        while not self.stop.wait(self.period):
            self.fire()


def describe(pollers: list[QueuePoller], schedules: list[ScheduleRunner]) -> str:
    return json.dumps(
        {
            "queues": {p.queue.name: p.function.name for p in pollers},
            "schedules": {s.schedule.name: f"every {s.period:.0f}s" for s in schedules},
        }
    )
