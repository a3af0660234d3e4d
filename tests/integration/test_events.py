"""Every event Haven publishes validates against its JSON Schema in events/schemas/.

The catalog agrees with itself: every schema has a sample that validates and a README row, and
every detail-type has its model in ``haven.events`` (``catalog()``) that agrees with its schema:
the same fields, all present, of the same JSON types. Samples go through the models both ways,
as a consumer parses them and as the publisher writes them, byte for byte.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from haven.events import Event, catalog
from local.dispatcher import sqs_event
from tests.support import PERSONAL_DATA, PHONE, published_events, sample_event

#: Every detail-type and its class, each domain's module loaded.
CATALOG = catalog()
SCHEMAS = Path(__file__).resolve().parents[2] / "events" / "schemas"


def _validator(detail_type: str) -> Draft202012Validator:
    path = SCHEMAS / f"{detail_type}.json"
    assert path.exists(), f"no schema for {detail_type}"
    schema = json.loads(path.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_schemas_are_valid_json_schemas() -> None:
    for path in SCHEMAS.glob("*.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text()))


def _catalog_rows() -> dict[str, tuple[str, str, str]]:
    """detail-type → (schema link, source, sample link) of each row of events/README.md."""
    rows = re.findall(
        r"^\| \[`([a-z]+\.[a-z]+)`\]\(([^)]+)\) \| `([a-z.]+)` \| [^|]+ \| \[sample\]\(([^)]+)\) \|$",
        (SCHEMAS.parent / "README.md").read_text(),
        re.M,
    )
    return {detail_type: (schema, source, sample) for detail_type, schema, source, sample in rows}


def test_every_schema_has_a_sample_and_a_catalog_row_and_nothing_else_does() -> None:
    schemas = {path.stem for path in SCHEMAS.glob("*.json")}
    assert {path.stem for path in (SCHEMAS.parent / "samples").glob("*.json")} == schemas
    assert set(_catalog_rows()) == schemas


@pytest.mark.parametrize("detail_type", sorted(path.stem for path in SCHEMAS.glob("*.json")))
def test_catalog_row_links_a_sample_that_validates(detail_type: str) -> None:
    schema_link, source, sample_link = _catalog_rows()[detail_type]
    assert schema_link == f"schemas/{detail_type}.json"
    assert sample_link == f"samples/{detail_type}.json"
    sample = json.loads((SCHEMAS.parent / sample_link).read_text())
    assert (sample["detail-type"], sample["source"]) == (detail_type, source)
    errors = list(_validator(detail_type).iter_errors(sample["detail"]))
    assert errors == [], [e.message for e in errors]


def test_crisis_events_match_their_schemas(aws: None) -> None:
    import app as api
    from chalice.test import Client

    from tests.integration.test_triage_and_incidents import _auth, _run_triage, _submit

    with Client(api.app) as client:
        _submit(client, 35.0, 139.0, people_affected=3)
        _submit(client, 35.001, 139.001)
        _run_triage()
        [incident] = client.http.get("/v1/ops/incidents", headers=_auth()).json_body["items"]
        client.http.patch(
            f"/v1/ops/incidents/{incident['incident_id']}",
            headers={**_auth(), "Content-Type": "application/json"},
            body=json.dumps({"expected_version": incident["version"], "status": "verified"}),
        )
    events = published_events()
    kinds = [e["detail-type"] for e in events]
    assert sorted(set(kinds)) == ["incident.opened", "incident.updated", "report.received"]
    for event in events:
        assert event["source"] == "haven.crisis"
        errors = list(_validator(str(event["detail-type"])).iter_errors(event["detail"]))
        assert errors == [], (event["detail-type"], [e.message for e in errors])


@pytest.mark.parametrize("detail_type", ["report.received", "incident.opened", "incident.updated"])
def test_schemas_reject_personal_data_fields(detail_type: str) -> None:
    sample: dict[str, Any] = json.loads((SCHEMAS.parent / "samples" / f"{detail_type}.json").read_text())
    assert not list(_validator(detail_type).iter_errors(sample["detail"]))
    sample["detail"]["contact"] = "+44 7700 900123"
    assert list(_validator(detail_type).iter_errors(sample["detail"]))


def test_targets_get_the_whole_envelope_with_the_account(aws: None) -> None:
    """What a rule delivers to its queue is the envelope EventBridge sends, ``account`` included
    (the embedded AWS leaves it out unless local mode completes its template)."""
    from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

    from haven.adapters.events import EventBridgePublisher
    from haven.events.crisis import ReportReceived

    sample = json.loads((SCHEMAS.parent / "samples" / "report.received.json").read_text())
    EventBridgePublisher().publish(ReportReceived(**sample["detail"]))
    [event] = published_events()
    parsed = EventBridgeModel.model_validate(event)
    assert (parsed.account, parsed.source, parsed.detail) == (
        "123456789012",
        "haven.crisis",
        sample["detail"],
    )


def test_a_changed_emulator_template_is_refused_not_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.events.utils import EventTemplateParser

    from local.events import complete_envelopes

    monkeypatch.setattr(EventTemplateParser, "DEFAULT_EVENT_INPUT_TEMPLATE", '{"detail": <detail>}')
    with pytest.raises(RuntimeError, match="review complete_envelopes"):
        complete_envelopes()


def _schema(detail_type: str) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMAS / f"{detail_type}.json").read_text())
    return schema


def _shape(node: dict[str, Any], root: dict[str, Any]) -> Any:
    """What a model and a schema must agree on at ``node``: an object's fields (all of them
    required, no others allowed), an array's items, or the JSON types of a value."""
    if "$ref" in node:
        return _shape(root["$defs"][node["$ref"].rsplit("/", 1)[-1]], root)
    if node.get("type") == "object":
        fields = node["properties"]
        return {name: _shape(fields[name], root) for name in fields}, sorted(node.get("required", []))
    if node.get("type") == "array":
        return "array", _shape(node["items"], root)
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return frozenset().union(*(_shape(option, root) for option in options))
    values = node["enum"] if "enum" in node else [node["const"]] if "const" in node else []
    named = {"string" if isinstance(v, str) else "null" if v is None else type(v).__name__ for v in values}
    declared = node.get("type", [])
    return frozenset(named | ({declared} if isinstance(declared, str) else set(declared)))


