"""``cdk deploy`` into the embedded AWS: publish the assembly's assets, then create its stack.

The embedded AWS's CloudFormation (moto) creates the stack. A few resource types it cannot
create, or creates wrongly, are created through their own APIs first and their ``Ref`` and
``Fn::GetAtt`` values written into the template, as CloudFormation would resolve them
(``CREATED_THROUGH_API``). Types that change nothing the test can observe are left out, each
with the reason (``NOT_CREATED``); the test lists both.
"""

from __future__ import annotations

import io
import json
import re
import secrets
import string
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

#: Types created through their own APIs (moto's CloudFormation has no support for them, or,
#: for KMS keys, fails on CloudFormation's tag format).
CREATED_THROUGH_API: tuple[str, ...] = (
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::Cognito::UserPool",
    "AWS::Cognito::UserPoolClient",
    "AWS::Cognito::UserPoolGroup",
)

_WEB = "serves the web apps and routes the API to the stage; the test invokes the functions"
_RESOURCE_POLICY = "a resource policy: the embedded AWS evaluates the callers' IAM policies only"
NOT_CREATED: dict[str, str] = {
    "AWS::S3::BucketPolicy": _RESOURCE_POLICY,
    "AWS::SQS::QueuePolicy": _RESOURCE_POLICY,
    "AWS::SNS::TopicPolicy": _RESOURCE_POLICY,
    "AWS::CloudWatch::Alarm": "watches metrics the embedded AWS does not emit",
    "AWS::WAFv2::WebACL": "filters requests in front of API Gateway; the test invokes the functions",
    "AWS::WAFv2::WebACLAssociation": "filters requests in front of API Gateway; the test invokes the functions",
    "AWS::ApiGateway::Stage": "API Gateway's stage settings (throttling, logs); the test invokes the api function",
    "AWS::ApiGateway::Account": "API Gateway's account-wide log role",
    "AWS::ApiGateway::GatewayResponse": "API Gateway's own error answers (problem+json templates)",
    "AWS::CDK::Metadata": "the CDK's version report",
    # The web apps' delivery (infra/constructs/web.py): the test invokes the functions, and
    # tests/infra/test_infra_web.py and the browser tests cover what these do.
    "AWS::CloudFront::Distribution": _WEB,
    "AWS::CloudFront::Function": _WEB,
    "AWS::CloudFront::OriginAccessControl": _WEB,
    "AWS::CloudFront::ResponseHeadersPolicy": _WEB,
    "AWS::Cognito::UserPoolDomain": "the console's hosted sign-in page; the test mints its own tokens",
    "AWS::Location::Map": "the console's basemap tiles",
    "AWS::Location::APIKey": "the console's basemap tiles",
    "Custom::AWS": "reads the map key's value for the console's config.json",
    "Custom::CDKBucketDeployment": "copies the web apps' build into their bucket",
}

#: Types created through their own APIs once the stack exists (they name its functions).
CREATED_AFTER_STACK: tuple[str, ...] = ("AWS::Lambda::EventInvokeConfig", "AWS::SNS::Subscription")


def embedded_cloudformation_types() -> frozenset[str]:
    """The resource types the embedded AWS's CloudFormation creates."""
    from moto.cloudformation import parsing  # noqa: F401 (registers every service's models)
    from moto.core.common_models import CloudFormationModel

    found: set[str] = set()
    pending = list(CloudFormationModel.__subclasses__())
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        kind = model.cloudformation_type()
        if kind:
            found.add(kind)
    return frozenset(found)


def _archive_pattern_as_text(properties: dict[str, Any]) -> None:
    # CloudFormation takes the pattern as JSON; moto's Archive parses it from a string.
    if isinstance(properties.get("EventPattern"), dict):
        properties["EventPattern"] = json.dumps(properties["EventPattern"])


#: How the embedded AWS's CloudFormation needs a property that AWS takes as is.
EMBEDDED_FORMS: dict[str, Callable[[dict[str, Any]], None]] = {
    "AWS::Events::Archive": _archive_pattern_as_text,
}

