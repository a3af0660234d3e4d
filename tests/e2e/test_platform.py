"""The local platform over HTTP: start, serve, tokens, restart with data kept."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import envelope_problems, wait_for

from .conftest import Platform, start_platform

pytestmark = pytest.mark.e2e


def test_health_and_problem_json(platform: Platform) -> None:
    health = requests.get(platform.url + "/health", timeout=5)
    assert health.json()["status"] == "ok"
    assert health.json()["mode"] == "local"
    missing = requests.get(platform.url + "/v1/does-not-exist", timeout=5)
    assert missing.status_code == 404
    assert missing.headers["Content-Type"] == "application/problem+json"
    wrong_method = requests.put(platform.url + "/health", timeout=5)
    assert wrong_method.status_code == 405


def test_make_token_prints_a_token_the_api_accepts(platform: Platform) -> None:
    token = platform.token("partner", partner_id="ministry-of-labour")
    assert token.count(".") == 2


def test_the_event_log_records_what_reached_the_bus(platform: Platform) -> None:
    """``make events`` lists the events; the privacy check at stop reads the same file."""
    submitted = requests.post(
        platform.url + "/v1/reports",
        json={
            "category": "unknown",
            "description": "Smoke over the port",
            "location": {"lat": 43.3, "lon": 5.37},
        },
        timeout=5,
    ).json()

    def logged() -> list[dict[str, Any]]:
        lines = [json.loads(line) for line in platform.event_log().splitlines()]
        return [e for e in lines if e["detail"].get("report_id") == submitted["report_id"]]

    [event] = wait_for(logged)
    assert (event["source"], event["detail-type"]) == ("haven.crisis", "report.received")
    assert envelope_problems([event]) == []  # with its account, as EventBridge delivers it
    listed = subprocess.run(
        [sys.executable, "-m", "local.events", "--type", "report.received"],
        env={**os.environ, "HAVEN_STATE_DIR": str(platform.state_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert submitted["report_id"] in listed.stdout


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = start_platform(tmp_path)
    try:
        submitted = requests.post(
            first.url + "/v1/reports",
            json={
                "category": "caution_and_advice",
                "description": "Bridge on the river road is closed",
                "location": {"lat": 48.8566, "lon": 2.3522},
            },
            timeout=5,
        )
        assert submitted.status_code == 202
        body = submitted.json()
    finally:
        out = first.stop()
    assert "stopped." in out
    second = start_platform(tmp_path)
    try:
        seen = requests.get(
            f"{second.url}/v1/reports/{body['report_id']}",
            params={"token": body["tracking_token"]},
            timeout=5,
        )
        assert seen.status_code == 200
        assert seen.json()["report_id"] == body["report_id"]
    finally:
        second.stop()
    # What it kept holds people's reports: readable by its owner only, whatever the umask.
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700
    journal = [p.name for p in tmp_path.glob("journal.*.jsonl")]
    for name in ("snapshot.json", "events.jsonl", *journal):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600, name


def test_the_outbox_is_private(tmp_path: Path) -> None:
    from haven.adapters.notifier import OutboxNotifier
    from haven.notifications import Message

    outbox = tmp_path / "outbox.jsonl"
    outbox.touch(mode=0o644)
    previous = os.umask(0o022)
    try:
        OutboxNotifier(outbox).send(
            Message("sms", "+447700900123", "Flood warning", "Move to higher ground", "a-1")
        )
    finally:
        os.umask(previous)
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600
