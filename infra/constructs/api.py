"""The REST API: API Gateway resources and methods built from the Chalice app's route table.

Every Chalice route becomes a resource path with its methods, each a Lambda proxy integration
to the api function. Each route resource also gets an ANY method, so that a method the route
does not support still reaches Chalice, which answers 405 with ``Allow``; a path with no route
gets API Gateway's answer, rewritten below as a problem+json 404.

The function verifies bearer JWTs itself (Cognito's JWKS, the same verifier as local mode) and
validates bodies (sizes, unknown fields), so methods have no API Gateway authorizer or model.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import Aws, Fn
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from haven.errors import Problem
from infra.nag import acknowledge
from infra.routes import RouteTable
from infra.stage import StageConfig

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = Problem.TYPE_BASE

#: Access log lines: enough to follow a request and its latency, and no personal data
#: (no source IP, user agent, query string or caller identity).
ACCESS_LOG_FIELDS = {
    "requestId": apigateway.AccessLogField.context_request_id(),
    "requestTime": apigateway.AccessLogField.context_request_time(),
    "httpMethod": apigateway.AccessLogField.context_http_method(),
    "resourcePath": apigateway.AccessLogField.context_resource_path(),
    "status": apigateway.AccessLogField.context_status(),
    "responseLength": apigateway.AccessLogField.context_response_length(),
    "responseLatency": apigateway.AccessLogField.context_response_latency(),
    "integrationLatency": apigateway.AccessLogField.context_integration_latency(),
    "errorType": apigateway.AccessLogField.context_error_response_type(),
    "xrayTraceId": apigateway.AccessLogField.context_xray_trace_id(),
}


@dataclass(frozen=True)
class GatewayProblem:
    """A gateway response (API Gateway answering without reaching the function) as a problem."""

    response_type: apigateway.ResponseType
    construct_id: str
    #: The status to send; None keeps the one API Gateway chose (the DEFAULT_* families).
    status: int | None
    slug: str
    title: str
    #: None uses API Gateway's own message.
    detail: str | None


GATEWAY_PROBLEMS = (
    GatewayProblem(
        apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN,
        "NoSuchRoute",
        404,
        "not-found",
        "Not found",
        "no such route",
    ),
    GatewayProblem(
        apigateway.ResponseType.THROTTLED,
        "Throttled",
        429,
        "rate-limited",
        "Too many requests",
        "request rate limit exceeded",
    ),
    GatewayProblem(
        apigateway.ResponseType.REQUEST_TOO_LARGE,
        "RequestTooLarge",
        413,
        "payload-too-large",
        "Payload too large",
        None,
    ),
    GatewayProblem(
        apigateway.ResponseType.INTEGRATION_TIMEOUT,
        "IntegrationTimeout",
        504,
        "timeout",
        "Gateway timeout",
        "the request took too long",
    ),
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_4_XX,
        "Default4xx",
        None,
        "bad-request",
        "Request rejected",
        None,
    ),
    GatewayProblem(
        apigateway.ResponseType.DEFAULT_5_XX,
        "Default5xx",
        None,
        "internal",
        "Internal error",
        "an internal error occurred",
    ),
)


def problem_template(problem: GatewayProblem) -> str:
    """The response body template: RFC 9457 JSON."""
    fields = [
        f'"type":{json.dumps(PROBLEM_TYPE_BASE + problem.slug)}',
        f'"title":{json.dumps(problem.title)}',
    ]
    if problem.status is not None:
        fields.append(f'"status":{problem.status}')
    # $context.error.messageString is API Gateway's message, already quoted and JSON-escaped.
    detail = json.dumps(problem.detail) if problem.detail else "$context.error.messageString"
    fields.append(f'"detail":{detail}')
    return "{" + ",".join(fields) + "}"


class Api(Construct):
    """A REST API whose resources and methods are exactly the route table's."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        stage: StageConfig,
        handler: lambda_.IFunction,
        routes: RouteTable,
        strictly_throttled: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        super().__init__(scope, construct_id)
        self._stage_name = stage.name
        if not routes:
            raise ValueError("the route table is empty: the API would have no method")
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=stage.log_retention,
            removal_policy=stage.log_removal_policy,
        )
        self.rest_api = apigateway.RestApi(
            self,
            "RestApi",
            rest_api_name=stage.prefix,
            description="Haven public, operations, workflow and partner API",
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            cloud_watch_role=True,
            deploy_options=apigateway.StageOptions(
                stage_name=stage.name,
                throttling_rate_limit=stage.throttle_rate,
                throttling_burst_limit=stage.throttle_burst,
                method_options={
                    f"{path}/{method}": apigateway.MethodDeploymentOptions(
                        throttling_rate_limit=stage.public_write_rate,
                        throttling_burst_limit=stage.public_write_burst,
                    )
                    for path, method in sorted(strictly_throttled)
                },
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,
                access_log_destination=apigateway.LogGroupLogDestination(self.access_logs),
                access_log_format=apigateway.AccessLogFormat.custom(
                    json.dumps(ACCESS_LOG_FIELDS, default=str)
                ),
            ),
        )
        # One invoke permission for the whole API instead of one per method (a Lambda
        # resource policy is limited to 20 KB, and the routes are many).
        integration = apigateway.LambdaIntegration(handler, proxy=True, scope_permission_to_method=False)
        for path in sorted(routes):
            resource = self.rest_api.root.resource_for_path(path)
            for method in sorted({*routes[path], "ANY"}):
                resource.add_method(method, integration)
        for problem in GATEWAY_PROBLEMS:
            self.rest_api.add_gateway_response(
                problem.construct_id,
                type=problem.response_type,
                status_code=str(problem.status) if problem.status is not None else None,
                response_headers={
                    "Content-Type": f"'{PROBLEM_JSON}'",
                    "X-Content-Type-Options": "'nosniff'",
                    "Cache-Control": "'no-store'",
                },
                templates={"application/json": problem_template(problem)},
            )
        self._suppress_findings()

    @property
    def url(self) -> str:
        return self.rest_api.url

    @property
    def public_url(self) -> str:
        """The stage's URL without a trailing slash (what links are built on). Built from the
        RestApi's id and the stage's name, not the stage resource: the api function carries it,
        and the stage depends on the function."""
        return Fn.join(
            "",
            [
                "https://",
                self.rest_api.rest_api_id,
                ".execute-api.",
                Aws.REGION,
                ".",
                Aws.URL_SUFFIX,
                "/",
                self._stage_name,
            ],
        )

    def _suppress_findings(self) -> None:
        own_auth = (
            "Authorization is done by the api function: it verifies Cognito JWTs itself "
            "(issuer, audience, expiry, groups) with the same verifier as local mode, and many "
            "routes are public by design (citizens and workers have no account)."
        )
        acknowledge(self.rest_api, "AwsSolutions-APIG4", own_auth)
        acknowledge(self.rest_api, "AwsSolutions-COG4", own_auth)
        acknowledge(
            self.rest_api,
            "AwsSolutions-APIG2",
            "The api function validates every request (size bound, strict schemas rejecting "
            "unknown fields) and answers problem+json with field errors.",
        )
        acknowledge(
            self.rest_api,
            "AwsSolutions-IAM4",
            "API Gateway's account-level CloudWatch role needs AWS's policy made for exactly "
            "that role (AmazonAPIGatewayPushToCloudWatchLogs).",
            findings=[
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AmazonAPIGatewayPushToCloudWatchLogs"
            ],
        )
