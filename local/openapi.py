"""``make openapi``: write the API's OpenAPI 3.1 document to ``docs/openapi.json``.

The document is built from the Chalice app's route table (see ``chalicelib.openapi``); a test
fails while the published copy differs from what the code would serve.
"""

from __future__ import annotations

import os

from local.environment import REPO

PUBLISHED = REPO / "docs" / "openapi.json"

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
    import app as api

    from chalicelib.openapi import render

    PUBLISHED.write_text(render(api.app.routes))
    print(f"wrote {PUBLISHED.relative_to(REPO)}")


if __name__ == "__main__":
    main()
