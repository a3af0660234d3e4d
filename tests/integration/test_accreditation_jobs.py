"""The accreditation schedule, run as Lambda runs it, on a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from haven import clock
from haven.resources import SCHEDULES, function
from tests.integration.accreditation_support import auditor
from tests.integration.test_accreditation import ORG, accredited, act, submitted

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = START
        monkeypatch.setattr(clock, "now", lambda: self.moment)

    def at(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def client(aws: None, outbox: Any, frozen: Clock) -> Iterator[Any]:
    import app as api
    from chalice.test import Client

    with Client(api.app) as c:
        yield c


@pytest.fixture
def outbox(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    from haven.adapters import notifier

    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(tmp_path / "outbox.jsonl"))
    notifier.notifier.cache_clear()
    return tmp_path / "outbox.jsonl"


def run_jobs() -> dict[str, int]:
    from functions.accreditation_jobs import handler
    from local.dispatcher import scheduled_event
    from local.lambda_context import LambdaContext

    [schedule] = [s for s in SCHEDULES if s.name == "accreditation-jobs"]
    assert function(schedule.function).module == "functions.accreditation_jobs.handler"
    return handler.handler(scheduled_event(schedule), LambdaContext("accreditation-jobs"))  # type: ignore[no-any-return]


def state_of(client: Any, application: dict[str, Any]) -> str:
    path = f"/v1/accreditation/applications/{application['application_id']}"
    return str(client.http.get(path, headers=auditor()).json_body["state"])


def test_renewal_notice_then_expiry_removes_from_roster(client: Any, frozen: Clock, outbox: Any) -> None:
    from haven.adapters.notifier import read_outbox

    application = accredited(client)
    expiry = datetime.fromisoformat(application["valid_until"])
    assert expiry == START.replace(year=2029)

    frozen.at(expiry - timedelta(days=91))
    assert run_jobs() == {}
    frozen.at(expiry - timedelta(days=90))
    assert run_jobs() == {"mark_renewal_due": 1}
    assert run_jobs() == {}  # idempotent: a second run finds nothing due
    assert state_of(client, application) == "renewal_due"
    assert "renewal_due" in read_outbox(outbox)[-1]["subject"]
    assert client.http.get(f"/v1/roster/{ORG}").json_body["status"] == "accredited"  # still valid

    frozen.at(expiry)
    assert run_jobs() == {"expire": 1}
    assert run_jobs() == {}
    assert state_of(client, application) == "expired"
    assert client.http.get(f"/v1/roster/{ORG}").status_code == 404


def test_renewal_extends_from_the_old_expiry(client: Any, frozen: Clock) -> None:
    application = accredited(client)
    expiry = datetime.fromisoformat(application["valid_until"])
    frozen.at(expiry - timedelta(days=30))
    run_jobs()
    current = client.http.get(
        f"/v1/accreditation/applications/{application['application_id']}",
        headers=auditor(),
    ).json_body
    renewed = act(client, current, "renew", term_years=2).json_body
    assert renewed["state"] == "accredited"
    assert renewed["valid_until"] == clock.iso(expiry.replace(year=expiry.year + 2))


def test_deferral_lapses_after_60_days_without_answer(client: Any, frozen: Clock) -> None:
    application = act(client, submitted(client), "start_review").json_body
    assert act(client, application, "defer").status_code == 200
    frozen.at(START + timedelta(days=59, hours=23))
    assert run_jobs() == {}
    frozen.at(START + timedelta(days=60))
    assert run_jobs() == {"lapse": 1}
    assert run_jobs() == {}
    assert state_of(client, application) == "withdrawn"


def test_answered_deferral_does_not_lapse(client: Any, frozen: Clock) -> None:
    from tests.integration.accreditation_support import post, recruiter

    application = act(client, submitted(client), "start_review").json_body
    deferred = act(client, application, "defer").json_body
    answered = post(
        client,
        f"/v1/accreditation/applications/{application['application_id']}/submit",
        {"expected_version": deferred["version"]},
        recruiter(),
    )
    assert answered.json_body["state"] == "under_review"
    frozen.at(START + timedelta(days=90))
    assert run_jobs() == {}


def test_suspension_ends_and_the_roster_shows_accredited_again(client: Any, frozen: Clock) -> None:
    application = accredited(client)
    act(client, application, "suspend", suspended_until=clock.iso(START + timedelta(days=30)))
    assert client.http.get(f"/v1/roster/{ORG}").json_body["suspended"] is True
    frozen.at(START + timedelta(days=30))
    assert run_jobs() == {"end_suspension": 1}
    assert run_jobs() == {}
    assert state_of(client, application) == "accredited"
    assert client.http.get(f"/v1/roster/{ORG}").json_body["status"] == "accredited"
