"""What a handler must not do at import (tests/unit/test_cold_start.py checks its probe on it)."""

from __future__ import annotations

import jwt  # noqa: F401 (loaded at import: what the probe must report)
from aws_lambda_powertools import Tracer
from cryptography.hazmat.primitives import hashes  # noqa: F401 (likewise)
from pydantic import BaseModel

from haven.config import get_settings

tracer = Tracer(service="offender")
settings = get_settings()


class Eager(BaseModel):
    name: str
