"""Helpers shared by tests (the environment itself is set in conftest.py)."""

from __future__ import annotations

import os


def published_events() -> list[dict[str, object]]:
    """Every event published on the bus since the last call (read from the tap queue)."""
    import json

    import boto3

    sqs = boto3.client("sqs")
    found: list[dict[str, object]] = []
    while True:
        messages = sqs.receive_message(
            QueueUrl=os.environ["HAVEN_TEST_EVENT_TAP"], MaxNumberOfMessages=10
        ).get("Messages", [])
        if not messages:
            return found
        for m in messages:
            found.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=os.environ["HAVEN_TEST_EVENT_TAP"], ReceiptHandle=m["ReceiptHandle"])
