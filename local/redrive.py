"""``make redrive QUEUE=report-intake``: move a queue's dead letters back to it, to be tried again.

In AWS (``--aws``, the stage's names and your credentials): SQS's own message move task
(``StartMessageMoveTask``), which keeps each message's body and attributes and moves them at the
rate SQS chooses; ``--status`` shows the task. Locally: the embedded AWS has no move task, so
each message is received from the DLQ, sent to its queue with its body and attributes, and
deleted from the DLQ only once sent (a crash sends a message twice at worst, never loses it;
every consumer tolerates redelivery).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import boto3

from haven import resources

#: Message attributes SQS keeps, moved with each message.
_ALL = ["All"]


def start_move_task(sqs: Any, prefix: str, queue: str) -> str:
    """AWS: one move task from the queue's DLQ back to the queue; its task handle."""
    dlq_url = sqs.get_queue_url(QueueName=resources.dead_letter_queue_name(prefix, queue))["QueueUrl"]
    source = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.get_queue_url(QueueName=resources.queue_name(prefix, queue))["QueueUrl"]
    destination = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return str(sqs.start_message_move_task(SourceArn=source, DestinationArn=destination)["TaskHandle"])


def move_messages(sqs: Any, prefix: str, queue: str) -> int:
    """Local: receive, send, then delete, until the DLQ is empty; the number moved."""
    dlq_url = sqs.get_queue_url(QueueName=resources.dead_letter_queue_name(prefix, queue))["QueueUrl"]
    queue_url = sqs.get_queue_url(QueueName=resources.queue_name(prefix, queue))["QueueUrl"]
    moved = 0
    while True:
        messages = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageAttributeNames=_ALL, VisibilityTimeout=60
        ).get("Messages", [])
        if not messages:
            return moved
        sent = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {
                    "Id": str(n),
                    "MessageBody": m["Body"],
                    **({"MessageAttributes": m["MessageAttributes"]} if m.get("MessageAttributes") else {}),
                }
                for n, m in enumerate(messages)
            ],
        )
        done = {entry["Id"] for entry in sent.get("Successful", [])}
        delete = [
            {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
            for n, m in enumerate(messages)
            if str(n) in done
        ]
        if delete:
            sqs.delete_message_batch(QueueUrl=dlq_url, Entries=delete)
        moved += len(delete)
        if len(done) < len(messages):
            raise RuntimeError(
                f"{len(messages) - len(done)} messages could not be sent back; they stay in the DLQ"
            )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="make redrive", description=__doc__.splitlines()[0])
    parser.add_argument("queue", choices=[q.name for q in resources.QUEUES])
    parser.add_argument("--aws", action="store_true", help="the deployed stage (your AWS credentials)")
    parser.add_argument("--stage", default="dev")
    parser.add_argument("--status", action="store_true", help="with --aws: the move tasks of the DLQ")
    args = parser.parse_args(argv)
    if args.aws:
        sqs = boto3.client("sqs")
        prefix = resources.stage_prefix(args.stage)
        if args.status:
            dlq_url = sqs.get_queue_url(QueueName=resources.dead_letter_queue_name(prefix, args.queue))[
                "QueueUrl"
            ]
            arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            for task in sqs.list_message_move_tasks(SourceArn=arn)["Results"]:
                print(
                    task["Status"],
                    task.get("ApproximateNumberOfMessagesMoved", 0),
                    task.get("FailureReason", ""),
                )
            return 0
        print(f"move task started: {start_move_task(sqs, prefix, args.queue)}")
        return 0
    from local import environment

    endpoint = environment.running_aws_endpoint()
    if endpoint is None:
        print("local mode is not running: start it with make run", file=sys.stderr)
        return 1
    sqs = boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=environment.REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - the embedded AWS accepts any key
    )
    print(f"moved {move_messages(sqs, environment.PREFIX, args.queue)} messages back to {args.queue}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
