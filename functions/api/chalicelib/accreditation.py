"""Accreditation applications: recruiters (own organisation) and auditors/admins (workflow)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated, Any, Literal, NotRequired

from chalice import Response
from pydantic import Field
from typing_extensions import TypedDict

from chalicelib.answers import Page, Upload, answer
from chalicelib.fields import Country, Integer, Timestamp
from chalicelib.http import (
    VERSIONED,
    HavenBlueprint,
    Json,
    Strict,
    json_response,
    paginate,
)
from haven import clock
from haven.adapters.documents import S3Documents
from haven.adapters.dynamo.accreditation import DynamoApplications
from haven.adapters.events import EventBridgePublisher
from haven.adapters.notifier import BestEffortNotifier
from haven.auth import Principal, Role
from haven.recruitment import application as applications
from haven.recruitment import document_uploads, drafts, transitions, views
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


def _content(body: ApplicationIn) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_unset=True, exclude={"expected_version"})


def _view(application: applications.Application, principal: Principal, status: int = 200) -> Response:
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


@answer()
class ApplicationSummary(TypedDict):
    application_id: str
    org_id: str
    legal_name: str | None
    state: str
    version: int
    created_at: str
    updated_at: str
    submitted_at: str | None
    valid_from: str | None
    valid_until: str | None
    suspended_until: str | None


@answer()
class ApplicationPage(Page):
    items: list[ApplicationSummary]


@answer()
class Document(TypedDict):
    document_id: str
    kind: str
    filename: str
    content_type: str
    declared_size_bytes: int
    sha256: str
    declared_at: str
    uploaded: bool
    size_bytes: NotRequired[Annotated[int | None, Field(default=None)]]
    etag: NotRequired[Annotated[str | None, Field(default=None)]]
    version_id: NotRequired[Annotated[str | None, Field(default=None)]]
    url: NotRequired[
        Annotated[str | None, Field(default=None, description="A presigned download link, once uploaded")]
    ]


@answer()
class FieldGap(TypedDict):
    field: str
    message: str


@answer()
class HistoryEntry(TypedDict):
    """One transition; ``actor``, ``before`` and ``after`` are shown to staff only."""

    seq: int
    at: str
    action: str
    role: str
    reason: str | None
    from_state: str
    to_state: str
    actor: NotRequired[Annotated[str | None, Field(default=None)]]
    before: NotRequired[Annotated[dict[str, Any] | None, Field(default=None)]]
    after: NotRequired[Annotated[dict[str, Any] | None, Field(default=None)]]


@answer()
class ActionDetails(TypedDict):
    required: list[str]
    optional: list[str]


@answer()
class Application(ApplicationSummary):
    organisation: dict[str, Any] | None
    attestations: dict[str, Any]
    questionnaire: dict[str, Any]
    documents: list[Document]
    audit: Annotated[dict[str, Any] | None, Field(description="Staff only")]
    compliance_reviews: Annotated[list[dict[str, Any]] | None, Field(description="Staff only")]
    missing: Annotated[list[FieldGap], Field(description="What keeps a draft from being submitted")]
    allowed_actions: list[str]
    action_details: Annotated[
        dict[str, ActionDetails],
        Field(description="For each allowed action, the details its transition must and may carry"),
    ]
    history: list[HistoryEntry]


@answer()
class DocumentDeclared(TypedDict):
    document: Document
    version: Annotated[int, Field(description="The application's version after the declaration")]
    upload: Upload


@bp.route(
    "/v1/accreditation/applications",
    method="POST",
    summary="Create an accreditation application (draft)",
    roles=(Role.RECRUITER,),
    body=ApplicationIn,
    status=201,
    tenant="org",
    example={},
    idempotent=True,
)
def create_application(*, principal: Principal, body: ApplicationIn) -> Json[Application]:
    application = drafts.create_application(principal, _content(body), _applications)
    return _view(application, principal, status=201)


@bp.route(
    "/v1/accreditation/applications",
    summary="Own applications (recruiter) or by state (staff)",
    roles=(Role.RECRUITER, Role.AUDITOR),
    query=ListQuery,
    tenant="org",
)
def list_applications(*, principal: Principal, query: ListQuery) -> Json[ApplicationPage]:
    if principal.has(Role.AUDITOR):
        state = State(query.state or State.SUBMITTED)
        scope: dict[str, Any] = {"state": state.value}

        def fetch(position: dict[str, Any] | None) -> applications.Page:
            return _applications.page_by_state(state, query.limit, position)
    else:
        scope = {"org_id": principal.org_id}

        def fetch(position: dict[str, Any] | None) -> applications.Page:
            return _applications.page_by_org(str(principal.org_id), query.limit, position)

    items, cursor = paginate("accreditation/applications", scope, query.cursor, fetch)
    return json_response({"items": [views.summary(a) for a in items], "cursor": cursor})


@bp.route(
    "/v1/accreditation/applications/{application_id}",
    summary="One application",
    roles=(Role.RECRUITER, Role.AUDITOR),
    tenant="org",
)
def get_application(application_id: str, *, principal: Principal) -> Json[Application]:
    return _view(applications.load(application_id, principal, _applications), principal)


@bp.route(
    "/v1/accreditation/applications/{application_id}",
    method="PATCH",
    summary="Edit a draft or deferred application",
    roles=(Role.RECRUITER,),
    body=ApplicationPatch,
    tenant="org",
    example=VERSIONED,
)
def patch_application(
    application_id: str, *, principal: Principal, body: ApplicationPatch
) -> Json[Application]:
    application = drafts.update_application(
        application_id, principal, body.expected_version, _content(body), _applications
    )
    return _view(application, principal)


@bp.route(
    "/v1/accreditation/applications/{application_id}/documents",
    method="POST",
    summary="Add a document: a presigned upload",
    roles=(Role.RECRUITER,),
    body=DocumentIn,
    status=201,
    tenant="org",
    example={
        "kind": "licence",
        "content_type": "application/pdf",
        "size_bytes": 1000,
        "sha256": "0" * 64,
        "filename": "licence.pdf",
    },
    idempotent=True,
)
def add_document(application_id: str, *, principal: Principal, body: DocumentIn) -> Json[DocumentDeclared]:
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


@bp.route(
    "/v1/accreditation/applications/{application_id}/submit",
    method="POST",
    summary="Submit an application",
    roles=(Role.RECRUITER,),
    body=SubmitIn,
    tenant="org",
    example=VERSIONED,
)
def submit_application(application_id: str, *, principal: Principal, body: SubmitIn) -> Json[Application]:
    application = transitions.submit(
        application_id, principal, body.expected_version, _workflow(), _documents
    )
    return _view(application, principal)


@bp.route(
    "/v1/accreditation/applications/{application_id}/transitions",
    method="POST",
    summary="Move an application through the workflow",
    roles=(Role.AUDITOR,),
    body=TransitionIn,
    example={**VERSIONED, "action": "start_review", "reason": "complete file"},
)
def transition(application_id: str, *, principal: Principal, body: TransitionIn) -> Json[Application]:
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
