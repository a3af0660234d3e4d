"""A WAFv2 web ACL in front of the REST API: per-address rate limits and known-bad inputs.

The stage's throttling bounds the total; it cannot tell one address from another, so a single
client could use up the public routes' budget for everyone. The web ACL blocks an address that
sends more than the stage allows per five minutes (generously: in a disaster many people share
one carrier-NAT address), with a problem+json 429, and drops requests matching AWS's known-bad
inputs (exploits such as Log4Shell) and its IP reputation list. Broad managed rule sets that
inspect free text (SQL injection, XSS) are left out on purpose: reports and complaints are
free text, and a false positive would refuse a person in need; the API validates every field.

No WAF logging and no sampled requests: both would keep addresses and request details of
citizens and workers; the rules' CloudWatch metrics are enough to see them act.
"""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

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


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=False
    )


class Firewall(Construct):
    def __init__(
        self, scope: Construct, id: str, *, stage: StageConfig, rest_api: apigateway.RestApi
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
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=f"{stage.prefix}-api",
            scope="REGIONAL",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=[per_address, *managed],
            custom_response_bodies={
                RATE_LIMITED_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=TOO_MANY
                )
            },
            visibility_config=_visibility(f"{stage.prefix}-api"),
        )
        wafv2.CfnWebACLAssociation(
            self,
            "StageAssociation",
            resource_arn=rest_api.deployment_stage.stage_arn,
            web_acl_arn=self.web_acl.attr_arn,
        )
