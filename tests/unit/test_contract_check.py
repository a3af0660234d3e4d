"""The contract check the API tests apply to every answer: it refuses what docs/openapi.json
does not document."""

from __future__ import annotations

import json
from typing import Any

from tests.contract import Answer, violations


def _answer(method: str, path: str, status: int, body: Any = None, media: str = "application/json") -> Answer:
    return Answer(
        method, "http://127.0.0.1:1" + path, status, media, b"" if body is None else json.dumps(body).encode()
    )


def test_a_documented_answer_passes() -> None:
    health = {"status": "ok", "version": "1", "mode": "local"}
    assert violations(_answer("GET", "/health", 200, health)) == []
    assert violations(_answer("GET", "/v1/alerts/feed.atom", 304, media="")) == []


def test_a_body_that_breaks_its_schema_fails() -> None:
    assert violations(_answer("GET", "/health", 200, {"status": "ok", "mode": "local"})) == [
        "body: 'version' is a required property"
    ]
    assert violations(_answer("GET", "/health", 200, {"status": "ok", "version": "1", "mode": "x", "y": 1}))


def test_undocumented_statuses_media_types_and_operations_fail() -> None:
    assert violations(_answer("GET", "/health", 500, {}))
    assert violations(_answer("GET", "/health", 200, media="text/html"))
    assert violations(_answer("GET", "/v1/nowhere", 200, {}))
    assert violations(Answer("GET", "/health", 200, "application/json", b"not json"))
    problem = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "no such route"}
    assert violations(_answer("GET", "/v1/nowhere", 404, problem, "application/problem+json")) == []
