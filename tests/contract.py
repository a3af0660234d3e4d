"""How an answer of the API departs from its contract, ``docs/openapi.json``.

One check for every test that talks to the API: the e2e tests over HTTP and the integration
tests through Chalice's test client both record each answer and fail on any that uses an
undocumented status or media type, or whose body breaks the documented schema.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Answer:
    method: str
    #: The request target; a query string and a scheme and host are ignored.
    target: str
    status: int
    content_type: str
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def media(self) -> str:
        return self.content_type.split(";")[0].strip()


@cache
def document() -> dict[str, Any]:
    return json.loads((REPO / "docs" / "openapi.json").read_text())  # type: ignore[no-any-return]


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Path templates, literal segments before parameters (``/v1/alerts/feed.atom`` first)."""
    paths = sorted(document()["paths"], key=lambda path: (path.count("{"), path))
    return [
        (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"), path) for path in paths
    ]


@cache
def _validator(schema_json: str) -> Draft202012Validator:
    rooted = {**json.loads(schema_json), "components": document()["components"]}
    return Draft202012Validator(rooted)


def _validate(schema: dict[str, Any], body: bytes) -> list[str]:
    try:
        value = json.loads(body)
    except ValueError:
        return ["the body is not JSON"]
    return [
        f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}"
        for e in _validator(json.dumps(schema, sort_keys=True)).iter_errors(value)
    ]


def _unrouted(answer: Answer) -> list[str]:
    """An undocumented method or path is refused as problem+json (405 / 404), nothing else."""
    if answer.status not in (404, 405) or answer.media != "application/problem+json":
        return [f"undocumented operation answered {answer.status} {answer.media}"]
    return _validate({"$ref": "#/components/schemas/Problem"}, answer.body)


def violations(answer: Answer) -> list[str]:
    """How ``answer`` departs from the documented operation, status, media type and schema."""
    template = next((t for pattern, t in _templates() if pattern.match(answer.path)), None)
    operation = document()["paths"][template].get(answer.method.lower()) if template else None
    if operation is None:
        return _unrouted(answer)
    documented = operation["responses"].get(str(answer.status))
    if documented is None:
        return [f"status {answer.status} is not documented for {answer.method} {template}"]
    if "content" not in documented:
        return [] if not answer.body else [f"{answer.status} must have no body"]
    content = documented["content"].get(answer.media)
    if content is None:
        return [f"{answer.status} {answer.media!r} is not documented for {answer.method} {template}"]
    if answer.media.endswith("json"):
        return _validate(content["schema"], answer.body)
    return []  # XML, Atom, CSV, Markdown: documented as text


def report(answers: list[Answer]) -> str:
    """The broken answers, one line each; empty when all follow the contract."""
    return "\n".join(
        f"{a.method} {a.path} -> {a.status}: {violation}" for a in answers for violation in violations(a)
    )
