"""Test environment: set before any Haven module is imported (settings are read at import).

Unit and integration tests run against moto's in-process mocks (``mock_aws``); the e2e tests
start the local platform on a moto server. ``AWS_ENDPOINT_URL`` is never inherited.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_STATE = Path(os.environ.get("HAVEN_TEST_STATE") or tempfile.mkdtemp(prefix="haven-test-state-"))
os.environ["HAVEN_TEST_STATE"] = str(_STATE)

os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.update(
    {
        "HAVEN_MODE": "local",
        "HAVEN_STAGE": "test",
        "HAVEN_STATE_DIR": str(_STATE),
        "HAVEN_TABLE_PREFIX": "haven-test",
        "HAVEN_EVENT_BUS": "haven-test",
        "HAVEN_AUTH_ISSUER": "haven-local",
        "HAVEN_AUTH_AUDIENCE": "haven",
        "HAVEN_AUTH_JWKS_FILE": str(_STATE / "auth" / "jwks.json"),
        "HAVEN_SIGNING_KEY": "test-signing-key-that-is-long-enough-0123456789",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_REGION": "eu-west-1",
        "AWS_DEFAULT_REGION": "eu-west-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)


@pytest.fixture
def aws() -> Iterator[None]:
    """Every AWS service mocked in-process, with Haven's tables, queues and buckets."""
    from moto import mock_aws

    from haven.adapters.aws import reset_clients
    from haven.adapters.dynamo.connection import connection
    from local.events import complete_envelopes

    os.environ.pop("AWS_ENDPOINT_URL", None)
    complete_envelopes()  # as local mode does: targets get the envelope EventBridge sends
    with mock_aws():
        reset_clients()
        connection.cache_clear()
        _create_resources()
        yield
    reset_clients()


def _create_resources() -> None:
    import boto3

    from haven.resources import BUCKETS, QUEUES, bucket_env, queue_env, table_models
    from local.provision import create_tables

    for model in table_models().values():
        model._connection = None  # a fresh connection inside this mock
    create_tables(boto3.client("dynamodb"))
    sqs = boto3.client("sqs")
    for q in QUEUES:
        url = sqs.create_queue(QueueName=f"haven-test-{q.name}")["QueueUrl"]
        os.environ[queue_env(q.name)] = url
    s3 = boto3.client("s3")
    for b in BUCKETS:
        name = f"haven-test-{b.name}"
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        os.environ[bucket_env(b.name)] = name
    events = boto3.client("events")
    events.create_event_bus(Name="haven-test")
    # A tap: every Haven event is copied to a queue that tests read (see published_events).
    tap = sqs.create_queue(QueueName="haven-test-event-tap")["QueueUrl"]
    tap_arn = sqs.get_queue_attributes(QueueUrl=tap, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="tap", EventBusName="haven-test", EventPattern='{"source": [{"prefix": "haven."}]}')
    events.put_targets(Rule="tap", EventBusName="haven-test", Targets=[{"Id": "tap", "Arn": tap_arn}])
    os.environ["HAVEN_TEST_EVENT_TAP"] = tap
