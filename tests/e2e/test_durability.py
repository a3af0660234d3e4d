"""An answer of 2xx in local mode means the write survives a kill (SIGKILL, no chance to save).

The platform is started as ``make run`` starts it, with its own state folder; reports and
persons are posted, the platform is killed right after the last 2xx, restarted on the same
state, and everything acknowledged is read back, including the triage work still queued.
"""

from __future__ import annotations

import signal
import stat
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import wait_for

from .conftest import Platform, start_platform

pytestmark = pytest.mark.e2e

SURNAMES = ("Okonkwo", "Lindqvist", "Barzani", "Nakamura", "Oyelaran")


def _kill(platform: Platform) -> None:
    platform.process.send_signal(signal.SIGKILL)
    platform.process.wait(timeout=30)


def _post_reports(platform: Platform, count: int) -> list[dict[str, Any]]:
    acknowledged = []
    for n in range(count):
        response = requests.post(
            platform.url + "/v1/reports",
            json={
                "category": "unknown",
                "description": f"Durability check {n}: the water is rising near the school",
                "location": {"lat": 10.0 + n * 0.5, "lon": 20.0 + n * 0.5},
            },
            timeout=10,
        )
        assert response.status_code == 202, response.text
        acknowledged.append(response.json())
    return acknowledged


def _post_persons(platform: Platform) -> list[dict[str, Any]]:
    acknowledged = []
    for surname in SURNAMES:
        response = requests.post(
            platform.url + "/v1/safety/people",
            json={
                "full_name": f"Amina {surname}",
                "home_city": "Mosul",
                "author": {"name": "Farid Haddad", "email": "farid@example.org"},
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        acknowledged.append(response.json())
    return acknowledged


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    first = start_platform(tmp_path)
    try:
        persons = _post_persons(first)
        reports = _post_reports(first, 20)
    finally:
        _kill(first)  # right after the last 2xx: no snapshot, no shutdown
    # What was acknowledged is in the journal, as private as the snapshot.
    segments = list(tmp_path.glob("journal.*.jsonl"))
    assert segments
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in segments)
    second = start_platform(tmp_path)
    try:
        for report in reports:
            seen = requests.get(
                f"{second.url}/v1/reports/{report['report_id']}",
                params={"token": report["tracking_token"]},
                timeout=10,
            )
            assert seen.status_code == 200, (report["report_id"], seen.text)
        for surname, person in zip(SURNAMES, persons, strict=True):
            found = requests.get(
                second.url + "/v1/safety/people", params={"q": f"amina {surname}"}, timeout=10
            ).json()
            assert person["person_id"] in [p["person_id"] for p in found["items"]], surname

        # The triage work acknowledged with each 202 was queued durably too: every report is
        # triaged after the restart (whatever the first run had finished before the kill).
        def all_triaged() -> bool | None:
            statuses = [
                requests.get(
                    f"{second.url}/v1/reports/{r['report_id']}",
                    params={"token": r["tracking_token"]},
                    timeout=10,
                ).json()["status"]
                for r in reports
            ]
            return all(s != "received" for s in statuses) or None

        assert wait_for(all_triaged, seconds=90, interval=1)
    finally:
        second.stop()


def test_writes_survive_a_kill_after_a_restart_too(tmp_path: Path) -> None:
    """The journal is replayed on start and the platform goes on journaling: a second kill,
    after a restart and more writes, loses nothing either."""
    first = start_platform(tmp_path)
    try:
        before = _post_reports(first, 3)
    finally:
        _kill(first)
    second = start_platform(tmp_path)
    try:
        after = _post_reports(second, 3)
    finally:
        _kill(second)
    third = start_platform(tmp_path)
    try:
        for report in before + after:
            seen = requests.get(
                f"{third.url}/v1/reports/{report['report_id']}",
                params={"token": report["tracking_token"]},
                timeout=10,
            )
            assert seen.status_code == 200, (report["report_id"], seen.text)
    finally:
        third.stop()


def test_an_upload_and_its_screening_survive_sigkill(tmp_path: Path) -> None:
    """A presigned POST answered 204 by the embedded S3 is kept, and so is the screening its
    S3 event queued: after the kill, the genuine photo stays and the disguised page goes."""
    from tests.support import HTML, UPLOAD_SAMPLES

    from .test_uploads import _keys, _post, _report_with_photos, _screening_idle

    first = start_platform(tmp_path)
    aws_port = first.aws_port
    try:
        genuine, disguised = _report_with_photos(first, 2)
        _post(genuine, UPLOAD_SAMPLES["image/jpeg"])
        _post(disguised, HTML)
    finally:
        _kill(first)
    second = start_platform(tmp_path, aws_port=aws_port)
    try:
        wait_for(
            lambda: _screening_idle(second) and disguised["fields"]["key"] not in _keys(second), seconds=60
        )
        assert genuine["fields"]["key"] in _keys(second)
    finally:
        second.stop()
