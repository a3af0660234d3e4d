"""Deploy the stack the CDK CLI synthesizes into an embedded AWS and run its functions there.

It fails when a function's environment, permissions or wiring is wrong: each function runs its
published code with its own role's credentials (IAM enforced), so a missing grant, setting or
queue URL is a failed invocation, not a later surprise in AWS.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from haven import resources
from local.dispatcher import scheduled_event, sqs_event
from tests.deploy import deployer
from tests.deploy.conftest import ACCOUNT, REGION, STAGE, Deployed

pytestmark = pytest.mark.xdist_group("deploy")


def api_event(
    method: str, path: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """What API Gateway's proxy integration hands the api function."""
    all_headers = {"Content-Type": "application/json", "User-Agent": "deploy-test", **(headers or {})}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {k: [v] for k, v in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "requestId": str(uuid.uuid4()),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "deploy-test"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


REPORT = {
    "category": "unknown",
    "description": "Flood: water rising in the street, cars floating",
    "location": {"lat": 48.137, "lon": 11.575},
    "people_affected": 3,
}


def _ok(answer: dict[str, Any]) -> Any:
    assert "result" in answer, answer["log"][-6000:]
    return answer["result"]


def _queue_url(deployed: Deployed, name: str) -> str:
    return str(deployed.admin("sqs").get_queue_url(QueueName=f"haven-{STAGE}-{name}")["QueueUrl"])


def test_every_resource_is_created_or_listed_with_a_reason(deployed: Deployed) -> None:
    deployment = deployed.deployment
    listed = {**deployment.created_through_api, **deployment.created_after_stack, **deployment.not_created}
    for logical_id in deployment.template["Resources"]:
        assert logical_id in deployment.physical_ids or logical_id in listed, logical_id
    # What the embedded CloudFormation does not create, and why, as the test's own record.
    assert set(deployment.not_created.values()) <= set(deployer.NOT_CREATED)
    # Haven's functions, and CDK's own providers (the web bucket's deployment, the map key reader),
    # which CloudFormation names after the stack.
    ours = {name for name in deployed.functions if name.startswith(f"haven-{STAGE}-")}
    assert ours == {f"haven-{STAGE}-{spec.name}" for spec in resources.FUNCTIONS}
    assert all(name.startswith("Haven-") for name in set(deployed.functions) - ours)


def test_the_synthesized_arns_are_the_clis_account_and_region(deployed: Deployed) -> None:
    api = deployed.function("api")
    variables = api["Environment"]["Variables"]
    assert variables["HAVEN_SIGNING_KEY_SECRET_ARN"].startswith(f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:")
    assert variables["HAVEN_PUBLIC_URL"].startswith("https://")
    assert REGION in variables["HAVEN_PUBLIC_URL"]
    assert variables["HAVEN_PUBLIC_URL"].endswith(f"/{STAGE}")


def test_health_answers_from_the_deployed_api(deployed: Deployed) -> None:
    result = _ok(deployed.invoke("api", api_event("GET", "/health")))
    assert result["statusCode"] == 200, result


def test_a_report_is_taken_in_queued_and_triaged_into_an_incident(deployed: Deployed) -> None:
    key = str(uuid.uuid4())
    intake = _ok(deployed.invoke("api", api_event("POST", "/v1/reports", REPORT, {"Idempotency-Key": key})))
    assert intake["statusCode"] == 202, intake
    report_id = json.loads(intake["body"])["report_id"]
    # The reporter's view: a secret lookup, limited per client with the signing key.
    status = api_event("GET", f"/v1/reports/{report_id}")
    status.update(
        resource="/v1/reports/{report_id}",
        pathParameters={"report_id": report_id},
        queryStringParameters={"token": json.loads(intake["body"])["tracking_token"]},
        multiValueQueryStringParameters={"token": [json.loads(intake["body"])["tracking_token"]]},
    )
    status["requestContext"]["resourcePath"] = "/v1/reports/{report_id}"
    seen = _ok(deployed.invoke("api", status))
    assert seen["statusCode"] == 200, seen

    queue = _queue_url(deployed, "report-intake")
    messages = deployed.admin("sqs").receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=1
    )["Messages"]
    assert [json.loads(m["Body"])["report_id"] for m in messages] == [report_id]
    arn = deployed.admin("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]
    triaged = _ok(deployed.invoke("triage", sqs_event(messages, arn["QueueArn"])))
    assert triaged == {"batchItemFailures": []}

    table = deployed.admin("dynamodb")
    item = table.get_item(TableName=f"haven-{STAGE}-reports", Key={"report_id": {"S": report_id}})["Item"]
    assert item["status"]["S"] != "received", item["status"]
    incidents = table.scan(TableName=f"haven-{STAGE}-incidents", Select="COUNT")  # test inspection only
    assert incidents["Count"] >= 1


def test_a_subscription_code_is_queued_by_the_api_and_sent_by_its_worker(deployed: Deployed) -> None:
    """The api only queues the code; the subscription-confirmation worker, with its own role,
    reads the subscription, opens the sealed code, claims the delivery and sends the SMS."""
    body = {
        "area": {"circles": [{"center": [11.575, 48.137], "radius_km": 2}]},
        "channel": "sms",
        "address": "+447700900123",
    }
    created = _ok(deployed.invoke("api", api_event("POST", "/v1/subscriptions", body)))
    assert created["statusCode"] == 201, created
    subscription_id = json.loads(created["body"])["subscription_id"]

    queue = _queue_url(deployed, "subscription-confirmation")
    messages = deployed.admin("sqs").receive_message(
        QueueUrl=queue, MaxNumberOfMessages=10, AttributeNames=["All"], WaitTimeSeconds=1
    )["Messages"]
    assert [json.loads(m["Body"])["subscription_id"] for m in messages] == [subscription_id]
    arn = deployed.admin("sqs").get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    sent = _ok(deployed.invoke("subscription-confirmation", sqs_event(messages, arn)))
    assert sent == {"batchItemFailures": []}
    record = deployed.admin("dynamodb").get_item(
        TableName=f"haven-{STAGE}-alert-deliveries",
        Key={"message_id": {"S": f"confirm:{subscription_id}"}, "subscription_id": {"S": subscription_id}},
    )["Item"]
    assert record["state"]["S"] == "delivered", record


@pytest.mark.parametrize("schedule", resources.SCHEDULES, ids=lambda s: s.name)
def test_each_scheduled_job_runs_once(deployed: Deployed, schedule: resources.Schedule) -> None:
    answer = deployed.invoke(schedule.function, scheduled_event(schedule))
    _ok(answer)


def test_a_scheduled_run_that_fails_is_kept_in_the_schedules_dlq(deployed: Deployed) -> None:
    dlq = deployed.admin("sqs").get_queue_attributes(
        QueueUrl=_queue_url(deployed, "schedules-dlq"), AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    for schedule in resources.SCHEDULES:
        config = deployed.invoke_configs[f"haven-{STAGE}-{schedule.function}"]
        assert config["DestinationConfig"]["OnFailure"]["Destination"] == dlq


def test_a_removed_grant_fails_the_function_that_needs_it(deployed: Deployed) -> None:
    """The test can fail: the api's role less its right to send to the intake queue cannot take
    a report, and the denial is what the function reports."""
    iam = deployed.admin("iam")
    role = iam.get_role(RoleName=deployed.function("api")["Role"].rsplit("/", 1)[1])["Role"]
    trust = role["AssumeRolePolicyDocument"]
    narrowed = iam.create_role(
        RoleName=f"{role['RoleName'][:40]}-no-intake",
        AssumeRolePolicyDocument=trust if isinstance(trust, str) else json.dumps(trust),
    )["Role"]
    removed = 0
    for name in iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"]:
        document = iam.get_role_policy(RoleName=role["RoleName"], PolicyName=name)["PolicyDocument"]
        document = json.loads(document) if isinstance(document, str) else document
        kept = [s for s in document["Statement"] if "sqs:SendMessage" not in _actions(s)]
        removed += len(document["Statement"]) - len(kept)
        iam.put_role_policy(
            RoleName=narrowed["RoleName"],
            PolicyName=name,
            PolicyDocument=json.dumps({**document, "Statement": kept}),
        )
    assert removed, "the api's role has no sqs:SendMessage statement to remove"
    # What CDK moved out of the inline policy when it grew too large (the signing key's grant
    # among it) stays: only the right to send to queues is taken away.
    for attached in iam.list_attached_role_policies(RoleName=role["RoleName"])["AttachedPolicies"]:
        iam.attach_role_policy(RoleName=narrowed["RoleName"], PolicyArn=attached["PolicyArn"])

    event = api_event("POST", "/v1/reports", REPORT, {"Idempotency-Key": str(uuid.uuid4())})
    answer = deployed.invoke("api", event, role_arn=narrowed["Arn"])
    assert "error" in answer or answer["result"]["statusCode"] >= 500, answer.get("result")
    assert "not authorized to perform: sqs:SendMessage" in answer["log"], answer["log"][-4000:]


def _actions(statement: dict[str, Any]) -> list[str]:
    actions = statement.get("Action", [])
    return [actions] if isinstance(actions, str) else list(actions)


def _as_role(deployed: Deployed, function: str, service: str) -> Any:
    """A client with the credentials of ``function``'s role (IAM enforced)."""
    import boto3

    credentials = deployed.admin("sts").assume_role(
        RoleArn=deployed.function(function)["Role"], RoleSessionName=f"deploy-test-{function}"
    )["Credentials"]
    return boto3.session.Session(
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        region_name=REGION,
    ).client(service, endpoint_url=deployed.endpoint)


def test_feed_credentials_are_checked_by_the_api_and_read_only_by_the_poller(deployed: Deployed) -> None:
    """The api may see that a source's secret exists (registration refuses one that does not),
    never read it; the poller reads it."""
    from botocore.exceptions import ClientError

    name = f"haven-{STAGE}/feeds/deploy-test-{uuid.uuid4().hex[:8]}"
    deployed.admin("secretsmanager").create_secret(Name=name, SecretString="bearer")

    api = _as_role(deployed, "api", "secretsmanager")
    assert api.describe_secret(SecretId=name)["Name"] == name
    with pytest.raises(ClientError) as refused:
        api.get_secret_value(SecretId=name)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    poller = _as_role(deployed, "feed-poller", "secretsmanager")
    assert poller.get_secret_value(SecretId=name)["SecretString"] == "bearer"
