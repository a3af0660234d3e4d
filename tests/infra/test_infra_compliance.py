"""cdk-nag (AwsSolutions) and cfn-lint pass on the synthesized stack."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_sqs as sqs
from cfnlint.api import ManualArgs, lint_file

from infra.nag import acknowledge, add_checks
from tests.infra.synthesis import Synthesized

#: cfn-lint's settings for `make synth`: the switched-off warnings (each with its reason there)
#: and the regions, shared with this test.
CFN_LINT_CONFIG = yaml.safe_load((Path(__file__).resolve().parents[2] / ".cfnlintrc.yaml").read_text())
ALLOWED_CFN_LINT_WARNINGS = set(CFN_LINT_CONFIG["ignore_checks"])
REGIONS = CFN_LINT_CONFIG["regions"]


def test_cdk_nag_reports_nothing_unacknowledged(synthesized: Synthesized) -> None:
    assert synthesized.nag_violations == []


def test_cdk_nag_fails_the_synth_on_a_finding(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "Unsafe")
    sqs.Queue(stack, "PlainQueue")  # no DLQ, no TLS enforcement
    add_checks(app)
    with pytest.raises(RuntimeError, match="AwsSolutions-SQS3"):
        app.synth()


def test_an_acknowledgment_needs_a_reason() -> None:
    stack = cdk.Stack(cdk.App(), "Reasons")
    with pytest.raises(ValueError, match="concrete reason"):
        acknowledge(stack, "AwsSolutions-S1", "not needed")


def test_cfn_lint_finds_no_error(synthesized: Synthesized) -> None:
    matches = lint_file(synthesized.template_path, config=ManualArgs(regions=REGIONS))
    findings = [
        f"{m.rule.id} {m.message} ({m.path_string if hasattr(m, 'path_string') else ''})"
        for m in matches
        if m.rule.id.startswith("E")
        or (m.rule.id.startswith("W") and m.rule.id not in ALLOWED_CFN_LINT_WARNINGS)
    ]
    assert findings == []
