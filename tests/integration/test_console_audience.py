"""The API accepts the console's own app client's tokens (its ``aud``) beside the app client's,
and only when the deployment names that client (HAVEN_AUTH_CONSOLE_AUDIENCE; ADR 30)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import jwt
import pytest
from chalice.test import Client

from haven.config import get_settings
from local import tokens
from local.environment import ISSUER

CONSOLE_CLIENT = "console-client-id"


def _bearer(audience: str) -> dict[str, str]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": audience,
        "sub": "s",
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["responder"],
    }
    kid = jwt.get_unverified_header(tokens.mint("responder"))["kid"]
    token = jwt.encode(claims, tokens.ensure_keys(), algorithm="RS256", headers={"kid": kid})
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def console_audience(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("HAVEN_AUTH_CONSOLE_AUDIENCE", CONSOLE_CLIENT)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _status(audience: str) -> int:
    import app as api

    with Client(api.app) as client:
        return int(client.http.get("/v1/ops/incidents", headers=_bearer(audience)).status_code)


def test_the_console_clients_tokens_are_accepted(aws: None, console_audience: None) -> None:
    assert _status(CONSOLE_CLIENT) == 200
    assert _status("another-app") == 401


def test_without_a_console_client_its_tokens_are_refused(aws: None) -> None:
    get_settings.cache_clear()
    assert _status(CONSOLE_CLIENT) == 401
