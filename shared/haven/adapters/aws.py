"""Lazily created AWS clients, one per service per process.

Importing a handler creates no client and does no I/O; the first use does. Clients honour
``AWS_ENDPOINT_URL`` (the embedded AWS in local mode) through botocore's own configuration.
They are botocore's: boto3 adds resources and S3 transfers, which Haven does not use, and a
fifth of a cold start to load them (ADR 0049).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import botocore.session
from botocore.config import Config

_lock = threading.Lock()

_CONFIG = Config(
    retries={"max_attempts": 3, "mode": "standard"},
    connect_timeout=2,
    read_timeout=5,
    # One client serves every thread of the process: in local mode a poller per queue, the
    # event log and the API share it, more than botocore's default pool of 10 connections.
    max_pool_connections=32,
)


@cache
def client(service: str) -> Any:
    with _lock:
        return botocore.session.Session().create_client(service, config=_CONFIG)


def reset_clients() -> None:
    """Forget every client (tests that switch between mocked and served AWS)."""
    client.cache_clear()
