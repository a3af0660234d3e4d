"""Asynchronous work: SQS queues with their DLQs, the custom event bus, rules and schedules."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Aws, Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from haven import resources
from infra.nag import acknowledge
from infra.stage import StageConfig, pascal

#: How long a poison message waits in a DLQ for someone to look at it (the SQS maximum).
DLQ_RETENTION = Duration.days(14)
#: Lambda's limit on the age of an asynchronous event (6 h).
MAX_EVENT_AGE_S = 6 * 3600
#: How long the bus archive keeps events for replay.
ARCHIVE_RETENTION = Duration.days(365)
#: Every event Haven publishes has a source ``haven.<domain>`` (see DESIGN.md, Events).
EVENT_SOURCE_PREFIX = "haven."


class Messaging(Construct):
    """Catalog queues (each with its own DLQ), the ``haven-<stage>`` bus and its rules, and the
    storage rules on the default bus (where S3 sends the events of ``buckets``)."""

    def __init__(
        self, scope: Construct, construct_id: str, *, stage: StageConfig, buckets: Mapping[str, s3.IBucket]
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        self.dead_letter_queues: dict[str, sqs.Queue] = {}
        self.queues: dict[str, sqs.Queue] = {}
        for spec in resources.QUEUES:
            self.dead_letter_queues[spec.name] = self._dead_letter_queue(
                spec.name, resources.dead_letter_queue_name(stage.prefix, spec.name)
            )
            self.queues[spec.name] = self._queue(spec)

        self.bus = events.EventBus(self, "Bus", event_bus_name=stage.prefix)
        self.bus.archive(
            "Archive",
            archive_name=f"{stage.prefix}-events",
            description=f"Every Haven event on {stage.prefix}, for replay",
            event_pattern=events.EventPattern(source=events.Match.prefix(EVENT_SOURCE_PREFIX)),
            retention=ARCHIVE_RETENTION,
        )
        for rule in resources.RULES:
            self._rule(rule)
        for storage_rule in resources.STORAGE_RULES:
            self._storage_rule(storage_rule, buckets)
        self.topics: dict[str, sns.Topic] = {}
        if resources.TOPICS:
            self.topics_key = kms.Key(
                self,
                "TopicsKey",
                alias=f"{stage.prefix}-inbound-topics",
                description="Encrypts the topics AWS messaging services publish inbound messages to",
                enable_key_rotation=True,
            )
            for topic in resources.TOPICS:
                self.topics[topic.name] = self._topic(topic)

    def _topic(self, spec: resources.Topic) -> sns.Topic:
        """A topic only its AWS service (in this account) may publish to, encrypted, delivered
        to its queue; the service gets the key it must encrypt with."""
        topic = sns.Topic(
            self,
            f"{pascal(spec.name)}Topic",
            topic_name=self._stage.physical_name(spec.name),
            display_name=spec.description[:100],
            master_key=self.topics_key,
            enforce_ssl=True,
        )
        service = iam.ServicePrincipal(spec.publisher)
        same_account = {"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[service],
                resources=[topic.topic_arn],
                conditions=same_account,
            )
        )
        self.topics_key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                principals=[service],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=same_account,
            )
        )
        topic.add_subscription(
            subscriptions.SqsSubscription(
                self.queues[spec.target_queue],
                raw_message_delivery=False,
                dead_letter_queue=self.dead_letter_queues[spec.target_queue],
            )
        )
        return topic

    def _dead_letter_queue(self, owner: str, physical_name: str) -> sqs.Queue:
        queue = sqs.Queue(
            self,
            f"{pascal(owner)}DeadLetterQueue",
            queue_name=physical_name,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        acknowledge(
            queue,
            "AwsSolutions-SQS3",
            "This queue is itself a dead-letter queue; an alarm fires on its first message.",
        )
        return queue

    def _queue(self, spec: resources.Queue) -> sqs.Queue:
        return sqs.Queue(
            self,
            f"{pascal(spec.name)}Queue",
            queue_name=self._stage.physical_name(spec.name),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(spec.visibility_timeout_s),
            retention_period=Duration.days(spec.retention_days),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.dead_letter_queues[spec.name],
                max_receive_count=spec.max_receive_count,
            ),
        )

    def _rule(self, spec: resources.Rule) -> events.Rule:
        return events.Rule(
            self,
            f"{pascal(spec.name)}Rule",
            rule_name=self._stage.physical_name(spec.name),
            event_bus=self.bus,
            event_pattern=events.EventPattern(
                source=events.Match.prefix(EVENT_SOURCE_PREFIX),
                detail_type=list(spec.detail_types),
            ),
            targets=[self._queue_target(spec.target_queue)],
        )

    def _storage_rule(self, spec: resources.StorageRule, buckets: Mapping[str, s3.IBucket]) -> events.Rule:
        """On the default bus: S3 sends its events nowhere else."""
        return events.Rule(
            self,
            f"{pascal(spec.name)}StorageRule",
            rule_name=self._stage.physical_name(spec.name),
            description=f"Objects created in {', '.join(spec.buckets)} -> {spec.target_queue}",
            event_pattern=events.EventPattern(
                source=[spec.SOURCE],
                detail_type=[spec.DETAIL_TYPE],
                detail={"bucket": {"name": [buckets[name].bucket_name for name in spec.buckets]}},
            ),
            targets=[self._queue_target(spec.target_queue)],
        )

    def _queue_target(self, queue: str) -> targets.SqsQueue:
        return targets.SqsQueue(
            self.queues[queue],
            # An event EventBridge cannot deliver lands where the queue's poison messages do,
            # and raises the same alarm.
            dead_letter_queue=self.dead_letter_queues[queue],
            retry_attempts=8,
            max_event_age=Duration.hours(24),
        )

    def add_schedules(self, functions: Mapping[str, lambda_.IFunction]) -> None:
        """EventBridge schedules (on the default bus, as schedules must be) invoking functions."""
        if not resources.SCHEDULES:
            return
        failed_invocations = self._dead_letter_queue(
            "schedules", resources.dead_letter_queue_name(self._stage.prefix, "schedules")
        )
        self.dead_letter_queues["schedules"] = failed_invocations
        for name in sorted({spec.function for spec in resources.SCHEDULES}):
            # A run that fails after Lambda's own retries is kept there too, with its error (once
            # per function: a function may have several schedules). An event older than the
            # function's most frequent schedule is dropped: the next run has come.
            every = min(spec.every_minutes for spec in resources.SCHEDULES if spec.function == name)
            functions[name].configure_async_invoke(
                on_failure=destinations.SqsDestination(failed_invocations),
                retry_attempts=2,
                max_event_age=Duration.seconds(min(max(every, 1) * 60, MAX_EVENT_AGE_S)),
            )
        for spec in resources.SCHEDULES:
            events.Rule(
                self,
                f"{pascal(spec.name)}Schedule",
                rule_name=self._stage.physical_name(spec.name),
                description=f"Invokes {spec.function} every {spec.every_minutes} min",
                schedule=events.Schedule.rate(Duration.minutes(spec.every_minutes)),
                targets=[
                    targets.LambdaFunction(
                        functions[spec.function],
                        dead_letter_queue=failed_invocations,
                        retry_attempts=2,
                        max_event_age=Duration.minutes(max(spec.every_minutes, 1)),
                    )
                ],
            )
