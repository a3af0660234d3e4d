"""Tables match their PynamoDB models exactly; buckets are private, TLS-only and versioned.

Retention: a table expires items by its model's ``TTLAttribute``, and a bucket with ``expire_days``
deletes its objects (and their old versions) after exactly that many days.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template
from pynamodb.attributes import TTLAttribute

from haven import resources
from infra.constructs.data import BUCKET_TAG, ttl_attribute
from tests.infra.cfn_template import haven_functions, referenced_ids, resources_of_type

STAGE_PREFIX = "haven-dev"
MODELS = resources.table_models()


def _table(template_json: dict[str, Any], logical: str) -> dict[str, Any]:
    tables = [
        table["Properties"]
        for table in resources_of_type(template_json, "AWS::DynamoDB::Table").values()
        if table["Properties"]["TableName"] == f"{STAGE_PREFIX}-{logical}"
    ]
    assert len(tables) == 1, f"table {logical}: {len(tables)} found"
    return tables[0]


def _key_schema(keys: list[dict[str, str]]) -> list[tuple[str, str]]:
    """HASH first, then RANGE (PynamoDB does not order index keys)."""
    pairs = [(k["AttributeName"], k["KeyType"]) for k in keys]
    return sorted(pairs, key=lambda pair: pair[1] != "HASH")


def _attribute_definitions(definitions: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {(d["AttributeName"], d["AttributeType"]) for d in definitions}


def _projection(projection: dict[str, Any]) -> tuple[str, frozenset[str]]:
    return projection["ProjectionType"], frozenset(projection.get("NonKeyAttributes", []))


def test_only_catalog_tables_exist(template_json: dict[str, Any]) -> None:
    names = {
        table["Properties"]["TableName"]
        for table in resources_of_type(template_json, "AWS::DynamoDB::Table").values()
    }
    assert names == {f"{STAGE_PREFIX}-{logical}" for logical in resources.TABLES}


@pytest.mark.parametrize("logical", resources.TABLES)
def test_table_keys_and_indexes_are_the_models(template_json: dict[str, Any], logical: str) -> None:
    schema = MODELS[logical]._get_schema()
    table = _table(template_json, logical)

    assert _key_schema(table["KeySchema"]) == _key_schema(schema["key_schema"])
    assert _attribute_definitions(table["AttributeDefinitions"]) == _attribute_definitions(
        schema["attribute_definitions"]
    )
    expected_indexes = {
        index["index_name"]: (_key_schema(index["key_schema"]), _projection(index["projection"]))
        for index in schema["global_secondary_indexes"]
    }
    actual_indexes = {
        index["IndexName"]: (_key_schema(index["KeySchema"]), _projection(index["Projection"]))
        for index in table.get("GlobalSecondaryIndexes", [])
    }
    assert actual_indexes == expected_indexes
    assert not schema["local_secondary_indexes"] or "LocalSecondaryIndexes" in table


@pytest.mark.parametrize("logical", resources.TABLES)
def test_table_is_on_demand_recoverable_encrypted(template_json: dict[str, Any], logical: str) -> None:
    table = _table(template_json, logical)
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True


def _declared_ttl(model: type) -> list[str]:
    """The stored names of a model's TTLAttributes, read from its classes (not from infra)."""
    return sorted(
        {
            value.attr_name
            for klass in model.__mro__
            for value in vars(klass).values()
            if isinstance(value, TTLAttribute)
        }
    )


