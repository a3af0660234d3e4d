"""The app registers its routes from the generated index and loads a blueprint at its route's
first request (ADR 0049): the index is the blueprints' own, and nothing is loaded before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INDEX = REPO / "functions" / "api" / "chalicelib" / "route_index.py"
PYTHONPATH = os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", "."))


def test_the_index_is_what_the_blueprints_declare() -> None:
    from chalicelib.routing import declared_routes, index_source

    assert INDEX.read_text() == index_source(declared_routes()), "the route index is stale: run make openapi"


def test_the_app_routes_every_declared_route_to_its_own_view() -> None:
    import app as api

    from chalicelib.routing import blueprint, declared_routes

    for declared in declared_routes():
        entry = api.app.routes[declared.path][declared.method]
        assert entry.view_name == declared.view
        assert entry.content_types == [declared.body_media]
        real = blueprint(declared.blueprint).views[declared.method, declared.path]
        assert entry.view_function.loaded() is real
        assert entry.view_function.route is real.route  # type: ignore[attr-defined]


def _modules_after(code: str) -> list[str]:
    probe = (
        "import json, sys\n" + code + "\nprint(json.dumps(sorted(m for m in sys.modules "
        "if m.startswith('chalicelib.') or m in ('pydantic', 'pynamodb', 'boto3', 'botocore.client'))))"
    )
    env = {**os.environ, "PYTHONPATH": PYTHONPATH, "POWERTOOLS_TRACE_DISABLED": "true"}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-3000:]
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_app_loads_no_blueprint_nor_what_they_use() -> None:
    assert _modules_after("import app") == [
        "chalicelib.problems",
        "chalicelib.route_index",
        "chalicelib.routing",
    ]


def test_a_first_request_loads_its_own_blueprint_only() -> None:
    loaded = _modules_after("import app\napp.app.routes['/v1/guidance']['GET'].view_function.loaded()")
    blueprints = {m for m in loaded if m.startswith("chalicelib.")} - {
        "chalicelib.problems",
        "chalicelib.route_index",
        "chalicelib.routing",
        "chalicelib.http",
        "chalicelib.answers",
        "chalicelib.fields",
    }
    assert blueprints == {"chalicelib.guidance"}
