"""Lambda semantics of the local dispatcher: partial batch failures, redelivery, DLQ."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)

from haven.resources import Function, Queue
from local.dispatcher import QueuePoller


def _queue_with_dlq(sqs: Any, max_receive_count: int) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="work-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(
        QueueName="work",
        Attributes={
            "VisibilityTimeout": "1",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count}
            ),
        },
    )["QueueUrl"]
    return url, dlq


def test_one_failing_record_is_redelivered_then_dead_lettered(aws: None) -> None:
    sqs = boto3.client("sqs")
    url, dlq = _queue_with_dlq(sqs, max_receive_count=3)
    for n in range(5):
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": n}))

    processed: list[int] = []
    attempts_of_poison: list[str] = []
    processor = BatchProcessor(event_type=EventType.SQS)

    def record_handler(record: Any) -> None:
        n = json.loads(record.body)["n"]
        if n == 3:
            attempts_of_poison.append(record.attributes.approximate_receive_count)
            raise ValueError("poison")
        processed.append(n)

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return process_partial_response(event, record_handler, processor, context)

    queue = Queue("work", consumer="worker", batch_size=10, max_receive_count=3)
    function = Function("worker", path="functions/worker", handler="handler.handler", description="test")
    poller = QueuePoller(sqs, queue, url, "work", function, handler, threading.Event())

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        poller.poll_once()
        if (
            sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])[
                "Attributes"
            ]["ApproximateNumberOfMessages"]
            == "1"
        ):
            break
        time.sleep(0.2)

    assert sorted(processed) == [0, 1, 2, 4]  # the others were processed once each
    assert attempts_of_poison == ["1", "2", "3"]  # redelivered up to the receive limit
    dead = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert json.loads(dead[0]["Body"]) == {"n": 3}
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def test_a_handler_that_raises_fails_the_whole_batch(aws: None) -> None:
    sqs = boto3.client("sqs")
    url, _ = _queue_with_dlq(sqs, max_receive_count=5)
    sqs.send_message(QueueUrl=url, MessageBody="{}")
    sqs.send_message(QueueUrl=url, MessageBody="{}")

    def crash(event: dict[str, Any], context: Any) -> dict[str, Any]:
        raise RuntimeError("crash")

    queue = Queue("work", consumer="worker")
    function = Function("worker", path="functions/worker", handler="handler.handler", description="test")
    poller = QueuePoller(sqs, queue, url, "work", function, crash, threading.Event())
    assert poller.poll_once() == 2
    time.sleep(1.2)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"])["Messages"]
    assert len(again) == 2
    assert {m["Attributes"]["ApproximateReceiveCount"] for m in again} == {"2"}
