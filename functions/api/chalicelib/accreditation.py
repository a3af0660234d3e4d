"""Accreditation applications: recruiters (own organisation) and auditors/admins (workflow)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import Field

from chalicelib.fields import Country, Integer, Timestamp
from chalicelib.http import (
    HavenBlueprint,
    Strict,
    caller,
    json_response,
    paginate,
    parse_body,
    parse_query,
)
from haven import clock
from haven.adapters.documents import S3Documents
from haven.adapters.dynamo.accreditation import DynamoApplications
from haven.adapters.events import EventBridgePublisher
from haven.adapters.notifier import BestEffortNotifier
from haven.auth import Principal, Role, require
from haven.recruitment import document_uploads, drafts, transitions, views
from haven.recruitment.application import Application, Page, load
from haven.recruitment.documents import DOCUMENT_TYPES
from haven.recruitment.workflow import Action, State
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_applications = DynamoApplications()
_documents = S3Documents("evidence")


@cache  # at the first transition: the settings are read then, not at import
def _workflow() -> transitions.Workflow:
    return transitions.Workflow(
        applications=_applications,
        events=EventBridgePublisher(),
        notifier=BestEffortNotifier(),
        default_term_years=get_settings().accreditation_term_years,
    )


Name = Annotated[str, Field(min_length=1, max_length=200)]
Principle = Literal[drafts.PRINCIPLES]  # type: ignore[valid-type]
Question = Literal[tuple(drafts.QUESTIONS)]  # type: ignore[valid-type]
DocumentKind = Literal[drafts.DOCUMENT_KINDS]  # type: ignore[valid-type]
DocumentType = Literal[tuple(DOCUMENT_TYPES)]  # type: ignore[valid-type]
ActionName = Literal[tuple(a.value for a in Action)]  # type: ignore[valid-type]
StateName = Literal[tuple(s.value for s in State)]  # type: ignore[valid-type]


class Numbered(Strict):
    country: Country
    number: str = Field(min_length=1, max_length=64)


class Corridor(Strict):
    origin: Country
    destination: Country


class Contact(Strict):
    name: Name
    email: str = Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40)


class Organisation(Strict):
    legal_name: str = Field(min_length=2, max_length=200)
    trading_names: list[Name] = Field(default_factory=list, max_length=5)
    registrations: list[Numbered] = Field(default_factory=list, max_length=10)
    licences: list[Numbered] = Field(default_factory=list, max_length=10)
    countries_of_operation: list[Country] = Field(default_factory=list, max_length=15)
    corridors: list[Corridor] = Field(default_factory=list, max_length=20)
    contact: Contact


class Attestation(Strict):
    accepted: bool
    signed_by: str = Field(min_length=2, max_length=200)
    signed_at: Timestamp


class ApplicationIn(Strict):
    organisation: Organisation | None = None
    attestations: dict[Principle, Attestation] = Field(default_factory=dict)
    questionnaire: dict[Question, Annotated[str, Field(min_length=1, max_length=4000)]] = Field(
        default_factory=dict
    )


class ApplicationPatch(ApplicationIn):
    expected_version: Integer = Field(ge=1)


class DocumentIn(Strict):
    kind: DocumentKind
    content_type: DocumentType
    size_bytes: Integer = Field(
        gt=0, le=max(DOCUMENT_TYPES.values()), description="at most the limit of its content_type"
    )
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="hex SHA-256 of the file")
    filename: str = Field(min_length=1, max_length=200, pattern=r"^[^/\\\x00-\x1f]+$")


class SubmitIn(Strict):
    expected_version: Integer = Field(ge=1)


class TransitionIn(Strict):
    action: ActionName
    reason: str = Field(min_length=3, max_length=2000)
    expected_version: Integer = Field(ge=1)
    audit_date: date | None = None
    auditor: Name | None = None
    findings: str | None = Field(default=None, min_length=1, max_length=10_000)
    non_conformities: list[Annotated[str, Field(min_length=1, max_length=2000)]] | None = Field(
        default=None, max_length=100
    )
    term_years: Integer | None = Field(default=None, ge=1, le=5)
    suspended_until: Timestamp | None = None

    def details(self) -> dict[str, Any]:
        given = self.model_dump(exclude={"action", "reason", "expected_version"}, exclude_none=True)
        if self.audit_date is not None:
            given["audit_date"] = self.audit_date.isoformat()
        return given


class ListQuery(Strict):
    state: StateName | None = None
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)


def _principal() -> Principal:
    return require(caller(bp.current_request), Role.RECRUITER, Role.AUDITOR)


def _content(body: ApplicationIn) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_unset=True, exclude={"expected_version"})


def _view(application: Application, principal: Principal, status: int = 200) -> Response:
    body = views.view(application, principal, _applications, _documents)
    keys = {d["document_id"]: d["key"] for d in application.documents}
    for document in body["documents"]:
        if document["uploaded"]:
            document["url"] = _documents.download_url(
                keys[document["document_id"]], document.get("version_id")
            )
    headers = {"ETag": f'"{application.version}"'}
    if status == 201:
        headers["Location"] = f"/v1/accreditation/applications/{application.application_id}"
    return json_response(body, status=status, headers=headers)


@bp.route("/v1/accreditation/applications", methods=["POST"], idempotent=True)
def create_application() -> Response:
    principal = require(caller(bp.current_request), Role.RECRUITER)
    body = parse_body(bp.current_request, ApplicationIn)
    application = drafts.create_application(principal, _content(body), _applications)
    return _view(application, principal, status=201)


@bp.route("/v1/accreditation/applications", methods=["GET"])
def list_applications() -> Response:
    principal = _principal()
    query = parse_query(bp.current_request, ListQuery)
    if principal.has(Role.AUDITOR):
        state = State(query.state or State.SUBMITTED)
        scope: dict[str, Any] = {"state": state.value}

        def fetch(position: dict[str, Any] | None) -> Page:
            return _applications.page_by_state(state, query.limit, position)
    else:
        scope = {"org_id": principal.org_id}

        def fetch(position: dict[str, Any] | None) -> Page:
            return _applications.page_by_org(str(principal.org_id), query.limit, position)

    items, cursor = paginate("accreditation/applications", scope, query.cursor, fetch)
    return json_response({"items": [views.summary(a) for a in items], "cursor": cursor})


@bp.route("/v1/accreditation/applications/{application_id}", methods=["GET"])
def get_application(application_id: str) -> Response:
    principal = _principal()
    return _view(load(application_id, principal, _applications), principal)


@bp.route("/v1/accreditation/applications/{application_id}", methods=["PATCH"])
def patch_application(application_id: str) -> Response:
    principal = require(caller(bp.current_request), Role.RECRUITER)
    body = parse_body(bp.current_request, ApplicationPatch)
    application = drafts.update_application(
        application_id, principal, body.expected_version, _content(body), _applications
    )
    return _view(application, principal)


@bp.route("/v1/accreditation/applications/{application_id}/documents", methods=["POST"], idempotent=True)
def add_document(application_id: str) -> Response:
    principal = require(caller(bp.current_request), Role.RECRUITER)
    body = parse_body(bp.current_request, DocumentIn)
    application, document, upload = document_uploads.add_document(
        application_id,
        principal,
        kind=body.kind,
        content_type=body.content_type,
        size_bytes=body.size_bytes,
        sha256=body.sha256,
        filename=body.filename,
        applications=_applications,
        documents=_documents,
    )
    return json_response(
        {
            "document": {k: v for k, v in document.items() if k != "key"},
            "version": application.version,
            "upload": {
                "method": "POST",
                "url": upload.url,
                "fields": upload.fields,
                "content_type": upload.content_type,
                "max_bytes": upload.max_bytes,
                "expires_at": clock.iso(upload.expires_at),
            },
        },
        status=201,
    )


@bp.route("/v1/accreditation/applications/{application_id}/submit", methods=["POST"])
def submit_application(application_id: str) -> Response:
    principal = require(caller(bp.current_request), Role.RECRUITER)
    body = parse_body(bp.current_request, SubmitIn)
    application = transitions.submit(
        application_id, principal, body.expected_version, _workflow(), _documents
    )
    return _view(application, principal)


@bp.route("/v1/accreditation/applications/{application_id}/transitions", methods=["POST"])
def transition(application_id: str) -> Response:
    principal = require(caller(bp.current_request), Role.AUDITOR)
    body = parse_body(bp.current_request, TransitionIn)
    application = transitions.request_transition(
        application_id,
        Action(body.action),
        principal=principal,
        expected_version=body.expected_version,
        reason=body.reason,
        details=body.details(),
        workflow=_workflow(),
    )
    return _view(application, principal)