#: Refs CloudFormation answers with a property of the resource, which moto's answers with
#: an object: written into the template as CloudFormation resolves them.
REF_IS_PROPERTY: dict[str, str] = {"AWS::Events::EventBus": "Name"}

BOOTSTRAP_VERSION_PARAMETER = "/cdk-bootstrap/hnb659fds/version"
BOOTSTRAP_VERSION = "30"


@dataclass
class Deployment:
    stack_name: str
    template: dict[str, Any]
    #: logical id → physical id of every resource the stack has, however it was created.
    physical_ids: dict[str, str] = field(default_factory=dict)
    created_through_api: dict[str, str] = field(default_factory=dict)
    created_after_stack: dict[str, str] = field(default_factory=dict)
    not_created: dict[str, str] = field(default_factory=dict)

    def resources_of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == resource_type}


def _zip(folder: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder))
    return buffer.getvalue()


def publish_assets(assembly: Path, stack_name: str, client: Callable[[str], Any], region: str) -> None:
    """What ``cdk deploy`` does before CloudFormation: each file asset into the bootstrap bucket."""
    manifest = json.loads((assembly / f"{stack_name}.assets.json").read_text())
    s3 = client("s3")
    buckets: set[str] = set()
    for asset in manifest["files"].values():
        source = assembly / asset["source"]["path"]
        body = _zip(source) if asset["source"].get("packaging") == "zip" else source.read_bytes()
        for destination in asset["destinations"].values():
            bucket = destination["bucketName"]
            if bucket not in buckets:
                s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
                buckets.add(bucket)
            s3.put_object(Bucket=bucket, Key=destination["objectKey"], Body=body)
    client("ssm").put_parameter(Name=BOOTSTRAP_VERSION_PARAMETER, Value=BOOTSTRAP_VERSION, Type="String")


class _Resolver:
    """Ref / Fn::GetAtt / Fn::Join / Fn::Sub over pseudo parameters and known values."""

    def __init__(self, account: str, region: str) -> None:
        self.refs: dict[str, str] = {
            "AWS::AccountId": account,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        self.attributes: dict[tuple[str, str], str] = {}

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.resolve(item) for item in node]
        if not isinstance(node, dict):
            return node
        if set(node) == {"Ref"} and node["Ref"] in self.refs:
            return self.refs[node["Ref"]]
        if set(node) == {"Fn::GetAtt"}:
            logical_id, attribute = node["Fn::GetAtt"]
            if (logical_id, attribute) in self.attributes:
                return self.attributes[(logical_id, attribute)]
        if set(node) == {"Fn::Join"}:
            separator, parts = node["Fn::Join"]
            resolved = [self.resolve(part) for part in parts]
            if all(isinstance(part, str) for part in resolved):
                return separator.join(resolved)
            return {"Fn::Join": [separator, resolved]}
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            text = re.sub(r"\$\{([^}]+)\}", lambda m: self._sub(m.group(1)), node["Fn::Sub"])
            return text if "${" not in text else {"Fn::Sub": text}
        return {key: self.resolve(value) for key, value in node.items()}

    def _sub(self, name: str) -> str:
        if name in self.refs:
            return self.refs[name]
        if "." in name:
            logical_id, attribute = name.split(".", 1)
            if (logical_id, attribute) in self.attributes:
                return self.attributes[(logical_id, attribute)]
        return "${" + name + "}"


def _references(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, list):
        for item in node:
            found |= _references(item)
    elif isinstance(node, dict):
        if set(node) == {"Ref"}:
            found.add(node["Ref"])
        elif set(node) == {"Fn::GetAtt"}:
            found.add(node["Fn::GetAtt"][0])
        elif set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}]+)\}", node["Fn::Sub"])}
        for value in node.values():
            found |= _references(value)
    return found


def _generated_secret(spec: dict[str, Any]) -> str:
    alphabet = string.ascii_letters + string.digits
    if not spec.get("ExcludePunctuation"):
        alphabet += "!#$%&()*+,-./:;<=>?@[]^_{|}~"
    return "".join(secrets.choice(alphabet) for _ in range(int(spec.get("PasswordLength", 32))))


