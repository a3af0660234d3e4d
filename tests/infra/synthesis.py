"""What the session fixture hands to the tests: the synthesized stack and what was found on it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aws_cdk.assertions import Template

from infra.stack import HavenStack


@dataclass(frozen=True)
class Synthesized:
    stack: HavenStack
    template: Template
    #: The template as written to the cloud assembly (what `cdk deploy` would upload).
    template_json: dict[str, Any]
    template_path: Path
    routes: dict[str, frozenset[str]]
    layer_dirs: dict[str, Path]
    #: cdk-nag AwsSolutions findings left after acknowledgments (errors and warnings).
    nag_violations: list[dict[str, Any]]
