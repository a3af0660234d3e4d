"""The API's shared plumbing over a real HTTP server: errors, auth, idempotency."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from chalice import Chalice

from chalicelib.http import HavenBlueprint, Strict
from haven.auth import Principal, Role
from haven.errors import Conflict
from local import tokens
from local.gateway import LocalGateway


class Echo(Strict):
    name: str
    count: int = 0


def _test_app(calls: list[dict[str, Any]]) -> Chalice:
    """A small app on the real plumbing, so that the mechanisms are tested on their own."""
    import app as api

    bp = HavenBlueprint("plumbing")

    @bp.route("/v1/echo", method="POST", summary="Echo", body=Echo, idempotent=True)
    def echo(*, body: Echo) -> Any:
        if body.name == "conflict":
            raise Conflict("stale")
        calls.append(body.model_dump())
        return {"n": len(calls), "name": body.name}

    @bp.route("/v1/echo/{thing}", method="POST", summary="Echo a thing", body=Echo, idempotent=True)
    def echo_thing(thing: str, *, body: Echo) -> Any:
        calls.append({"thing": thing, **body.model_dump()})
        return {"n": len(calls), "thing": thing}

    @bp.route("/v1/staff", summary="Staff only", roles=(Role.RESPONDER,))
    def staff(*, principal: Principal) -> Any:
        return {"subject": principal.subject}

    app = Chalice(app_name="plumbing")
    app.register_blueprint(bp)
    app.register_middleware(api.access_log, "http")
    return app


@pytest.fixture
def server(aws: None) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    calls: list[dict[str, Any]] = []
    app = _test_app(calls)
    gateway = LocalGateway(app, list(app.routes), port=0)
    gateway.start()
    yield gateway.url, calls
    gateway.stop()


def test_unknown_route_is_404_problem(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.get(url + "/v1/nowhere", timeout=5)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_wrong_method_is_405_problem_with_allow(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.delete(url + "/v1/echo", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json()["type"].endswith("/method-not-allowed")


def test_malformed_json_is_400(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.post(url + "/v1/echo", data=b"{not json", timeout=5)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"


def test_unknown_field_and_wrong_type_name_the_field(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.post(url + "/v1/echo", json={"name": "a", "extra": 1, "count": "x"}, timeout=5)
    assert response.status_code == 422
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["extra"] == "unknown field"
    assert "count" in fields


def test_oversized_body_is_413(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.post(url + "/v1/echo", json={"name": "a" * 70_000}, timeout=5)
    assert response.status_code == 413


def test_idempotent_post_replays_and_refuses_other_bodies(server: tuple[str, list[Any]]) -> None:
    url, calls = server
    headers = {"Idempotency-Key": "key-0001-abcdef"}
    first = requests.post(url + "/v1/echo", json={"name": "a"}, headers=headers, timeout=5)
    again = requests.post(url + "/v1/echo", data='{ "name" : "a" }', headers=headers, timeout=5)
    other = requests.post(url + "/v1/echo", json={"name": "b"}, headers=headers, timeout=5)
    assert first.status_code == 200
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert len(calls) == 1
    fresh = requests.post(
        url + "/v1/echo",
        json={"name": "b"},
        headers={"Idempotency-Key": "key-0002-abcdef"},
        timeout=5,
    )
    assert fresh.json()["n"] == 2


def test_a_key_reused_on_another_resource_is_refused_not_replayed(server: tuple[str, list[Any]]) -> None:
    """The route is a template (``/v1/echo/{thing}``): the same key and body sent to another
    resource is another request, refused, never answered with the first resource's answer."""
    url, calls = server
    headers = {"Idempotency-Key": "key-0004-abcdef"}
    first = requests.post(url + "/v1/echo/one", json={"name": "a"}, headers=headers, timeout=5)
    again = requests.post(url + "/v1/echo/one", json={"name": "a"}, headers=headers, timeout=5)
    other = requests.post(url + "/v1/echo/two", json={"name": "a"}, headers=headers, timeout=5)
    assert first.json() == again.json() == {"n": 1, "thing": "one"}
    assert other.status_code == 422, other.text
    assert other.json()["type"].endswith("/idempotency-key-reused")
    assert calls == [{"thing": "one", "name": "a", "count": 0}]


def test_failed_idempotent_request_can_be_retried(server: tuple[str, list[Any]]) -> None:
    url, calls = server
    headers = {"Idempotency-Key": "key-0003-abcdef"}
    assert (
        requests.post(url + "/v1/echo", json={"name": "conflict"}, headers=headers, timeout=5).status_code
        == 409
    )
    assert (
        requests.post(url + "/v1/echo", json={"name": "conflict"}, headers=headers, timeout=5).status_code
        == 409
    )
    assert calls == []


