"""Core of the haven package: problems, cursors, ids, auth, settings, idempotency keys."""

from __future__ import annotations

import time

import pytest
from pydantic import ValidationError

from haven import cursor as cursor_mod
from haven.auth import Principal, Role, require
from haven.config import Settings
from haven.cursor import CursorCodec
from haven.errors import (
    FieldError,
    Forbidden,
    NotFound,
    Problem,
    Unauthenticated,
    ValidationFailed,
)
from haven.idempotency import fingerprint, scoped_key, validate_key
from haven.ids import is_id, new_id, new_token

KEY = b"k" * 32


def test_validation_problem_lists_fields() -> None:
    error = ValidationFailed([FieldError("location.lat", "must be <= 90")])
    body = Problem.from_error(error).to_dict("/v1/reports")
    assert body["status"] == 422
    assert body["type"] == "https://haven.example.org/problems/validation"
    assert body["errors"] == [{"field": "location.lat", "message": "must be <= 90"}]
    assert body["instance"] == "/v1/reports"
    assert "location.lat" in str(body["detail"])


def test_problem_without_errors_has_no_errors_member() -> None:
    body = Problem.from_error(NotFound("no such report")).to_dict()
    assert body == {
        "type": "https://haven.example.org/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no such report",
    }


def test_cursor_round_trip() -> None:
    codec = CursorCodec(KEY)
    scope = {"route": "ops/reports", "status": "new"}
    token = codec.encode({"report_id": "A", "received_at": "2026"}, scope)
    assert codec.decode(token, scope) == {"report_id": "A", "received_at": "2026"}


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
        lambda t: "x" + t,  # payload changed
        lambda t: t.replace(".", ""),  # no signature
        lambda t: t + "." + t,  # garbage
    ],
)
def test_tampered_cursor_is_rejected(tamper) -> None:  # type: ignore[no-untyped-def]
    codec = CursorCodec(KEY)
    scope = {"route": "ops/reports"}
    token = codec.encode({"report_id": "A"}, scope)
    with pytest.raises(ValidationFailed) as caught:
        codec.decode(tamper(token), scope)
    assert caught.value.errors[0].field == "cursor"


def test_cursor_cannot_be_replayed_on_another_scope() -> None:
    codec = CursorCodec(KEY)
    token = codec.encode({"pk": "partner-a#1"}, {"partner_id": "a"})
    with pytest.raises(ValidationFailed):
        codec.decode(token, {"partner_id": "b"})


def test_cursor_from_another_key_is_rejected() -> None:
    token = CursorCodec(b"o" * 32).encode({"pk": 1}, {})
    with pytest.raises(ValidationFailed):
        CursorCodec(KEY).decode(token, {})


def test_cursor_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    codec = CursorCodec(KEY)
    token = codec.encode({"pk": 1}, {})
    later = time.time() + 2 * 24 * 3600
    monkeypatch.setattr(cursor_mod.time, "time", lambda: later)
    with pytest.raises(ValidationFailed):
        codec.decode(token, {})


def test_ids_are_ulids_and_sortable() -> None:
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert is_id(first)
    assert is_id(second)
    assert first < second
    assert not is_id("not-a-ulid")
    assert len(new_token()) >= 32


def test_require_roles() -> None:
    responder = Principal("s1", frozenset({Role.RESPONDER}))
    admin = Principal("s2", frozenset({Role.ADMIN}))
    partner = Principal("s3", frozenset({Role.PARTNER}), partner_id="p1")
    with pytest.raises(Unauthenticated):
        require(None, Role.RESPONDER)
    assert require(responder, Role.RESPONDER) is responder
    assert require(admin, Role.RESPONDER) is admin  # admin may do what staff can
    with pytest.raises(Forbidden):
        require(responder, Role.AUDITOR)
    with pytest.raises(Forbidden):
        require(admin, Role.PARTNER)  # admin is not a partner
    assert require(partner, Role.PARTNER) is partner
    with pytest.raises(Forbidden):
        require(Principal("s4", frozenset({Role.PARTNER})), Role.PARTNER)


def test_settings_validate_at_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAVEN_SIGNING_KEY")
    with pytest.raises(ValidationError, match="SIGNING_KEY"):
        Settings()
    monkeypatch.setenv("HAVEN_SIGNING_KEY", "short")
    with pytest.raises(ValidationError):
        Settings()
    monkeypatch.setenv("HAVEN_SIGNING_KEY", "x" * 40)
    monkeypatch.setenv("HAVEN_MODE", "aws")
    monkeypatch.setenv("HAVEN_PUBLIC_URL", "https://haven.example.org")
    with pytest.raises(ValidationError, match="local mode only"):
        Settings()


def test_public_url_defaults_to_the_local_gateway_only_in_local_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HAVEN_PUBLIC_URL", raising=False)
    assert Settings().public_url == "http://127.0.0.1:8000"
    monkeypatch.setenv("HAVEN_MODE", "aws")
    monkeypatch.delenv("HAVEN_AUTH_JWKS_FILE", raising=False)
    monkeypatch.setenv("HAVEN_AUTH_JWKS_URL", "https://idp.example.org/.well-known/jwks.json")
    # In AWS the links people get must lead somewhere they can reach: no default.
    with pytest.raises(ValidationError, match="HAVEN_PUBLIC_URL"):
        Settings()
    for unreachable in (
        "http://127.0.0.1:8000",
        "https://localhost/v1",
        "http://haven.example.org",
        "ftp://x.org",
    ):
        monkeypatch.setenv("HAVEN_PUBLIC_URL", unreachable)
        with pytest.raises(ValidationError, match="HAVEN_PUBLIC_URL"):
            Settings()
    monkeypatch.setenv("HAVEN_PUBLIC_URL", "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/")
    assert Settings().public_url == "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"


def test_idempotency_fingerprint_ignores_json_formatting() -> None:
    a = fingerprint("POST", "/v1/reports", b'{"a": 1, "b": [1, 2]}')
    b = fingerprint("POST", "/v1/reports", b'{"b":[1,2],"a":1}')
    c = fingerprint("POST", "/v1/reports", b'{"a": 2, "b": [1, 2]}')
    d = fingerprint("POST", "/v1/complaints", b'{"a": 1, "b": [1, 2]}')
    assert a == b
    assert len({a, c, d}) == 3


def test_idempotency_key_format_and_scope() -> None:
    assert validate_key("3f1c2a9e-1111-4a4a-9a9a-0123456789ab")
    for bad in ("short", "x" * 129, "has space in it", "semi;colon;key"):
        with pytest.raises(ValidationFailed):
            validate_key(bad)
    assert scoped_key("POST /v1/reports", "public", "k1") != scoped_key("POST /v1/complaints", "public", "k1")
