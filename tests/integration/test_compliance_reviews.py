"""Accreditation monitoring: ``complaint.resolved`` → the compliance-reviews worker, as Lambda runs it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from haven import clock, ids
from haven.resources import RULES, function
from tests.integration.accreditation_support import auditor, recruiter
from tests.integration.test_accreditation import APPS, accredited, act, submitted

EVENTS = Path(__file__).resolve().parents[2] / "events"


@pytest.fixture
def client(aws: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    import app as api
    from chalice.test import Client

    from haven.adapters import notifier

    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(tmp_path / "outbox.jsonl"))
    notifier.notifier.cache_clear()
    with Client(api.app) as c:
        yield c


def resolved(recruiter_id: str | None, *, substantiated: bool = True) -> dict[str, Any]:
    """A ``complaint.resolved`` detail, valid against its schema."""
    sample = json.loads((EVENTS / "samples" / "complaint.resolved.json").read_text())
    detail = {
        **sample["detail"],
        "complaint_id": ids.new_id(),
        "recruiter_id": recruiter_id,
        "substantiated": substantiated,
    }
    schema = json.loads((EVENTS / "schemas" / "complaint.resolved.json").read_text())
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(detail)
    return detail


def deliver(detail: dict[str, Any]) -> dict[str, Any]:
    """The event as the catalog rule routes it to the worker's queue."""
    from functions.compliance_reviews import handler
    from local.dispatcher import sqs_event
    from local.lambda_context import LambdaContext

    [rule] = [r for r in RULES if "complaint.resolved" in r.detail_types]
    assert function(rule.target_queue).module == "functions.compliance_reviews.handler"
    body = json.dumps({"detail-type": "complaint.resolved", "source": "haven.complaints", "detail": detail})
    message = {"MessageId": ids.new_id(), "ReceiptHandle": "r", "Body": body}
    event = sqs_event([message], f"arn:aws:sqs:eu-west-1:123456789012:{rule.target_queue}")
    return handler.handler(event, LambdaContext("compliance-reviews"))  # type: ignore[no-any-return]


def _in_days(days: int) -> str:
    return clock.iso(clock.now() + timedelta(days=days))


def staff_view(client: Any, application: dict[str, Any]) -> dict[str, Any]:
    path = f"{APPS}/{application['application_id']}"
    return client.http.get(path, headers=auditor()).json_body  # type: ignore[no-any-return]


def test_substantiated_complaint_opens_one_review_that_auditors_see(client: Any) -> None:
    org = ids.new_id()
    application = accredited(client, org)
    complaint = resolved(org)

    assert deliver(complaint) == {"batchItemFailures": []}
    assert deliver(complaint) == {"batchItemFailures": []}  # redelivered: nothing twice

    view = staff_view(client, application)
    assert view["state"] == "accredited"  # the auditors decide
    assert view["version"] == application["version"] + 1
    assert [r["complaint_id"] for r in view["compliance_reviews"]] == [complaint["complaint_id"]]
    assert view["compliance_reviews"][0]["categories"] == complaint["categories"]
    opened = [e for e in view["history"] if e["action"] == "compliance_review_opened"]
    assert len(opened) == 1
    assert opened[0]["actor"] == "system"
    assert opened[0]["role"] == "system"
    assert complaint["complaint_id"] in opened[0]["reason"]
    assert opened[0]["from_state"] == opened[0]["to_state"] == "accredited"
    assert "suspend" in view["allowed_actions"]

    own = client.http.get(f"{APPS}/{application['application_id']}", headers=recruiter(org)).json_body
    assert own["compliance_reviews"] is None  # auditors only

    second = resolved(org)
    deliver(second)
    reviews = staff_view(client, application)["compliance_reviews"]
    assert [r["complaint_id"] for r in reviews] == [complaint["complaint_id"], second["complaint_id"]]


def test_auditor_suspends_after_the_review(client: Any) -> None:
    org = ids.new_id()
    application = accredited(client, org)
    deliver(resolved(org))
    current = staff_view(client, application)
    stale = act(client, application, "suspend", suspended_until=_in_days(30))
    assert stale.status_code == 409  # the review changed the version: the auditor reloads

    suspended = act(client, current, "suspend", suspended_until=_in_days(30))
    assert suspended.status_code == 200, suspended.body
    assert suspended.json_body["state"] == "suspended"
    deliver(resolved(org))  # still on the roster (suspended): reviewed too
    assert len(staff_view(client, application)["compliance_reviews"]) == 2


def test_unsubstantiated_complaints_and_unlisted_recruiters_record_nothing(client: Any) -> None:
    org = ids.new_id()
    application = accredited(client, org)
    pending_org = ids.new_id()
    pending = submitted(client, pending_org)

    for detail in (
        resolved(org, substantiated=False),
        resolved(None),
        resolved(ids.new_id()),  # not a recruiter Haven knows
        resolved(pending_org),  # applied, not accredited
    ):
        assert deliver(detail) == {"batchItemFailures": []}

    for listed in (application, pending):
        view = staff_view(client, listed)
        assert view["version"] == listed["version"]
        assert view["compliance_reviews"] == []
        assert all(e["action"] != "compliance_review_opened" for e in view["history"])
