"""Every answer the API gives through Chalice's test client must follow docs/openapi.json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import TestHTTPClient

from tests import contract


@pytest.fixture(autouse=True)
def answers_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[contract.Answer]]:
    """Record every answer of the handler during the test; fail the test on any that breaks the
    contract (status, media type or body schema)."""
    answers: list[contract.Answer] = []
    send = TestHTTPClient.request

    def recording(client: TestHTTPClient, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        response = send(client, method, path, *args, **kwargs)
        content_type = next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")
        answers.append(
            contract.Answer(method.upper(), path, response.status_code, content_type, response.body)
        )
        return response

    monkeypatch.setattr(TestHTTPClient, "request", recording)
    yield answers
    broken = contract.report(answers)
    assert not broken, "answers that break docs/openapi.json:\n" + broken


@pytest.fixture
def start_of_a_minute(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Time runs on from the first second of a minute, so a test counting against a per-minute
    limit (fixed windows) has the whole window and never sees its counts reset half-way. Only
    ``haven.clock`` moves (up to 59 s back): code reading the system's time (signed cursors,
    idempotency records) sees the real time, which these tests do not compare with it."""
    from haven import clock

    real = clock.now
    began = real()
    offset = began.replace(second=1, microsecond=0) - began
    monkeypatch.setattr(clock, "now", lambda: real() + offset)
    yield
    assert clock.now().minute == (began + offset).minute, "the test outlasted its minute: its counts reset"
