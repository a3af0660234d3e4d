"""A handler's import defines modules and nothing else (issue 16, ADR 0039).

Each function's handler module is imported in a fresh interpreter, in Lambda's environment
(tracing on), with botocore's client factory and pydantic's schema builder patched to record
their calls: an import that creates an AWS client (the X-Ray sampler's included), builds a
pydantic schema, validates the settings, or loads PyJWT or cryptography (needed by the first token
or sealing, not by every request) fails here. A module whose importers mostly want its types
does not load the library its functions use (H3 for ``haven.geo``'s ``Point``). The bench
measures how long an import takes (ADR 0039, ADR 0046).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from haven.resources import FUNCTIONS

REPO = Path(__file__).resolve().parents[2]
PYTHONPATH = os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", "."))

#: Libraries a handler's import must not load: the settings, the X-Ray recorder, PyJWT and
#: cryptography are loaded by their first use.
LOADED_AT_FIRST_USE = ("aws_xray_sdk.core", "cryptography", "haven.config", "jwt", "pydantic_settings")

PROBE = (
    f"LOADED_AT_FIRST_USE = {LOADED_AT_FIRST_USE!r}\n"
    + """
import importlib, json, sys

import botocore.session
from pydantic._internal import _generate_schema

made = {"clients": [], "schemas": []}
create_client = botocore.session.Session.create_client
generate_schema = _generate_schema.GenerateSchema.generate_schema


def recording_client(self, service_name, *args, **kwargs):
    made["clients"].append(service_name)
    return create_client(self, service_name, *args, **kwargs)


def recording_schema(self, obj, *args, **kwargs):
    made["schemas"].append(getattr(obj, "__qualname__", repr(obj)))
    return generate_schema(self, obj, *args, **kwargs)


botocore.session.Session.create_client = recording_client
_generate_schema.GenerateSchema.generate_schema = recording_schema
importlib.import_module(sys.argv[1])
made["loaded"] = sorted(m for m in LOADED_AT_FIRST_USE if m in sys.modules)
print(json.dumps(made))
"""
)


def _imported(module: str) -> dict[str, list[str]]:
    env = {
        **os.environ,
        "PYTHONPATH": PYTHONPATH,
        # Lambda's: Powertools traces (X-Ray) unless told otherwise. Without LAMBDA_TASK_ROOT,
        # as in the bench, X-Ray's recorder takes its default sampler, whose X-Ray clients the
        # probe sees (in Lambda it takes a local sampler and writes a marker file instead).
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "AWS_LAMBDA_FUNCTION_NAME": "haven-test",
    }
    env.pop("LAMBDA_TASK_ROOT", None)
    env.pop("POWERTOOLS_TRACE_DISABLED", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, module], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    result: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


#: The handler modules, and the API once each route has loaded its blueprint (ADR 0049).
PROBED = [("app" if f.name == "api" else f.module) for f in FUNCTIONS] + ["tests.unit.cold_start_every_route"]


@pytest.mark.parametrize("module", PROBED)
def test_handler_import_creates_no_client_and_builds_no_schema(module: str) -> None:
    made = _imported(module)
    assert made["clients"] == [], "AWS clients created at import"
    assert made["schemas"] == [], "pydantic schemas built at import"
    assert made["loaded"] == [], "settings or X-Ray recorder loaded at import"


def test_probe_sees_what_it_records() -> None:
    """The probe itself: a client, a schema and the settings made at import are all reported."""
    made = _imported("tests.unit.cold_start_offender")
    assert "xray" in made["clients"]
    assert made["schemas"]
    assert made["loaded"] == sorted(LOADED_AT_FIRST_USE)


@pytest.mark.parametrize(
    ("module", "library"),
    [
        ("haven.geo", "h3"),
        ("haven.adapters.channels", "cryptography"),
        ("haven.adapters.crypto", "cryptography"),
        # The triage model's artifact code and the lexicons: at the first classification.
        ("functions.triage.handler", "haven.crisis.model"),
        ("functions.triage.handler", "haven.crisis.lexicon"),
        # Triage places reports at points: the areas (alerts', feeds', the API's) are not its.
        ("functions.triage.handler", "haven.areas"),
        # The text channels make an area for a subscription only: at a SUBSCRIBE, not at import.
        ("functions.message_intake.handler", "haven.areas"),
    ],
)
def test_a_module_loads_its_library_at_the_first_call_not_at_import(module: str, library: str) -> None:
    code = f"import sys, {module}; print({library!r} in sys.modules)"
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip() == "False", f"{module} loads {library} at import"


def test_tracer_is_made_at_the_first_traced_call_and_keeps_what_it_traces() -> None:
    import asyncio

    from haven.adapters import observability

    tracer = observability.tracer("cold-start-test")

    @tracer.capture_method
    def double(value: int) -> int:
        return value * 2

    @tracer.capture_method(capture_response=False)
    async def triple(value: int) -> int:
        return value * 3

    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: dict[str, int], context: object) -> int:
        return double(event["n"]) + asyncio.run(triple(event["n"]))

    assert not tracer.created
    assert handler({"n": 2}, None) == 10
    assert tracer.created
    assert (double.__name__, triple.__name__, handler.__name__) == ("double", "triple", "handler")


def test_batch_processing_reports_the_failed_records_as_powertools_does() -> None:
    from haven.adapters.batch import BatchProcessor, EventType, process_partial_response

    def record(message_id: str, body: str) -> dict[str, object]:
        return {
            "messageId": message_id,
            "receiptHandle": "r",
            "body": body,
            "attributes": {},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:q",
            "awsRegion": "eu-west-1",
        }

    def record_handler(record: Any) -> None:  # Powertools passes it by this name
        if record.body == "bad":
            raise ValueError("bad record")

    processor = BatchProcessor(event_type=EventType.SQS)
    event = {"Records": [record("1", "good"), record("2", "bad")]}
    result = process_partial_response(event=event, record_handler=record_handler, processor=processor)
    assert result == {"batchItemFailures": [{"itemIdentifier": "2"}]}


@pytest.mark.parametrize(
    ("adapter", "domain"),
    [
        ("haven.adapters.dynamo.safety", "safety"),
        ("haven.adapters.dynamo.complaints", "complaints"),
        ("haven.adapters.dynamo.evidence", "evidence"),
    ],
)
def test_an_adapter_loads_only_its_own_domains_models(adapter: str, domain: str) -> None:
    """The models package imports no model: a function pays for the tables it uses."""
    code = (
        f"import json, sys, {adapter}; "
        "print(json.dumps(sorted(m.rsplit('.', 1)[1] for m in sys.modules "
        "if m.startswith('haven.adapters.dynamo.models.'))))"
    )
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert json.loads(out.stdout) == sorted({"base", domain})
