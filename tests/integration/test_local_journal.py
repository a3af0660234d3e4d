"""The local journal (ADR 24) on moto's server in this process: what a call changed is on disk
before the call is answered, and replaying the journal over nothing gives the same state.

Replay is checked against moto's own state: every item, object and message (with its id,
attributes and receive count) read in process before and after.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from local import journal as journaling
from local.environment import ACCOUNT, REGION
from local.journal import Journal


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Embedded:
    def __init__(self, journal: Journal, port: int) -> None:
        self.journal = journal
        self.endpoint = f"http://127.0.0.1:{port}"
        self.server = journaling.journaling_server(journal, "127.0.0.1", port)

    def client(self, service: str) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 1}),
        )

    def reset(self) -> None:
        requests.post(self.endpoint + "/moto-api/reset", timeout=10).raise_for_status()

    def provision(self) -> None:
        dynamodb = self.client("dynamodb")
        dynamodb.create_table(
            TableName="j-items",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
            ],
        )
        sqs = self.client("sqs")
        sqs.create_queue(QueueName="j-dlq")
        sqs.create_queue(
            QueueName="j-work",
            Attributes={
                "RedrivePolicy": json.dumps(
                    {"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:j-dlq", "maxReceiveCount": 1}
                )
            },
        )
        self.client("s3").create_bucket(
            Bucket="j-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
        )

    def queue(self, name: str) -> str:
        return f"{self.endpoint}/{ACCOUNT}/{name}"


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Embedded]:
    running = Embedded(Journal(tmp_path), _free_port())
    running.server.start()
    running.reset()
    running.provision()
    yield running
    running.reset()
    running.server.stop()
    running.journal.close()


def _state() -> list[str]:
    """Everything moto holds, comparable (receive counts included, visibility not)."""
    return sorted(json.dumps(r, sort_keys=True) for r in journaling.snapshot_records())


def _replay(embedded: Embedded) -> None:
    """What a restart does after a kill: a fresh embedded AWS, its resources, the journal."""
    embedded.reset()
    embedded.provision()
    for _, path in embedded.journal.segments():
        for record in Journal.read_segment(path):
            journaling.apply(record)


def test_replaying_the_journal_gives_back_every_item_object_and_message(embedded: Embedded) -> None:
    dynamodb, s3, sqs = embedded.client("dynamodb"), embedded.client("s3"), embedded.client("sqs")
    item = {"pk": {"S": "a"}, "sk": {"S": "1"}, "n": {"N": "1.5"}, "blob": {"B": b"\x00\xff"}}
    dynamodb.put_item(TableName="j-items", Item=item)
    dynamodb.put_item(TableName="j-items", Item={"pk": {"S": "b"}, "sk": {"S": "1"}})
    dynamodb.update_item(
        TableName="j-items",
        Key={"pk": {"S": "a"}, "sk": {"S": "1"}},
        UpdateExpression="SET tags = :t ADD hits :one",
        ExpressionAttributeValues={":t": {"SS": ["x", "y"]}, ":one": {"N": "1"}},
    )
    dynamodb.delete_item(TableName="j-items", Key={"pk": {"S": "b"}, "sk": {"S": "1"}})
    dynamodb.batch_write_item(
        RequestItems={
            "j-items": [{"PutRequest": {"Item": {"pk": {"S": f"c{n}"}, "sk": {"S": "1"}}}} for n in range(3)]
        }
    )
    # A transaction that fails after its first write: moto rolls it back; so must the journal.
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "j-items", "Item": {"pk": {"S": "t"}, "sk": {"S": "1"}}}},
                {
                    "Update": {
                        "TableName": "j-items",
                        "Key": {"pk": {"S": "a"}, "sk": {"S": "1"}},
                        "UpdateExpression": "SET hits = :big",
                        "ConditionExpression": "attribute_not_exists(pk)",
                        "ExpressionAttributeValues": {":big": {"N": "99"}},
                    }
                },
            ]
        )
    s3.put_object(
        Bucket="j-bucket", Key="kept/1", Body=b"\x89PNG", ContentType="image/png", Metadata={"m": "1"}
    )
    s3.put_object(Bucket="j-bucket", Key="gone/1", Body=b"x")
    s3.copy_object(Bucket="j-bucket", Key="kept/copy", CopySource={"Bucket": "j-bucket", "Key": "kept/1"})
    s3.delete_object(Bucket="j-bucket", Key="gone/1")
    sqs.send_message(QueueUrl=embedded.queue("j-work"), MessageBody="done")
    [done] = sqs.receive_message(QueueUrl=embedded.queue("j-work"))["Messages"]
    sqs.delete_message(QueueUrl=embedded.queue("j-work"), ReceiptHandle=done["ReceiptHandle"])
    sqs.send_message(
        QueueUrl=embedded.queue("j-work"),
        MessageBody="triage me",
        MessageAttributes={
            "kind": {"DataType": "String", "StringValue": "report"},
            "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
        },
    )

    before = _state()
    assert any('"hits": {"N": "1"}' in r for r in before)  # the rolled-back update is not there
    assert not any('"pk": {"S": "t"}' in r for r in before)
    _replay(embedded)
    assert _state() == before
    # And as clients see it.
    got = dynamodb.get_item(TableName="j-items", Key={"pk": {"S": "a"}, "sk": {"S": "1"}})["Item"]
    assert got["blob"] == {"B": b"\x00\xff"}
    assert got["tags"] == {"SS": ["x", "y"]}
    kept = s3.get_object(Bucket="j-bucket", Key="kept/1")
    assert (kept["Body"].read(), kept["ContentType"], kept["Metadata"]) == (
        b"\x89PNG",
        "image/png",
        {"m": "1"},
    )
    [message] = sqs.receive_message(
        QueueUrl=embedded.queue("j-work"), MessageAttributeNames=["All"], AttributeNames=["All"]
    )["Messages"]
    assert message["Body"] == "triage me"
    assert message["MessageAttributes"]["raw"]["BinaryValue"] == b"\x01\x02"


def test_a_message_dead_lettered_stays_dead_lettered(embedded: Embedded) -> None:
    sqs = embedded.client("sqs")
    sqs.send_message(QueueUrl=embedded.queue("j-work"), MessageBody="poison")
    sqs.receive_message(QueueUrl=embedded.queue("j-work"), VisibilityTimeout=0)  # receive count 1
    assert "Messages" not in sqs.receive_message(QueueUrl=embedded.queue("j-work"))  # moved to the DLQ
    _replay(embedded)
    assert "Messages" not in sqs.receive_message(QueueUrl=embedded.queue("j-work"))
    [moved] = sqs.receive_message(QueueUrl=embedded.queue("j-dlq"))["Messages"]
    assert moved["Body"] == "poison"


def test_no_answer_before_the_journal_has_the_change(
    embedded: Embedded, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A journal that cannot write: the call is not acknowledged (and nothing else is lost)."""

    def failing(marks: list[Any]) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(embedded.journal, "commit", failing)
    with pytest.raises(ClientError) as refused:
        embedded.client("dynamodb").put_item(TableName="j-items", Item={"pk": {"S": "z"}, "sk": {"S": "1"}})
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    # Reads change nothing: they are answered without the journal.
    assert embedded.client("dynamodb").describe_table(TableName="j-items")["Table"]["TableName"] == "j-items"


