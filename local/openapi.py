"""``make openapi``: write the API's route index and its OpenAPI 3.1 document.

Both are derived from the blueprints' routes: the index (``chalicelib/route_index.py``, which
the app registers at cold start, ADR 0049) by ``chalicelib.routing``, the document
(``docs/openapi.json``) from the app's route table by ``chalicelib.openapi``. Tests fail while
either differs from what the code declares.
"""

from __future__ import annotations

import os

from local.environment import REPO

PUBLISHED = REPO / "docs" / "openapi.json"
ROUTE_INDEX = REPO / "functions" / "api" / "chalicelib" / "route_index.py"

#: Importing the app validates settings; building the document calls nothing, so placeholders do.
_IMPORT_ONLY = {
    "HAVEN_MODE": "local",
    "HAVEN_SIGNING_KEY": "openapi-generation-only-not-a-secret-0123456789",
    "HAVEN_AUTH_JWKS_FILE": os.devnull,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
}


def main() -> None:
    for name, value in _IMPORT_ONLY.items():
        os.environ.setdefault(name, value)
    from chalicelib.routing import declared_routes, index_source

    ROUTE_INDEX.write_text(index_source(declared_routes()))
    print(f"wrote {ROUTE_INDEX.relative_to(REPO)}")

    import app as api  # registers the index just written

    from chalicelib.openapi import render

    PUBLISHED.write_text(render(api.app.routes))
    print(f"wrote {PUBLISHED.relative_to(REPO)}")


if __name__ == "__main__":
    main()