def _create_through_api(
    logical_id: str, resource: dict[str, Any], resolver: _Resolver, client: Callable[[str], Any]
) -> str:
    properties = resolver.resolve(resource.get("Properties", {}))
    kind = resource["Type"]
    if kind == "AWS::KMS::Key":
        key = client("kms").create_key(
            Description=properties.get("Description", logical_id),
            Policy=json.dumps(properties["KeyPolicy"]),
        )["KeyMetadata"]
        if properties.get("EnableKeyRotation"):
            client("kms").enable_key_rotation(KeyId=key["KeyId"])
        resolver.attributes[(logical_id, "Arn")] = key["Arn"]
        return str(key["KeyId"])
    if kind == "AWS::SecretsManager::Secret":
        value = properties.get("SecretString") or _generated_secret(properties["GenerateSecretString"])
        arn = client("secretsmanager").create_secret(
            Name=properties["Name"], Description=properties.get("Description", ""), SecretString=value
        )["ARN"]
        return str(arn)
    if kind == "AWS::Cognito::UserPool":
        pool = client("cognito-idp").create_user_pool(PoolName=properties.get("UserPoolName", logical_id))[
            "UserPool"
        ]
        provider = f"cognito-idp.{resolver.refs['AWS::Region']}.amazonaws.com/{pool['Id']}"
        resolver.attributes[(logical_id, "Arn")] = pool["Arn"]
        resolver.attributes[(logical_id, "ProviderName")] = provider
        resolver.attributes[(logical_id, "ProviderURL")] = f"https://{provider}"
        return str(pool["Id"])
    if kind == "AWS::Cognito::UserPoolClient":
        app_client = client("cognito-idp").create_user_pool_client(
            UserPoolId=properties["UserPoolId"], ClientName=properties.get("ClientName", logical_id)
        )["UserPoolClient"]
        return str(app_client["ClientId"])
    if kind == "AWS::Cognito::UserPoolGroup":
        client("cognito-idp").create_group(
            UserPoolId=properties["UserPoolId"],
            GroupName=properties["GroupName"],
            Description=properties.get("Description", ""),
        )
        return str(properties["GroupName"])
    raise ValueError(f"{logical_id}: no API creation for {kind}")


