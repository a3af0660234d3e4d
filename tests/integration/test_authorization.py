"""Every route × every kind of caller, against the real app: the matrix the contract states.

The expected class of answer comes from each route's declared contract (the roles published
in the OpenAPI document): without a token 401, without the role 403, another organisation's or
partner's resource 404, and otherwise "allowed": any answer that is not 401, 403 or 5xx (and
not 404 either when the path names a resource the caller may see).
A route added to the app is in the matrix without any change here.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from chalice.test import Client
from cryptography.hazmat.primitives.asymmetric import rsa

from haven.auth import Role
from haven.ids import new_id
from local import tokens
from local.environment import AUDIENCE, ISSUER
from tests.integration.test_complaints import file, partner, triage_and_refer

ORG_A, ORG_B = "org-a", "org-b"


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role | None
    #: Whose organisation or partner the caller is: "A" owns the resources in the paths.
    tenant: str | None = None
    token: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


@dataclass(frozen=True)
class World:
    client: Any
    callers: tuple[Caller, ...]
    #: Path parameter → the id of a resource that belongs to tenant A.
    owned: dict[str, str]


@pytest.fixture
def world(aws: None) -> Iterator[World]:
    import app as api

    with Client(api.app) as client:
        partner_a = partner(client, None)["partner_id"]
        partner_b = partner(client, None, name="Ministry of Labour")["partner_id"]
        triage_and_refer(client, file(client)["complaint_id"], remove_partners=[partner_b])
        referral = client.http.get("/v1/partner/referrals", headers=_bearer("partner", partner_id=partner_a))
        application = client.http.post(
            "/v1/accreditation/applications", headers=_bearer("recruiter", org_id=ORG_A), body="{}"
        )
        assert application.status_code == 201, application.body
        callers = (
            Caller("public", None),
            *(
                Caller(role.value, role, token=tokens.mint(role.value))
                for role in (Role.RESPONDER, Role.AUDITOR, Role.ADMIN)
            ),
            Caller("recruiter A", Role.RECRUITER, "A", tokens.mint("recruiter", org_id=ORG_A)),
            Caller("recruiter B", Role.RECRUITER, "B", tokens.mint("recruiter", org_id=ORG_B)),
            Caller("partner A", Role.PARTNER, "A", tokens.mint("partner", partner_id=partner_a)),
            Caller("partner B", Role.PARTNER, "B", tokens.mint("partner", partner_id=partner_b)),
        )
        owned = {
            "application_id": application.json_body["application_id"],
            "referral_id": referral.json_body["items"][0]["referral_id"],
        }
        yield World(client, callers, owned)


def _bearer(role: str, **claims: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Authorization": f"Bearer {tokens.mint(role, **claims)}"}


def _expected(operation: Any, path: str, caller: Caller, owned: dict[str, str]) -> str:
    if not operation.roles:
        return "allowed"
    if caller.role is None:
        return "401"
    if caller.role not in operation.allowed_roles():
        return "403"
    if not any(name in owned for name in re.findall(r"{([^}]+)}", path)):
        return "allowed"
    return "404" if operation.tenant and caller.tenant == "B" else "found"


def _matches(expected: str, status: int) -> bool:
    """``allowed``: neither refused nor failed; ``found``: allowed and the resource was seen."""
    if expected in ("401", "403", "404"):
        return status == int(expected)
    allowed = status not in (401, 403) and status < 500
    return allowed and (expected == "allowed" or status != 404)


def _call(world: World, method: str, path: str, operation: Any, caller: Caller) -> Any:
    concrete = re.sub(r"{([^}]+)}", lambda m: world.owned.get(m.group(1), new_id()), path)
    body = json.dumps(operation.example if operation.example is not None else {})
    return world.client.http.request(
        method, concrete, headers=caller.headers(), body=body.encode() if method != "GET" else b""
    )


def test_every_route_answers_every_caller_as_the_contract_says(world: World) -> None:
    import app as api

    from chalicelib.openapi import operations

    wrong = []
    for path, methods in sorted(api.app.routes.items()):
        for method in sorted(methods):
            operation = operations(api.app.routes)[method, path]
            for caller in world.callers:
                response = _call(world, method, path, operation, caller)
                expected = _expected(operation, path, caller, world.owned)
                if not _matches(expected, response.status_code):
                    wrong.append(
                        f"{method} {path} as {caller.name}: {response.status_code}, expected {expected}"
                    )
                elif response.status_code >= 400:
                    assert response.headers["Content-Type"] == "application/problem+json", (method, path)
    assert wrong == []


def test_lists_per_tenant_show_nothing_of_another(world: World) -> None:
    by_name = {c.name: c for c in world.callers}
    for path, owned in (
        ("/v1/partner/referrals", world.owned["referral_id"]),
        ("/v1/accreditation/applications", world.owned["application_id"]),
    ):
        kind = "partner" if "partner" in path else "recruiter"
        mine = world.client.http.get(path, headers=by_name[f"{kind} A"].headers())
        theirs = world.client.http.get(path, headers=by_name[f"{kind} B"].headers())
        assert owned in mine.body.decode()
        assert owned not in theirs.body.decode()


# --- bad tokens ----------------------------------------------------------------------------------


def _claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "attacker",
        "iat": now,
        "exp": now + 600,
        "cognito:groups": ["responder", "admin"],
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _kid() -> str:
    return str(jwt.get_unverified_header(tokens.mint("responder"))["kid"])


def _signed(claims: dict[str, Any], key: Any = None, kid: str | None = None) -> str:
    return jwt.encode(claims, key or tokens.ensure_keys(), algorithm="RS256", headers={"kid": kid or _kid()})


def _public_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization

    return (
        tokens.ensure_keys()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _forged(alg: str, claims: dict[str, Any], secret: bytes | None) -> str:
    """A token signed by hand: ``alg: none`` (no signature) or HMAC keyed with ``secret``."""
    import hashlib
    import hmac

    encode = lambda part: jwt.utils.base64url_encode(json.dumps(part).encode()).decode()  # noqa: E731
    signing_input = f"{encode({'alg': alg, 'typ': 'JWT', 'kid': _kid()})}.{encode(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest() if secret else b""
    return f"{signing_input}.{jwt.utils.base64url_encode(signature).decode()}"


BAD_AUTHORIZATIONS = {
    "expired": lambda: "Bearer " + _signed(_claims(exp=int(time.time()) - 3600)),
    "wrongly signed": lambda: (
        "Bearer " + _signed(_claims(), rsa.generate_private_key(public_exponent=65537, key_size=2048))
    ),
    "unknown key id": lambda: "Bearer " + _signed(_claims(), kid="another-key"),
    "another audience": lambda: "Bearer " + _signed(_claims(aud="another-app")),
    "another issuer": lambda: "Bearer " + _signed(_claims(iss="https://evil.example.org")),
    "no expiry": lambda: "Bearer " + _signed(_claims(exp=None)),
    "no subject": lambda: "Bearer " + _signed(_claims(sub=None)),
    "alg none": lambda: "Bearer " + _forged("none", _claims(), None),
    "HS256 keyed with the public key": lambda: "Bearer " + _forged("HS256", _claims(), _public_pem()),
    "malformed": lambda: "Bearer not.a.jwt",
    "garbage": lambda: "Bearer \x00\xff" + "A" * 5000,
    "empty bearer": lambda: "Bearer ",
    "another scheme": lambda: "Basic " + tokens.mint("responder"),
}


@pytest.mark.parametrize("kind", sorted(BAD_AUTHORIZATIONS))
def test_bad_tokens_are_401_on_protected_routes(aws: None, kind: str) -> None:
    import app as api

    authorization = BAD_AUTHORIZATIONS[kind]()
    with Client(api.app) as client:
        for path in ("/v1/ops/incidents", "/v1/admin/complaints", "/v1/partner/referrals"):
            response = client.http.get(path, headers={"Authorization": authorization})
            assert response.status_code == 401, (kind, path, response.body)
            assert response.headers["Content-Type"] == "application/problem+json"
