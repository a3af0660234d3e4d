"""The documentation stays true: every route is documented, only real routes are, and each
route's "who" is the roles its ``@bp.route`` declares."""

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


def _documented_roles() -> dict[tuple[str, str], set[str]]:
    """The roles each row of docs/api.md's route table names, parenthetical remarks aside."""
    from haven.auth import Role

    rows = re.findall(
        r"^\| (GET|POST|PATCH|PUT|DELETE) \| `([^`]+)` \| ([^|]+) \|",
        (REPO / "docs" / "api.md").read_text(),
        re.M,
    )
    names = {role.value for role in Role}
    return {
        (method, path): set(re.findall(r"[a-z]+", re.sub(r"\([^)]*\)", "", who))) & names
        for method, path, who in rows
    }


def test_the_api_reference_names_the_roles_each_route_declares() -> None:
    import app as api

    from chalicelib.openapi import operations

    wrong = []
    for (method, path), documented in _documented_roles().items():
        route = operations(api.app.routes)[method, path]
        declared = {role.value for role in route.roles}
        allowed = {role.value for role in route.allowed_roles()} if route.roles else set()
        if not declared <= documented <= allowed:
            wrong.append(
                f"{method} {path}: docs/api.md says {sorted(documented)}, the route {sorted(declared)}"
            )
    assert wrong == []


def test_readme_starts_with_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start
