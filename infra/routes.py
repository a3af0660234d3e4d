"""The API's route table, read from the Chalice app that serves it.

API Gateway gets exactly the resources and methods of ``functions/api/app.py``: a route added
to the app is deployed without touching the infrastructure code.

The app is imported in a child Python process: importing it validates settings and builds
Powertools objects, and none of that (nor the placeholder settings it needs) may leak into the
process that synthesizes the stack, which may also be a test session importing the same app.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Set
from pathlib import Path

#: A route table: path (``/v1/reports/{id}``) → HTTP methods.
RouteTable = Mapping[str, Set[str]]

#: Settings that ``haven.config`` requires when the app is imported. Reading the route table
#: calls nothing, so placeholders do; they exist only in the child process.
_IMPORT_ONLY_ENVIRONMENT = {
    "HAVEN_MODE": "local",
    "HAVEN_STAGE": "synth",
    "HAVEN_SIGNING_KEY": "route-table-inspection-only-not-a-secret",
    "HAVEN_AUTH_JWKS_FILE": os.devnull,
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "PYTHONDONTWRITEBYTECODE": "1",
}

_PRINT_ROUTES = """
import json, sys
sys.path[:0] = sys.argv[1:3]
import app
print(json.dumps({"file": app.__file__,
                  "routes": {path: sorted(methods) for path, methods in app.app.routes.items()}}))
"""


def route_table(routes: Mapping[str, Mapping[str, object]]) -> dict[str, frozenset[str]]:
    """``chalice_app.routes`` ({path: {method: RouteEntry}}) as a route table."""
    return {path: frozenset(m.upper() for m in methods) for path, methods in routes.items()}


def load_route_table(repo_root: Path) -> dict[str, frozenset[str]]:
    """Import ``functions/api/app.py`` (a ``chalice.Chalice`` named ``app``) and read its routes."""
    api_dir = (repo_root / "functions" / "api").resolve()
    if not (api_dir / "app.py").is_file():
        raise FileNotFoundError(f"{api_dir / 'app.py'} is missing: the API has no route table")
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")},
        **_IMPORT_ONLY_ENVIRONMENT,
    }
    completed = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", _PRINT_ROUTES, str(api_dir), str(repo_root.resolve() / "shared")],
        cwd=api_dir,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"could not import the API's Chalice app:\n{completed.stderr}")
    answer = json.loads(completed.stdout.strip().splitlines()[-1])
    if Path(answer["file"]).resolve() != api_dir / "app.py":
        raise ImportError(f"'app' resolved to {answer['file']}, not {api_dir / 'app.py'}")
    return {path: frozenset(methods) for path, methods in answer["routes"].items()}


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def strictly_throttled(contract: Path, routes: RouteTable) -> frozenset[tuple[str, str]]:
    """(path, method) of the public writes and secret lookups, from the published OpenAPI document.

    An operation is public when the contract lists no security for it; the contract is kept in
    step with the app by the tests, so the classes here follow the routes without a list to keep.
    """
    document = json.loads(contract.read_text())
    strict = set()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            verb = method.upper()
            if verb not in routes.get(path, ()) or operation.get("security"):
                continue
            if verb in WRITE_METHODS or operation.get("x-secret-lookup"):
                strict.add((path, verb))
    return frozenset(strict)
