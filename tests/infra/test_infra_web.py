"""The web apps in AWS: CloudFront over a private bucket and the API, the pages' headers, the
console's Cognito client and domain, its configuration and its map (ADR 30)."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import aws_cdk as cdk
import pytest

from haven import web_policy
from infra.app import build_app, cdk_json_context
from infra.constructs.web import API_PATHS, CONSOLE_FALLBACK
from tests.infra.cfn_template import referenced_ids, resources_of_type
from tests.infra.conftest import STAGE
from tests.infra.synthesis import Synthesized

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
ALL_METHODS = {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}


def text_of(value: Any) -> str:
    """A template value as text, each reference written ``<Ref>`` (so its literal parts can be read)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return str(separator).join(text_of(part) for part in parts)
    return "<" + ",".join(sorted(referenced_ids(value)) or ["?"]) + ">"


def only(template: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = resources_of_type(template, resource_type)
    assert len(found) == 1, f"one {resource_type}, not {sorted(found)}"
    return next(iter(found.items()))


@pytest.fixture(scope="module")
def distribution(template_json: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = only(template_json, "AWS::CloudFront::Distribution")[1]["Properties"][
        "DistributionConfig"
    ]
    return config


def test_the_bucket_is_private_and_read_by_cloudfront_only_through_origin_access_control(
    template_json: dict[str, Any], distribution: dict[str, Any]
) -> None:
    oac_id, oac = only(template_json, "AWS::CloudFront::OriginAccessControl")
    assert oac["Properties"]["OriginAccessControlConfig"]["SigningBehavior"] == "always"
    s3_origins = [o for o in distribution["Origins"] if "S3OriginConfig" in o]
    assert len(s3_origins) == 1
    assert referenced_ids(s3_origins[0]["OriginAccessControlId"]) == {oac_id}
    bucket_id = next(iter(referenced_ids(s3_origins[0]["DomainName"])))
    bucket = template_json["Resources"][bucket_id]["Properties"]
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in resources_of_type(template_json, "AWS::S3::BucketPolicy").values()
        if referenced_ids(p["Properties"]["Bucket"]) == {bucket_id}
    ]
    [statements] = policies
    readers = [s for s in statements if s["Effect"] == "Allow"]
    assert [s["Principal"] for s in readers] == [{"Service": "cloudfront.amazonaws.com"}]
    assert "AWS:SourceArn" in readers[0]["Condition"]["StringEquals"], "this distribution only"


def test_the_api_paths_reach_the_stage_uncached_with_every_method_header_and_query(
    synthesized: Synthesized, distribution: dict[str, Any]
) -> None:
    behaviours = {b["PathPattern"]: b for b in distribution["CacheBehaviors"]}
    assert set(behaviours) == set(API_PATHS) == {"/v1/*", "/health"}
    origins = {o["Id"]: o for o in distribution["Origins"]}
    rest_api_id = synthesized.stack.get_logical_id(synthesized.stack.api.rest_api.node.default_child)  # type: ignore[arg-type]
    for path, behaviour in behaviours.items():
        assert set(behaviour["AllowedMethods"]) == ALL_METHODS, path
        assert behaviour["CachePolicyId"] == CACHING_DISABLED, path
        # Every viewer header but Host (Authorization among them) and every query string.
        assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER, path
        assert behaviour["ViewerProtocolPolicy"] == "https-only", path
        origin = origins[behaviour["TargetOriginId"]]
        assert origin["OriginPath"] == f"/{STAGE}"
        assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
        assert rest_api_id in referenced_ids(origin["DomainName"])
        assert text_of(origin["DomainName"]).startswith(f"<{rest_api_id}>.execute-api.")
    assert distribution["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


def test_every_answer_carries_the_local_pages_headers_and_hsts(
    template_json: dict[str, Any], distribution: dict[str, Any]
) -> None:
    policy_id, policy = only(template_json, "AWS::CloudFront::ResponseHeadersPolicy")
    for behaviour in [distribution["DefaultCacheBehavior"], *distribution["CacheBehaviors"]]:
        assert referenced_ids(behaviour["ResponseHeadersPolicyId"]) == {policy_id}
    config = policy["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    csp = text_of(security["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = {d.split(" ")[0]: d.split(" ")[1:] for d in csp.split("; ")}
    # The same directives as local mode's (haven.web_policy); only origins are added.
    assert list(directives) == list(web_policy.CSP_DIRECTIVES)
    for name, values in web_policy.CSP_DIRECTIVES.items():
        assert directives[name][: len(values)] == list(values), name
    assert directives["script-src"] == ["'self'"], "no inline or foreign script"
    assert directives["frame-ancestors"] == ["'none'"]
    added = directives["connect-src"][1:]
    assert any(".auth." in o and "amazoncognito.com" in o for o in added), "the token endpoint"
    assert any(o.startswith("https://maps.geo.") for o in added), "the map's tiles"
    assert any(o.startswith("https://*.s3.") for o in added), "the photos' presigned POSTs"
    assert directives["manifest-src"] == ["'self'"]
    assert directives["worker-src"][0] == "'self'"
    assert security["StrictTransportSecurity"] == {
        "AccessControlMaxAgeSec": web_policy.HSTS_MAX_AGE_SECONDS,
        "IncludeSubdomains": True,
        "Override": True,
    }
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == web_policy.REFERRER_POLICY
    assert security["ContentTypeOptions"] == {"Override": True}
    custom = {h["Header"]: h["Value"] for h in config["CustomHeadersConfig"]["Items"]}
    assert custom["Permissions-Policy"] == web_policy.PERMISSIONS_POLICY


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the CloudFront function")
@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/console/", "/console/index.html"),
        ("/console/incidents/42", "/console/index.html"),
        ("/console/config.json", "/console/config.json"),
        ("/assets/console-abc123.js", "/assets/console-abc123.js"),
        ("/console", "redirect /console/"),
        ("/", "/index.html"),
        ("/sw.js", "/sw.js"),
        ("/manifest.webmanifest", "/manifest.webmanifest"),
    ],
)
def test_the_console_fallback_sends_deep_links_to_its_page_and_files_as_they_are(
    uri: str, expected: str
) -> None:
    script = (
        CONSOLE_FALLBACK
        + f"var out = handler({{request: {{uri: {json.dumps(uri)}, headers: {{}}}}}});"
        + "console.log(out.statusCode ? 'redirect ' + out.headers.location.value : out.uri);"
    )
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=30)
    assert result.stdout.strip() == expected


