"""Sealing personal data before storage: AES-256-GCM, keyed from the deployment's signing key.

The key is derived with HKDF (a separate key per purpose), so sealing costs no AWS call; the
record id is bound as associated data, so a sealed value copied onto another record will not
open. Rotating the signing key makes sealed values unreadable: they are short-lived by design
(subscriptions are re-confirmed after a rotation).
"""

from __future__ import annotations

import base64
import os
from functools import cache
from typing import TYPE_CHECKING

from haven.adapters.secrets import signing_key

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose: HKDF-SHA256 of the deployment's signing key."""
    # cryptography is loaded by the first derivation, not at import (ADR 0039).
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"haven:{purpose}".encode()).derive(
        signing_key()
    )


@cache
def _aead(purpose: str) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(derived_key(purpose))


class AesGcmSealer:
    def __init__(self, purpose: str) -> None:
        self._purpose = purpose

    def seal(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(12)
        sealed = _aead(self._purpose).encrypt(nonce, plaintext.encode(), context.encode())
        return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, context: str) -> str:
        version, _, payload = sealed.partition(".")
        if version != _VERSION:
            raise ValueError("unknown sealing version")
        raw = base64.urlsafe_b64decode(payload)
        return _aead(self._purpose).decrypt(raw[:12], raw[12:], context.encode()).decode()