def test_bad_idempotency_key_is_422(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.post(
        url + "/v1/echo", json={"name": "a"}, headers={"Idempotency-Key": "no"}, timeout=5
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_roles_from_bearer_tokens(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    assert requests.get(url + "/v1/staff", timeout=5).status_code == 401
    responder = tokens.mint("responder", subject="r-1")
    ok = requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {responder}"}, timeout=5)
    assert ok.status_code == 200
    assert ok.json() == {"subject": "r-1"}
    auditor = tokens.mint("auditor")
    assert (
        requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {auditor}"}, timeout=5).status_code
        == 403
    )
    forged = responder[:-4] + ("AAAA" if not responder.endswith("AAAA") else "BBBB")
    assert (
        requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {forged}"}, timeout=5).status_code
        == 401
    )
    expired = tokens.mint("responder", ttl_seconds=-120)
    assert (
        requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {expired}"}, timeout=5).status_code
        == 401
    )
    assert (
        requests.get(url + "/v1/staff", headers={"Authorization": "Basic abc"}, timeout=5).status_code == 401
    )


def test_token_from_another_issuer_is_rejected(
    server: tuple[str, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    import jwt

    url, _ = server
    claims = json.loads(
        json.dumps(
            {
                "iss": "someone-else",
                "aud": "haven",
                "sub": "x",
                "exp": 2**31,
                "cognito:groups": ["admin"],
            }
        )
    )
    token = jwt.encode(claims, tokens.ensure_keys(), algorithm="RS256", headers={"kid": "haven-local-1"})
    assert (
        requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code
        == 401
    )
    assert os.environ["HAVEN_AUTH_ISSUER"] == "haven-local"


@pytest.mark.parametrize("field", ["exp", "iat", "nbf"])
def test_a_time_claim_that_is_not_a_number_is_refused(server: tuple[str, list[Any]], field: str) -> None:
    """RFC 7519 NumericDate: ``"exp": "2147483648"`` is a string, not a date (PyJWT takes it)."""
    import time

    import jwt

    url, _ = server
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": "haven-local",
        "aud": "haven",
        "sub": "x",
        "exp": now + 600,
        "cognito:groups": ["responder"],
        field: str({"exp": now + 600, "iat": now, "nbf": now - 1}[field]),
    }
    token = jwt.encode(claims, tokens.ensure_keys(), algorithm="RS256", headers={"kid": "haven-local-1"})
    answer = requests.get(url + "/v1/staff", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert answer.status_code == 401
    assert "must be a number" in answer.json()["detail"]


def test_a_client_that_hangs_up_leaves_no_traceback(
    server: tuple[str, list[Any]], capfd: pytest.CaptureFixture[str]
) -> None:
    """``make run``'s terminal stays readable: a reset connection is not an error."""
    import socket
    import struct
    import time
    from urllib.parse import urlsplit

    parts = urlsplit(server[0])
    with socket.create_connection((parts.hostname, parts.port)) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # close = reset
        client.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
    time.sleep(0.3)
    assert requests.get(server[0] + "/v1/nowhere", timeout=5).status_code == 404  # still serving
    assert "Traceback" not in capfd.readouterr().err


# --- the local gateway's framing and methods (issue 19) ---------------------------------------


def _exchange(url: str, request: bytes) -> bytes:
    """Send raw bytes; everything the gateway answers until it closes (5 s at most: no hang)."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    answer = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as client:
        client.sendall(request)
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def test_a_header_too_large_is_a_431_problem(server: tuple[str, list[Any]]) -> None:
    url, _ = server
    response = requests.get(url + "/v1/staff", headers={"Authorization": "Bearer " + "a" * 70_000}, timeout=5)
    assert response.status_code == 431
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 431
    assert requests.get(url + "/v1/nowhere", timeout=5).status_code == 404  # still serving


@pytest.mark.parametrize("length", ["abc", "-1", "+5", "0x10", "5, 6", ""])
def test_a_content_length_that_is_not_a_number_is_a_400_problem(
    server: tuple[str, list[Any]], capfd: pytest.CaptureFixture[str], length: str
) -> None:
    url, calls = server
    body = b'{"name": "framed"}'
    answer = _exchange(
        url,
        b"POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {length}\r\n\r\n".encode()
        + body,
    )
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer
    assert b"Content-Type: application/problem+json" in head
    assert b"Connection: close" in head
    assert json.loads(payload)["detail"] == "Content-Length must be one non-negative integer"
    assert calls == []
    assert "Traceback" not in capfd.readouterr().err


def test_a_body_shorter_than_its_length_is_not_waited_for_forever(aws: None) -> None:
    import time

    app = _test_app([])
    gateway = LocalGateway(app, list(app.routes), port=0, read_timeout=0.5)
    gateway.start()
    try:
        started = time.monotonic()
        answer = _exchange(gateway.url, b"POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{}")
        assert answer == b""  # disconnected once the client stopped sending
        assert time.monotonic() - started < 4
        assert requests.get(gateway.url + "/v1/nowhere", timeout=5).status_code == 404
    finally:
        gateway.stop()


def test_a_chunked_body_is_read(server: tuple[str, list[Any]]) -> None:
    url, _ = server

    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"chunked"}'

    response = requests.post(
        url + "/v1/echo", data=chunks(), headers={"Content-Type": "application/json"}, timeout=5
    )
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "chunked"
    both = _exchange(
        url,
        b"POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert both.startswith(b"HTTP/1.1 400 ")


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PROPFIND", "CONNECT"])
def test_any_method_a_route_lacks_is_405_problem_with_allow(
    server: tuple[str, list[Any]], method: str
) -> None:
    url, _ = server
    response = requests.request(method, url + "/v1/echo", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("/method-not-allowed")


def test_trace_and_query_are_405_with_allow_on_every_operation(aws: None) -> None:
    """Every route of the real API, through the local gateway, as a client sends them."""
    import re

    import app as api

    gateway = LocalGateway(api.app, list(api.app.routes), port=0)
    gateway.start()
    try:
        for path, methods in sorted(api.app.routes.items()):
            concrete = re.sub(r"{\w+\+?}", "x1", path)
            for method in ("TRACE", "QUERY"):
                response = requests.request(method, gateway.url + concrete, timeout=5)
                assert response.status_code == 405, (method, path, response.text)
                assert response.headers["Content-Type"] == "application/problem+json"
                allowed = {m.strip() for m in response.headers["Allow"].split(",")}
                assert allowed == set(methods), (method, path)
    finally:
        gateway.stop()
