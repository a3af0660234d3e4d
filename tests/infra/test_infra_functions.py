"""Each function: its catalog settings, its environment, its own least-privilege role."""

from __future__ import annotations

import os
import subprocess
import sys
from fnmatch import fnmatch
from typing import Any

import pytest

from haven import resources
from infra.app import REPO_ROOT
from infra.constructs.data import BUCKET_TAG
from tests.infra.cfn_template import (
    Grant,
    referenced_ids,
    resources_of_type,
    role_grants,
    single_ref,
    targets_with,
)

STAGE_PREFIX = "haven-dev"

TABLE_WRITES = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
TABLE_READS = ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:BatchGetItem")


def _function(template_json: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [
        function["Properties"]
        for function in resources_of_type(template_json, "AWS::Lambda::Function").values()
        if function["Properties"].get("FunctionName") == f"{STAGE_PREFIX}-{name}"
    ]
    assert len(matches) == 1, name
    return matches[0]


def _role_id(template_json: dict[str, Any], name: str) -> str:
    return _function(template_json, name)["Role"]["Fn::GetAtt"][0]


def _grants(template_json: dict[str, Any], name: str) -> list[Grant]:
    return role_grants(template_json, _role_id(template_json, name))


def _ids_by_physical_name(template_json: dict[str, Any], resource_type: str, key: str) -> dict:
    return {
        resource["Properties"][key].removeprefix(f"{STAGE_PREFIX}-"): logical_id
        for logical_id, resource in resources_of_type(template_json, resource_type).items()
        if key in resource["Properties"]
    }


def _tables(template_json: dict[str, Any]) -> dict[str, str]:
    return _ids_by_physical_name(template_json, "AWS::DynamoDB::Table", "TableName")


def _queues(template_json: dict[str, Any]) -> dict[str, str]:
    return _ids_by_physical_name(template_json, "AWS::SQS::Queue", "QueueName")


def _buckets(template_json: dict[str, Any]) -> dict[str, str]:
    return {
        tag["Value"]: logical_id
        for logical_id, bucket in resources_of_type(template_json, "AWS::S3::Bucket").items()
        for tag in bucket["Properties"].get("Tags", [])
        if tag["Key"] == BUCKET_TAG
    }


def _names(ids: set[str], by_name: dict[str, str]) -> set[str]:
    return {name for name, logical_id in by_name.items() if logical_id in ids}


FUNCTIONS = pytest.mark.parametrize("spec", resources.FUNCTIONS, ids=lambda f: f.name)


@FUNCTIONS
def test_function_follows_its_catalog_entry(template_json: dict[str, Any], spec: resources.Function) -> None:
    function = _function(template_json, spec.name)
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    assert function["Handler"] == spec.handler
    assert function["Timeout"] == spec.timeout_s
    assert function["MemorySize"] == spec.memory_mb
    assert function["TracingConfig"] == {"Mode": "Active"}
    layers = {
        layer_id
        for layer_id in referenced_ids(function["Layers"])
        if template_json["Resources"][layer_id]["Type"] == "AWS::Lambda::LayerVersion"
    }
    assert len(layers) == 2


@FUNCTIONS
def test_function_environment(template_json: dict[str, Any], spec: resources.Function) -> None:
    environment = _function(template_json, spec.name)["Environment"]["Variables"]
    assert environment["HAVEN_MODE"] == "aws"
    assert environment["HAVEN_STAGE"] == "dev"
    assert environment[resources.TABLE_PREFIX_ENV] == STAGE_PREFIX
    assert environment["POWERTOOLS_SERVICE_NAME"] == f"haven-{spec.name}"
    assert environment["POWERTOOLS_METRICS_NAMESPACE"] == "Haven"
    for name in (
        resources.BUS_NAME_ENV,
        "HAVEN_AUTH_ISSUER",
        "HAVEN_AUTH_AUDIENCE",
        "HAVEN_AUTH_JWKS_URL",
        "HAVEN_SIGNING_KEY_SECRET_ARN",
    ):
        assert environment[name], name
    assert "/.well-known/jwks.json" in str(environment["HAVEN_AUTH_JWKS_URL"])

    queues = _queues(template_json)
    queue_vars = {k for k in environment if k.startswith("HAVEN_QUEUE_")}
    consumed = {q.name for q in resources.QUEUES if q.consumer == spec.name}
    assert queue_vars == {resources.queue_env(q) for q in {*spec.sends_to, *consumed}}
    for queue in {*spec.sends_to, *consumed}:
        assert referenced_ids(environment[resources.queue_env(queue)]) == {queues[queue]}

    buckets = _buckets(template_json)
    touched = {*spec.reads_buckets, *spec.writes_buckets, *spec.deletes_buckets}
    bucket_vars = {k for k in environment if k.startswith("HAVEN_BUCKET_")}
    assert bucket_vars == {resources.bucket_env(b) for b in touched}
    for bucket in touched:
        assert referenced_ids(environment[resources.bucket_env(bucket)]) == {buckets[bucket]}


def test_each_function_has_its_own_role_without_managed_policies(
    template_json: dict[str, Any],
) -> None:
    roles = [_role_id(template_json, f.name) for f in resources.FUNCTIONS]
    assert len(set(roles)) == len(roles)
    for role_id in roles:
        assert "ManagedPolicyArns" not in template_json["Resources"][role_id]["Properties"]


@FUNCTIONS
def test_role_reaches_only_the_catalogs_tables(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    grants = _grants(template_json, spec.name)
    tables = _tables(template_json)
    reached = _names({t for t, _ in targets_with(grants, "dynamodb:")}, tables)
    written = _names({t for t, _ in targets_with(grants, *TABLE_WRITES)}, tables)
    read = _names({t for t, _ in targets_with(grants, *TABLE_READS)}, tables)
    assert reached == {*spec.reads, *spec.writes}
    assert written == set(spec.writes)
    assert read == set(spec.reads)


@FUNCTIONS
def test_role_reaches_only_the_catalogs_queues_and_buckets(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    grants = _grants(template_json, spec.name)
    queues = _queues(template_json)
    sends = _names({t for t, _ in targets_with(grants, "sqs:SendMessage")}, queues)
    # A scheduled function's failed runs go to the schedules' DLQ (its on-failure destination).
    scheduled = any(schedule.function == spec.name for schedule in resources.SCHEDULES)
    assert sends == {*spec.sends_to, *(["schedules-dlq"] if scheduled else [])}
    consumed = {q.name for q in resources.QUEUES if q.consumer == spec.name}
    receives = _names({t for t, _ in targets_with(grants, "sqs:ReceiveMessage")}, queues)
    assert receives == consumed

    buckets = _buckets(template_json)
    reads = _names({t for t, _ in targets_with(grants, "s3:GetObject")}, buckets)
    writes = _names({t for t, _ in targets_with(grants, "s3:PutObject")}, buckets)
    deletes = _names({t for t, _ in targets_with(grants, "s3:DeleteObject")}, buckets)
    reached = _names({t for t, _ in targets_with(grants, "s3:")}, buckets)
    assert reads == set(spec.reads_buckets)
    assert writes == set(spec.writes_buckets)
    assert deletes == set(spec.deletes_buckets)
    assert reached == {*spec.reads_buckets, *spec.writes_buckets, *spec.deletes_buckets}


@FUNCTIONS
def test_role_puts_events_only_when_the_catalog_says_so(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    grants = _grants(template_json, spec.name)
    assert bool(list(targets_with(grants, "events:PutEvents"))) == spec.puts_events


@FUNCTIONS
def test_role_has_no_wildcard_beyond_xray_and_sms(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    """Only X-Ray, and SNS Publish for functions that send SMS (a phone number has no ARN)."""
    allowed = {"sns:Publish"} if "sms" in spec.notifies else set()
    for grant in _grants(template_json, spec.name):
        assert grant.effect == "Allow"
        assert not any(action.endswith(":*") or action == "*" for action in grant.actions)
        if grant.wildcard:
            assert all(action.startswith("xray:") or action in allowed for action in grant.actions), grant


@FUNCTIONS
def test_role_sends_notifications_only_when_the_catalog_says_so(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    actions = {action for grant in _grants(template_json, spec.name) for action in grant.actions}
    assert ("sns:Publish" in actions) == bool({"sms", "push"} & set(spec.notifies))
    assert ("ses:SendEmail" in actions) == ("email" in spec.notifies)


@FUNCTIONS
def test_role_never_scans_a_table(template_json: dict[str, Any], spec: resources.Function) -> None:
    """Access patterns are queries: no function may Scan (admin exports would be their own)."""
    assert not list(targets_with(_grants(template_json, spec.name), "dynamodb:Scan"))


@FUNCTIONS
def test_email_sender_is_set_where_email_is_sent(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    environment = _function(template_json, spec.name)["Environment"]["Variables"]
    assert ("HAVEN_EMAIL_FROM" in environment) == ("email" in spec.notifies)


def test_upload_screening_reads_and_deletes_object_versions_of_the_upload_buckets_only(
    template_json: dict[str, Any],
) -> None:
    grants = _grants(template_json, "upload-screening")
    buckets = _buckets(template_json)
    uploads = {b.name for b in resources.BUCKETS if b.accepts_uploads}
    # HEAD and ranged GET of one version, DeleteObjectVersion: covered by these wildcards.
    for needed, granted in (
        ("s3:GetObjectVersion", "s3:GetObject*"),
        ("s3:DeleteObjectVersion", "s3:DeleteObject*"),
    ):
        assert fnmatch(needed, granted)
        assert _names({t for t, a in targets_with(grants, "s3:") if a == granted}, buckets) == uploads
    assert not list(targets_with(grants, "s3:PutObject", "s3:DeleteBucket", "s3:PutBucket"))
    # Decrypts with the keys of the KMS-encrypted upload buckets, and no other key.
    keys = {
        name: single_ref(
            template_json["Resources"][buckets[name]]["Properties"]["BucketEncryption"][
                "ServerSideEncryptionConfiguration"
            ][0]["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]
        )
        for name in uploads
        if any(b.name == name and b.kms for b in resources.BUCKETS)
    }
    assert set(keys) == {"complaint-evidence", "evidence"}
    assert {t for t, _ in targets_with(grants, "kms:Decrypt")} == set(keys.values())
    assert not list(targets_with(grants, "dynamodb:", "sqs:SendMessage", "sns:", "ses:"))


def test_triage_cannot_write_the_idempotency_table(template_json: dict[str, Any]) -> None:
    grants = _grants(template_json, "triage")
    idempotency = _tables(template_json)["idempotency"]
    assert not [a for t, a in targets_with(grants, "dynamodb:") if t == idempotency]


def test_signing_key_secret_is_generated_and_readable_where_it_is_loaded(
    template_json: dict[str, Any],
) -> None:
    secrets = resources_of_type(template_json, "AWS::SecretsManager::Secret")
    assert len(secrets) == 1
    secret_id, secret = next(iter(secrets.items()))
    assert secret["Properties"]["GenerateSecretString"]["PasswordLength"] == 48
    for spec in resources.FUNCTIONS:
        readable = {
            t
            for t, _ in targets_with(_grants(template_json, spec.name), "secretsmanager:GetSecretValue")
            if not t.startswith("AWS::")  # the partition, region and account of reads_secrets
        }
        assert readable == ({secret_id} if spec.reads_signing_key else set()), spec.name


@FUNCTIONS
def test_catalog_says_which_functions_load_the_signing_key(spec: resources.Function) -> None:
    """A function is granted the signing key exactly when its code, imported as it is once it has
    served every request it can (the API's blueprints load at their route's first request), loads
    the code that reads it (haven.adapters.secrets), so no role holds a key its code never asks for."""
    probe = (
        "import importlib, sys; handler = importlib.import_module(sys.argv[1]); "
        "api = getattr(handler, 'app', None); "
        "[entry.view_function.loaded() for methods in getattr(api, 'routes', {}).values() "
        "for entry in methods.values()]; "
        "print('haven.adapters.secrets' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, spec.module],
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join(map(str, (REPO_ROOT / "shared", REPO_ROOT / spec.path, REPO_ROOT))),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split()[-1] == str(spec.reads_signing_key)


def test_only_the_feed_poller_reads_feed_credentials() -> None:
    """And the API the text channels' credentials (the Twilio auth token), nothing else."""
    assert {spec.name: spec.reads_secrets for spec in resources.FUNCTIONS if spec.reads_secrets} == {
        "feed-poller": ("feeds/",),
        "api": ("channels/",),
    }


@FUNCTIONS
def test_role_reads_only_its_stages_secrets_under_the_catalogs_prefixes(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    read = {
        pattern
        for grant in _grants(template_json, spec.name)
        if "secretsmanager:GetSecretValue" in grant.actions
        for pattern in grant.patterns
    }
    assert read == {
        f"arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{STAGE_PREFIX}/{prefix}*"
        for prefix in spec.reads_secrets
    }


def test_only_the_api_checks_that_feed_credentials_exist() -> None:
    assert {spec.name: spec.describes_secrets for spec in resources.FUNCTIONS if spec.describes_secrets} == {
        "api": ("feeds/",)
    }


@FUNCTIONS
def test_role_describes_only_its_stages_secrets_under_the_catalogs_prefixes(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    described = {
        pattern
        for grant in _grants(template_json, spec.name)
        if "secretsmanager:DescribeSecret" in grant.actions
        for pattern in grant.patterns
    }
    assert described == {
        f"arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{STAGE_PREFIX}/{prefix}*"
        for prefix in spec.describes_secrets
    }


@FUNCTIONS
def test_only_login_provisioners_may_create_users_in_the_pool(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    grants = _grants(template_json, spec.name)
    pools = set(resources_of_type(template_json, "AWS::Cognito::UserPool"))
    created = {t for t, _ in targets_with(grants, "cognito-idp:AdminCreateUser")}
    assert created == (pools if spec.provisions_logins else set())
    assert not any(a.startswith("cognito-idp:") and grant.wildcard for grant in grants for a in grant.actions)
