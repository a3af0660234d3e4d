"""The e2e contract check itself: it refuses what docs/openapi.json does not document."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from .conftest import contract_violations

pytestmark = pytest.mark.e2e


def _answer(method: str, path: str, status: int, body: Any = None, media: str = "application/json") -> Any:
    response = requests.Response()
    response.status_code = status
    response.url = "http://127.0.0.1:1" + path
    response.request = requests.Request(method, response.url).prepare()
    response.headers["Content-Type"] = media
    response._content = b"" if body is None else json.dumps(body).encode()
    return response


def test_a_documented_answer_passes() -> None:
    health = {"status": "ok", "version": "1", "mode": "local"}
    assert contract_violations(_answer("GET", "/health", 200, health)) == []
    assert contract_violations(_answer("GET", "/v1/alerts/feed.atom", 304, media="")) == []


def test_a_body_that_breaks_its_schema_fails() -> None:
    violations = contract_violations(_answer("GET", "/health", 200, {"status": "ok", "mode": "local"}))
    assert violations == ["body: 'version' is a required property"]


def test_undocumented_statuses_media_types_and_operations_fail() -> None:
    assert contract_violations(_answer("GET", "/health", 500, {}))
    assert contract_violations(_answer("GET", "/health", 200, media="text/html"))
    assert contract_violations(_answer("GET", "/v1/nowhere", 200, {}))
    problem = {"type": "about:blank", "title": "Not Found", "status": 404, "detail": "no such route"}
    assert contract_violations(_answer("GET", "/v1/nowhere", 404, problem, "application/problem+json")) == []
