"""Accreditation over the API on mocked AWS: drafts, documents, submission, the workflow,
optimistic locking, the audit trail, events, notices and the roster it maintains."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import boto3
import pytest
from chalice.test import Client
from jsonschema import Draft202012Validator, FormatChecker

from tests.integration.accreditation_support import (
    ORG,
    PDF,
    auditor,
    complete_content,
    document,
    post,
    recruiter,
)
from tests.support import HTML, UPLOAD_SAMPLES, published_events

APPS = "/v1/accreditation/applications"
SCHEMA = Path(__file__).resolve().parents[2] / "events" / "schemas" / "accreditation.changed.json"


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from haven.adapters import notifier

    path = tmp_path / "outbox.jsonl"
    monkeypatch.setenv("HAVEN_OUTBOX_FILE", str(path))
    notifier.notifier.cache_clear()
    return path


@pytest.fixture
def client(aws: None, outbox: Path) -> Any:
    import app as api

    with Client(api.app) as c:
        yield c


def _upload(upload: dict[str, Any], data: bytes = PDF, content_type: str | None = None) -> dict[str, Any]:
    """What the app does with the presigned POST (here straight into the mocked bucket, which,
    like local mode's S3, holds it to neither the type nor the size it was signed for)."""
    return boto3.client("s3").put_object(  # type: ignore[no-any-return]
        Bucket=os.environ["HAVEN_BUCKET_EVIDENCE"],
        Key=upload["fields"]["key"],
        Body=data,
        ContentType=content_type or upload["content_type"],
    )


def draft(client: Any, org_id: str = ORG, **overrides: str) -> dict[str, Any]:
    created = post(client, APPS, complete_content(**overrides), recruiter(org_id))
    assert created.status_code == 201, created.body
    return created.json_body  # type: ignore[no-any-return]


def submitted(client: Any, org_id: str = ORG, **overrides: str) -> dict[str, Any]:
    application = draft(client, org_id, **overrides)
    path = f"{APPS}/{application['application_id']}"
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        declared = post(client, f"{path}/documents", document(kind), recruiter(org_id))
        assert declared.status_code == 201, declared.body
        _upload(declared.json_body["upload"])
    current = client.http.get(path, headers=recruiter(org_id)).json_body
    done = post(client, f"{path}/submit", {"expected_version": current["version"]}, recruiter(org_id))
    assert done.status_code == 200, done.body
    return done.json_body  # type: ignore[no-any-return]


def act(client: Any, application: dict[str, Any], action: str, who: str = "auditor-1", **details: Any) -> Any:
    body = {"action": action, "reason": f"{action} after checks", "expected_version": application["version"]}
    return post(
        client, f"{APPS}/{application['application_id']}/transitions", {**body, **details}, auditor(who)
    )


def accredited(client: Any, org_id: str = ORG, **overrides: str) -> dict[str, Any]:
    application = submitted(client, org_id, **overrides)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("start_review", {}),
        ("schedule_audit", {"audit_date": "2026-12-10", "auditor": "Auditor One"}),
        ("complete_audit", {"findings": "Fee policy applied", "non_conformities": []}),
        ("accredit", {}),
    ]
    for action, details in steps:
        response = act(client, application, action, **details)
        assert response.status_code == 200, response.body
        application = response.json_body
    return application


def test_draft_shows_what_is_missing_and_submit_lists_it(client: Any) -> None:
    created = post(client, APPS, {"organisation": complete_content()["organisation"]}, recruiter())
    assert created.status_code == 201
    body = created.json_body
    assert body["state"] == "draft"
    assert body["version"] == 1
    missing = {m["field"] for m in body["missing"]}
    assert "attestations.no_fees_to_workers" in missing
    assert "questionnaire.fee_policy" in missing
    assert "documents.licence" in missing
    refused = post(client, f"{APPS}/{body['application_id']}/submit", {"expected_version": 1}, recruiter())
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json_body["errors"]} == missing
    assert (
        client.http.get(f"{APPS}/{body['application_id']}", headers=recruiter()).json_body["state"] == "draft"
    )


def test_documents_are_bounded_and_only_uploaded_ones_count(client: Any) -> None:
    application = draft(client)
    path = f"{APPS}/{application['application_id']}/documents"
    too_big = post(client, path, {**document("licence"), "size_bytes": 21 * 1024 * 1024}, recruiter())
    assert too_big.status_code == 422
    wrong_type = post(client, path, {**document("licence"), "content_type": "text/html"}, recruiter())
    assert wrong_type.status_code == 422
    declared = post(client, path, document("licence"), recruiter()).json_body
    upload = declared["upload"]
    assert upload["content_type"] == "application/pdf"
    assert upload["fields"]["x-amz-checksum-sha256"]
    assert "key" not in declared["document"]
    view = client.http.get(f"{APPS}/{application['application_id']}", headers=recruiter()).json_body
    assert "documents.licence" in {m["field"] for m in view["missing"]}  # declared, not uploaded


