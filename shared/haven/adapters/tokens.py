"""Bearer token verification: Cognito's JWKS in AWS, a local key set in local mode.

Both paths use the same verifier: RS256 only, issuer and audience checked, expiry enforced,
roles from the ``cognito:groups`` claim, ``org_id`` / ``partner_id`` from their claims.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haven.auth import Principal, Role
from haven.errors import Unauthenticated
from haven.settings import get_settings

if TYPE_CHECKING:
    import jwt

# PyJWT (and cryptography under it) is imported by the first bearer token, not at import:
# most of the API's routes are public (ADR 0039).

_ALGORITHMS = ["RS256"]
_LEEWAY_SECONDS = 30


class _KeySource:
    def __init__(self) -> None:
        import jwt

        settings = get_settings()
        self._lock = threading.Lock()
        self._file = Path(settings.auth_jwks_file) if settings.auth_jwks_file else None
        self._client = (
            jwt.PyJWKClient(settings.auth_jwks_url, cache_keys=True, lifespan=3600, timeout=5)
            if settings.auth_jwks_url and not self._file
            else None
        )
        self._local: dict[str, jwt.PyJWK] | None = None

    def key_for(self, token: str) -> Any:
        import jwt

        if self._client is not None:
            return self._client.get_signing_key_from_jwt(token).key
        kid = jwt.get_unverified_header(token).get("kid")
        with self._lock:
            if self._local is None:
                assert self._file is not None
                keys = json.loads(self._file.read_text())["keys"]
                self._local = {k["kid"]: jwt.PyJWK(k) for k in keys}
        if kid not in self._local:
            raise jwt.InvalidTokenError("unknown key id")
        return self._local[kid].key


@cache
def _keys() -> _KeySource:
    return _KeySource()


#: Claims that are NumericDates (RFC 7519 section 2) when present.
_TIME_CLAIMS = ("exp", "nbf", "iat")


def verify_bearer(authorization: str | None) -> Principal | None:
    """The principal of an ``Authorization: Bearer`` header; ``None`` when there is none."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'")
    token = token.strip()
    settings = get_settings()
    import jwt

    try:
        claims = jwt.decode(
            token,
            key=_keys().key_for(token),
            algorithms=_ALGORITHMS,
            issuer=settings.auth_issuer,
            options={"require": ["exp", "iss", "sub"], "verify_aud": False},
            leeway=_LEEWAY_SECONDS,
        )
    except (jwt.InvalidTokenError, jwt.PyJWKClientError) as error:
        raise Unauthenticated(f"invalid bearer token: {error}") from None
    for moment in _TIME_CLAIMS:
        # RFC 7519: NumericDate is a JSON number; PyJWT also takes a numeric string for exp.
        value = claims.get(moment)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise Unauthenticated(f"invalid bearer token: {moment} must be a number")
    audience = claims.get("aud") or claims.get("client_id")
    if audience not in {settings.auth_audience, settings.auth_console_audience} - {None}:
        raise Unauthenticated("invalid bearer token: wrong audience")
    return principal_from_claims(claims)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles = frozenset(Role(g) for g in claims.get("cognito:groups", []) if g in Role._value2member_map_)
    return Principal(
        subject=str(claims["sub"]),
        roles=roles,
        org_id=claims.get("custom:org_id") or claims.get("org_id"),
        partner_id=claims.get("custom:partner_id") or claims.get("partner_id"),
    )