def _model_shape(model: type[Event]) -> Any:
    from pydantic import TypeAdapter

    generated = TypeAdapter(model).json_schema(mode="serialization")
    fields, _ = _shape(generated, generated)
    # A detail is its dataclass's fields, every one of them, defaults included (``detail()``).
    return fields, sorted(generated["properties"])


def test_every_detail_type_has_its_model_and_its_schema_and_nothing_else_does() -> None:
    assert set(CATALOG) == {path.stem for path in SCHEMAS.glob("*.json")}


@pytest.mark.parametrize("detail_type", sorted(CATALOG))
def test_model_and_schema_agree(detail_type: str) -> None:
    schema = _schema(detail_type)
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == sorted(schema["properties"]), "every field is always present"
    assert _model_shape(CATALOG[detail_type]) == _shape(schema, schema)


def test_the_agreement_check_sees_a_field_of_another_type() -> None:
    schema = _schema("referral.updated")
    schema["properties"]["version"] = {"type": "string"}
    assert _model_shape(CATALOG["referral.updated"]) != _shape(schema, schema)


@pytest.mark.parametrize("detail_type", sorted(CATALOG))
def test_a_sample_goes_through_its_model_both_ways_unchanged(detail_type: str) -> None:
    from haven.adapters.events import entry, queued

    sample = sample_event(detail_type)
    [record] = sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": json.dumps(sample)}], "arn:x")[
        "Records"
    ]
    parsed = queued(CATALOG[detail_type])().model_validate(record)
    assert type(parsed.body.detail) is CATALOG[detail_type]
    assert (parsed.body.detail_type, parsed.body.source) == (detail_type, sample["source"])
    published = entry(parsed.body.detail)
    assert (published["Source"], published["DetailType"]) == (sample["source"], detail_type)
    assert published["Detail"] == json.dumps(sample["detail"], separators=(",", ":"))


def test_a_record_of_another_detail_type_does_not_parse() -> None:
    from pydantic import ValidationError

    from haven.adapters.events import queued
    from haven.events.crisis import IncidentEvent

    body = json.dumps(sample_event("report.received"))
    [record] = sqs_event([{"MessageId": "m1", "ReceiptHandle": "r1", "Body": body}], "arn:x")["Records"]
    with pytest.raises(ValidationError):
        queued(IncidentEvent)().model_validate(record)


def test_a_malformed_record_fails_alone_logged_with_its_reason_never_its_content(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functions.compliance_reviews import handler
    from local.lambda_context import LambdaContext

    # The worker's log lines, wherever its logger's stream pointed when another test made it.
    out = io.StringIO()
    monkeypatch.setattr(handler.logger.registered_handler, "stream", out)

    unsubstantiated = sample_event("complaint.resolved", substantiated=False)
    missing = sample_event("complaint.resolved", categories=[PHONE])
    del missing["detail"]["substantiated"]
    bodies = [f"not JSON, {PHONE}", json.dumps(missing), json.dumps(unsubstantiated)]
    messages = [{"MessageId": str(n), "ReceiptHandle": str(n), "Body": b} for n, b in enumerate(bodies)]
    result = handler.handler(sqs_event(messages, "arn:x"), LambdaContext("compliance-reviews"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "0"}, {"itemIdentifier": "1"}]}
    logged = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    reasons = {e["message_id"]: e["reason"] for e in logged if e.get("message") == "malformed record"}
    assert reasons == {"0": "body: json_invalid", "1": "body.detail.substantiated: missing"}
    assert not [line for line in map(json.dumps, logged) if any(value in line for value in PERSONAL_DATA)]
