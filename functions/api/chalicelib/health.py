"""Liveness of the API: cheap, no AWS call."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

import haven
from chalicelib.answers import answer
from chalicelib.http import HavenBlueprint
from haven.settings import get_settings

bp = HavenBlueprint(__name__)


@answer(json_schema_extra={"examples": [{"status": "ok", "version": "0.9.0", "mode": "aws"}]})
class Health(TypedDict):
    status: Literal["ok"]
    version: str
    mode: str


@bp.route("/health", summary="Liveness: status, version and mode; no AWS call")
def health() -> Health:
    settings = get_settings()
    return {"status": "ok", "version": haven.__version__, "mode": settings.mode}
