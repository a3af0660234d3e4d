"""The API's contract: OpenAPI 3.1, derived from the app's route table.

Every route declares its contract once, in its ``@bp.route`` (:class:`chalicelib.http.Route`):
who may call it, the pydantic models of its body and query, its success status and media type;
the view's return annotation names the ``TypedDict`` of its answer. Paths, path parameters,
schemas and the error answers are derived from them, never written by hand; the schemas are
built (pydantic's ``TypeAdapter``) only when the document is, never at import. A test fails when
``docs/openapi.json`` is stale (``make openapi``).
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, Literal

from chalice.app import RouteEntry
from pydantic import TypeAdapter
from typing_extensions import TypedDict, is_typeddict

import haven
from chalicelib.answers import answer
from chalicelib.fields import TEXT_PATTERN
from chalicelib.http import (
    MAX_PATH_PARAMETER,
    HavenBlueprint,
    Json,
    Route,
    json_response,
    route_of,
)
from chalicelib.problems import PROBLEM_JSON
from haven.errors import Problem

bp = HavenBlueprint(__name__)

OPENAPI_PATH = "/v1/openapi.json"
_PARAMETER = re.compile(r"{([^}]+)}")
_SCHEMAS = "#/components/schemas/{model}"

#: Whose resources a route serves: another organisation's or partner's is answered 404.
Tenant = Literal["org", "partner"]


_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "examples": [Problem.TYPE_BASE + "validation"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}

_ERRORS = {
    "400": "Malformed request (the body is not JSON)",
    "401": "Missing, expired or invalid bearer token",
    "403": "The token lacks the role",
    "404": "No such resource, or not the caller's",
    "409": "Conflict: a stale `expected_version`, a change the resource's state forbids, "
    "or the same `Idempotency-Key` still in progress",
    "413": "Body too large",
    "415": "The body is not of the media type the operation takes",
    "422": "Validation failed; `errors` names each field",
    "429": "Too many requests",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _error_statuses(method: str, path: str, operation: Route) -> list[str]:
    statuses = ["429", *operation.refuses]
    if method != "GET":
        statuses.append("409")
    if operation.body is not None:
        statuses += ["400", "413", "422"]
    if operation.query is not None:
        statuses.append("422")
    if operation.roles or operation.optional_auth:
        statuses.append("401")
    if operation.roles or operation.optional_auth:
        statuses.append("403")
    if _PARAMETER.search(path) or operation.tenant:
        statuses.append("404")
    return sorted(set(statuses))


def _security(operation: Route) -> list[dict[str, list[str]]]:
    roles = [role.value for role in operation.allowed_roles()] if operation.roles else []
    if not operation.roles:
        return [{}, {"bearer": []}] if operation.optional_auth else []
    return [{"bearer": roles}]


def _parameters(path: str, operation: Route, query_schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": MAX_PATH_PARAMETER},
        }
        for name in _PARAMETER.findall(path)
    ]
    if query_schema is not None:
        required = set(query_schema.get("required", ()))
        for name, schema in query_schema["properties"].items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if "description" in schema:
                parameter["description"] = schema["description"]
            parameters.append(parameter)
    return parameters


def _operation_id(entry: RouteEntry) -> str:
    view = entry.view_function
    return f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"


def _success(operation: Route, schema: dict[str, Any]) -> dict[str, Any]:
    if operation.status == 204:
        return {"description": "Done; no content"}
    content = {
        operation.media: {"schema": schema},
        **{media: {"schema": {"type": "string"}} for media in operation.also},
    }
    return {"description": operation.summary, "content": content}


def _successes(operation: Route, schema: dict[str, Any]) -> dict[str, Any]:
    answers = {str(operation.status): _success(operation, schema)}
    if operation.conditional:
        answers["304"] = {"description": "Not modified: the `If-None-Match` tag is current"}
    return answers


def answer_of(view: Callable[..., Any]) -> type | None:
    """The shape a view answers with, from its return annotation: ``Json[Shape]`` (or
    ``Json[Shape] | Response`` when it also answers otherwise), or a bare ``Shape``."""
    hint = typing.get_type_hints(view)["return"]
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    for member in typing.get_args(hint) if union else (hint,):
        if typing.get_origin(member) is Json:
            return typing.get_args(member)[0]  # type: ignore[no-any-return]
        if is_typeddict(member):
            return member  # type: ignore[no-any-return]
    return None


def operations(routes: Mapping[str, Mapping[str, RouteEntry]]) -> dict[tuple[str, str], Route]:
    """The contract of every route of ``routes`` (``chalice_app.routes``), by method and path."""
    return {
        (method, path): route_of(entry.view_function)
        for path, methods in routes.items()
        for method, entry in methods.items()
    }


def build(routes: Mapping[str, Mapping[str, RouteEntry]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (``chalice_app.routes``), as their routes declare it."""
    described = [
        (method, path, entry, route_of(entry.view_function), answer_of(entry.view_function.__wrapped__))
        for path, methods in sorted(routes.items())
        for method, entry in sorted(methods.items())
    ]
    requests = _sorted({m for *_, op, _ in described for m in (op.body, op.query) if m is not None})
    answers = _sorted({shape for *_, shape in described if shape is not None})
    keys, definitions = TypeAdapter.json_schemas(
        [(m, "validation", TypeAdapter(m)) for m in requests]
        + [(m, "serialization", TypeAdapter(m)) for m in answers],
        ref_template=_SCHEMAS,
    )
    schemas = {**definitions.get("$defs", {}), "Problem": _PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for method, path, entry, operation, shape in described:
        query_schema = _resolve(keys[operation.query, "validation"], schemas) if operation.query else None
        document: dict[str, Any] = {
            "operationId": _operation_id(entry),
            "summary": operation.summary,
            "tags": [entry.view_function.__module__.rsplit(".", 1)[-1]],
            "security": _security(operation),
            "parameters": _parameters(path, operation, query_schema),
            "responses": {
                **_successes(operation, keys[shape, "serialization"] if shape else {}),
                **{status: _problem(_ERRORS[status]) for status in _error_statuses(method, path, operation)},
            },
        }
        if operation.secret_lookup:
            # Limited per client address (haven.limits), on top of the gateway's route throttling.
            document["x-secret-lookup"] = True
            document["responses"]["429"] = _problem(_ERRORS["429"] + " (`Retry-After`): a secret lookup")
        if operation.body is not None:
            content: dict[str, Any] = {"schema": keys[operation.body, "validation"]}
            if operation.example is not None:
                content["example"] = dict(operation.example)
            document["requestBody"] = {"required": True, "content": {operation.body_media: content}}
        paths.setdefault(path, {})[method.lower()] = document
    taken: set[str] = set()
    for model in requests:
        _state_text_rule(keys[model, "validation"], schemas, taken)
    for methods in paths.values():
        for document in methods.values():
            _state_text_rule(document["parameters"], schemas, taken)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Haven API",
            "version": haven.__version__,
            "description": "Crisis reporting, recruitment integrity and displacement evidence. "
            "Errors are RFC 9457 problem details; lists take an opaque signed `cursor`.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Cognito ID token; roles from `cognito:groups` (the scopes listed per "
                    "operation), `custom:org_id` and `custom:partner_id`.",
                }
            },
        },
    }


