"""One Lambda function per catalog entry, each with its own least-privilege role.

A function is granted exactly what the catalog says it reads, writes, sends to and publishes;
the consumer of a queue gets an SQS event source with partial batch failures.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import cast

from aws_cdk import Aws, CfnElement, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from haven import resources
from infra import settings as deployment_settings
from infra.constructs.data import Data
from infra.constructs.identity import Identity
from infra.constructs.messaging import Messaging
from infra.nag import acknowledge
from infra.stage import StageConfig, pascal

#: The Lambda runtime; ``layers/build.py`` builds the dependencies for the same version.
RUNTIME = lambda_.Runtime.PYTHON_3_13
ARCHITECTURE = lambda_.Architecture.ARM_64
METRICS_NAMESPACE = "Haven"
SIGNING_KEY_LENGTH = 48

#: What never goes into a function's code asset.
CODE_EXCLUDES = ["**/__pycache__", "**/*.pyc", "tests", "**/tests"]

#: What PynamoDB calls for a model's reads (queries, gets, transactional gets) and writes
#: (puts, conditional updates, deletes, transactions with condition checks). No Scan: no
#: function scans a table on AWS (DESIGN.md: access patterns are queries).
TABLE_READ_ACTIONS = (
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:ConditionCheckItem",
)
TABLE_WRITE_ACTIONS = (
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
)

#: The sender of e-mail in a stage that did not name one (SES refuses it until verified).
PLACEHOLDER_EMAIL_FROM = "alerts@haven.example.org"

#: A function's lowest queue visibility timeout, in multiples of its own timeout (AWS's
#: guidance for SQS event sources).
VISIBILITY_TIMEOUT_FACTOR = 6

#: Where the account's SES identities and the stage's secrets are: pseudo parameters, so the
#: ARNs (and the cdk-nag acknowledgements written against them) are the same whatever account
#: and region the CDK CLI hands the app.
_SES_IDENTITIES = f"arn:{Aws.PARTITION}:ses:{Aws.REGION}:{Aws.ACCOUNT_ID}:identity/*"
_SMS_VOICE = f"arn:{Aws.PARTITION}:sms-voice:{Aws.REGION}:{Aws.ACCOUNT_ID}"
_SOCIAL = f"arn:{Aws.PARTITION}:social-messaging:{Aws.REGION}:{Aws.ACCOUNT_ID}"


class Functions(Construct):
    """The catalog's functions, their layers, roles, log groups and event sources."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        source_root: Path,
        layer_dirs: Mapping[str, Path],
        data: Data,
        messaging: Messaging,
        identity: Identity,
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        self._data = data
        self._messaging = messaging
        self._identity = identity

        self.layers = [
            lambda_.LayerVersion(
                self,
                f"{pascal(name)}Layer",
                layer_version_name=stage.physical_name(name),
                code=lambda_.Code.from_asset(str(path)),
                compatible_runtimes=[RUNTIME],
                compatible_architectures=[ARCHITECTURE],
                description=f"Haven {name} layer ({RUNTIME.name}, arm64)",
            )
            for name, path in sorted(layer_dirs.items())
        ]
        self.signing_key = secretsmanager.Secret(
            self,
            "SigningKey",
            secret_name=f"{stage.prefix}/signing-key",
            description="HMAC key of pagination cursors and tracking tokens",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                password_length=SIGNING_KEY_LENGTH,
                exclude_punctuation=True,
                include_space=False,
            ),
        )
        acknowledge(
            self.signing_key,
            "AwsSolutions-SMG4",
            "The signing key authenticates tracking tokens handed to citizens and workers, who "
            "keep them for the life of their report or complaint; an automatic rotation would "
            "invalidate them. It is rotated by a planned migration instead.",
        )

        self.roles: dict[str, iam.Role] = {}
        self.functions: dict[str, lambda_.Function] = {}
        #: Each function's environment as set here (checked against haven.config by ``check``).
        self.environments: dict[str, dict[str, str]] = {}
        for spec in resources.FUNCTIONS:
            self.functions[spec.name] = self._function(spec, source_root)
        for queue in resources.QUEUES:
            self._consume(queue)

    def _function(self, spec: resources.Function, source_root: Path) -> lambda_.Function:
        code_dir = source_root / spec.path
        if not code_dir.is_dir():
            raise FileNotFoundError(f"function {spec.name}: code folder {code_dir} is missing")
        name = self._stage.physical_name(spec.name)
        log_group = logs.LogGroup(
            self,
            f"{pascal(spec.name)}Logs",
            log_group_name=f"/aws/lambda/{name}",
            retention=self._stage.log_retention,
            removal_policy=self._stage.log_removal_policy,
        )
        role = iam.Role(
            self,
            f"{pascal(spec.name)}Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Haven {spec.name} function: only what the catalog grants it",
        )
        # Instead of AWSLambdaBasicExecutionRole (any log group): its own log group only.
        log_group.grant_write(role)
        environment = self._environment(spec)
        function = lambda_.Function(
            self,
            f"{pascal(spec.name)}Function",
            function_name=name,
            description=spec.description,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            handler=spec.handler,
            code=lambda_.Code.from_asset(str(code_dir), exclude=CODE_EXCLUDES),
            layers=self.layers,
            timeout=Duration.seconds(spec.timeout_s),
            memory_size=spec.memory_mb,
            role=role,
            log_group=log_group,
            tracing=lambda_.Tracing.ACTIVE,
            environment=dict(environment),
        )
        self.environments[spec.name] = environment
        acknowledge(
            function,
            "AwsSolutions-L1",
            f"{RUNTIME.name} on purpose: the dependencies layer is built from binary "
            "wheels for exactly this version (layers/build.py); both move together.",
        )
        self._grant(spec, role)
        self.roles[spec.name] = role
        for finding, reason in self._wildcard_reasons(spec).items():
            acknowledge(role, "AwsSolutions-IAM5", reason, findings=[finding])
        return function

    def add_settings(self, settings: Mapping[str, str]) -> None:
        """Deployment-wide settings (infra.settings) on every function."""
        for name, function in self.functions.items():
            for key, value in settings.items():
                function.add_environment(key, value)
                self.environments[name][key] = value

    def check_settings(self) -> None:
        """Each function's environment passes the validation of its cold start."""
        for name, environment in self.environments.items():
            deployment_settings.check(name, environment)

    def _environment(self, spec: resources.Function) -> dict[str, str]:
        stage = self._stage
        environment = {
            "HAVEN_MODE": "aws",
            "HAVEN_STAGE": stage.name,
            resources.TABLE_PREFIX_ENV: stage.prefix,
            resources.BUS_NAME_ENV: self._messaging.bus.event_bus_name,
            "HAVEN_AUTH_ISSUER": self._identity.issuer,
            "HAVEN_AUTH_AUDIENCE": self._identity.audience,
            "HAVEN_AUTH_JWKS_URL": self._identity.jwks_url,
            "HAVEN_SIGNING_KEY_SECRET_ARN": self.signing_key.secret_arn,
            "POWERTOOLS_SERVICE_NAME": f"haven-{spec.name}",
            "POWERTOOLS_METRICS_NAMESPACE": METRICS_NAMESPACE,
        }
        if "email" in spec.notifies:
            environment["HAVEN_EMAIL_FROM"] = self._email_from()
        if spec.provisions_logins:
            environment["HAVEN_USER_POOL_ID"] = self._identity.user_pool.user_pool_id
        # A consumer knows its own queue too: it delays failed records' redelivery (retry_later).
        consumed = [q.name for q in resources.QUEUES if q.consumer == spec.name]
        for queue in sorted({*spec.sends_to, *consumed}):
            environment[resources.queue_env(queue)] = self._messaging.queues[queue].queue_url
        for bucket in sorted({*spec.reads_buckets, *spec.writes_buckets, *spec.deletes_buckets}):
            environment[resources.bucket_env(bucket)] = self._data.buckets[bucket].bucket_name
        overlap = environment.keys() & spec.env.keys()
        if overlap:
            raise ValueError(f"function {spec.name}: catalog env overrides {sorted(overlap)}")
        return {**environment, **spec.env}

    def _email_from(self) -> str:
        """The verified SES identity e-mail is sent from: the ``email_from`` context, which a stage
        that holds real people's data must give; others get a placeholder SES will refuse."""
        given = self.node.try_get_context("email_from")
        if given:
            return str(given)
        if self._stage.protect_data:
            raise ValueError(
                f"stage {self._stage.name}: set --context email_from=<a verified SES identity> "
                "(notices to recruiters and administrators are sent from it)"
            )
        return PLACEHOLDER_EMAIL_FROM

    def _grant(self, spec: resources.Function, role: iam.Role) -> None:
        tables = self._data.tables
        for table in sorted({*spec.reads, *spec.writes}):
            actions = {
                *(TABLE_READ_ACTIONS if table in spec.reads else ()),
                *(TABLE_WRITE_ACTIONS if table in spec.writes else ()),
            }
            tables[table].grant(role, *sorted(actions))
        for queue in spec.sends_to:
            self._messaging.queues[queue].grant_send_messages(role)
        for bucket in spec.reads_buckets:
            self._data.buckets[bucket].grant_read(role)
        for bucket in spec.writes_buckets:
            self._data.buckets[bucket].grant_put(role)
        for bucket in spec.deletes_buckets:
            self._data.buckets[bucket].grant_delete(role)
        if spec.puts_events:
            self._messaging.bus.grant_put_events_to(role)
        for action, prefixes in (
            ("secretsmanager:GetSecretValue", spec.reads_secrets),
            ("secretsmanager:DescribeSecret", spec.describes_secrets),
        ):
            if prefixes:
                role.add_to_policy(
                    iam.PolicyStatement(
                        actions=[action], resources=[self._secrets_arn(prefix) for prefix in prefixes]
                    )
                )
        if {"sms", "push"} & set(spec.notifies):
            # SMS goes to a phone number, which has no ARN: Publish cannot be narrowed.
            role.add_to_policy(iam.PolicyStatement(actions=["sns:Publish"], resources=["*"]))
        if "email" in spec.notifies:
            role.add_to_policy(iam.PolicyStatement(actions=["ses:SendEmail"], resources=[_SES_IDENTITIES]))
        if "sms" in spec.replies:
            # The origination number is bought outside CDK: any of the account's numbers, pools
            # and configuration sets in this region, for SendTextMessage only.
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["sms-voice:SendTextMessage"],
                    resources=[
                        f"{_SMS_VOICE}:{kind}/*" for kind in ("phone-number", "pool", "configuration-set")
                    ],
                )
            )
        if "whatsapp" in spec.replies:
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["social-messaging:SendWhatsAppMessage"],
                    resources=[f"{_SOCIAL}:phone-number-id/*"],
                )
            )
        if spec.provisions_logins:
            self._identity.user_pool.grant(
                role, "cognito-idp:AdminCreateUser", "cognito-idp:AdminAddUserToGroup"
            )
        if spec.reads_signing_key:
            self.signing_key.grant_read(role)

    def _secrets_arn(self, prefix: str) -> str:
        """The stage's secrets named ``<prefix>...`` (haven.adapters.names.secret_name)."""
        return (
            f"arn:{Aws.PARTITION}:secretsmanager:{Aws.REGION}:{Aws.ACCOUNT_ID}"
            f":secret:{self._stage.prefix}/{prefix}*"
        )

    def _consume(self, queue: resources.Queue) -> None:
        consumer = resources.function(queue.consumer)
        if queue.visibility_timeout_s < VISIBILITY_TIMEOUT_FACTOR * consumer.timeout_s:
            raise ValueError(
                f"queue {queue.name}: visibility timeout {queue.visibility_timeout_s}s is under "
                f"{VISIBILITY_TIMEOUT_FACTOR}x {consumer.name}'s timeout {consumer.timeout_s}s"
            )
        window = queue.batching_window_s
        self.functions[consumer.name].add_event_source(
            event_sources.SqsEventSource(
                self._messaging.queues[queue.name],
                batch_size=queue.batch_size,
                max_batching_window=Duration.seconds(window) if window else None,
                report_batch_item_failures=True,
                max_concurrency=queue.max_concurrency,
            )
        )

    def _logical_id(self, construct: IConstruct) -> str:
        """The CloudFormation logical id of an L2 construct's resource (as cdk-nag names it)."""
        return Stack.of(self).get_logical_id(cast(CfnElement, construct.node.default_child))

    @staticmethod
    def _buckets_of(spec: resources.Function) -> list[resources.Bucket]:
        names = {*spec.reads_buckets, *spec.writes_buckets, *spec.deletes_buckets}
        return [bucket for bucket in resources.BUCKETS if bucket.name in names]

    def _wildcard_reasons(self, spec: resources.Function) -> dict[str, str]:
        """cdk-nag IAM5 findings of this role, each a wildcard that cannot be narrowed."""
        reasons = {
            "Resource::*": "X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level "
            "permissions (active tracing)."
            + (" SNS Publish to a phone number (SMS) has no resource ARN." * ("sms" in spec.notifies)),
        }
        if "email" in spec.notifies:
            reasons["Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*"] = (
                "E-mail is sent from the deployment's verified SES identities."
            )
        if "sms" in spec.replies:
            for kind in ("phone-number", "pool", "configuration-set"):
                reasons[
                    f"Resource::arn:<AWS::Partition>:sms-voice:<AWS::Region>:<AWS::AccountId>:{kind}/*"
                ] = (
                    "SMS replies come from the origination number (or pool, configuration set) the "
                    "deployment bought outside CDK and names in HAVEN_SMS_ORIGINATION_IDENTITY."
                )
        if "whatsapp" in spec.replies:
            reasons[
                "Resource::arn:<AWS::Partition>:social-messaging:<AWS::Region>:<AWS::AccountId>:phone-number-id/*"
            ] = (
                "WhatsApp replies come from the business phone number linked outside CDK and named "
                "in HAVEN_WHATSAPP_PHONE_NUMBER_ID."
            )
        for prefix in sorted({*spec.reads_secrets, *spec.describes_secrets}):
            secrets = f"secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:{self._stage.prefix}/{prefix}*"
            reasons[f"Resource::arn:<AWS::Partition>:{secrets}"] = (
                "This stage's channel credentials (the Twilio auth token), under channels/."
                if prefix == "channels/"
                else f"This stage's secrets under {prefix}: their names are chosen by responders when "
                "they register a source (its credentials reference)."
            )
        for table in sorted({*spec.reads, *spec.writes}):
            reasons[f"Resource::<{self._logical_id(self._data.tables[table])}.Arn>/index/*"] = (
                f"Queries on the {table} table's own indexes (declared by its model)."
            )
        for bucket in sorted({*spec.reads_buckets, *spec.writes_buckets, *spec.deletes_buckets}):
            reasons[f"Resource::<{self._logical_id(self._data.buckets[bucket])}.Arn>/*"] = (
                f"Objects of the {bucket} bucket: keys are generated per upload."
            )
        if spec.reads_buckets:
            reasons["Action::s3:GetObject*"] = "Read-only object actions (grant_read)."
            reasons["Action::s3:GetBucket*"] = "Read-only bucket actions (grant_read)."
            reasons["Action::s3:List*"] = "Listing the granted bucket only (grant_read)."
        if spec.writes_buckets:
            reasons["Action::s3:Abort*"] = "Aborting the function's own multipart uploads."
        if spec.deletes_buckets:
            reasons["Action::s3:DeleteObject*"] = "Deleting objects of the granted bucket (grant_delete)."
        if any(bucket.kms for bucket in self._buckets_of(spec)):
            reasons["Action::kms:GenerateDataKey*"] = (
                "Data keys of the bucket's own KMS key, to write objects encrypted with it."
            )
            reasons["Action::kms:ReEncrypt*"] = (
                "Re-encryption under the bucket's own KMS key only (S3 copies and uploads)."
            )
        return reasons