def _all_but_the_licence_uploaded(client: Any) -> str:
    """The path of a draft complete but for its licence document."""
    application = draft(client)
    path = f"{APPS}/{application['application_id']}"
    for kind in ("registration", "contract_template", "fee_policy"):
        _upload(post(client, f"{path}/documents", document(kind), recruiter()).json_body["upload"])
    return path


@pytest.mark.parametrize(
    ("stored", "content_type", "declared_size", "message"),
    [
        (HTML, None, len(HTML), "the uploaded licence is not a PDF: upload it again"),
        (
            PDF + b"%%EOF\n",
            None,
            len(PDF),
            f"the uploaded licence is {len(PDF) + 6} bytes, {len(PDF)} were declared: upload it again",
        ),
        (b"", None, len(PDF), f"the uploaded licence is 0 bytes, {len(PDF)} were declared: upload it again"),
        (
            UPLOAD_SAMPLES["image/png"],
            "image/png",
            len(UPLOAD_SAMPLES["image/png"]),
            "the uploaded licence was sent as image/png, application/pdf was declared: upload it again",
        ),
    ],
    ids=["html-declared-pdf", "size-not-declared", "empty", "type-not-declared"],
)
def test_submit_refuses_an_upload_unlike_its_declaration_and_pins_nothing(
    client: Any, stored: bytes, content_type: str | None, declared_size: int, message: str
) -> None:
    """Screening deletes such an upload seconds after it lands: pinned, it would leave a broken
    link behind. Submit refuses it instead, and deletes nothing (screening owns deletion)."""
    path = _all_but_the_licence_uploaded(client)
    licence = {**document("licence"), "size_bytes": declared_size}
    upload = post(client, f"{path}/documents", licence, recruiter()).json_body["upload"]
    _upload(upload, stored, content_type)
    before = client.http.get(path, headers=recruiter()).json_body

    refused = post(client, f"{path}/submit", {"expected_version": before["version"]}, recruiter())

    assert refused.status_code == 422, refused.body
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.json_body["errors"] == [{"field": "documents.licence", "message": message}]
    assert before["missing"] == refused.json_body["errors"]  # the view said what submit found
    after = client.http.get(path, headers=recruiter()).json_body
    assert (after["state"], after["version"]) == ("draft", before["version"])
    assert after["missing"] == refused.json_body["errors"]
    assert {d["kind"]: d["uploaded"] for d in after["documents"]} == {
        "registration": True,
        "contract_template": True,
        "fee_policy": True,
        "licence": False,
    }
    kept = boto3.client("s3").get_object(
        Bucket=os.environ["HAVEN_BUCKET_EVIDENCE"], Key=upload["fields"]["key"]
    )
    assert kept["Body"].read() == stored


def test_submit_pins_the_version_of_each_upload_that_is_what_was_declared(client: Any) -> None:
    boto3.client("s3").put_bucket_versioning(
        Bucket=os.environ["HAVEN_BUCKET_EVIDENCE"], VersioningConfiguration={"Status": "Enabled"}
    )
    path = _all_but_the_licence_uploaded(client)
    declared = post(client, f"{path}/documents", document("licence"), recruiter()).json_body
    stored = _upload(declared["upload"])
    version = client.http.get(path, headers=recruiter()).json_body["version"]

    done = post(client, f"{path}/submit", {"expected_version": version}, recruiter())

    assert done.status_code == 200, done.body
    assert done.json_body["state"] == "submitted"
    [licence] = [d for d in done.json_body["documents"] if d["kind"] == "licence"]
    assert licence["document_id"] == declared["document"]["document_id"]
    assert licence["uploaded"] is True
    assert (licence["size_bytes"], licence["etag"]) == (len(PDF), stored["ETag"].strip('"'))
    assert licence["version_id"] == stored["VersionId"]
    assert f"versionId={stored['VersionId']}" in licence["url"]


