"""A WAFv2 web ACL in front of the REST API: per-address rate limits and known-bad inputs.

The stage's throttling bounds the total; it cannot tell one address from another, so a single
client could use up the public routes' budget for everyone. The web ACL blocks an address that
sends more than the stage allows per five minutes (generously: in a disaster many people share
one carrier-NAT address), with a problem+json 429, and drops requests matching AWS's known-bad
inputs (exploits such as Log4Shell) and its IP reputation list. Broad managed rule sets that
inspect free text (SQL injection, XSS) are left out on purpose: reports and complaints are
free text, and a false positive would refuse a person in need; the API validates every field.

API Gateway routes only DELETE, GET, HEAD, OPTIONS, PATCH, POST and PUT (its ANY method is
those seven): a request with any other method (TRACE, QUERY, WebDAV's, a made-up token) never
reaches the api function, which answers a method a route lacks with 405 and ``Allow``. So the
web ACL answers those itself, as the function would: for a route's path, the 405 problem with
that route's ``Allow``; for any other path, the 404 problem of an unknown route. (WAF sends a
custom body as ``application/json``: it lets no rule set another ``Content-Type``.)

No WAF logging and no sampled requests: both would keep addresses and request details of
citizens and workers; the rules' CloudWatch metrics are enough to see them act.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Set

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from infra.routes import RouteTable
from infra.stage import StageConfig

PROBLEM_JSON = "application/problem+json"
RATE_LIMITED_BODY = "rate-limited"
TOO_MANY = json.dumps(
    {
        "type": "https://haven.example.org/problems/rate-limited",
        "title": "Too many requests",
        "status": 429,
        "detail": "too many requests from this address; try again in a few minutes",
    }
)
#: AWS managed rule groups that inspect no free text (name, its metric).
MANAGED_RULE_GROUPS = ("AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesAmazonIpReputationList")


#: The methods API Gateway routes (an ANY method is these); every other reaches no function.
ROUTED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
#: WAF's fixed quota on the characters of one regular expression.
MAX_REGEX_CHARS = 200
PROBLEM_TYPE_BASE = "https://haven.example.org/problems/"
UNKNOWN_ROUTE_BODY = "no-such-route"
NO_SUCH_ROUTE = json.dumps(
    {
        "type": PROBLEM_TYPE_BASE + "not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no such route",
    }
)


def path_regex(resource_path: str) -> str:
    """A route's path as a regular expression (WAF's PCRE subset), without anchors."""
    parts = []
    for segment in resource_path.strip("/").split("/"):
        if segment.startswith("{") and segment.endswith("+}"):
            parts.append(".+")
        elif segment.startswith("{") and segment.endswith("}"):
            parts.append("[^/]+")
        else:
            parts.append(segment.replace(".", "\\."))
    return "/" + "/".join(parts) if parts != [""] else "/"


def route_regexes(stage_name: str, paths: list[str]) -> list[str]:
    """Anchored alternations of the paths, each within WAF's quota; the stage's name may lead
    the path (the execute-api URL) or not (a custom domain mapped to the stage)."""
    head, tail = f"^(/{stage_name})?(", ")$"
    regexes: list[str] = []
    group: list[str] = []
    for alternative in sorted(path_regex(p) for p in paths):
        candidate = head + "|".join([*group, alternative]) + tail
        if group and len(candidate) > MAX_REGEX_CHARS:
            regexes.append(head + "|".join(group) + tail)
            group = []
        group.append(alternative)
    if group:
        regexes.append(head + "|".join(group) + tail)
    too_long = [r for r in regexes if len(r) > MAX_REGEX_CHARS]
    if too_long:
        raise ValueError(f"a route's path is too long for a WAF regular expression: {too_long}")
    return regexes


def method_not_allowed(allow: str) -> str:
    return json.dumps(
        {
            "type": PROBLEM_TYPE_BASE + "method-not-allowed",
            "title": "Method not allowed",
            "status": 405,
            "detail": "this route does not support the method; see Allow",
            "allow": allow,
        }
    )


def _regex(field: wafv2.CfnWebACL.FieldToMatchProperty, regex: str) -> wafv2.CfnWebACL.StatementProperty:
    return wafv2.CfnWebACL.StatementProperty(
        regex_match_statement=wafv2.CfnWebACL.RegexMatchStatementProperty(
            field_to_match=field,
            regex_string=regex,
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
        )
    )


def _any_of(statements: list[wafv2.CfnWebACL.StatementProperty]) -> wafv2.CfnWebACL.StatementProperty:
    if len(statements) == 1:
        return statements[0]
    return wafv2.CfnWebACL.StatementProperty(
        or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=statements)
    )


def _block(status: int, body_key: str, headers: Mapping[str, str]) -> wafv2.CfnWebACL.RuleActionProperty:
    return wafv2.CfnWebACL.RuleActionProperty(
        block=wafv2.CfnWebACL.BlockActionProperty(
            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                response_code=status,
                custom_response_body_key=body_key,
                response_headers=[
                    wafv2.CfnWebACL.CustomHTTPHeaderProperty(name=name, value=value)
                    for name, value in headers.items()
                ],
            )
        )
    )


def unrouted_method_rules(
    stage: StageConfig, routes: RouteTable, first_priority: int
) -> tuple[list[wafv2.CfnWebACL.RuleProperty], dict[str, str]]:
    """Rules answering the methods API Gateway cannot route, and their response bodies."""
    unrouted = wafv2.CfnWebACL.StatementProperty(
        not_statement=wafv2.CfnWebACL.NotStatementProperty(
            statement=_regex(
                wafv2.CfnWebACL.FieldToMatchProperty(method={}), f"^({'|'.join(ROUTED_METHODS)})$"
            )
        )
    )
    path = wafv2.CfnWebACL.FieldToMatchProperty(uri_path={})
    by_methods: dict[Set[str], list[str]] = defaultdict(list)
    for resource_path, methods in routes.items():
        by_methods[frozenset(methods)].append(resource_path)
    # WAF sets the Content-Type from the body's type (application/json) and allows no other.
    common = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
    rules = []
    bodies = {}
    for n, (methods, paths) in enumerate(sorted(by_methods.items(), key=lambda kv: sorted(kv[0]))):
        allow = ", ".join(sorted(methods))
        key = "method-not-allowed-" + "-".join(m.lower() for m in sorted(methods))
        bodies[key] = method_not_allowed(allow)
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name=f"unrouted-method-{'-'.join(m.lower() for m in sorted(methods))}",
                priority=first_priority + n,
                statement=wafv2.CfnWebACL.StatementProperty(
                    and_statement=wafv2.CfnWebACL.AndStatementProperty(
                        statements=[
                            unrouted,
                            _any_of([_regex(path, r) for r in route_regexes(stage.name, paths)]),
                        ]
                    )
                ),
                action=_block(405, key, {**common, "Allow": allow}),
                visibility_config=_visibility(f"{stage.prefix}-unrouted-method-{n}"),
            )
        )
    bodies[UNKNOWN_ROUTE_BODY] = NO_SUCH_ROUTE
    rules.append(
        wafv2.CfnWebACL.RuleProperty(
            name="unrouted-method-unknown-route",
            priority=first_priority + len(rules),
            statement=unrouted,
            action=_block(404, UNKNOWN_ROUTE_BODY, common),
            visibility_config=_visibility(f"{stage.prefix}-unrouted-method-unknown-route"),
        )
    )
    return rules, bodies


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=False
    )


class Firewall(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: StageConfig,
        rest_api: apigateway.RestApi,
        routes: RouteTable,
    ) -> None:
        super().__init__(scope, id)
        per_address = wafv2.CfnWebACL.RuleProperty(
            name="requests-per-address",
            priority=0,
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    aggregate_key_type="IP", limit=stage.requests_per_address_per_5_minutes
                )
            ),
            action=wafv2.CfnWebACL.RuleActionProperty(
                block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                        response_code=429,
                        custom_response_body_key=RATE_LIMITED_BODY,
                        response_headers=[
                            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value="300")
                        ],
                    )
                )
            ),
            visibility_config=_visibility(f"{stage.prefix}-requests-per-address"),
        )
        managed = [
            wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=n + 1,
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group
                    )
                ),
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                visibility_config=_visibility(f"{stage.prefix}-{group}"),
            )
            for n, group in enumerate(MANAGED_RULE_GROUPS)
        ]
        methods, method_bodies = unrouted_method_rules(stage, routes, len(managed) + 1)
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"{stage.prefix}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=[per_address, *managed, *methods],
            custom_response_bodies={
                key: wafv2.CfnWebACL.CustomResponseBodyProperty(content_type="APPLICATION_JSON", content=body)
                for key, body in {RATE_LIMITED_BODY: TOO_MANY, **method_bodies}.items()
            },
            visibility_config=_visibility(f"{stage.prefix}-api"),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "StageAssociation",
            resource_arn=rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