def deploy(
    assembly: Path,
    stack_name: str,
    *,
    client: Callable[[str], Any],
    account: str,
    region: str,
    timeout_s: float = 300,
) -> Deployment:
    template = json.loads((assembly / f"{stack_name}.template.json").read_text())
    resources: dict[str, Any] = template["Resources"]
    deployment = Deployment(stack_name=stack_name, template=json.loads(json.dumps(template)))
    publish_assets(assembly, stack_name, client, region)

    resolver = _Resolver(account, region)
    # In dependency order: a user pool before its clients and groups.
    for kind in CREATED_THROUGH_API:
        for logical_id, resource in list(resources.items()):
            if resource["Type"] == kind:
                physical_id = _create_through_api(logical_id, resource, resolver, client)
                resolver.refs[logical_id] = physical_id
                deployment.created_through_api[logical_id] = kind
                deployment.physical_ids[logical_id] = physical_id
                del resources[logical_id]
    for logical_id, resource in resources.items():
        if resource["Type"] in REF_IS_PROPERTY:
            resolver.refs[logical_id] = resource["Properties"][REF_IS_PROPERTY[resource["Type"]]]
    after_stack: dict[str, Any] = {}
    for logical_id, resource in list(resources.items()):
        if resource["Type"] in NOT_CREATED:
            deployment.not_created[logical_id] = resource["Type"]
            del resources[logical_id]
        elif resource["Type"] in CREATED_AFTER_STACK:
            after_stack[logical_id] = resources.pop(logical_id)
    unknown = {r["Type"] for r in resources.values()} - embedded_cloudformation_types()
    if unknown:
        raise ValueError(f"the embedded CloudFormation cannot create {sorted(unknown)}: list each type here")

    template = resolver.resolve(template)
    resources = template["Resources"]
    left_out = set(deployment.not_created) | set(after_stack)
    for logical_id, resource in resources.items():
        dangling = _references(resource) & left_out
        if dangling:
            raise ValueError(f"{logical_id} needs {sorted(dangling)}, which the test leaves out")
        depends = resource.get("DependsOn")
        if depends:
            kept = [d for d in ([depends] if isinstance(depends, str) else depends) if d in resources]
            resource["DependsOn"] = kept
            if not kept:
                del resource["DependsOn"]
    for resource in resources.values():
        if resource["Type"] in EMBEDDED_FORMS:
            EMBEDDED_FORMS[resource["Type"]](resource.setdefault("Properties", {}))
    template["Outputs"] = {
        name: output
        for name, output in template.get("Outputs", {}).items()
        if not _references(output) & left_out
    }

    bucket = f"{stack_name.lower()}-templates"
    client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    client("s3").put_object(Bucket=bucket, Key="template.json", Body=json.dumps(template).encode())
    cloudformation = client("cloudformation")
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateURL=f"https://{bucket}.s3.amazonaws.com/template.json",
        Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    )
    deadline = time.monotonic() + timeout_s
    while True:
        stack = cloudformation.describe_stacks(StackName=stack_name)["Stacks"][0]
        if not stack["StackStatus"].endswith("_IN_PROGRESS"):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"{stack_name} still {stack['StackStatus']}")
        time.sleep(0.5)
    if stack["StackStatus"] != "CREATE_COMPLETE":
        raise RuntimeError(f"{stack_name}: {stack['StackStatus']} {stack.get('StackStatusReason', '')}")
    paginator = cloudformation.get_paginator("list_stack_resources")
    for page in paginator.paginate(StackName=stack_name):
        for summary in page["StackResourceSummaries"]:
            deployment.physical_ids[summary["LogicalResourceId"]] = summary.get("PhysicalResourceId", "")
    _create_after_stack(after_stack, deployment, resolver, client)
    return deployment


def _create_after_stack(
    resources: dict[str, Any], deployment: Deployment, resolver: _Resolver, client: Callable[[str], Any]
) -> None:
    resolver.refs.update(deployment.physical_ids)
    for logical_id, resource in resources.items():
        # An Fn::GetAtt on a queue's Arn: the embedded AWS says it.
        for queue_id in _references(resource):
            if deployment.template["Resources"].get(queue_id, {}).get("Type") == "AWS::SQS::Queue":
                url = deployment.physical_ids[queue_id]
                arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
                resolver.attributes[(queue_id, "Arn")] = arn["Attributes"]["QueueArn"]
        properties = resolver.resolve(resource["Properties"])
        if resource["Type"] == "AWS::Lambda::EventInvokeConfig":
            client("lambda").put_function_event_invoke_config(
                FunctionName=properties["FunctionName"],
                Qualifier=properties.get("Qualifier", "$LATEST"),
                MaximumRetryAttempts=properties.get("MaximumRetryAttempts", 2),
                MaximumEventAgeInSeconds=properties.get("MaximumEventAgeInSeconds", 21600),
                DestinationConfig=properties.get("DestinationConfig", {}),
            )
        if resource["Type"] == "AWS::SNS::Subscription":
            attributes = {
                name: json.dumps(value)
                if isinstance(value, dict)
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
                for name in ("RawMessageDelivery", "FilterPolicy", "RedrivePolicy")
                if (value := properties.get(name)) is not None
            }
            client("sns").subscribe(
                TopicArn=properties["TopicArn"],
                Protocol=properties["Protocol"],
                Endpoint=properties["Endpoint"],
                Attributes=attributes,
                ReturnSubscriptionArn=True,
            )
        deployment.created_after_stack[logical_id] = resource["Type"]


def admin_client(endpoint: str, region: str) -> Callable[[str], Any]:
    session = boto3.Session(
        aws_access_key_id="AKIADEPLOYER0000", aws_secret_access_key="deployer", region_name=region
    )
    return lambda service: session.client(service, endpoint_url=endpoint)
