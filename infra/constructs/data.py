"""State: DynamoDB tables derived from the PynamoDB models, and the S3 buckets of the catalog."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from aws_cdk import Duration, RemovalPolicy, Tags
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from constructs import Construct
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from haven import resources
from infra.nag import acknowledge
from infra.stage import StageConfig, pascal

_ATTRIBUTE_TYPES = {
    "S": dynamodb.AttributeType.STRING,
    "N": dynamodb.AttributeType.NUMBER,
    "B": dynamodb.AttributeType.BINARY,
}
_PROJECTIONS = {
    "ALL": dynamodb.ProjectionType.ALL,
    "KEYS_ONLY": dynamodb.ProjectionType.KEYS_ONLY,
    "INCLUDE": dynamodb.ProjectionType.INCLUDE,
}

#: Tag naming the catalog bucket a physical bucket is.
BUCKET_TAG = "haven:bucket"

#: Headers a browser's upload may carry: the presigned POST is a multipart form (its fields
#: carry the policy and signature), so a plain form POST needs none, but a client that adds
#: a checksum or its own content type is preflighted with these.
_UPLOAD_HEADERS = ["Content-Type", "Content-MD5", "x-amz-*"]


def ttl_attribute(model: type[Model]) -> str | None:
    """The model's ``TTLAttribute`` (DynamoDB expires items by it), if it has one."""
    names = [
        attribute.attr_name
        for attribute in model.get_attributes().values()
        if isinstance(attribute, TTLAttribute)
    ]
    if len(names) > 1:
        raise ValueError(f"{model.__name__} has more than one TTLAttribute: {names}")
    return names[0] if names else None


class _KeySchema:
    """Partition and sort key of a table or index, from PynamoDB's schema dictionaries."""

    def __init__(self, key_schema: Sequence[Mapping[str, str]], types: Mapping[str, str]):
        by_role = {k["KeyType"]: k["AttributeName"] for k in key_schema}
        self.partition_key = self._attribute(by_role["HASH"], types)
        self.sort_key = self._attribute(by_role["RANGE"], types) if "RANGE" in by_role else None

    @staticmethod
    def _attribute(name: str, types: Mapping[str, str]) -> dynamodb.Attribute:
        return dynamodb.Attribute(name=name, type=_ATTRIBUTE_TYPES[types[name]])


class Data(Construct):
    """Every catalog table (keys and indexes from its model) and bucket, plus the access logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        models: Mapping[str, type[Model]],
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        self.tables: dict[str, dynamodb.Table] = {
            name: self._table(name, models[name]) for name in resources.TABLES
        }
        self.access_logs = self._access_log_bucket()
        self.buckets: dict[str, s3.Bucket] = {
            bucket.name: self._bucket(bucket) for bucket in resources.BUCKETS
        }

    # --- DynamoDB ---------------------------------------------------------------------------

    def _table(self, logical: str, model: type[Model]) -> dynamodb.Table:
        # PynamoDB's schema (TypedDicts), read as the plain dictionaries DynamoDB's API uses.
        schema = cast(dict[str, Any], model._get_schema())
        types = {d["AttributeName"]: d["AttributeType"] for d in schema["attribute_definitions"]}
        keys = _KeySchema(schema["key_schema"], types)
        table = dynamodb.Table(
            self,
            f"{pascal(logical)}Table",
            table_name=self._stage.physical_name(logical),
            partition_key=keys.partition_key,
            sort_key=keys.sort_key,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=ttl_attribute(model),
            deletion_protection=self._stage.protect_data,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in schema["global_secondary_indexes"]:
            index_keys = _KeySchema(index["key_schema"], types)
            projection = index["projection"]
            table.add_global_secondary_index(
                index_name=index["index_name"],
                partition_key=index_keys.partition_key,
                sort_key=index_keys.sort_key,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
        for index in schema["local_secondary_indexes"]:
            index_keys = _KeySchema(index["key_schema"], types)
            if index_keys.sort_key is None:
                raise ValueError(f"{logical}: local index {index['index_name']} has no sort key")
            projection = index["projection"]
            table.add_local_secondary_index(
                index_name=index["index_name"],
                sort_key=index_keys.sort_key,
                projection_type=_PROJECTIONS[projection["ProjectionType"]],
                non_key_attributes=projection.get("NonKeyAttributes"),
            )
        return table

    # --- S3 ---------------------------------------------------------------------------------

    def _access_log_bucket(self) -> s3.Bucket:
        bucket = s3.Bucket(
            self,
            "AccessLogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            encryption=s3.BucketEncryption.S3_MANAGED,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=Duration.days(365),
                    noncurrent_version_expiration=Duration.days(7),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(
            bucket,
            "AwsSolutions-S1",
            "This is the server access log bucket of the other buckets; logging it into "
            "itself would loop, and another log bucket would only move the gap.",
        )
        return bucket

    def _bucket(self, spec: resources.Bucket) -> s3.Bucket:
        key: kms.Key | None = None
        if spec.kms:
            key = kms.Key(
                self,
                f"{pascal(spec.name)}Key",
                description=f"Haven {self._stage.name}: objects of the {spec.name} bucket",
                enable_key_rotation=True,
                removal_policy=RemovalPolicy.RETAIN,
            )
        lifecycle_rules = [
            s3.LifecycleRule(
                id="abort-incomplete-uploads",
                abort_incomplete_multipart_upload_after=Duration.days(1),
            )
        ]
        if spec.expire_days is not None:
            lifecycle_rules.append(
                s3.LifecycleRule(
                    id="expire-objects",
                    expiration=Duration.days(spec.expire_days),
                    # Versioning must not keep expired personal data alive.
                    noncurrent_version_expiration=Duration.days(1),
                )
            )
        cors = None
        if spec.accepts_uploads:
            cors = [
                s3.CorsRule(
                    # Uploads are presigned POSTs (haven.adapters.uploads): the signed policy
                    # carries the authorisation, bounds type and size; the callers are the web
                    # origin, mobile apps and partner browsers.
                    allowed_methods=[s3.HttpMethods.POST],
                    allowed_origins=["*"],
                    allowed_headers=_UPLOAD_HEADERS,
                    exposed_headers=["ETag", "Location", "x-amz-version-id"],
                    max_age=3000,
                )
            ]
        bucket = s3.Bucket(
            self,
            f"{pascal(spec.name)}Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            versioned=True,
            encryption=s3.BucketEncryption.KMS if key else s3.BucketEncryption.S3_MANAGED,
            encryption_key=key,
            bucket_key_enabled=True if key else None,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix=f"{spec.name}/",
            lifecycle_rules=lifecycle_rules,
            cors=cors,
            removal_policy=RemovalPolicy.RETAIN,
        )
        # Bucket names are generated (they are global); the tag says which catalog bucket it is.
        Tags.of(bucket).add(BUCKET_TAG, spec.name)
        if spec.name in resources.notifying_buckets():
            self._send_events_to_eventbridge(bucket)
        return bucket

    @staticmethod
    def _send_events_to_eventbridge(bucket: s3.Bucket) -> None:
        """S3 sends every object event of the bucket to the default bus (storage rules).

        Set on the bucket resource itself: ``event_bridge_enabled`` of the L2 bucket would add a
        custom resource, and with it a Lambda function and a role with wildcard permissions, to
        do what CloudFormation does natively.
        """
        cfn_bucket = cast(s3.CfnBucket, bucket.node.default_child)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
                event_bridge_enabled=True
            )
        )
