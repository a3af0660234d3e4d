"""Alarms on what must never go unnoticed: dead letters, function errors and throttles, API 5xx."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.stage import StageConfig, pascal

PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    """An encrypted SNS topic and the alarms that notify it."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        dead_letter_queues: Mapping[str, sqs.IQueue],
        functions: Mapping[str, lambda_.IFunction],
        rest_api: apigateway.RestApi,
        alarm_email: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage = stage
        key = kms.Key(
            self,
            "AlarmTopicKey",
            description=f"Haven {stage.name}: alarm notifications",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.DESTROY,
        )
        # CloudWatch publishes to the encrypted topic, so it must be able to use the key.
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            topic_name=stage.physical_name("alarms"),
            display_name=f"Haven {stage.name} alarms",
            master_key=key,
            enforce_ssl=True,
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        self._action = cloudwatch_actions.SnsAction(self.topic)

        self.alarms: list[cloudwatch.Alarm] = []
        for name, queue in sorted(dead_letter_queues.items()):
            self._alarm(
                f"{name}-dead-letters",
                f"{name}: a message reached the dead-letter queue",
                queue.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(1), statistic=cloudwatch.Stats.MAXIMUM
                ),
            )
        for name, function in sorted(functions.items()):
            self._alarm(
                f"{name}-errors",
                f"{name}: the function raised errors",
                function.metric_errors(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            )
            self._alarm(
                f"{name}-throttles",
                f"{name}: invocations were throttled",
                function.metric_throttles(period=PERIOD, statistic=cloudwatch.Stats.SUM),
            )
        self._alarm(
            "api-server-errors",
            "API: a 5xx answer (every 5xx is a bug)",
            rest_api.metric_server_error(period=PERIOD, statistic=cloudwatch.Stats.SUM),
        )

    def _alarm(self, slug: str, description: str, metric: cloudwatch.Metric) -> None:
        alarm = cloudwatch.Alarm(
            self,
            pascal(slug),
            alarm_name=self._stage.physical_name(slug),
            alarm_description=description,
            metric=metric,
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(self._action)
        self.alarms.append(alarm)
