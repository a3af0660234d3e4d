"""Every setting a function reads is set by the stack or has a default that is safe in AWS."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from haven import resources
from haven.config import Settings
from infra import settings as deployment_settings
from infra.app import REPO_ROOT, build_app, cdk_json_context
from tests.infra.cfn_template import haven_functions
from tests.infra.synthesis import Synthesized

CODE = [REPO_ROOT / "shared" / "haven", *(REPO_ROOT / spec.path for spec in resources.FUNCTIONS)]


def _environments(template_json: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        function["Properties"]["FunctionName"].removeprefix("haven-dev-"): function["Properties"][
            "Environment"
        ]["Variables"]
        for function in haven_functions(template_json).values()
    }


def _as_text(environment: dict[str, Any]) -> dict[str, str]:
    """Template values: a literal, or what CloudFormation resolves at deploy (a stand-in here)."""
    return {k: v if isinstance(v, str) else cdk.Token.as_string(v) for k, v in environment.items()}


@pytest.mark.parametrize("spec", resources.FUNCTIONS, ids=lambda f: f.name)
def test_each_functions_environment_passes_its_cold_start_validation(
    template_json: dict[str, Any], spec: resources.Function
) -> None:
    environment = _environments(template_json)[spec.name]
    deployment_settings.check(spec.name, _as_text(environment))
    # The links people get lead to the deployed API, never to a developer's machine.
    assert "127.0.0.1" not in str(environment["HAVEN_PUBLIC_URL"])


def _environment_reads() -> dict[str, bool]:
    """Every ``os.environ[...]`` / ``os.environ.get(...)`` / ``os.getenv(...)`` of a literal name in
    the functions' code and the haven package: name → whether it has a default."""
    reads: dict[str, bool] = {}
    for folder in CODE:
        for path in Path(folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                name, has_default = _read_of(node)
                if name is not None:
                    reads[name] = reads.get(name, True) and has_default
    return reads


def _read_of(node: ast.AST) -> tuple[str | None, bool]:
    def is_environ(expr: ast.AST) -> bool:
        return isinstance(expr, ast.Attribute) and expr.attr == "environ"

    if isinstance(node, ast.Subscript) and is_environ(node.value) and isinstance(node.slice, ast.Constant):
        return str(node.slice.value), False
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and ((node.func.attr == "get" and is_environ(node.func.value)) or node.func.attr == "getenv")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ):
        return str(node.args[0].value), True  # None when unset: the code decides what that means
    return None, False


def test_every_variable_read_without_a_default_is_set_on_every_function(
    template_json: dict[str, Any],
) -> None:
    environments = _environments(template_json)
    required = {name for name, has_default in _environment_reads().items() if not has_default}
    lambda_sets = {"AWS_REGION", "AWS_LAMBDA_FUNCTION_NAME"}  # set by Lambda itself
    for function, environment in environments.items():
        missing = required - set(environment) - lambda_sets
        assert not missing, f"{function} reads {sorted(missing)} with no default and the stack sets none"


def test_settings_without_a_safe_aws_default_are_refused_when_missing() -> None:
    """Settings with no default that is right in AWS: a missing one is named, one at a time."""
    environment = {"HAVEN_MODE": "aws"}
    for missing, value in (
        ("HAVEN_PUBLIC_URL", "https://haven.example.org"),
        ("HAVEN_SIGNING_KEY", "arn:aws:secretsmanager:eu-west-1:210987654321:secret:k"),
        ("HAVEN_AUTH_JWKS_URL", "https://idp.example.org/.well-known/jwks.json"),
    ):
        with pytest.raises(ValueError, match=missing):
            deployment_settings.check("any", environment)
        environment[missing + ("_SECRET_ARN" if missing == "HAVEN_SIGNING_KEY" else "")] = value
    deployment_settings.check("any", environment)


def test_context_settings_reach_every_function_and_bad_ones_fail_the_synth(synthesized: Synthesized) -> None:
    def synth(**context: str) -> dict[str, dict[str, Any]]:
        app = cdk.App(context={**cdk_json_context(), "stage": "dev", **context})
        stack = build_app(app, layer_dirs=synthesized.layer_dirs, routes=synthesized.routes, nag_checks=False)
        return _environments(app.synth().get_stack_artifact(stack.artifact_id).template)

    environments = synth(public_url="https://haven.example.org/", admin_notice_email="ops@example.org")
    for environment in environments.values():
        assert environment["HAVEN_PUBLIC_URL"] == "https://haven.example.org/"
        assert environment["HAVEN_ADMIN_NOTICE_EMAIL"] == "ops@example.org"
    with pytest.raises(ValueError, match="HAVEN_PUBLIC_URL"):
        synth(public_url="http://127.0.0.1:8000")
    with pytest.raises(ValueError, match="HAVEN_REPORT_RETENTION_DAYS"):
        synth(report_retention_days="0")


def test_a_production_stage_names_its_email_sender(synthesized: Synthesized) -> None:
    def synth(**context: str) -> dict[str, dict[str, Any]]:
        app = cdk.App(context={**cdk_json_context(), **context})
        stack = build_app(app, layer_dirs=synthesized.layer_dirs, routes=synthesized.routes, nag_checks=False)
        template = app.synth().get_stack_artifact(stack.artifact_id).template
        return {
            f["Properties"]["FunctionName"]: f["Properties"]["Environment"]["Variables"]
            for f in haven_functions(template).values()
        }

    with pytest.raises(ValueError, match="email_from"):
        synth(stage="prod")
    environments = synth(stage="prod", email_from="alerts@ngo.example.org")
    for spec in resources.FUNCTIONS:
        sender = environments[f"haven-prod-{spec.name}"].get("HAVEN_EMAIL_FROM")
        assert sender == ("alerts@ngo.example.org" if "email" in spec.notifies else None)


def test_every_context_setting_is_a_setting() -> None:
    for key, variable in deployment_settings.CONTEXT_SETTINGS.items():
        assert variable == f"HAVEN_{key.upper()}"
        assert key in Settings.model_fields
