"""Bearer tokens for local mode, signed with a key kept in the local state folder.

The API verifies them with the same code that verifies Cognito tokens in AWS; only the key
set differs. ``python -m local.tokens --role responder`` prints a token on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from local.environment import AUDIENCE, ISSUER, state_dir

ROLES = ("responder", "auditor", "admin", "recruiter", "partner")
_KID = "haven-local-1"


def _key_path() -> Path:
    return state_dir() / "auth" / "private.pem"


def jwks_path() -> Path:
    ensure_keys()
    return state_dir() / "auth" / "jwks.json"


def ensure_keys() -> rsa.RSAPrivateKey:
    """The local signing key, created once; safe when several processes start at once.

    The first process to link its key into place wins; the others load the winner's, so every
    token and every verifier on this state folder agree.
    """
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(
            candidate.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)  # atomic; fails if another process got there first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    jwks = path.parent / "jwks.json"
    if not jwks.exists():
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        public.update({"kid": _KID, "alg": "RS256", "use": "sig"})
        tmp_jwks = jwks.with_name(f"jwks.{os.getpid()}.tmp")
        tmp_jwks.write_text(json.dumps({"keys": [public]}, indent=2))
        os.replace(tmp_jwks, jwks)  # every writer derives it from the same key
    return key


def mint(
    role: str,
    *,
    org_id: str | None = None,
    partner_id: str | None = None,
    subject: str | None = None,
    ttl_seconds: int = 12 * 3600,
) -> str:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": subject or f"local-{role}-{uuid.uuid4().hex[:8]}",
        "iat": now,
        "exp": now + ttl_seconds,
        "token_use": "id",
        "cognito:groups": [role],
    }
    if org_id:
        claims["custom:org_id"] = org_id
    if partner_id:
        claims["custom:partner_id"] = partner_id
    return jwt.encode(claims, ensure_keys(), algorithm="RS256", headers={"kid": _KID})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Print a local bearer token for a role.")
    parser.add_argument("--role", required=True, choices=ROLES)
    parser.add_argument("--org-id", default=None)
    parser.add_argument("--partner-id", default=None)
    args = parser.parse_args(argv)
    if args.role == "recruiter" and not args.org_id:
        parser.error("a recruiter token needs --org-id (make token ROLE=recruiter ORG_ID=...)")
    if args.role == "partner" and not args.partner_id:
        parser.error("a partner token needs --partner-id (make token ROLE=partner PARTNER_ID=...)")
    print(f"# {args.role} token for the local API, valid 12 h: send it as 'Authorization: Bearer <token>'")
    print(mint(args.role, org_id=args.org_id, partner_id=args.partner_id))


if __name__ == "__main__":
    main()
