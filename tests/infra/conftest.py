"""Synthesize the real stack once per session: real layers, the real Chalice route table."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

import aws_cdk as cdk
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks

from infra.app import REPO_ROOT, build_app, cdk_json_context
from infra.routes import load_route_table
from layers.build import build_layers
from tests.infra.synthesis import Synthesized

STAGE = "dev"


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    layer_dirs = build_layers()
    routes = load_route_table(REPO_ROOT)
    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(context={**cdk_json_context(), "stage": STAGE}, outdir=str(outdir))
    # The checks run below on the synthesized tree, so that every finding is reported rather
    # than the synth stopping at the first report (app.py registers them as a plugin).
    stack = build_app(app, layer_dirs=layer_dirs, routes=routes, nag_checks=False)
    assembly = app.synth()
    template_path = Path(assembly.get_stack_artifact(stack.artifact_id).template_full_path)
    report = AwsSolutionsChecks(verbose=True).validate_scope(app)
    violations = [
        {
            "rule": violation.rule_name,
            "severity": violation.severity,
            "resources": [r.construct_path for r in violation.violating_resources],
        }
        for violation in report.violations
    ]
    return Synthesized(
        stack=stack,
        template=Template.from_stack(stack),
        template_json=json.loads(template_path.read_text()),
        template_path=template_path,
        routes=routes,
        layer_dirs=layer_dirs,
        nag_violations=violations,
    )


@pytest.fixture(scope="session")
def template(synthesized: Synthesized) -> Template:
    return synthesized.template


@pytest.fixture(scope="session")
def template_json(synthesized: Synthesized) -> dict[str, Any]:
    return synthesized.template_json
