"""The CDK app: ``cdk synth|deploy`` (cdk.json runs ``python3 infra/app.py``).

Context: ``stage`` (default ``dev``) names the stack ``Haven-<stage>`` and every resource
``haven-<stage>-*``; ``alarm_email`` optionally subscribes an address to the alarm topic.
The layers are built (or found up to date) first, and cdk-nag's AwsSolutions checks run on
every synth.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _use_repository_imports() -> None:
    """``python3 infra/app.py`` puts ``infra/`` first on sys.path, where ``infra/constructs``
    would shadow the ``constructs`` library: import from the repository root instead."""
    infra_dir = REPO_ROOT / "infra"
    sys.path[:] = [p for p in sys.path if Path(p or os.curdir).resolve() != infra_dir]
    for folder in (REPO_ROOT, REPO_ROOT / "shared"):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))


if __name__ == "__main__":
    _use_repository_imports()

import aws_cdk as cdk  # noqa: E402

from infra.nag import add_checks  # noqa: E402
from infra.routes import RouteTable, load_route_table  # noqa: E402
from infra.stack import HavenStack  # noqa: E402
from infra.stage import StageConfig  # noqa: E402
from layers.build import LayerBuildError, build_layers  # noqa: E402

DEFAULT_STAGE = "dev"
CDK_JSON = REPO_ROOT / "cdk.json"
CDK_OUT = REPO_ROOT / "cdk.out"


def cdk_json_context() -> dict[str, object]:
    """cdk.json's context (feature flags, default stage), for synths without the CDK CLI.

    Under ``cdk synth|deploy`` the CLI passes the same context (plus ``-c`` overrides) through
    the environment, which takes precedence over these defaults.
    """
    context: dict[str, object] = json.loads(CDK_JSON.read_text())["context"]
    return context


def stack_name(stage: str) -> str:
    return f"Haven-{stage}"


def build_app(
    app: cdk.App,
    *,
    source_root: Path = REPO_ROOT,
    layer_dirs: Mapping[str, Path] | None = None,
    routes: RouteTable | None = None,
    nag_checks: bool = True,
) -> HavenStack:
    """Add the stage's stack (and the cdk-nag checks) to ``app``.

    ``layer_dirs`` and ``routes`` default to the real ones: the layers built by
    ``layers/build.py`` and the route table of ``functions/api/app.py``. ``nag_checks=False``
    is for tests that run the same checks themselves to report every finding.
    """
    stage = StageConfig.for_stage(str(app.node.try_get_context("stage") or DEFAULT_STAGE))
    alarm_email = app.node.try_get_context("alarm_email")
    stack = HavenStack(
        app,
        stack_name(stage.name),
        stage=stage,
        source_root=source_root,
        layer_dirs=layer_dirs if layer_dirs is not None else build_layers(),
        routes=routes if routes is not None else load_route_table(source_root),
        alarm_email=str(alarm_email) if alarm_email else None,
        env=cdk.Environment(
            account=os.environ.get("CDK_DEFAULT_ACCOUNT"),
            region=os.environ.get("CDK_DEFAULT_REGION"),
        ),
    )
    if nag_checks:
        add_checks(app)
    return stack


def main() -> None:
    # Without the CLI (`python3 infra/app.py`), synthesize into cdk.out like `cdk synth` does.
    outdir = None if "CDK_OUTDIR" in os.environ else str(CDK_OUT)
    app = cdk.App(context=cdk_json_context(), outdir=outdir)
    try:
        build_app(app)
    except LayerBuildError as error:
        raise SystemExit(f"error: {error}") from None
    app.synth()


if __name__ == "__main__":
    main()
