"""Identifiers: ULIDs (sortable by creation time) and unguessable tokens."""

from __future__ import annotations

import importlib
import re
import secrets
from functools import cache
from typing import Any

_ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


@cache
def _ulid() -> Any:
    """The ULID class, loaded by the first new id (then looked up once): most importers read
    or check ids and never make one (ADR 0046)."""
    return importlib.import_module("ulid").ULID


def new_id() -> str:
    return str(_ulid()())


def is_id(value: str) -> bool:
    return bool(_ULID_RE.match(value))


def new_token(nbytes: int = 24) -> str:
    """An unguessable URL-safe token (tracking tokens, confirmation codes)."""
    return secrets.token_urlsafe(nbytes)
