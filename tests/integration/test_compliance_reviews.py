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
from local import tokens
from tests.integration.accreditation_support import auditor, post, recruiter
from tests.integration.test_accreditation import APPS, accredited, act, submitted
from tests.support import sample_event

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
    body = json.dumps(sample_event("complaint.resolved", **detail))
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


# --- the journey: a worker names a recruiter of the roster, a partner substantiates it -----------

NEPAL = "org-e2e-nepal"  # an organisation id as administrators set them: no particular format


def complaint(client: Any, recruiter: dict[str, str]) -> Any:
    body = {
        "recruiter": recruiter,
        "categories": ["recruitment_fees"],
        "description": "The agency charged me 3000 USD for the visa.",
        "origin_country": "PH",
        "destination_country": "QA",
        "consent_share_identity": "no",
    }
    return client.http.post(
        "/v1/complaints", headers={"Content-Type": "application/json"}, body=json.dumps(body)
    )


def named(client: Any, recruiter: dict[str, str]) -> dict[str, Any]:
    """The recruiter as the filed complaint records it."""
    filed = complaint(client, recruiter)
    assert filed.status_code == 201, filed.body
    path = f"/v1/admin/complaints/{filed.json_body['complaint_id']}"
    return client.http.get(path, headers=auditor()).json_body["recruiter"]  # type: ignore[no-any-return]


def test_complaints_name_recruiters_by_the_id_the_roster_shows(client: Any) -> None:
    accredited(client, NEPAL)
    [listed] = client.http.get("/v1/roster?q=SGE").json_body["items"]
    assert listed["recruiter_id"] == NEPAL

    assert named(client, {"recruiter_id": NEPAL}) == {"recruiter_id": NEPAL}
    for unknown in ("org-e2e-unknown", ids.new_id()):
        refused = complaint(client, {"recruiter_id": unknown})
        assert refused.status_code == 422, refused.body
        assert [e["field"] for e in refused.json_body["errors"]] == ["recruiter.recruiter_id"]


def test_an_organisation_id_the_roster_could_not_show_cannot_apply(client: Any) -> None:
    too_long = post(client, APPS, {}, recruiter("o" * 65))
    assert too_long.status_code == 403, too_long.body
    assert post(client, APPS, {}, recruiter("o" * 64)).status_code == 201


def test_name_country_and_licence_resolve_to_the_roster_entry(client: Any) -> None:
    accredited(client, NEPAL)
    for name in ("SGE Manpower", "societe generale", "Société Générale d'Emploi S.A."):
        by_licence = {"name": name, "country": "PH", "licence_number": "poea 123/2020"}
        assert named(client, by_licence) == {**by_licence, "recruiter_id": NEPAL}

    for unconfirmed in (
        {"name": "Fast Jobs Ltd", "country": "PH", "licence_number": "POEA-123/2020"},  # not its name
        {"name": "SGE Manpower", "country": "PH", "licence_number": "POEA-999/2020"},  # not its licence
        {"name": "SGE Manpower", "country": "NP", "licence_number": "POEA-123/2020"},  # not that country's
        {"name": "SGE Manpower", "country": "PH"},
    ):
        assert named(client, unconfirmed) == unconfirmed


def test_a_substantiated_complaint_by_name_and_licence_opens_a_review(client: Any) -> None:
    from tests.integration.test_complaints import partner, triage_and_refer
    from tests.support import published_events

    application = accredited(client, NEPAL)
    authority = partner(client, None, jurisdictions={"origin": ["PH"]})
    filed = complaint(client, {"name": "SGE Manpower", "country": "PH", "licence_number": "POEA-123/2020"})
    assert filed.status_code == 201, filed.body
    triage_and_refer(client, filed.json_body["complaint_id"])
    published_events()
    token = tokens.mint("partner", subject="partner-1", partner_id=authority["partner_id"])
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    [referral] = client.http.get("/v1/partner/referrals", headers=headers).json_body["items"]
    ack = {"status": "resolved", "outcome": {"substantiated": True, "remedy": "fees refunded"}}
    path = f"/v1/partner/referrals/{referral['referral_id']}/ack"
    assert client.http.post(path, headers=headers, body=json.dumps(ack)).status_code == 200

    [event] = [e for e in published_events() if e["detail-type"] == "complaint.resolved"]
    assert deliver(event["detail"]) == {"batchItemFailures": []}  # type: ignore[arg-type]
    reviews = staff_view(client, application)["compliance_reviews"]
    assert [r["complaint_id"] for r in reviews] == [filed.json_body["complaint_id"]]
