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


def test_every_route_declares_its_contract(routes: Any) -> None:
    from chalicelib.openapi import operations

    implemented = {(method, path) for path, methods in routes.items() for method in methods}
    assert set(operations(routes)) == implemented
    assert all(
        route.method == method and route.path == path for (method, path), route in operations(routes).items()
    )


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


def _own_checks(view: Any) -> set[str]:
    """The input checks a view makes itself: the wrapper makes them from the route."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(view)))
    return {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"parse_body", "parse_query", "require", "caller"}
    }


def test_views_take_what_their_route_declares_and_check_nothing_themselves(routes: Any) -> None:
    from chalicelib.http import JSON
    from chalicelib.openapi import operations

    drift = []
    for (method, path), route in operations(routes).items():
        view = routes[path][method].view_function.__wrapped__
        declared = {
            "principal": bool(route.roles or route.optional_auth),
            "body": route.body is not None and route.body_media == JSON,
            "query": route.query is not None,
        }
        taken = {
            name
            for name, parameter in inspect.signature(view).parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        }
        if taken != {name for name, wanted in declared.items() if wanted}:
            drift.append(f"{method} {path}: takes {sorted(taken)}, declared {declared}")
        if _own_checks(view):
            drift.append(f"{method} {path}: calls {sorted(_own_checks(view))} itself")
    assert drift == []


def test_examples_are_valid_bodies(routes: Any) -> None:
    from chalicelib.openapi import operations

    for (method, path), operation in operations(routes).items():
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


def test_every_json_answer_documents_its_schema(routes: Any) -> None:
    from chalicelib.openapi import answer_of, operations

    undocumented = [
        f"{method} {path}"
        for (method, path), operation in operations(routes).items()
        if operation.status != 204
        and operation.media.endswith("json")
        and answer_of(routes[path][method].view_function.__wrapped__) is None
    ]
    assert undocumented == [], "annotate these views to return Json[Shape] (chalicelib.answers)"


def test_every_body_has_an_example(routes: Any) -> None:
    from chalicelib.openapi import operations

    missing = [
        f"{m} {p}" for (m, p), op in operations(routes).items() if op.body is not None and op.example is None
    ]
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
