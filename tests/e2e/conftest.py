"""The local platform started as ``make run`` starts it (``python -m local``), over HTTP."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]
#: Every platform started in this process: the answers they give are checked against the contract.
_PLATFORM_URLS: set[str] = set()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Platform:
    url: str
    state_dir: Path
    process: subprocess.Popen[str]
    port: int
    aws_port: int

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        # Stopping saves a snapshot of every table and bucket: seconds normally, longer on a
        # loaded 2-core machine. A hang would still fail here.
        try:
            out, _ = self.process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a platform running behind the tests
            out, _ = self.process.communicate()
            raise AssertionError(f"the local platform did not stop on Ctrl-C:\n{out[-2000:]}") from None
        return out

    def token(self, role: str, **claims: str) -> str:
        args = [sys.executable, "-m", "local.tokens", "--role", role]
        for name, value in claims.items():
            args += [f"--{name.replace('_', '-')}", value]
        out = subprocess.run(
            args, env=_env(self.state_dir), capture_output=True, text=True, check=True, cwd=REPO
        )
        return out.stdout.strip().splitlines()[-1]


def _env(state_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HAVEN_", "AWS_", "POWERTOOLS_"))}
    env.update(
        {
            "HAVEN_STATE_DIR": str(state_dir),
            "HAVEN_LOCAL_VISIBILITY_TIMEOUT": "2",
            "HAVEN_RETRY_BASE_SECONDS": "1",
            "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", ".")),
        }
    )
    return env


def start_platform(state_dir: Path, port: int | None = None, aws_port: int | None = None) -> Platform:
    port = port or _free_port()
    aws_port = aws_port or _free_port()
    env = _env(state_dir) | {"HAVEN_PORT": str(port), "HAVEN_AWS_PORT": str(aws_port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "local"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("local platform exited:\n" + (process.stdout.read() if process.stdout else ""))
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                _PLATFORM_URLS.add(url)
                return Platform(url, state_dir, process, port, aws_port)
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("local platform did not serve /health within 30 s")


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = start_platform(tmp_path_factory.mktemp("state"))
    yield running
    running.stop()


# --- the contract: every answer of the platform as docs/openapi.json documents it -------------


@cache
def _document() -> dict[str, Any]:
    return json.loads((REPO / "docs" / "openapi.json").read_text())  # type: ignore[no-any-return]


@cache
def _templates() -> list[tuple[re.Pattern[str], str]]:
    """Path templates, literal segments before parameters (``/v1/alerts/feed.atom`` first)."""
    paths = sorted(_document()["paths"], key=lambda path: (path.count("{"), path))
    return [
        (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"), path) for path in paths
    ]


def _media(response: requests.Response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def _validate(schema: dict[str, Any], body: Any) -> list[str]:
    rooted = {**schema, "components": _document()["components"]}
    return [
        f"{'/'.join(map(str, e.absolute_path)) or 'body'}: {e.message}"
        for e in Draft202012Validator(rooted).iter_errors(body)
    ]


def _unrouted(response: requests.Response) -> list[str]:
    """An undocumented method or path is refused as problem+json (405 / 404), nothing else."""
    if response.status_code not in (404, 405) or _media(response) != "application/problem+json":
        return [f"undocumented operation answered {response.status_code} {_media(response)}"]
    return _validate({"$ref": "#/components/schemas/Problem"}, response.json())


def contract_violations(response: requests.Response) -> list[str]:
    """How ``response`` departs from the documented operation, status, media type and schema."""
    path = urlsplit(response.url).path
    template = next((t for pattern, t in _templates() if pattern.match(path)), None)
    method = response.request.method or ""
    operation = _document()["paths"][template].get(method.lower()) if template else None
    if operation is None:
        return _unrouted(response)
    documented = operation["responses"].get(str(response.status_code))
    if documented is None:
        return [f"status {response.status_code} is not documented for {method} {template}"]
    if "content" not in documented:
        return [] if not response.content else [f"{response.status_code} must have no body"]
    content = documented["content"].get(_media(response))
    if content is None:
        return [f"{response.status_code} {_media(response)!r} is not documented for {method} {template}"]
    if _media(response).endswith("json"):
        return _validate(content["schema"], response.json())
    return []  # XML, Atom, CSV, Markdown: documented as text


@pytest.fixture(autouse=True)
def answers_follow_the_contract(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Collect every answer of a platform during the test; fail it on any that breaks the contract."""
    answers: list[requests.Response] = []
    send = requests.Session.send

    def recording_send(session: requests.Session, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        response = send(session, request, **kwargs)
        if any((request.url or "").startswith(url + "/") for url in _PLATFORM_URLS):
            answers.append(response)
        return response

    monkeypatch.setattr(requests.Session, "send", recording_send)
    yield
    broken = [
        f"{r.request.method} {urlsplit(r.url).path} -> {r.status_code}: {violation}"
        for r in answers
        for violation in contract_violations(r)
    ]
    assert broken == [], "answers that break docs/openapi.json:\n" + "\n".join(broken)
