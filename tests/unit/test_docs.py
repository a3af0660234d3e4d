"""The documentation stays true: every route is documented, and only real routes are."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_route_is_in_the_api_reference() -> None:
    import app as api

    documented = set(
        re.findall(
            r"^\| (GET|POST|PATCH|PUT|DELETE) \| `([^`]+)` \|", (REPO / "docs" / "api.md").read_text(), re.M
        )
    )
    implemented = {(method, path) for path, methods in api.app.routes.items() for method in methods}
    assert implemented - documented == set(), "routes missing from docs/api.md"
    assert documented - implemented == set(), "docs/api.md documents routes that do not exist"


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start