def test_a_line_torn_by_a_kill_is_ignored(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    path = journal.path(journal.current)
    path.write_text('{"ddb": "t", "key": {}, "item": null}\n{"ddb": "t", "ke')
    assert list(Journal.read_segment(path)) == [{"ddb": "t", "key": {}, "item": None}]
    assert Journal(tmp_path).current == journal.current + 1  # a restart writes a new segment


def test_a_checkpoint_folds_the_journal_into_the_snapshot(embedded: Embedded, tmp_path: Path) -> None:
    """Writes, a checkpoint, more writes, a kill: the snapshot and the journal after it give
    everything back; a segment older than the snapshot (a kill between the snapshot's rename
    and the old segments' deletion) is not replayed over it."""
    from local.persistence import Snapshotter

    dynamodb = embedded.client("dynamodb")
    snapshots = Snapshotter(embedded.endpoint, tmp_path / "snapshot.json", embedded.journal)
    key = {"pk": {"S": "k"}, "sk": {"S": "1"}}
    dynamodb.put_item(TableName="j-items", Item={**key, "v": {"N": "1"}})
    stale = [path for _, path in embedded.journal.segments()]
    stale_copy = [p.read_bytes() for p in stale]
    snapshots.save()
    assert not any(p.exists() for p in stale)  # folded into the snapshot
    dynamodb.put_item(TableName="j-items", Item={**key, "v": {"N": "2"}})
    dynamodb.put_item(TableName="j-items", Item={"pk": {"S": "later"}, "sk": {"S": "1"}})
    for path, content in zip(stale, stale_copy, strict=True):
        path.write_bytes(content)  # as if the kill came before their deletion
    before = _state()

    embedded.reset()
    embedded.provision()
    restarted = Snapshotter(embedded.endpoint, tmp_path / "snapshot.json", Journal(tmp_path))
    counts = restarted.load({})
    assert _state() == before
    assert dynamodb.get_item(TableName="j-items", Key=key)["Item"]["v"] == {"N": "2"}
    assert counts["journaled changes"] == 2
    assert json.loads((tmp_path / "snapshot.json").read_text())["format"] == 2
