"""Identifiers: ULIDs (sortable by creation time) and unguessable tokens."""

from __future__ import annotations

import re
import secrets

from ulid import ULID

_ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def new_id() -> str:
    return str(ULID())


def is_id(value: str) -> bool:
    return bool(_ULID_RE.match(value))


def new_token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (tracking tokens, confirmation codes)."""
    return secrets.token_urlsafe(nbytes)