@pytest.mark.parametrize("logical", resources.TABLES)
def test_ttl_where_the_model_has_a_ttl_attribute(template_json: dict[str, Any], logical: str) -> None:
    table = _table(template_json, logical)
    declared = _declared_ttl(MODELS[logical])
    assert len(declared) <= 1, f"{logical}: DynamoDB expires items by one attribute only"
    assert ttl_attribute(MODELS[logical]) == (declared[0] if declared else None)
    if declared:
        assert table["TimeToLiveSpecification"] == {"AttributeName": declared[0], "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in table


def test_the_models_that_expire_data_have_ttl() -> None:
    expiring = {logical: _declared_ttl(model) for logical, model in MODELS.items() if _declared_ttl(model)}
    # Reports and person records are deleted after the retention the README documents.
    assert {"idempotency", "reports", "safety", "alert-deliveries", "feed-items"} <= set(expiring)
    assert all(names == ["expires_at"] for names in expiring.values()), expiring
    assert "incidents" not in expiring


def _bucket_ids_by_name(template_json: dict[str, Any]) -> dict[str, str]:
    found = {}
    for logical_id, bucket in resources_of_type(template_json, "AWS::S3::Bucket").items():
        for tag in bucket["Properties"].get("Tags", []):
            if tag["Key"] == BUCKET_TAG:
                found[tag["Value"]] = logical_id
    return found


def test_every_catalog_bucket_exists(template_json: dict[str, Any]) -> None:
    assert set(_bucket_ids_by_name(template_json)) == {b.name for b in resources.BUCKETS}


def test_every_bucket_is_private_versioned_encrypted_and_tls_only(
    template: Template, template_json: dict[str, Any]
) -> None:
    buckets = resources_of_type(template_json, "AWS::S3::Bucket")
    assert len(buckets) == len(resources.BUCKETS) + 2  # + the access log bucket, the web apps'
    tls_only = set()
    for policy in resources_of_type(template_json, "AWS::S3::BucketPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Effect"] == "Deny" and statement.get("Condition") == {
                "Bool": {"aws:SecureTransport": "false"}
            }:
                tls_only |= referenced_ids(policy["Properties"]["Bucket"])
    for logical_id, bucket in buckets.items():
        properties = bucket["Properties"]
        assert properties["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }, logical_id
        assert properties["VersioningConfiguration"] == {"Status": "Enabled"}, logical_id
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"], logical_id
        assert logical_id in tls_only, f"{logical_id} accepts plain HTTP"


@pytest.mark.parametrize("spec", resources.BUCKETS, ids=lambda b: b.name)
def test_bucket_follows_its_catalog_entry(template_json: dict[str, Any], spec: resources.Bucket) -> None:
    bucket_id = _bucket_ids_by_name(template_json)[spec.name]
    properties = template_json["Resources"][bucket_id]["Properties"]
    encryption = properties["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
    algorithm = encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"]
    assert algorithm == ("aws:kms" if spec.kms else "AES256")
    assert properties["LoggingConfiguration"]["LogFilePrefix"] == f"{spec.name}/"
    expiring = [
        rule
        for rule in properties.get("LifecycleConfiguration", {}).get("Rules", [])
        if "ExpirationInDays" in rule or "NoncurrentVersionExpiration" in rule
    ]
    if spec.expire_days is None:
        assert expiring == []
    else:
        # One enabled rule over the whole bucket (no prefix, tag or size filter); the bucket is
        # versioned, so the expired (noncurrent) versions must go as well.
        [rule] = expiring
        assert {k: v for k, v in rule.items() if k != "Id"} == {
            "ExpirationInDays": spec.expire_days,
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
            "Status": "Enabled",
        }
    cors = properties.get("CorsConfiguration", {}).get("CorsRules", [])
    assert bool(cors) == spec.accepts_uploads
    # Every upload is screened once it lands: S3 sends its events to EventBridge (storage rules).
    notifies = properties.get("NotificationConfiguration")
    if spec.accepts_uploads:
        assert notifies == {"EventBridgeConfiguration": {"EventBridgeEnabled": True}}
    else:
        assert notifies is None


def _cors_allows(rules: list[dict[str, Any]], origin: str, method: str, headers: list[str]) -> bool:
    """S3's CORS evaluation: the first rule whose origin, method and every requested header
    match (each pattern may hold one ``*``) answers the preflight."""

    def matches(pattern: str, value: str) -> bool:
        return fnmatchcase(value.lower(), pattern.lower())

    return any(
        any(matches(o, origin) for o in rule["AllowedOrigins"])
        and method in rule["AllowedMethods"]
        and all(any(matches(h, header) for h in rule.get("AllowedHeaders", [])) for header in headers)
        for rule in rules
    )


UPLOAD_BUCKETS = pytest.mark.parametrize("bucket", resources.UPLOAD_BUCKETS)


@UPLOAD_BUCKETS
def test_a_browser_on_the_web_origin_may_send_the_presigned_upload(
    template_json: dict[str, Any], bucket: str
) -> None:
    """Uploads are presigned POSTs (haven.adapters.uploads): a multipart form whose fields carry
    the policy; a browser's fetch of that form is CORS-checked against the bucket's rules."""
    bucket_id = _bucket_ids_by_name(template_json)[bucket]
    rules = template_json["Resources"][bucket_id]["Properties"]["CorsConfiguration"]["CorsRules"]
    origin = "https://haven.example.org"
    assert _cors_allows(rules, origin, "POST", [])
    # An app that sets the checksum as headers, or its own content type, is preflighted.
    assert _cors_allows(rules, origin, "POST", ["content-type", "x-amz-checksum-sha256"])
    # The signature never allowed a PUT of that URL, nor may a page delete or list.
    for method in ("PUT", "DELETE", "GET"):
        assert not _cors_allows(rules, origin, method, [])
    assert not _cors_allows(rules, origin, "POST", ["authorization"])


def test_bucket_notifications_are_cloudformation_not_a_custom_resource(template_json: dict[str, Any]) -> None:
    """No function of CDK's own (and its role with wildcards) configures the notifications."""
    types = {resource["Type"] for resource in template_json["Resources"].values()}
    assert "Custom::S3BucketNotifications" not in types
    assert len(haven_functions(template_json)) == len(resources.FUNCTIONS)
    # CDK's provider functions are the web apps' only (bucket deployment, the map key's value).
    assert len(resources_of_type(template_json, "AWS::Lambda::Function")) == len(resources.FUNCTIONS) + 2


def test_server_access_logs_go_to_the_log_bucket(template: Template) -> None:
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LoggingConfiguration": {"DestinationBucketName": {"Ref": Match.string_like_regexp("AccessLogs")}}},
    )