#: What every string the API takes may hold: text XML 1.0 can carry (``chalicelib.http``
#: refuses the rest with 422), stated in the contract so that clients know it too.


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _state_text_rule(node: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    """Gives every free-text string schema reachable from ``node`` the :data:`TEXT_PATTERN`."""
    if isinstance(node, list):
        for item in node:
            _state_text_rule(item, schemas, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SCHEMAS.split("{")[0]):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _state_text_rule(schemas[name], schemas, seen)
    if node.get("type") == "string" and not {"format", "enum", "const"} & node.keys():
        if "pattern" not in node:
            node["pattern"] = TEXT_PATTERN
        elif node["pattern"] != TEXT_PATTERN and "allOf" not in node:
            node["allOf"] = [{"pattern": TEXT_PATTERN}]  # the field's own rule, and the text rule
    if node.get("type") in ("integer", "number"):
        # Pydantic writes the bounds of an optional ``Integer`` under their Python names.
        for python, json_schema in _BOUNDS.items():
            if python in node:
                node[json_schema] = node.pop(python)
    for key, value in node.items():
        if key not in ("$ref", "example", "examples", "default"):
            _state_text_rule(value, schemas, seen)


def _sorted(models: set[type]) -> list[type]:
    return sorted(models, key=lambda m: (m.__module__, m.__qualname__))


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A query model's schema itself (its parameters are listed one by one), not a reference."""
    name = schema["$ref"].rsplit("/", 1)[-1]
    return schemas[name]  # type: ignore[no-any-return]


def render(routes: Mapping[str, Mapping[str, RouteEntry]]) -> str:
    """The document as published in ``docs/openapi.json``: stable key order, one trailing newline."""
    return json.dumps(build(routes), indent=2, ensure_ascii=False) + "\n"


@cache
def _served() -> str:
    return render(bp.current_app.routes)


@answer(extra="allow")
class OpenApiDocument(TypedDict):
    """This very document (OpenAPI 3.1)."""

    openapi: Literal["3.1.0"]
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]


@bp.route(OPENAPI_PATH, summary="This OpenAPI document")
def openapi() -> Json[OpenApiDocument]:
    return json_response(_served(), headers={"Cache-Control": "public, max-age=300"})
