"""Creates every resource of the catalog on the embedded AWS, as the CDK app does in AWS."""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from pynamodb.attributes import TTLAttribute

from haven.resources import BUCKETS, QUEUES, RULES, STORAGE_RULES, TOPICS, notifying_buckets, table_models
from local.environment import ACCOUNT, REGION, bucket_name, bus_name, dlq_name, queue_name, topic_name
from local.events import EVENT_LOG
from local.events import PATTERN as EVENT_LOG_PATTERN


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # noqa: S106 - the embedded AWS accepts any key
    )


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def table_request(model: Any) -> dict[str, Any]:
    """CreateTable parameters from a PynamoDB model: its keys and indexes, on demand."""
    schema = model._get_schema()
    request: dict[str, Any] = {
        "TableName": model.Meta.table_name,
        "BillingMode": "PAY_PER_REQUEST",
        "KeySchema": [
            {"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema["key_schema"]
        ],
        "AttributeDefinitions": [
            {"AttributeName": a["AttributeName"], "AttributeType": a["AttributeType"]}
            for a in schema["attribute_definitions"]
        ],
    }
    if schema["global_secondary_indexes"]:
        request["GlobalSecondaryIndexes"] = [
            {"IndexName": g["index_name"], "KeySchema": g["key_schema"], "Projection": g["projection"]}
            for g in schema["global_secondary_indexes"]
        ]
    return request


def create_tables(dynamodb: Any) -> None:
    """Every catalog table, with TTL where the model has one; existing tables are left alone."""
    existing = set(dynamodb.list_tables()["TableNames"])
    for model in table_models().values():
        if model.Meta.table_name in existing:
            continue
        dynamodb.create_table(**table_request(model))
        ttl = next((n for n, a in model.get_attributes().items() if isinstance(a, TTLAttribute)), None)
        if ttl:
            dynamodb.update_time_to_live(
                TableName=model.Meta.table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl},
            )


def provision(endpoint: str) -> None:
    """Idempotent: creating what exists already is a no-op."""
    create_tables(_client("dynamodb", endpoint))

    sqs = _client("sqs", endpoint)
    visibility_override = os.environ.get("HAVEN_LOCAL_VISIBILITY_TIMEOUT")
    for q in QUEUES:
        sqs.create_queue(QueueName=dlq_name(q.name), Attributes={"MessageRetentionPeriod": str(14 * 86400)})
        visibility = visibility_override or str(q.visibility_timeout_s)
        sqs.create_queue(
            QueueName=queue_name(q.name),
            Attributes={
                "VisibilityTimeout": visibility,
                "MessageRetentionPeriod": str(q.retention_days * 86400),
                "RedrivePolicy": json.dumps(
                    {
                        "deadLetterTargetArn": queue_arn(dlq_name(q.name)),
                        "maxReceiveCount": q.max_receive_count,
                    }
                ),
            },
        )

    sns = _client("sns", endpoint)
    for topic in TOPICS:
        # As in AWS: the service publishes to the topic, SNS delivers its envelope to the queue.
        arn = sns.create_topic(Name=topic_name(topic.name))["TopicArn"]
        subscribed = {s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]}
        target = queue_arn(queue_name(topic.target_queue))
        if target not in subscribed:
            sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=target)

    s3 = _client("s3", endpoint)
    existing_buckets = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for b in BUCKETS:
        if bucket_name(b.name) not in existing_buckets:
            s3.create_bucket(
                Bucket=bucket_name(b.name),
                CreateBucketConfiguration={"LocationConstraint": REGION},
            )
    for name in sorted(notifying_buckets()):
        # As in AWS: the embedded S3 then sends "Object Created" events (presigned POSTs too).
        s3.put_bucket_notification_configuration(
            Bucket=bucket_name(name), NotificationConfiguration={"EventBridgeConfiguration": {}}
        )

    events = _client("events", endpoint)
    if bus_name() not in {b["Name"] for b in events.list_event_buses()["EventBuses"]}:
        events.create_event_bus(Name=bus_name())
    for rule in RULES:
        events.put_rule(
            Name=f"{bus_name()}-{rule.name}",
            EventBusName=bus_name(),
            EventPattern=json.dumps({"detail-type": list(rule.detail_types)}),
            State="ENABLED",
        )
        events.put_targets(
            Rule=f"{bus_name()}-{rule.name}",
            EventBusName=bus_name(),
            Targets=[{"Id": rule.target_queue, "Arn": queue_arn(queue_name(rule.target_queue))}],
        )
    # Local only: every event on the bus to the event log (local/events.py), like the archive.
    sqs = _client("sqs", endpoint)
    sqs.create_queue(QueueName=queue_name(EVENT_LOG))
    events.put_rule(
        Name=f"{bus_name()}-{EVENT_LOG}",
        EventBusName=bus_name(),
        EventPattern=json.dumps(EVENT_LOG_PATTERN),
        State="ENABLED",
    )
    events.put_targets(
        Rule=f"{bus_name()}-{EVENT_LOG}",
        EventBusName=bus_name(),
        Targets=[{"Id": EVENT_LOG, "Arn": queue_arn(queue_name(EVENT_LOG))}],
    )
    for storage_rule in STORAGE_RULES:
        # On the default bus, where S3 sends its events in AWS (the embedded S3 sends them to the
        # rules of every bus).
        events.put_rule(
            Name=f"{bus_name()}-{storage_rule.name}",
            EventPattern=json.dumps(
                {
                    "source": [storage_rule.SOURCE],
                    "detail-type": [storage_rule.DETAIL_TYPE],
                    "detail": {"bucket": {"name": [bucket_name(b) for b in storage_rule.buckets]}},
                }
            ),
            State="ENABLED",
        )
        events.put_targets(
            Rule=f"{bus_name()}-{storage_rule.name}",
            Targets=[
                {"Id": storage_rule.target_queue, "Arn": queue_arn(queue_name(storage_rule.target_queue))}
            ],
        )
