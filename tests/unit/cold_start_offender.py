"""What a handler must not do at import (tests/unit/test_cold_start.py checks its probe on it)."""

from __future__ import annotations

from aws_lambda_powertools import Tracer
from pydantic import BaseModel

from haven.config import get_settings

tracer = Tracer(service="offender")
settings = get_settings()


class Eager(BaseModel):
    name: str
