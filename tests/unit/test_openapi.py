"""The published contract is the code's: every route described, models as parsed, file current."""

from __future__ import annotations

import ast
import inspect
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from chalice.test import Client
from openapi_spec_validator import validate

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "docs" / "openapi.json"


@pytest.fixture(scope="module")
def routes() -> Any:
    import app as api

    return api.app.routes


def test_every_route_is_described_and_only_real_routes(routes: Any) -> None:
    from chalicelib.openapi import OPERATIONS

    implemented = {(method, path) for path, methods in routes.items() for method in methods}
    assert implemented - set(OPERATIONS) == set(), "routes missing from chalicelib/openapi.py OPERATIONS"
    assert set(OPERATIONS) - implemented == set(), "OPERATIONS describes routes that do not exist"


def test_the_document_is_valid_openapi_3_1(routes: Any) -> None:
    from chalicelib.openapi import build

    document = build(routes)
    validate(document)
    assert document["openapi"] == "3.1.0"
    ids = [op["operationId"] for path in document["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))


def test_the_published_document_is_current(routes: Any) -> None:
    from chalicelib.openapi import render

    assert PUBLISHED.read_text() == render(routes), "docs/openapi.json is stale: run `make openapi`"


def _parsed_models(view: Any) -> dict[str, type]:
    """The models a view hands to parse_body / parse_query directly (helpers are not followed)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(view)))
    found = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"parse_body", "parse_query", "parse_form"}
            and isinstance(node.args[1], ast.Name)
        ):
            found[node.func.id] = view.__globals__[node.args[1].id]
    return found


def test_described_models_are_the_ones_the_views_parse(routes: Any) -> None:
    from chalicelib.openapi import OPERATIONS

    drift = []
    for path, methods in routes.items():
        for method, entry in methods.items():
            operation = OPERATIONS[method, path]
            parsed = _parsed_models(entry.view_function.__wrapped__)
            described = {
                "parse_body": operation.body,
                "parse_query": operation.query,
                "parse_form": operation.body,
            }
            drift += [
                f"{method} {path}: {kind} parses {model.__name__}, described {described[kind]}"
                for kind, model in parsed.items()
                if described[kind] is not model
            ]
            if operation.body is not None and not {"parse_body", "parse_form"} & parsed.keys():
                drift.append(f"{method} {path}: described with a body the view does not parse")
    assert drift == []


def test_examples_are_valid_bodies() -> None:
    from chalicelib.openapi import OPERATIONS

    for (method, path), operation in OPERATIONS.items():
        if operation.example is not None:
            assert operation.body is not None, (method, path)
            operation.body.model_validate_json(json.dumps(operation.example))


def test_the_document_is_served_publicly_and_cacheable(routes: Any) -> None:
    import app as api

    with Client(api.app) as client:
        response = client.http.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"].startswith("public")
    assert response.json_body == json.loads(PUBLISHED.read_text())


def test_operations_state_security_per_role(routes: Any) -> None:
    from chalicelib.openapi import build

    paths = build(routes)["paths"]
    assert paths["/v1/ops/incidents"]["get"]["security"] == [{"bearer": ["responder", "admin"]}]
    assert paths["/v1/reports"]["post"]["security"] == []
    problem = paths["/v1/reports"]["post"]["responses"]["422"]["content"]
    assert problem == {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def test_every_json_answer_documents_its_schema() -> None:
    from chalicelib.openapi import OPERATIONS

    undocumented = [
        f"{method} {path}"
        for (method, path), operation in OPERATIONS.items()
        if operation.status != 204 and operation.media.endswith("json") and operation.response is None
    ]
    assert undocumented == [], "give these operations a response model (chalicelib/responses.py)"


def test_every_body_has_an_example() -> None:
    from chalicelib.openapi import OPERATIONS

    missing = [f"{m} {p}" for (m, p), op in OPERATIONS.items() if op.body is not None and op.example is None]
    assert missing == []


def test_secret_lookups_are_marked_in_the_contract(routes: Any) -> None:
    from chalicelib.openapi import build

    marked = {
        (method.upper(), path)
        for path, operations in build(routes)["paths"].items()
        for method, operation in operations.items()
        if operation.get("x-secret-lookup")
    }
    assert marked == {
        ("GET", "/v1/reports/{report_id}"),
        ("GET", "/v1/complaints/track/{code}"),
        ("DELETE", "/v1/safety/people/{person_id}"),
        ("POST", "/v1/subscriptions/{subscription_id}/confirm"),
        ("DELETE", "/v1/subscriptions/{subscription_id}"),
    }


def test_answer_examples_follow_their_schemas(routes: Any) -> None:
    from jsonschema import Draft202012Validator

    from chalicelib.openapi import build

    document = build(routes)
    examples = 0
    for name, schema in document["components"]["schemas"].items():
        for example in schema.get("examples", []):
            validator = Draft202012Validator({**schema, "components": document["components"]})
            assert list(validator.iter_errors(example)) == [], name
            examples += 1
    assert examples >= 8
