"""The local platform started as ``make run`` starts it (``python -m local``), over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from tests import contract
from tests.support import envelope_problems, leaks

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
    #: Where this run's output starts in ``platform.log`` (a restart appends to the same file).
    log_offset: int = 0

    def output(self) -> str:
        """Everything this run of the platform has written so far (its logs)."""
        with (self.state_dir / "platform.log").open(encoding="utf-8", errors="replace") as log:
            log.seek(self.log_offset)
            return log.read()

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        # Stopping saves a snapshot of every table and bucket: seconds normally, longer on a
        # loaded 2-core machine. A hang would still fail here.
        try:
            self.process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.process.kill()  # never leave a platform running behind the tests
            self.process.wait()
            raise AssertionError(
                f"the local platform did not stop on Ctrl-C:\n{self.output()[-2000:]}"
            ) from None
        return self.output()

    def event_log(self) -> str:
        """Every event the platform put on its bus (``events.jsonl``), one JSON line each."""
        path = self.state_dir / "events.jsonl"
        return path.read_text(encoding="utf-8") if path.exists() else ""

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
            # Every line the platform can write: personal data must reach none of them.
            "HAVEN_LOG_LEVEL": "DEBUG",
            "PYTHONPATH": os.pathsep.join(str(REPO / p) for p in ("shared", "functions/api", ".")),
        }
    )
    return env


def start_platform(
    state_dir: Path,
    port: int | None = None,
    aws_port: int | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Platform:
    port = port or _free_port()
    aws_port = aws_port or _free_port()
    env = _env(state_dir) | {"HAVEN_PORT": str(port), "HAVEN_AWS_PORT": str(aws_port), **(extra_env or {})}
    # Output goes to a file, never a pipe: at DEBUG a platform writes more than a pipe holds, and
    # one nobody reads until the end would block it.
    log_path = state_dir / "platform.log"
    offset = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("a", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "local"],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    platform = Platform(f"http://127.0.0.1:{port}", state_dir, process, port, aws_port, offset)
    url = platform.url
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("local platform exited:\n" + platform.output())
        try:
            if requests.get(url + "/health", timeout=5).status_code == 200:
                _PLATFORM_URLS.add(url)
                return platform
        except requests.RequestException:  # not listening yet, or slow on a loaded machine
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("local platform did not serve /health within 30 s")


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    """One platform for a module's scenarios. Stopping it, every line it logged and every event
    it put on the bus are searched for the personal data the scenarios gave it, and every event
    must be an EventBridge envelope that Powertools' parser and the event's schema accept."""
    running = start_platform(tmp_path_factory.mktemp("state"))
    yield running
    output = running.stop()
    found = leaks(output) + leaks(running.event_log())
    assert found == [], "personal data in the platform's logs or events:\n" + "\n".join(found)
    refused = envelope_problems(json.loads(line) for line in running.event_log().splitlines())
    assert refused == [], "events that EventBridge would not deliver:\n" + "\n".join(refused)


# --- the contract: every answer of the platform as docs/openapi.json documents it -------------


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
    broken = contract.report(
        [
            contract.Answer(
                r.request.method or "",
                r.url,
                r.status_code,
                r.headers.get("Content-Type", ""),
                r.content,
            )
            for r in answers
        ]
    )
    assert not broken, "answers that break docs/openapi.json:\n" + broken