def test_the_view_shows_landed_and_screened_uploads_as_submit_will_find_them(client: Any) -> None:
    from tests.integration.test_upload_screening import deliver, object_created

    boto3.client("s3").put_bucket_versioning(
        Bucket=os.environ["HAVEN_BUCKET_EVIDENCE"], VersioningConfiguration={"Status": "Enabled"}
    )
    application = draft(client)
    path = f"{APPS}/{application['application_id']}"
    for kind in ("licence", "registration", "contract_template", "fee_policy"):
        upload = post(client, f"{path}/documents", document(kind), recruiter()).json_body["upload"]
        stored = _upload(upload)
        landed = object_created(
            os.environ["HAVEN_BUCKET_EVIDENCE"], upload["fields"]["key"], len(PDF), stored["VersionId"]
        )
        assert deliver(landed) == {"batchItemFailures": []}  # screened and kept

    view = client.http.get(path, headers=recruiter()).json_body
    assert view["missing"] == []
    assert all(d["uploaded"] for d in view["documents"])
    assert all(f"versionId={d['version_id']}" in d["url"] for d in view["documents"])

    done = post(client, f"{path}/submit", {"expected_version": view["version"]}, recruiter())
    assert done.status_code == 200, done.body
    assert [(d["document_id"], d["version_id"]) for d in done.json_body["documents"]] == [
        (d["document_id"], d["version_id"]) for d in view["documents"]
    ]


def test_a_refused_upload_is_corrected_by_declaring_the_document_again(client: Any) -> None:
    path = _all_but_the_licence_uploaded(client)
    first = post(client, f"{path}/documents", document("licence"), recruiter()).json_body
    _upload(first["upload"], b"<html>" + PDF[6:])
    second = post(client, f"{path}/documents", document("licence"), recruiter()).json_body
    _upload(second["upload"])
    version = client.http.get(path, headers=recruiter()).json_body["version"]

    done = post(client, f"{path}/submit", {"expected_version": version}, recruiter())

    assert done.status_code == 200, done.body
    licences = [d for d in done.json_body["documents"] if d["kind"] == "licence"]
    assert [d["document_id"] for d in licences] == [second["document"]["document_id"]]


def test_another_organisation_sees_nothing(client: Any) -> None:
    application = draft(client)
    path = f"{APPS}/{application['application_id']}"
    assert client.http.get(path, headers=recruiter("org-other")).status_code == 404
    assert post(client, f"{path}/documents", document("licence"), recruiter("org-other")).status_code == 404
    assert post(client, f"{path}/submit", {"expected_version": 1}, recruiter("org-other")).status_code == 404
    mine = client.http.get(APPS, headers=recruiter()).json_body["items"]
    theirs = client.http.get(APPS, headers=recruiter("org-other")).json_body["items"]
    assert [a["application_id"] for a in mine] == [application["application_id"]]
    assert theirs == []


def test_recruiters_cannot_drive_the_workflow(client: Any) -> None:
    application = submitted(client)
    response = post(
        client,
        f"{APPS}/{application['application_id']}/transitions",
        {"action": "start_review", "reason": "myself", "expected_version": application["version"]},
        recruiter(),
    )
    assert response.status_code == 403


def test_full_workflow_writes_trail_events_notices_and_roster(client: Any, outbox: Path) -> None:
    from haven.adapters.notifier import read_outbox

    published_events()
    application = accredited(client)
    assert application["state"] == "accredited"
    assert application["valid_until"][:4] == str(int(application["valid_from"][:4]) + 3)
    trail = application["history"]
    assert [(h["from_state"], h["to_state"]) for h in trail] == [
        ("draft", "submitted"),
        ("submitted", "under_review"),
        ("under_review", "audit_scheduled"),
        ("audit_scheduled", "audit_completed"),
        ("audit_completed", "accredited"),
    ]
    assert trail[1]["actor"] == "auditor-1"
    assert trail[1]["role"] == "auditor"
    assert trail[-1]["before"]["state"] == "audit_completed"
    assert trail[-1]["after"]["valid_until"] == application["valid_until"]
    recruiter_view = client.http.get(f"{APPS}/{application['application_id']}", headers=recruiter()).json_body
    assert "actor" not in recruiter_view["history"][1]
    assert recruiter_view["audit"] is None

    events = [e for e in published_events() if e["detail-type"] == "accreditation.changed"]
    assert [e["detail"]["to_state"] for e in events] == [h["to_state"] for h in trail]
    validator = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=FormatChecker())
    for event in events:
        assert event["source"] == "haven.recruitment"
        assert list(validator.iter_errors(event["detail"])) == []

    notices = read_outbox(outbox)
    assert [n["to"] for n in notices] == ["compliance@sge.example.org"] * 5
    assert "accredited" in notices[-1]["subject"]

    roster = client.http.get(f"/v1/roster/{ORG}").json_body
    assert roster["status"] == "accredited"
    assert roster["suspended"] is False
    verified = client.http.get("/v1/roster/verify?country=ph&licence_number=poea 123 2020").json_body
    assert verified["accredited"] is True
    assert verified["recruiter_id"] == ORG
    assert verified["valid_until"] == application["valid_until"]


