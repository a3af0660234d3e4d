"""API Gateway has exactly the Chalice app's routes, proxied to the api function."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Match, Template
from chalice import Chalice

from infra.constructs.api import Api
from infra.routes import route_table
from infra.stage import StageConfig
from tests.infra.cfn_template import (
    api_methods,
    haven_functions,
    resources_of_type,
    route_problems,
    single_ref,
)
from tests.infra.synthesis import Synthesized


def _small_chalice_app() -> Chalice:
    app = Chalice(app_name="route-table-sample")

    @app.route("/", methods=["GET"])
    def index() -> dict[str, str]:
        return {}

    @app.route("/v1/reports", methods=["POST"])
    def submit() -> dict[str, str]:
        return {}

    @app.route("/v1/reports/{report_id}", methods=["GET"])
    def status(report_id: str) -> dict[str, str]:
        return {}

    @app.route("/v1/ops/incidents/{incident_id}", methods=["GET", "PATCH"])
    def incident(incident_id: str) -> dict[str, str]:
        return {}

    @app.route("/v1/partner/referrals/{referral_id}/ack", methods=["POST"])
    def ack(referral_id: str) -> dict[str, str]:
        return {}

    return app


@pytest.fixture(scope="module")
def small_api() -> tuple[dict[str, Any], dict[str, frozenset[str]]]:
    routes = route_table(_small_chalice_app().routes)
    app = cdk.App()
    stack = cdk.Stack(app, "RouteTable")
    handler = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="app.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
    )
    Api(stack, "Api", stage=StageConfig.for_stage("test"), handler=handler, routes=routes)
    return Template.from_stack(stack).to_json(), routes


def test_small_app_routes_become_methods_on_their_full_paths(small_api: Any) -> None:
    template_json, routes = small_api
    assert route_problems(template_json, routes) == []
    assert ("/v1/ops/incidents/{incident_id}", "PATCH") in api_methods(template_json)
    assert ("/v1/partner/referrals/{referral_id}/ack", "ANY") in api_methods(template_json)
    assert ("/", "GET") in api_methods(template_json)


def test_a_missing_route_is_detected(small_api: Any) -> None:
    template_json, routes = small_api
    broken = copy.deepcopy(template_json)
    methods = resources_of_type(broken, "AWS::ApiGateway::Method")
    patch = next(k for k, m in methods.items() if m["Properties"]["HttpMethod"] == "PATCH")
    del broken["Resources"][patch]
    assert route_problems(broken, routes) == ["missing PATCH /v1/ops/incidents/{incident_id}"]
    unrouted = {**routes, "/v1/alerts": frozenset({"GET"})}
    assert route_problems(template_json, unrouted) == ["missing ANY /v1/alerts", "missing GET /v1/alerts"]


def test_intermediate_resources_have_no_methods(small_api: Any) -> None:
    template_json, routes = small_api
    paths = {path for path, _ in api_methods(template_json)}
    assert paths == set(routes)


def test_real_app_routes_are_all_deployed(synthesized: Synthesized) -> None:
    assert synthesized.routes, "the Chalice app has no route"
    assert route_problems(synthesized.template_json, synthesized.routes) == []


def test_every_method_proxies_to_the_api_function(template_json: dict[str, Any]) -> None:
    functions = {
        function["Properties"]["FunctionName"]: logical_id
        for logical_id, function in haven_functions(template_json).items()
    }
    api_function = functions["haven-dev-api"]
    methods = resources_of_type(template_json, "AWS::ApiGateway::Method")
    for logical_id, method in methods.items():
        properties = method["Properties"]
        assert properties["Integration"]["Type"] == "AWS_PROXY", logical_id
        assert api_function in json.dumps(properties["Integration"]["Uri"]), logical_id
        assert properties["AuthorizationType"] == "NONE", logical_id
    permissions = {
        logical_id: permission
        for logical_id, permission in resources_of_type(template_json, "AWS::Lambda::Permission").items()
        if permission["Properties"]["Principal"] == "apigateway.amazonaws.com"  # not the schedules'
    }
    assert len(permissions) == 1, "one invoke permission for the whole API"
    assert single_ref(next(iter(permissions.values()))["Properties"]["FunctionName"]) == (api_function)


def test_unknown_route_is_a_problem_json_404(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::GatewayResponse",
        {
            "ResponseType": "MISSING_AUTHENTICATION_TOKEN",
            "StatusCode": "404",
            "ResponseParameters": Match.object_like(
                {"gatewayresponse.header.Content-Type": "'application/problem+json'"}
            ),
        },
    )
    responses = template.find_resources(
        "AWS::ApiGateway::GatewayResponse",
        {"Properties": {"ResponseType": "MISSING_AUTHENTICATION_TOKEN"}},
    )
    (response,) = responses.values()
    (body,) = response["Properties"]["ResponseTemplates"].values()
    assert json.loads(body) == {
        "type": "https://haven.example.org/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no such route",
    }


@pytest.mark.parametrize(
    ("response_type", "status"),
    [("THROTTLED", "429"), ("DEFAULT_4XX", None), ("DEFAULT_5XX", None)],
)
def test_gateway_errors_are_problem_json(template: Template, response_type: str, status: str | None) -> None:
    responses = template.find_resources(
        "AWS::ApiGateway::GatewayResponse", {"Properties": {"ResponseType": response_type}}
    )
    (response,) = responses.values()
    properties = response["Properties"]
    assert properties.get("StatusCode") == status
    content_type = properties["ResponseParameters"]["gatewayresponse.header.Content-Type"]
    assert content_type == "'application/problem+json'"
    (body,) = properties["ResponseTemplates"].values()
    assert '"type":"https://haven.example.org/problems/' in body


def test_stage_is_throttled_traced_and_access_logged(template: Template) -> None:
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "TracingEnabled": True,
            "AccessLogSetting": {"DestinationArn": Match.any_value(), "Format": Match.any_value()},
            "MethodSettings": Match.array_with(
                [
                    Match.object_like(
                        {
                            "ThrottlingRateLimit": Match.any_value(),
                            "ThrottlingBurstLimit": Match.any_value(),
                        }
                    )
                ]
            ),
        },
    )
    stage = next(iter(template.find_resources("AWS::ApiGateway::Stage").values()))
    access_log = json.loads(stage["Properties"]["AccessLogSetting"]["Format"])
    assert "requestId" in access_log
    assert not {"ip", "caller", "user", "userAgent"} & set(access_log), "personal data in logs"


def test_user_pool_groups_and_attributes(template: Template) -> None:
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
            "MfaConfiguration": Match.any_value(),
            "Schema": Match.array_with(
                [
                    Match.object_like({"Name": "org_id"}),
                    Match.object_like({"Name": "partner_id"}),
                ]
            ),
        },
    )
    groups = template.find_resources("AWS::Cognito::UserPoolGroup")
    names = {group["Properties"]["GroupName"] for group in groups.values()}
    assert names == {"responder", "auditor", "admin", "recruiter", "partner"}
    template.resource_count_is("AWS::Cognito::UserPoolClient", 2)  # the app's and the console's


def test_public_writes_and_secret_lookups_are_throttled_harder(template_json: dict[str, Any]) -> None:
    """Anyone may send these: they get a stricter rate than the stage's default."""
    from infra.routes import WRITE_METHODS

    contract = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
    expected = {
        (path, method.upper())
        for path, operations in contract["paths"].items()
        for method, operation in operations.items()
        if not operation.get("security")
        and (method.upper() in WRITE_METHODS or operation.get("x-secret-lookup"))
    }
    assert ("/v1/reports", "POST") in expected
    assert ("/v1/complaints/track/{code}", "GET") in expected
    assert ("/v1/reports/{report_id}", "GET") in expected
    [stage] = resources_of_type(template_json, "AWS::ApiGateway::Stage").values()
    settings = {
        (s["ResourcePath"][1:].replace("~1", "/"), s["HttpMethod"]): s
        for s in stage["Properties"]["MethodSettings"]
        if s["ResourcePath"] != "/*"
    }
    default = next(s for s in stage["Properties"]["MethodSettings"] if s["ResourcePath"] == "/*")
    assert set(settings) == expected
    for setting in settings.values():
        assert setting["ThrottlingRateLimit"] < default["ThrottlingRateLimit"]
        assert setting["ThrottlingBurstLimit"] < default["ThrottlingBurstLimit"]


