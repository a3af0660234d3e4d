"""Schemathesis against the local stack: every operation of docs/openapi.json, positive and
negative generation, every check, zero failures.

Schemathesis runs as its own command line (the tool as its users run it), on the local stack
that ``make run`` starts, with a configuration written here: each operation gets a token of a
role it accepts (partners and recruiters with their own ids), so that generated input reaches
validation instead of stopping at 401. The run is bounded in examples per operation and time.

The status-code check can fail: no operation declares a ``default`` answer, so an answer with
a status the contract does not list is a failure (``test_the_status_code_check_can_fail``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from local import tokens
from tests.e2e.conftest import Platform, start_platform

REPO = Path(__file__).resolve().parents[2]
CONTRACT = REPO / "docs" / "openapi.json"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
#: Examples per operation and mode; the coverage phase adds its own boundary cases.
MAX_EXAMPLES = int(os.environ.get("HAVEN_SCHEMATHESIS_EXAMPLES", "12"))

#: Operations whose refusals of schema-valid input are right, because the rule is about the world
#: or the resource's state, or binds two fields in a way JSON Schema cannot say; 422 is an answer
#: these may give to valid data (each such rule is in docs/api.md). Every other check still runs.
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/v1/ops/feeds"): "a feed URL must resolve to public addresses (DNS, not the request)",
    ("PATCH", "/v1/ops/feeds/{source_id}"): "a feed URL must resolve to public addresses",
    ("POST", "/v1/subscriptions"): "the address must suit the channel, and a webhook host must resolve",
    ("POST", "/v1/ops/subscriptions"): "the address must suit the channel, and a webhook host must resolve",
    ("GET", "/v1/evidence/displacement"): "`to` is not before `from`, and a range covers at most 60 months",
    (
        "POST",
        "/v1/accreditation/applications/{application_id}/submit",
    ): "only a complete application is submitted",
    ("POST", "/v1/admin/complaints/{complaint_id}/transitions"): "what each action needs is the workflow's",
    ("POST", "/v1/complaints"): "a recruiter named by id must be on the roster",
    (
        "POST",
        "/v1/accreditation/applications/{application_id}/documents",
    ): "a file's size limit is its type's",
    ("POST", "/v1/safety/people"): "a name must hold a letter or digit as the name search folds it",
    ("POST", "/v1/safety/people/{person_id}/notes"): "a linked person record must exist",
    ("POST", "/v1/reports"): "`occurred_at` must not be in the future (the clock's, not the request's)",
    ("POST", "/v1/ops/alerts"): "polygons are simple closed rings; texts differ and give their own event",
    ("POST", "/v1/ops/alerts/{alert_id}/update"): "as issuing an alert",
    ("POST", "/v1/admin/partners"): "a webhook URL must resolve to public addresses",
    ("PATCH", "/v1/admin/partners/{partner_id}"): "a webhook URL must resolve to public addresses",
}
#: Schemathesis's expected answers to valid data, and 422.
_ACCEPTING_422 = ["2XX", "3XX", "401", "403", "404", "409", "422", "429"]

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("schemathesis")]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """The local stack with this process's signing keys, so that tokens minted here verify."""
    tokens.ensure_keys()
    state = tmp_path_factory.mktemp("schemathesis-state")
    shutil.copytree(Path(os.environ["HAVEN_STATE_DIR"]) / "auth", state / "auth")
    platform = start_platform(state)
    yield platform
    platform.stop()


def _toml(value: Any) -> str:
    return json.dumps(value)  # TOML basic strings are JSON strings


def configuration(contract: dict[str, Any]) -> str:
    """A schemathesis.toml: all checks, both modes, a role token per operation."""
    lines = [
        "[checks]",
        "enabled = true",
        # A body over the API's size limit is refused with 413, as documented: a refusal too.
        "[checks.negative_data_rejection]",
        'expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]',
        "[generation]",
        'mode = "all"',
        f"max-examples = {MAX_EXAMPLES}",
        "deterministic = true",
        "[phases]",
        "stateful.enabled = false",
    ]
    for path, methods in contract["paths"].items():
        for method, operation in methods.items():
            roles = [r for need in operation.get("security", []) for r in need.get("bearer", [])]
            beyond = (method.upper(), path) in RULES_BEYOND_THE_SCHEMA
            if not roles and not beyond:
                continue
            lines += ["[[operations]]", f"include-operation-id = {_toml(operation['operationId'])}"]
            if roles:
                token = tokens.mint(
                    roles[0], org_id="org-schemathesis", partner_id="01JSCHEMATHESIS00000000000"
                )
                lines.append(f"headers = {{ Authorization = {_toml('Bearer ' + token)} }}")
            if beyond:
                statuses = json.dumps(_ACCEPTING_422)
                lines.append(f"checks.positive_data_acceptance.expected-statuses = {statuses}")
    return "\n".join(lines) + "\n"


def run_schemathesis(
    contract_path: Path, base_url: str, workdir: Path, checks: str = "all"
) -> subprocess.CompletedProcess[str]:
    contract = json.loads(contract_path.read_text())
    config = workdir / "schemathesis.toml"
    config.write_text(configuration(contract))
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            str(contract_path),
            "--url",
            base_url,
            "--checks",
            checks,
            "--request-timeout",
            "20",
            "--no-color",
        ],
        cwd=workdir,
        env={**os.environ, "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks", "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )


def test_every_operation_meets_every_check_of_schemathesis(stack: Platform, tmp_path: Path) -> None:
    result = run_schemathesis(CONTRACT, stack.url, tmp_path)
    report = REPO / "build" / "schemathesis.txt"  # the whole run, for a reviewer (git-ignored)
    report.parent.mkdir(exist_ok=True)
    report.write_text(result.stdout + result.stderr)
    summary = result.stdout[result.stdout.find("SUMMARY") :] if "SUMMARY" in result.stdout else result.stdout
    assert result.returncode == 0, f"{summary[-6000:]}{result.stderr[-2000:]}\n(whole run: {report})"


def test_the_status_code_check_can_fail(stack: Platform, tmp_path: Path) -> None:
    """The same run on a contract that leaves out one status the server really answers (401 of a
    responder's operation, sent without a token) must fail on status-code conformance."""
    contract = json.loads(CONTRACT.read_text())
    operation = contract["paths"]["/v1/ops/incidents"]["get"]
    del operation["responses"]["401"]
    operation["security"] = [{}]  # no token is sent: the server answers 401
    narrowed = tmp_path / "narrowed.json"
    narrowed.write_text(json.dumps({**contract, "paths": {"/v1/ops/incidents": {"get": operation}}}))
    result = run_schemathesis(narrowed, stack.url, tmp_path, checks="status_code_conformance")
    assert result.returncode != 0
    assert "ST103 Undocumented status code" in result.stdout, result.stdout[-5000:]
