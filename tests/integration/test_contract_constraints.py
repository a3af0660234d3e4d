"""The cases schemathesis found where the contract and the server disagreed: for each, the
contract (validated with jsonschema) and the server now give the same verdict."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jsonschema
import pytest
from chalice.test import Client

from local import tokens

CONTRACT = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
RESPONDER = {"Authorization": f"Bearer {tokens.mint('responder')}", "Content-Type": "application/json"}


@pytest.fixture
def client(aws: None) -> Iterator[Any]:
    import app as api

    with Client(api.app) as c:
        yield c


def _valid(schema: dict[str, Any], value: Any) -> bool:
    root = {**schema, "components": CONTRACT["components"]}
    return jsonschema.Draft202012Validator(root).is_valid(value)


def _query_valid(path: str, method: str, query: dict[str, str]) -> bool:
    parameters = {p["name"]: p for p in CONTRACT["paths"][path][method]["parameters"] if p["in"] == "query"}

    def typed(schema: dict[str, Any], text: str) -> Any:  # a query string's number is text on the wire
        kinds = {schema.get("type"), *(member.get("type") for member in schema.get("anyOf", []))}
        if kinds & {"number", "integer"}:
            try:
                return json.loads(text)
            except ValueError:
                return text
        return text

    return all(
        _valid(p["schema"], typed(p["schema"], value))
        for name, value in query.items()
        if (p := parameters[name])
    )


def _body_valid(path: str, method: str, body: Any) -> bool:
    schema = CONTRACT["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return _valid(schema, body)


@pytest.mark.parametrize(
    ("path", "query", "valid"),
    [
        ("/v1/evidence/displacement", {"from": "0000-01"}, False),  # no year 0 in the contract either
        ("/v1/evidence/displacement", {"from": "2025-01", "to": "2025-06"}, True),
        ("/v1/evidence/displacement", {"group_by": "hazard,hazard"}, True),  # counts once
        ("/v1/evidence/displacement", {"group_by": "hazard,planet"}, False),
        ("/v1/incidents", {"bbox": "-0.2,51.6,0.1,51.4"}, True),  # south and north either way
        ("/v1/incidents", {"bbox": "170,-20,-170,-10"}, True),  # across the antimeridian
        ("/v1/incidents", {"bbox": "1e2,0,1,1"}, False),
        ("/v1/incidents", {"bbox": "0,91,1,92"}, False),
        ("/v1/incidents", {"near": "51.5,-0.12", "radius_km": "5"}, True),
        ("/v1/incidents", {"near": "51.5"}, False),
        ("/v1/incidents", {"since": "0.5"}, False),  # was read as Unix time
        ("/v1/incidents", {"since": "2026-12-01T10:00:00Z"}, True),
        ("/v1/incidents", {"since": "2026-12-01t10:00:00z"}, True),
        ("/v1/roster", {"q": "0"}, False),
        ("/v1/roster", {"q": "S.A."}, True),
        ("/v1/roster", {"q": "generale"}, True),
    ],
)
def test_a_query_is_refused_exactly_when_the_contract_refuses_it(
    client: Any, path: str, query: dict[str, str], valid: bool
) -> None:
    assert _query_valid(path, "get", query) is valid
    response = client.http.get(f"{path}?{urlencode(query)}")
    assert (response.status_code == 200) is valid, response.body
    if not valid:
        assert response.status_code == 422
        assert set(query) & {e["field"] for e in response.json_body["errors"]}


def _report(**changes: Any) -> dict[str, Any]:
    return {
        "category": "unknown",
        "description": "Water rising in the street",
        "location": {"lat": 51.5, "lon": -0.12},
        **changes,
    }


@pytest.mark.parametrize(
    ("body", "valid", "field"),
    [
        (_report(people_affected=295.0), True, None),  # an integer, as JSON Schema means it
        (_report(people_affected=295.5), False, "people_affected"),
        (_report(people_affected="295"), False, "people_affected"),
        (_report(description="Water\u0004rising"), False, "description"),
        (_report(occurred_at="2026-11-30T10:00:00+05:45"), True, None),
        (_report(occurred_at=1796000000), False, "occurred_at"),
    ],
)
def test_a_body_is_refused_exactly_when_the_contract_refuses_it(
    client: Any, body: dict[str, Any], valid: bool, field: str | None
) -> None:
    assert _body_valid("/v1/reports", "post", body) is valid
    response = client.http.post(
        "/v1/reports", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )
    assert (response.status_code == 202) is valid, response.body
    if field:
        assert field in {e["field"] for e in response.json_body["errors"]}


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"expected_version": 1}, "body"),  # a patch that changes nothing
        ({"expected_version": 1, "status": None}, "status"),  # null is not "leave it"
        ({"expected_version": 1.0, "assignee": None}, "assignee"),
    ],
)
def test_a_patch_of_nothing_or_of_nulls_is_refused_by_both(
    client: Any, patch: dict[str, Any], field: str
) -> None:
    path = "/v1/ops/incidents/{incident_id}"
    assert not _body_valid(path, "patch", patch)
    response = client.http.patch(
        "/v1/ops/incidents/01JFUZZ0000000000000000000", headers=RESPONDER, body=json.dumps(patch)
    )
    assert response.status_code == 422, response.body
    assert field in {e["field"] for e in response.json_body["errors"]}
    assert _body_valid(path, "patch", {"expected_version": 1, "status": "verified"})