def test_a_web_acl_limits_each_address_and_drops_known_bad_inputs(template: Template) -> None:
    """Throttling bounds the stage; the web ACL bounds one address, with a problem+json 429,
    and keeps no request samples (addresses and requests of citizens and workers)."""
    [acl] = template.find_resources("AWS::WAFv2::WebACL").values()
    properties = acl["Properties"]
    assert properties["Scope"] == "REGIONAL"
    assert properties["DefaultAction"] == {"Allow": {}}
    rules = {rule["Name"]: rule for rule in properties["Rules"]}
    rate = rules["requests-per-address"]
    assert rate["Statement"]["RateBasedStatement"]["AggregateKeyType"] == "IP"
    assert 100 <= rate["Statement"]["RateBasedStatement"]["Limit"] <= 10_000
    response = rate["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = properties["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert json.loads(body["Content"])["status"] == 429
    managed = {
        r["Statement"]["ManagedRuleGroupStatement"]["Name"] for r in rules.values() if "OverrideAction" in r
    }
    assert managed == {"AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList"}
    visibility = [properties["VisibilityConfig"], *(r["VisibilityConfig"] for r in rules.values())]
    assert all(v["SampledRequestsEnabled"] is False for v in visibility)
    template.resource_count_is("AWS::WAFv2::LoggingConfiguration", 0)
    template.has_resource_properties(
        "AWS::WAFv2::WebACLAssociation",
        {"WebACLArn": {"Fn::GetAtt": [Match.string_like_regexp("FirewallWebAcl"), "Arn"]}},
    )


def test_the_web_acl_is_associated_with_the_api_stage(template_json: dict[str, Any]) -> None:
    [association] = resources_of_type(template_json, "AWS::WAFv2::WebACLAssociation").values()
    arn = json.dumps(association["Properties"]["ResourceArn"])
    [stage_id] = resources_of_type(template_json, "AWS::ApiGateway::Stage")
    [api_id] = resources_of_type(template_json, "AWS::ApiGateway::RestApi")
    assert api_id in arn
    assert stage_id in arn or "/stages/" in arn


# --- methods API Gateway cannot route (TRACE, QUERY, ...): the web ACL answers them ----------


def _unrouted_rules(template: Template) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    [acl] = template.find_resources("AWS::WAFv2::WebACL").values()
    rules = [r for r in acl["Properties"]["Rules"] if r["Name"].startswith("unrouted-method")]
    return sorted(rules, key=lambda r: r["Priority"]), acl["Properties"]["CustomResponseBodies"]


def _regexes(statement: dict[str, Any]) -> list[str]:
    if "RegexMatchStatement" in statement:
        return [statement["RegexMatchStatement"]["RegexString"]]
    return [r for s in statement["OrStatement"]["Statements"] for r in _regexes(s)]


def _matches(regex: str, text: str) -> bool:
    import re

    return re.search(regex, text) is not None


def test_methods_api_gateway_cannot_route_are_405_problems_with_allow(
    template: Template, synthesized: Synthesized
) -> None:
    """Every route of the real app: TRACE or QUERY on its path (with or without the stage in
    front) meets exactly one rule, whose answer is the 405 problem with the route's Allow."""
    import re

    rules, bodies = _unrouted_rules(template)
    *per_methods, unknown = rules
    assert unknown["Name"] == "unrouted-method-unknown-route"
    routed = "^(DELETE|GET|HEAD|OPTIONS|PATCH|POST|PUT)$"
    for rule in rules:
        statement = rule["Statement"]
        method_check = (
            statement["AndStatement"]["Statements"][0] if "AndStatement" in statement else statement
        )
        negated = method_check["NotStatement"]["Statement"]["RegexMatchStatement"]
        assert negated["FieldToMatch"] == {"Method": {}}
        assert negated["RegexString"] == routed
    for method in ("TRACE", "QUERY", "PROPFIND", "get"):
        assert not _matches(routed, method)
    for method in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"):
        assert _matches(routed, method)

    for path, methods in synthesized.routes.items():
        concrete = re.sub(r"{\w+\+?}", "x1", path)
        for url_path in (concrete, f"/dev{concrete}"):
            hits = [
                r
                for r in per_methods
                if any(
                    _matches(x, url_path) for x in _regexes(r["Statement"]["AndStatement"]["Statements"][1])
                )
            ]
            assert len(hits) == 1, (url_path, [h["Name"] for h in hits])
            response = hits[0]["Action"]["Block"]["CustomResponse"]
            assert response["ResponseCode"] == 405
            headers = {h["Name"]: h["Value"] for h in response["ResponseHeaders"]}
            assert headers["Allow"] == ", ".join(sorted(methods))
            body = bodies[response["CustomResponseBodyKey"]]
            assert body["ContentType"] == "APPLICATION_JSON"
            problem = json.loads(body["Content"])
            assert problem["status"] == 405
            assert problem["type"].endswith("/method-not-allowed")
            assert problem["allow"] == headers["Allow"]
    for nowhere in ("/v1/nowhere", "/dev/v1/reports/x1/more", "/other-stage/v1/reports"):
        assert not any(
            _matches(x, nowhere)
            for r in per_methods
            for x in _regexes(r["Statement"]["AndStatement"]["Statements"][1])
        ), nowhere
    response = unknown["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 404
    assert json.loads(bodies[response["CustomResponseBodyKey"]]["Content"])["type"].endswith("/not-found")
    # WAF's quotas: 200 characters a regular expression; the response's type is WAF's to set.
    for rule in per_methods:
        assert all(len(x) <= 200 for x in _regexes(rule["Statement"]["AndStatement"]["Statements"][1]))
        names = {h["Name"].lower() for h in rule["Action"]["Block"]["CustomResponse"]["ResponseHeaders"]}
        assert "content-type" not in names
