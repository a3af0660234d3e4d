"""The deployment's signing key (cursors, tracking tokens), read once per process."""

from __future__ import annotations

from functools import cache

from haven.adapters.aws import client
from haven.settings import get_settings


@cache
def signing_key() -> bytes:
    settings = get_settings()
    if settings.signing_key is not None:
        return settings.signing_key.encode()
    response = client("secretsmanager").get_secret_value(SecretId=settings.signing_key_secret_arn)
    return str(response["SecretString"]).encode()