def test_illegal_action_is_409_with_allowed_actions_and_changes_nothing(client: Any) -> None:
    application = submitted(client)
    refused = act(client, application, "accredit")
    assert refused.status_code == 409
    assert refused.json_body["current_state"] == "submitted"
    assert refused.json_body["allowed_actions"] == ["start_review"]
    after = client.http.get(f"{APPS}/{application['application_id']}", headers=auditor()).json_body
    assert after["version"] == application["version"]
    assert len(after["history"]) == 1


def test_details_are_checked_per_action(client: Any) -> None:
    application = submitted(client)
    reviewed = act(client, application, "start_review").json_body
    # The view names what each allowed action needs, as the workflow's rule table states it.
    view = client.http.get(f"{APPS}/{application['application_id']}", headers=auditor()).json_body
    assert view["action_details"] == {
        "defer": {"required": [], "optional": []},
        "reject": {"required": [], "optional": []},
        "schedule_audit": {"required": ["audit_date", "auditor"], "optional": []},
    }
    missing = act(client, reviewed, "schedule_audit", auditor="Auditor One")
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json_body["errors"]] == ["audit_date"]
    stray = act(client, reviewed, "defer", term_years=2)
    assert stray.status_code == 422


def test_stale_version_is_409_and_two_auditors_one_wins(client: Any) -> None:
    application = submitted(client)
    first = act(client, application, "start_review", who="auditor-1")
    second = act(client, application, "start_review", who="auditor-2")
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json_body["current_version"] == first.json_body["version"]
    assert second.json_body["allowed_actions"] == ["defer", "reject", "schedule_audit"]


def test_a_lost_race_at_the_write_is_409_and_writes_nothing(client: Any) -> None:
    """Both auditors read version N; one commits first; the other's transaction is refused."""
    from chalicelib import accreditation as routes

    application = submitted(client)
    before = routes._applications.get(application["application_id"])
    winner = act(client, application, "start_review", who="auditor-1")
    assert winner.status_code == 200
    reads = iter([before])
    original_get = routes._applications.get
    routes._applications.get = lambda id_: next(reads, None) or original_get(id_)  # type: ignore[method-assign]
    try:
        loser = act(client, application, "start_review", who="auditor-2")
    finally:
        routes._applications.get = original_get  # type: ignore[method-assign]
    assert loser.status_code == 409
    assert loser.json_body["current_state"] == "under_review"
    history = client.http.get(f"{APPS}/{application['application_id']}", headers=auditor()).json_body[
        "history"
    ]
    assert [h["actor"] for h in history] == ["recruiter-org-acme", "auditor-1"]


def test_suspension_is_flagged_on_the_roster_then_withdrawal_removes_it(client: Any) -> None:
    application = accredited(client)
    too_long = act(client, application, "suspend", suspended_until="2099-01-01T00:00:00Z")
    assert too_long.status_code == 422
    from datetime import timedelta

    from haven import clock

    until = clock.iso(clock.now() + timedelta(days=30))
    suspended = act(client, application, "suspend", suspended_until=until).json_body
    assert suspended["state"] == "suspended"
    entry = client.http.get(f"/v1/roster/{ORG}").json_body
    assert (entry["status"], entry["suspended"]) == ("suspended", True)
    verified = client.http.get("/v1/roster/verify?country=PH&licence_number=POEA-123/2020").json_body
    assert (verified["accredited"], verified["status"]) == (False, "suspended")
    withdrawn = act(client, suspended, "withdraw").json_body
    assert withdrawn["state"] == "withdrawn"
    assert client.http.get(f"/v1/roster/{ORG}").status_code == 404
    assert client.http.get("/v1/roster?q=generale").json_body["items"] == []
    gone = client.http.get("/v1/roster/verify?country=PH&licence_number=POEA-123/2020").json_body
    assert gone == {**gone, "accredited": False, "status": "not_found"}


def test_a_licence_cannot_be_claimed_by_a_second_recruiter(client: Any) -> None:
    accredited(client)
    other = submitted(client, "org-copycat", legal_name="Copycat Agency")
    for action, details in (
        ("start_review", {}),
        ("schedule_audit", {"audit_date": "2026-12-10", "auditor": "A"}),
        ("complete_audit", {"findings": "ok", "non_conformities": []}),
    ):
        other = act(client, other, action, **details).json_body
    refused = act(client, other, "accredit")
    assert refused.status_code == 409
    assert "PH#POEA1232020" in refused.json_body["detail"]
    assert client.http.get("/v1/roster/org-copycat").status_code == 404
