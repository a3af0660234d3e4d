"""Bounded fuzzing of every documented operation, generated from the OpenAPI document.

No schemathesis: the inputs are derived here, deterministically (seeded), from each operation's
request schema. Invalid ones: non-object JSON, unknown, missing and wrongly typed fields,
oversized strings, deep nesting, huge arrays, invalid UTF-8 and truncated JSON, then odd path
and query values; every refusal is problem+json and names the field at fault. Valid ones: the
documented examples and bodies and queries generated from the schemas, answered as documented.
Nothing may answer 5xx.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import requests
from chalice.test import Client

from chalicelib.fields import BBOX_PATTERN, NEAR_PATTERN, RFC_3339_PATTERN, TEXT_PATTERN, text_pattern
from haven.config import get_settings
from haven.recruitment.roster import QUERY_RULE
from local import tokens
from tests import contract

WRONG_TYPED = {"integer": 12345, "string": "fuzz", "array": [1], "boolean": True, "object": {"fuzz": 1}}
ODD_VALUES = (
    "",
    " ",
    "0",
    "-1",
    "9" * 40,
    "x" * 600,
    "y" * 3000,
    "../../etc/passwd",
    "%00",
    "\u202e\u0000",
    "名前-اسم-🙂",
    "' OR '1'='1",
    '{"$ne": null}',
    "1e309",
    "NaN",
    "2026-13-45T99:99:99Z",
)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    import app as api

    from chalicelib.openapi import build

    return build(api.app.routes)


@dataclass(frozen=True)
class _Answer:
    status_code: int
    headers: Any
    body: bytes


class _OverHttp:
    """The local stack over HTTP, with the same ``http.request`` as Chalice's test client."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = self
        self.session = requests.Session()

    def request(self, method: str, path: str, headers: dict[str, str], body: bytes) -> _Answer:
        answer = self.session.request(method, self.url + path, headers=headers, data=body, timeout=30)
        return _Answer(answer.status_code, answer.headers, answer.content)


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_OverHttp]:
    """``python -m local`` as ``make run`` starts it, with this process's signing keys so that
    the tokens minted here verify there (its own state folder otherwise)."""
    from tests.e2e.conftest import start_platform

    tokens.ensure_keys()
    state = tmp_path_factory.mktemp("fuzz-state")
    shutil.copytree(Path(os.environ["HAVEN_STATE_DIR"]) / "auth", state / "auth")
    platform = start_platform(state)
    yield _OverHttp(platform.url)
    platform.stop()


