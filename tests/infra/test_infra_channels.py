"""The text channels in AWS: the topics End User Messaging SMS and Social publish to, their queue,
and the message-intake function's reply permissions, no wider than the services allow."""

from __future__ import annotations

from typing import Any

import pytest

from haven import resources
from tests.infra.cfn_template import referenced_ids, resources_of_type, role_grants

STAGE_PREFIX = "haven-dev"
ACCOUNT = "${AWS::AccountId}"
PARTITION = "arn:${AWS::Partition}"


def _by_name(template_json: dict[str, Any], kind: str, key: str) -> dict[str, str]:
    return {
        r["Properties"][key].removeprefix(f"{STAGE_PREFIX}-"): logical_id
        for logical_id, r in resources_of_type(template_json, kind).items()
        if isinstance(r["Properties"].get(key), str)
    }


def _grants(template_json: dict[str, Any], function: str) -> list[Any]:
    functions = {
        f["Properties"]["FunctionName"]: f["Properties"]
        for f in resources_of_type(template_json, "AWS::Lambda::Function").values()
        if isinstance(f["Properties"].get("FunctionName"), str)
    }
    role = functions[f"{STAGE_PREFIX}-{function}"]["Role"]["Fn::GetAtt"][0]
    return role_grants(template_json, role)


@pytest.mark.parametrize("spec", resources.TOPICS, ids=lambda t: t.name)
def test_topic_is_encrypted_and_only_its_service_may_publish(
    template_json: dict[str, Any], spec: resources.Topic
) -> None:
    topics = _by_name(template_json, "AWS::SNS::Topic", "TopicName")
    topic_id = topics[spec.name]
    topic = template_json["Resources"][topic_id]["Properties"]
    key_id = next(iter(referenced_ids(topic["KmsMasterKeyId"])))
    assert template_json["Resources"][key_id]["Properties"]["EnableKeyRotation"] is True
    statements = [
        s
        for policy in resources_of_type(template_json, "AWS::SNS::TopicPolicy").values()
        if topic_id in referenced_ids(policy["Properties"]["Topics"])
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    publishers = [s for s in statements if s["Effect"] == "Allow" and s["Action"] == "sns:Publish"]
    assert [s["Principal"] for s in publishers] == [{"Service": spec.publisher}]
    assert publishers[0]["Condition"] == {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
    # enforce_ssl: anything without TLS is denied.
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in statements
    )
    key_policy = template_json["Resources"][key_id]["Properties"]["KeyPolicy"]["Statement"]
    services = [s["Principal"]["Service"] for s in key_policy if "Service" in s.get("Principal", {})]
    assert any(spec.publisher in (found if isinstance(found, list) else [found]) for found in services)


@pytest.mark.parametrize("spec", resources.TOPICS, ids=lambda t: t.name)
def test_topic_delivers_envelopes_to_the_intake_queue(
    template_json: dict[str, Any], spec: resources.Topic
) -> None:
    topics = _by_name(template_json, "AWS::SNS::Topic", "TopicName")
    queues = _by_name(template_json, "AWS::SQS::Queue", "QueueName")
    [subscription] = [
        s["Properties"]
        for s in resources_of_type(template_json, "AWS::SNS::Subscription").values()
        if topics[spec.name] in referenced_ids(s["Properties"]["TopicArn"])
    ]
    assert subscription["Protocol"] == "sqs"
    assert referenced_ids(subscription["Endpoint"]) == {queues[spec.target_queue]}
    assert subscription.get("RawMessageDelivery") in (None, False)
    assert referenced_ids(subscription["RedrivePolicy"]) == {queues[f"{spec.target_queue}-dlq"]}


def test_the_intake_queue_allows_its_topics_only(template_json: dict[str, Any]) -> None:
    queues = _by_name(template_json, "AWS::SQS::Queue", "QueueName")
    topics = _by_name(template_json, "AWS::SNS::Topic", "TopicName")
    statements = [
        s
        for policy in resources_of_type(template_json, "AWS::SQS::QueuePolicy").values()
        if queues["message-intake"] in referenced_ids(policy["Properties"]["Queues"])
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s["Effect"] == "Allow"
    ]
    assert {s["Principal"]["Service"] for s in statements} == {"sns.amazonaws.com"}
    assert {t for s in statements for t in referenced_ids(s["Condition"])} == {
        topics["inbound-sms"],
        topics["inbound-whatsapp"],
    }


def test_message_intake_replies_through_end_user_messaging_only(template_json: dict[str, Any]) -> None:
    grants = _grants(template_json, "message-intake")
    sending = [
        g for g in grants if g.actions & {"sms-voice:SendTextMessage", "social-messaging:SendWhatsAppMessage"}
    ]
    region = "${AWS::Region}"
    assert {(a, p) for g in sending for a in g.actions for p in g.patterns} == {
        ("sms-voice:SendTextMessage", f"{PARTITION}:sms-voice:{region}:{ACCOUNT}:phone-number/*"),
        ("sms-voice:SendTextMessage", f"{PARTITION}:sms-voice:{region}:{ACCOUNT}:pool/*"),
        ("sms-voice:SendTextMessage", f"{PARTITION}:sms-voice:{region}:{ACCOUNT}:configuration-set/*"),
        (
            "social-messaging:SendWhatsAppMessage",
            f"{PARTITION}:social-messaging:{region}:{ACCOUNT}:phone-number-id/*",
        ),
    }
    assert not any("sns:Publish" in g.actions for g in grants)


def test_no_other_function_may_send_text_messages(template_json: dict[str, Any]) -> None:
    for spec in resources.FUNCTIONS:
        if spec.name == "message-intake":
            continue
        actions = {a for g in _grants(template_json, spec.name) for a in g.actions}
        assert not actions & {"sms-voice:SendTextMessage", "social-messaging:SendWhatsAppMessage"}, spec.name


def test_message_intake_consumes_its_queue_with_a_batching_window(template_json: dict[str, Any]) -> None:
    queues = _by_name(template_json, "AWS::SQS::Queue", "QueueName")
    [mapping] = [
        m["Properties"]
        for m in resources_of_type(template_json, "AWS::Lambda::EventSourceMapping").values()
        if queues["message-intake"] in referenced_ids(m["Properties"]["EventSourceArn"])
    ]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mapping["MaximumBatchingWindowInSeconds"] == resources.queue("message-intake").batching_window_s
