"""cdk-nag (v3) wiring: the AwsSolutions checks, and acknowledgments that carry their reason.

cdk-nag 3 is a CDK policy-validation plugin rather than an Aspect: a finding that is not
acknowledged fails the synth. A rule reporting several findings on one resource (IAM5's
wildcards) is acknowledged per finding, ``AwsSolutions-IAM5[Resource::*]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from aws_cdk import Acknowledgment, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

_MIN_REASON = 30


def add_checks(app: IConstruct) -> AwsSolutionsChecks:
    checks = AwsSolutionsChecks(app, verbose=True)
    Validations.of(app).add_plugins(checks)
    return checks


def acknowledge(scope: IConstruct, rule: str, reason: str, *, findings: Iterable[str] = ()) -> None:
    """Acknowledge ``rule`` (or each of its ``findings``) on ``scope`` and its children."""
    if len(reason.strip()) < _MIN_REASON:
        raise ValueError(f"{rule}: an acknowledgment needs a concrete reason, not {reason!r}")
    ids = [f"{rule}[{finding}]" for finding in findings] or [rule]
    Validations.of(scope).acknowledge(*(Acknowledgment(id=i, reason=reason) for i in ids))
