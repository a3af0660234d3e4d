"""Queues have their own encrypted DLQ, consumers report partial batch failures, DLQs alarm."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from haven import resources
from infra.constructs.data import BUCKET_TAG
from tests.infra.cfn_template import referenced_ids, resources_of_type, single_ref

STAGE_PREFIX = "haven-dev"
FOURTEEN_DAYS = 14 * 24 * 3600


def _queue_id(template_json: dict[str, Any], name: str) -> str:
    ids = [
        logical_id
        for logical_id, queue in resources_of_type(template_json, "AWS::SQS::Queue").items()
        if queue["Properties"].get("QueueName") == f"{STAGE_PREFIX}-{name}"
    ]
    assert len(ids) == 1, f"queue {name}: {ids}"
    return ids[0]


def _function_id(template_json: dict[str, Any], name: str) -> str:
    ids = [
        logical_id
        for logical_id, function in resources_of_type(template_json, "AWS::Lambda::Function").items()
        if function["Properties"].get("FunctionName") == f"{STAGE_PREFIX}-{name}"
    ]
    assert len(ids) == 1, f"function {name}: {ids}"
    return ids[0]


@pytest.mark.parametrize("spec", resources.QUEUES, ids=lambda q: q.name)
def test_queue_has_its_own_encrypted_dlq(template_json: dict[str, Any], spec: resources.Queue) -> None:
    queue = template_json["Resources"][_queue_id(template_json, spec.name)]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    assert queue["VisibilityTimeout"] == spec.visibility_timeout_s
    redrive = queue["RedrivePolicy"]
    assert redrive["maxReceiveCount"] == spec.max_receive_count

    dlq_id = single_ref(redrive["deadLetterTargetArn"])
    assert dlq_id == _queue_id(template_json, f"{spec.name}-dlq")
    dlq = template_json["Resources"][dlq_id]["Properties"]
    assert dlq["SqsManagedSseEnabled"] is True
    assert dlq["MessageRetentionPeriod"] == FOURTEEN_DAYS
    other_redrives = [
        q["Properties"]["RedrivePolicy"]
        for logical_id, q in resources_of_type(template_json, "AWS::SQS::Queue").items()
        if "RedrivePolicy" in q["Properties"] and logical_id != _queue_id(template_json, spec.name)
    ]
    assert all(dlq_id not in referenced_ids(r) for r in other_redrives), "shared DLQ"


def test_every_queue_is_encrypted(template_json: dict[str, Any]) -> None:
    for logical_id, queue in resources_of_type(template_json, "AWS::SQS::Queue").items():
        assert queue["Properties"].get("SqsManagedSseEnabled") is True, logical_id


def test_every_event_source_mapping_reports_batch_item_failures(
    template_json: dict[str, Any],
) -> None:
    mappings = resources_of_type(template_json, "AWS::Lambda::EventSourceMapping")
    assert mappings
    for logical_id, mapping in mappings.items():
        assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"], logical_id


@pytest.mark.parametrize("spec", resources.QUEUES, ids=lambda q: q.name)
def test_consumer_reads_its_queue_with_the_catalog_batching(
    template_json: dict[str, Any], spec: resources.Queue
) -> None:
    queue_id = _queue_id(template_json, spec.name)
    function_id = _function_id(template_json, spec.consumer)
    mappings = [
        m["Properties"]
        for m in resources_of_type(template_json, "AWS::Lambda::EventSourceMapping").values()
        if queue_id in referenced_ids(m["Properties"]["EventSourceArn"])
    ]
    assert len(mappings) == 1
    mapping = mappings[0]
    assert single_ref(mapping["FunctionName"]) == function_id
    assert mapping["BatchSize"] == spec.batch_size
    assert mapping.get("MaximumBatchingWindowInSeconds", 0) == spec.batching_window_s
    assert mapping.get("ScalingConfig", {}).get("MaximumConcurrency") == spec.max_concurrency
    # AWS's guidance: a visibility timeout of at least 6x the function's timeout.
    queue = template_json["Resources"][queue_id]["Properties"]
    assert queue["VisibilityTimeout"] >= 6 * resources.function(spec.consumer).timeout_s


def test_the_intake_queues_consumers_are_bounded() -> None:
    """More triage instances than this only contend for the same incidents in a surge."""
    assert resources.queue("report-intake").max_concurrency is not None


def test_every_dlq_has_an_alarm(template_json: dict[str, Any]) -> None:
    dlq_ids = {
        single_ref(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in resources_of_type(template_json, "AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    assert len(dlq_ids) == len(resources.QUEUES)
    alarmed = set()
    for alarm in resources_of_type(template_json, "AWS::CloudWatch::Alarm").values():
        properties = alarm["Properties"]
        if properties.get("MetricName") != "ApproximateNumberOfMessagesVisible":
            continue
        assert properties["Threshold"] == 1
        assert properties["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert properties["AlarmActions"], "an alarm nobody hears"
        alarmed |= referenced_ids(properties["Dimensions"])
    assert dlq_ids <= alarmed


def test_functions_and_api_have_alarms(template: Template) -> None:
    for function in resources.FUNCTIONS:
        for metric in ("Errors", "Throttles"):
            template.has_resource_properties(
                "AWS::CloudWatch::Alarm",
                {
                    "MetricName": metric,
                    "Namespace": "AWS/Lambda",
                    "AlarmName": f"{STAGE_PREFIX}-{function.name}-{metric.lower()}",
                },
            )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "5XXError", "Namespace": "AWS/ApiGateway"}
    )


def test_alarm_topic_is_encrypted(template: Template) -> None:
    template.has_resource_properties(
        "AWS::SNS::Topic",
        {"TopicName": f"{STAGE_PREFIX}-alarms", "KmsMasterKeyId": Match.any_value()},
    )


def test_custom_bus_with_archive(template: Template) -> None:
    template.has_resource_properties("AWS::Events::EventBus", {"Name": STAGE_PREFIX})
    template.has_resource_properties(
        "AWS::Events::Archive",
        {"SourceArn": {"Fn::GetAtt": [Match.string_like_regexp("Bus"), "Arn"]}},
    )


def test_catalog_rules_and_schedules(template_json: dict[str, Any]) -> None:
    rules = resources_of_type(template_json, "AWS::Events::Rule")
    names = {rule["Properties"].get("Name") for rule in rules.values()}
    expected = {f"{STAGE_PREFIX}-{r.name}" for r in resources.RULES}
    expected |= {f"{STAGE_PREFIX}-{r.name}" for r in resources.STORAGE_RULES}
    expected |= {f"{STAGE_PREFIX}-{s.name}" for s in resources.SCHEDULES}
    assert names == expected


def _rule(template_json: dict[str, Any], name: str) -> dict[str, Any]:
    [rule] = [
        rule["Properties"]
        for rule in resources_of_type(template_json, "AWS::Events::Rule").values()
        if rule["Properties"].get("Name") == f"{STAGE_PREFIX}-{name}"
    ]
    return rule


@pytest.mark.parametrize("spec", resources.RULES, ids=lambda r: r.name)
def test_catalog_rule_on_the_haven_bus(template_json: dict[str, Any], spec: resources.Rule) -> None:
    rule = _rule(template_json, spec.name)
    bus = single_ref(rule["EventBusName"])
    assert template_json["Resources"][bus]["Type"] == "AWS::Events::EventBus"
    assert rule["EventPattern"] == {"source": [{"prefix": "haven."}], "detail-type": list(spec.detail_types)}


def _bucket_ids(template_json: dict[str, Any]) -> dict[str, str]:
    return {
        tag["Value"]: logical_id
        for logical_id, bucket in resources_of_type(template_json, "AWS::S3::Bucket").items()
        for tag in bucket["Properties"].get("Tags", [])
        if tag["Key"] == BUCKET_TAG
    }


@pytest.mark.parametrize("spec", resources.STORAGE_RULES, ids=lambda r: r.name)
def test_storage_rule_routes_objects_created_in_its_buckets_from_the_default_bus(
    template_json: dict[str, Any], spec: resources.StorageRule
) -> None:
    rule = _rule(template_json, spec.name)
    assert "EventBusName" not in rule, "S3 sends its events to the default bus only"
    pattern = rule["EventPattern"]
    assert pattern["source"] == ["aws.s3"]
    assert pattern["detail-type"] == ["Object Created"]
    assert set(pattern) == {"source", "detail-type", "detail"}
    names = pattern["detail"]["bucket"]["name"]
    buckets = _bucket_ids(template_json)
    assert [single_ref(name) for name in names] == [buckets[b] for b in spec.buckets]
    assert set(spec.buckets) == {b.name for b in resources.BUCKETS if b.accepts_uploads}

    [target] = rule["Targets"]
    assert single_ref(target["Arn"]) == _queue_id(template_json, spec.target_queue)
    assert single_ref(target["DeadLetterConfig"]["Arn"]) == _queue_id(
        template_json, f"{spec.target_queue}-dlq"
    )

    # The queue lets EventBridge send only this rule's events.
    rule_id = next(
        logical_id
        for logical_id, r in resources_of_type(template_json, "AWS::Events::Rule").items()
        if r["Properties"].get("Name") == f"{STAGE_PREFIX}-{spec.name}"
    )
    queue_id = _queue_id(template_json, spec.target_queue)
    sources = [
        statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        for policy in resources_of_type(template_json, "AWS::SQS::QueuePolicy").values()
        if queue_id in referenced_ids(policy["Properties"]["Queues"])
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
        if statement.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert [single_ref(source) for source in sources] == [rule_id]
