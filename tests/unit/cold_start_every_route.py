"""The API as it is once every route has served a first request: the app imported and every
blueprint loaded by its route (tests/unit/test_cold_start.py probes it like a handler)."""

from __future__ import annotations

import app

for methods in app.app.routes.values():
    for entry in methods.values():
        entry.view_function.loaded()