@pytest.fixture(params=["handler", "local-stack"])
def client(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Every case runs twice: on the handler (mocked AWS) and over HTTP on the local stack."""
    if request.param == "local-stack":
        yield request.getfixturevalue("local_stack")
        return
    request.getfixturevalue("aws")
    import app as api

    with Client(api.app) as c:
        yield c


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation that takes JSON (or no body). A signed webhook's form (Twilio's) is
    refused before it is read unless signed: tests/integration/test_channels_twilio.py and the
    schemathesis run cover it."""
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if "requestBody" in operation and "application/json" not in operation["requestBody"]["content"]:
                continue
            yield method.upper(), path, operation


def _headers(operation: dict[str, Any]) -> dict[str, str]:
    """A token with the first role the operation accepts, so that validation is reached."""
    headers = {"Content-Type": "application/json"}
    roles = [role for requirement in operation["security"] for role in requirement.get("bearer", [])]
    if roles:
        token = tokens.mint(roles[0], org_id="org-fuzz", partner_id="01JFUZZ0000000000000000000")
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _concrete(path: str, value: str = "01JFUZZ0000000000000000000") -> str:
    return re.sub(r"{[^}]+}", quote(value, safe=""), path)


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _json_types(schema: dict[str, Any], document: dict[str, Any]) -> set[str]:
    """The JSON types a schema accepts ("number" accepts integers too)."""
    schema = _resolve(schema, document)
    types: set[str] = set()
    for member in schema.get("anyOf", []) + schema.get("oneOf", []):
        types |= _json_types(member, document)
    declared = schema.get("type")
    types |= set(declared) if isinstance(declared, list) else ({declared} if declared else set())
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        types |= {
            "string" if isinstance(v, str) else "integer" if isinstance(v, int) else "null" for v in values
        }
    if "number" in types:
        types.add("integer")
    if "properties" in schema or "additionalProperties" in schema:
        types.add("object")
    return types


def _wrong_value(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    accepted = _json_types(schema, document)
    return next(value for kind, value in WRONG_TYPED.items() if kind not in accepted)


def _body_cases(schema: dict[str, Any], document: dict[str, Any]) -> Iterator[tuple[str, bytes, str | None]]:
    """(name, raw body, field the answer must name or None)."""
    limit = get_settings().max_body_bytes
    properties = schema.get("properties", {})
    for value in ([], "text", 42, None, True):
        yield f"non-object {value!r}", json.dumps(value).encode(), None
    yield "unknown field", json.dumps({"__fuzz__": 1}).encode(), "__fuzz__"
    for name in schema.get("required", []):
        yield f"missing {name}", b"{}", name
    for name, prop in properties.items():
        yield f"wrong type {name}", json.dumps({name: _wrong_value(prop, document)}).encode(), name
        yield f"huge string {name}", json.dumps({name: "x" * limit}).encode(), None
        yield f"deep nesting {name}", f'{{"{name}": {"[" * 5000}{"]" * 5000}}}'.encode(), None
        yield f"huge array {name}", json.dumps({name: [0] * (limit // 3)}).encode(), None
        yield f"invalid utf-8 {name}", b'{"' + name.encode() + b'": "\xff\xfe\xfa"}', None
    yield "truncated", b'{"a": [1, 2', None
    yield "not json", b"\x00\x01<xml/>", None


def _problems(response: Any, context: str) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{context}: {response.status_code}")
    elif response.status_code >= 400 and response.headers.get("Content-Type") != "application/problem+json":
        found.append(f"{context}: {response.status_code} not problem+json")
    return found


def _names(response: Any, field: str) -> bool:
    errors = json.loads(response.body or b"{}").get("errors", [])
    return any(e["field"] == field or e["field"].startswith(f"{field}.") for e in errors)


def test_invalid_bodies_are_refused_with_problems_naming_the_field(
    client: Any, document: dict[str, Any]
) -> None:
    found: list[str] = []
    for method, path, operation in _operations(document):
        if "requestBody" not in operation:
            continue
        schema = _resolve(operation["requestBody"]["content"]["application/json"]["schema"], document)
        for name, body, field in _body_cases(schema, document):
            response = client.http.request(method, _concrete(path), headers=_headers(operation), body=body)
            context = f"{method} {path} {name}"
            found += _problems(response, context)
            if response.status_code < 400:
                found.append(f"{context}: accepted ({response.status_code})")
            elif field is not None and not (response.status_code == 422 and _names(response, field)):
                found.append(f"{context}: {response.status_code} does not name {field}")
    assert found == []


def test_odd_path_and_query_values_never_fail(client: Any, document: dict[str, Any]) -> None:
    rng = random.Random(9)
    found: list[str] = []
    for method, path, operation in _operations(document):
        headers = _headers(operation)
        body = b"{}" if "requestBody" in operation else b""
        query = [p["name"] for p in operation["parameters"] if p["in"] == "query"]
        if "{" in path:
            for value in ODD_VALUES[1:]:  # API Gateway (and local mode) never match an empty segment
                response = client.http.request(method, _concrete(path, value), headers=headers, body=body)
                found += _problems(response, f"{method} {path} with {value!r}")
                if len(value) > 128 and response.status_code != 404:
                    found.append(
                        f"{method} {path}: an id of {len(value)} characters is {response.status_code}"
                    )
        for name in query:
            for value in rng.sample(ODD_VALUES, 5):
                target = f"{_concrete(path)}?{urlencode({name: value})}"
                response = client.http.request(method, target, headers=headers, body=body)
                found += _problems(response, f"{method} {path}?{name}={value!r}")
    assert found == []


# --- valid input: the documented examples, and bodies and queries generated from the schemas ---

#: Values for the patterns the request schemas use; a pattern not listed here is left to the
#: documented example (generating strings from arbitrary regular expressions is not needed).
#: Date-times ahead of now: an alert's ``expires`` must be in the future, whenever the suite runs.
_SOON = datetime.now(UTC) + timedelta(days=2)
_SOON_TEXT = _SOON.isoformat(timespec="seconds")
PATTERN_VALUES = {
    r"^[A-Z]{2}$": ["NP", "QA", "PH", "KE", "GB"],
    r"^[A-Z]{3}$": ["USD", "NPR", "QAR"],
    r"^[A-Za-z]{2}$": ["np", "QA"],
    r"^[A-Za-z]{2}-[A-Za-z]{2}$": ["NP-QA", "ph-ae"],
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": ["en", "fr", "ne", "ar", "es-419"],
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$": ["en", "fr-CA", "ne"],
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$": ["en", "fil", "es-MX"],
    r"^[1-9]\d{3}-(0[1-9]|1[0-2])$": ["2025-12", "2026-06"],
    BBOX_PATTERN: ["-0.2,51.4,0.1,51.6", "170,-20,-170,-10"],
    NEAR_PATTERN: ["51.5,-0.12", "-33.87,151.21"],
    text_pattern(QUERY_RULE.pattern): ["manpower", "S.A."],
    RFC_3339_PATTERN: [_SOON_TEXT],
    r"^\d{6}$": ["123456", "000000"],
    r"^[0-9a-f]{64}$": ["ab" * 32],
    r"^[^@\s]+@[^@\s]+$": ["someone@example.org"],
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": ["someone@example.org"],
    r"^[+0-9 ()./-]+$": ["+977 1 4200000", "(01) 234-5678"],
    r"^[0-9A-HJKMNP-TV-Z]{26}$": ["01JFUZZ0000000000000000000"],
    r"^[^/\\\x00-\x1f]+$": ["licence.pdf", "contrat signé.pdf"],
    r"^https://": ["https://example.org/feed.xml"],
}
FORMAT_VALUES = {
    "date-time": [_SOON.isoformat(), _SOON.astimezone(timezone(timedelta(hours=5, minutes=45))).isoformat()],
    "date": ["2026-10-01", "2025-02-28"],
    "uri": ["https://example.org/info"],
}
TEXT = ("Water rising near the bridge", "Río desbordado", "बाढ़ आयो", "حريق في المبنى", "x")


class _Unknown(Exception):
    """A schema this generator does not produce values for (the example's value is kept)."""


def _generate(schema: dict[str, Any], document: dict[str, Any], rng: random.Random, depth: int = 0) -> Any:
    """A value ``schema`` accepts (best effort: cross-field rules are the API's to enforce)."""
    schema = _resolve(schema, document)
    if depth > 6:
        raise _Unknown("too deep")
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return rng.choice(schema["enum"])
    members = schema.get("anyOf") or schema.get("oneOf")
    if members:
        usable = [m for m in members if _resolve(m, document).get("type") != "null"] or members
        return _generate(rng.choice(usable), document, rng, depth + 1)
    kind = schema.get("type")
    if kind == "string":
        if "format" in schema:
            return rng.choice(FORMAT_VALUES[schema["format"]])
        pattern = schema.get("pattern", TEXT_PATTERN)
        if pattern.startswith("^(hazard|"):
            return rng.choice(["hazard", "country,month", "hazard,country,month"])
        if pattern != TEXT_PATTERN:  # TEXT_PATTERN: any text XML can carry, as below
            if pattern not in PATTERN_VALUES:
                raise _Unknown(pattern)
            return rng.choice(PATTERN_VALUES[pattern])
        low, high = schema.get("minLength", 0), min(schema.get("maxLength", 80), 80)
        text = rng.choice(TEXT) * (1 + low // 5)
        return text[: max(low, min(high, len(text)))] if high >= low else text[:low]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + (1 if kind == "integer" else 0.5))
        high = schema.get(
            "maximum", schema.get("exclusiveMaximum", low + 100) - (1 if kind == "integer" else 0.5)
        )
        return rng.randint(int(low), int(high)) if kind == "integer" else round(rng.uniform(low, high), 4)
    if kind == "boolean":
        return rng.choice([True, False])
    if kind == "array":
        low = schema.get("minItems", 0)
        count = rng.randint(low, min(schema.get("maxItems", low + 2), low + 2))
        values = [_generate(schema.get("items", {}), document, rng, depth + 1) for _ in range(count)]
        unique = list({json.dumps(v, sort_keys=True): v for v in values}.values())
        return unique if schema.get("uniqueItems") else values
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        required = set(schema.get("required", ()))
        chosen = [name for name in properties if name in required or rng.random() < 0.5]
        return {name: _generate(properties[name], document, rng, depth + 1) for name in chosen}
    raise _Unknown(str(kind))


def _is_date_time(schema: dict[str, Any], document: dict[str, Any]) -> bool:
    schema = _resolve(schema, document)
    members = [schema, *(_resolve(m, document) for m in schema.get("anyOf", []))]
    return any(member.get("format") == "date-time" for member in members)


def _valid_bodies(operation: dict[str, Any], document: dict[str, Any], rng: random.Random) -> Iterator[Any]:
    """The documented example, then variants: some of its fields, some generated."""
    content = operation["requestBody"]["content"]["application/json"]
    schema = _resolve(content["schema"], document)
    # The documented example, its date-times moved ahead of now (an expired alert is refused).
    example = {
        name: FORMAT_VALUES["date-time"][0] if _is_date_time(schema["properties"][name], document) else value
        for name, value in content["example"].items()
    }
    yield example
    for _ in range(4):
        body = dict(example)
        for name, prop in schema.get("properties", {}).items():
            if rng.random() < 0.5:
                try:
                    body[name] = _generate(prop, document, rng)
                except _Unknown:
                    continue
        yield body


def _contract(method: str, target: str, response: Any) -> list[str]:
    answer = contract.Answer(
        method,
        target,
        response.status_code,
        response.headers.get("Content-Type", ""),
        response.body if isinstance(response.body, bytes) else bytes(response.body or b""),
    )
    return [f"{method} {target} -> {answer.status}: {v}" for v in contract.violations(answer)]


def _accepted(response: Any) -> bool:
    """Accepted, or refused only because a URL's host does not resolve: the example feed is a
    real one, and a machine without DNS (CI) cannot look it up."""
    if response.status_code < 300:
        return True
    errors = json.loads(response.body or b"{}").get("errors", []) if response.status_code == 422 else []
    return bool(errors) and all(e["message"] == "host does not resolve" for e in errors)


def test_valid_input_is_answered_as_documented(client: Any, document: dict[str, Any]) -> None:
    """Examples and generated valid bodies and queries: never 5xx, every answer (success or
    refusal) as the contract documents it, and an operation on no particular resource accepts
    at least one of them."""
    rng = random.Random(11)
    found: list[str] = []
    accepted: dict[str, bool] = {}
    for method, path, operation in _operations(document):
        headers = _headers(operation) | {"Idempotency-Key": f"fuzz-{rng.random()}"}
        key = f"{method} {path}"
        if "requestBody" in operation:
            for body in _valid_bodies(operation, document, rng):
                headers["Idempotency-Key"] = f"fuzz-{rng.random()}"
                target = _concrete(path)
                response = client.http.request(
                    method, target, headers=headers, body=json.dumps(body).encode()
                )
                found += _problems(response, f"{key} {body!r}") + _contract(method, target, response)
                accepted[key] = accepted.get(key, False) or _accepted(response)
            continue
        query = {p["name"]: p["schema"] for p in operation["parameters"] if p["in"] == "query"}
        for attempt in range(4 if query else 1):
            values = {}
            for name, schema in query.items():
                required = any(p["name"] == name and p["required"] for p in operation["parameters"])
                # The first request carries only what is required: the least a client may send.
                if required or (attempt > 0 and rng.random() < 0.5):
                    try:
                        values[name] = _generate(schema, document, rng)
                    except _Unknown:
                        continue
            target = _concrete(path) + (f"?{urlencode(values, doseq=True)}" if values else "")
            response = client.http.request(method, target, headers=headers, body=b"")
            found += _problems(response, f"{key} {values!r}") + _contract(method, target, response)
            accepted[key] = accepted.get(key, False) or response.status_code < 300
    assert found == []
    refused = sorted(key for key, ok in accepted.items() if not ok and "{" not in key)
    assert refused == [], "operations that accepted none of their documented or generated input"
