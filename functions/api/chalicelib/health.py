"""Liveness of the API: cheap, no AWS call."""

from __future__ import annotations

import haven
from chalicelib.http import HavenBlueprint
from haven.settings import get_settings

bp = HavenBlueprint(__name__)


@bp.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    settings = get_settings()
    return {"status": "ok", "version": haven.__version__, "mode": settings.mode}
