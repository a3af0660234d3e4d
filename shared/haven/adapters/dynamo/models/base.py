"""What every table shares: its name (from the stage's prefix) and its connection settings."""

from __future__ import annotations

import os


def table_name(logical: str) -> str:
    return f"{os.environ.get('HAVEN_TABLE_PREFIX', 'haven-local')}-{logical}"


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"


class HavenMeta:
    """Settings every table shares; each model's ``Meta`` adds its ``table_name``."""

    region = _region()
    billing_mode = "PAY_PER_REQUEST"
    max_retry_attempts = 3
    connect_timeout_seconds = 2
    read_timeout_seconds = 5
