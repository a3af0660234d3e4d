"""Every event Haven publishes validates against its JSON Schema in events/schemas/.

The catalog agrees with itself: every schema has a sample that validates and a README row.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.support import published_events

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

    sample = json.loads((SCHEMAS.parent / "samples" / "report.received.json").read_text())
    EventBridgePublisher().publish("crisis", "report.received", sample["detail"])
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