def test_the_public_app_is_the_root_of_the_distribution(distribution: dict[str, Any]) -> None:
    assert distribution["DefaultRootObject"] == "index.html"


def test_the_function_runs_on_every_viewer_request_for_files(
    template_json: dict[str, Any], distribution: dict[str, Any]
) -> None:
    function_id, function = only(template_json, "AWS::CloudFront::Function")
    assert function["Properties"]["FunctionCode"] == CONSOLE_FALLBACK
    [association] = distribution["DefaultCacheBehavior"]["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    assert referenced_ids(association["FunctionARN"]) == {function_id}


def test_the_console_signs_in_with_the_code_flow_and_pkce_back_to_the_distribution(
    synthesized: Synthesized, template_json: dict[str, Any]
) -> None:
    identity = synthesized.stack.identity
    client_id = synthesized.stack.get_logical_id(identity.console_client.node.default_child)  # type: ignore[arg-type]
    client = template_json["Resources"][client_id]["Properties"]
    assert client["AllowedOAuthFlows"] == ["code"], "no implicit flow"
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client.get("GenerateSecret", False) is False, "a browser keeps no secret"
    assert client["SupportedIdentityProviders"] == ["COGNITO"]
    [callback] = client["CallbackURLs"]
    distribution_id = only(template_json, "AWS::CloudFront::Distribution")[0]
    assert text_of(callback) == f"https://<{distribution_id}>/console/"
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    _, domain = only(template_json, "AWS::Cognito::UserPoolDomain")
    assert text_of(domain["Properties"]["Domain"]).startswith(f"haven-{STAGE}-")
    # The API accepts this client's tokens beside the app client's.
    api = template_json["Resources"]
    functions = [
        r for r in api.values() if r["Type"] == "AWS::Lambda::Function" and "Environment" in r["Properties"]
    ]
    audiences = [
        f["Properties"]["Environment"]["Variables"].get("HAVEN_AUTH_CONSOLE_AUDIENCE") for f in functions
    ]
    assert audiences
    assert all(a == {"Ref": client_id} for a in audiences if a is not None)
    assert {"Ref": client_id} in audiences


def test_the_config_beside_the_apps_names_the_hosted_ui_the_client_and_the_map(
    synthesized: Synthesized,
) -> None:
    stack = synthesized.stack
    config = stack.resolve(stack.web.config)
    assert config["signIn"] == "hosted"
    assert "Ref" in json.dumps(config["clientId"])
    assert "amazoncognito.com" in json.dumps(config["authDomain"])
    assert "/style-descriptor?key=" in json.dumps(config["tileStyleUrl"])


def test_the_map_key_serves_tiles_of_the_one_map_to_the_distribution_only(
    template_json: dict[str, Any],
) -> None:
    map_id, _ = only(template_json, "AWS::Location::Map")
    _, key = only(template_json, "AWS::Location::APIKey")
    restrictions = key["Properties"]["Restrictions"]
    assert restrictions["AllowActions"] == ["geo:GetMap*"]
    assert [referenced_ids(r) for r in restrictions["AllowResources"]] == [{map_id}]
    distribution_id = only(template_json, "AWS::CloudFront::Distribution")[0]
    [referer] = restrictions["AllowReferers"]
    assert text_of(referer) == f"https://<{distribution_id}>/*"


def _synth_with(synthesized: Synthesized, **context: str) -> dict[str, Any]:
    app = cdk.App(context={**cdk_json_context(), "stage": STAGE, **context})
    stack = build_app(app, layer_dirs=synthesized.layer_dirs, routes=synthesized.routes, nag_checks=False)
    template: dict[str, Any] = app.synth().get_stack_artifact(stack.artifact_id).template
    return template


def test_a_tile_style_url_replaces_the_location_map(synthesized: Synthesized) -> None:
    style = "https://tiles.example.org/styles/streets.json"
    template = _synth_with(synthesized, tile_style_url=style)
    assert resources_of_type(template, "AWS::Location::Map") == {}
    assert resources_of_type(template, "AWS::Location::APIKey") == {}
    _, policy = only(template, "AWS::CloudFront::ResponseHeadersPolicy")
    csp = text_of(
        policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    )
    assert "connect-src 'self' https://" in csp
    connect = csp.split("connect-src", 1)[1].split(";", 1)[0].split()
    assert "https://tiles.example.org" in connect


def test_a_tile_style_url_must_be_https(synthesized: Synthesized) -> None:
    with pytest.raises(ValueError, match="tile_style_url"):
        _synth_with(synthesized, tile_style_url="http://tiles.example.org/style.json")
