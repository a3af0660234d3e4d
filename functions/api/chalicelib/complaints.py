"""Complaints: filing and tracking (public), triage, referral and closing (auditor, admin)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, NotRequired

from pydantic import Field, field_validator, model_validator
from typing_extensions import TypedDict

from chalicelib.answers import Page, Upload, answer
from chalicelib.fields import Country, Integer, Money
from chalicelib.http import (
    VERSIONED,
    HavenBlueprint,
    Json,
    Strict,
    json_response,
    paginate,
)
from haven import clock
from haven.adapters.dynamo.accreditation import DynamoRoster
from haven.adapters.dynamo.complaints import DynamoComplaints, DynamoPartners
from haven.adapters.events import EventBridgePublisher
from haven.adapters.uploads import S3UploadSigner
from haven.auth import Principal, Role
from haven.complaints import complaints as use_cases
from haven.complaints.complaints import PublicStatus
from haven.complaints.countries import check_countries
from haven.errors import NotFound
from haven.ids import is_id
from haven.recruitment.roster import RECRUITER_ID_MAX
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_complaints = DynamoComplaints()
_partners = DynamoPartners()
_roster = DynamoRoster()
_evidence = S3UploadSigner("complaint-evidence")
_events = EventBridgePublisher()

CategoryName = Literal[tuple(c.value for c in use_cases.Category)]  # type: ignore[valid-type]


class RecruiterIn(Strict):
    recruiter_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=RECRUITER_ID_MAX,
        description="The recruiter's id on the roster (its organisation id)",
    )
    name: str | None = Field(default=None, min_length=2, max_length=200)
    country: Country | None = None
    licence_number: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _identified(self) -> RecruiterIn:
        if self.recruiter_id is None and self.name is None:
            raise ValueError("give recruiter_id, or at least the recruiter's name")
        check_countries(self.country)
        return self


class FeesIn(Strict):
    amount: Money
    currency: str = Field(pattern=r"^[A-Z]{3}$")


class ContactIn(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phone: str | None = Field(default=None, min_length=3, max_length=40)
    email: str | None = Field(default=None, min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")


class EvidenceIn(Strict):
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size_bytes: Integer = Field(gt=0, le=use_cases.MAX_EVIDENCE_BYTES)


class ComplaintIn(Strict):
    recruiter: RecruiterIn
    categories: list[CategoryName] = Field(min_length=1, max_length=len(use_cases.Category))
    description: str = Field(min_length=10, max_length=10_000)
    occurred_on: date | None = None
    fees: FeesIn | None = None
    origin_country: Country
    destination_country: Country
    contact: ContactIn | None = None
    anonymous: bool = False
    consent_share_identity: Literal["yes", "no"]
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=use_cases.MAX_EVIDENCE_ITEMS)

    @field_validator("occurred_on")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        # A field's own rule, so the 422 names ``occurred_on`` and a form can say it at the date.
        if value is not None and value > clock.now().date():
            raise ValueError("must not be in the future")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> ComplaintIn:
        check_countries(self.origin_country, self.destination_country)
        return self


class TransitionIn(Strict):
    action: Literal["triage", "refer", "close"]
    expected_version: Integer = Field(ge=1)
    categories: list[CategoryName] | None = Field(default=None, min_length=1)
    priority: Literal["low", "normal", "high", "urgent"] | None = None
    add_partners: list[Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]] = Field(
        default_factory=list, max_length=50
    )
    remove_partners: list[str] = Field(default_factory=list, max_length=50)
    reason: str | None = Field(default=None, min_length=3, max_length=2000)


class ComplaintListQuery(Strict):
    status: Literal["filed", "triaged", "referred", "closed"] = "filed"
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)


@answer(
    json_schema_extra={
        "examples": [
            {
                "complaint_id": "01JDX52B7R4K1W9Y3H6N0P8QTM",
                "tracking_code": "H7KQ-M2XD-9RTW-4ZPB-C6NF",
                "uploads": [],
            }
        ]
    }
)
class ComplaintFiled(TypedDict):
    complaint_id: str
    tracking_code: str
    uploads: list[Upload]


@answer()
class PublicMessage(TypedDict):
    at: str
    message: str


@answer(
    json_schema_extra={
        "examples": [
            {
                "status": "referred",
                "filed_at": "2026-11-20T08:00:00Z",
                "updated_at": "2026-11-22T10:30:00Z",
                "messages": [
                    {"at": "2026-11-20T08:00:00Z", "message": "We have received your complaint."},
                    {
                        "at": "2026-11-22T10:30:00Z",
                        "message": "Your complaint was passed to the authority.",
                    },
                ],
            }
        ]
    }
)
class ComplaintTracking(TypedDict):
    status: PublicStatus
    filed_at: str
    updated_at: str
    messages: list[PublicMessage]


@answer()
class Evidence(TypedDict):
    key: str
    content_type: str
    size_bytes: int
    url: NotRequired[
        Annotated[
            str | None, Field(default=None, description="A presigned download link (one complaint only)")
        ]
    ]


@answer(extra="allow")
class TimelineEntry(TypedDict):
    """What happened and when; the other fields depend on the event (a triage's priority, a
    referral's partner, an acknowledgement's status)."""

    at: str
    event: str


@answer()
class ReferralRef(TypedDict):
    referral_id: str
    partner_id: str


@answer()
class Complaint(TypedDict):
    """A complaint as auditors see it, contact included."""

    complaint_id: str
    version: int
    status: str
    public_status: str
    filed_at: str
    updated_at: str
    recruiter: dict[str, str]
    categories: list[str]
    description: str
    occurred_on: str | None
    fees: dict[str, Any] | None
    origin_country: str
    destination_country: str
    contact: dict[str, Any] | None
    anonymous: bool
    consent_share_identity: bool
    language: str | None
    evidence: list[Evidence]
    priority: str | None
    referrals: list[ReferralRef]
    close_reason: str | None
    timeline: list[TimelineEntry]
    public_messages: list[PublicMessage]


@answer()
class ComplaintPage(Page):
    items: list[Complaint]


@answer()
class SuggestedPartner(TypedDict):
    partner_id: str
    name: str


@answer()
class ComplaintDetail(Complaint):
    allowed_actions: Annotated[list[str], Field(description="The transitions its status allows now")]
    suggested_partners: Annotated[
        list[SuggestedPartner],
        Field(description="Active partners the routing rules choose now, less those already referred"),
    ]


@answer()
class ComplaintChanged(Complaint):
    referred: Annotated[list[ReferralRef], Field(description="The referrals this change created")]


@bp.route(
    "/v1/complaints",
    method="POST",
    summary="File a complaint",
    body=ComplaintIn,
    status=201,
    example={
        "recruiter": {"name": "Fast Jobs Ltd", "country": "NP"},
        "categories": ["recruitment_fees"],
        "description": "The agent charged me 3000 USD.",
        "origin_country": "NP",
        "destination_country": "QA",
        "consent_share_identity": "no",
    },
    idempotent=True,
)
def file_complaint(*, body: ComplaintIn) -> Json[ComplaintFiled]:
    filed = use_cases.file_complaint(
        use_cases.NewComplaint(
            recruiter=use_cases.Recruiter(**body.recruiter.model_dump()),
            categories=tuple(use_cases.Category(c) for c in dict.fromkeys(body.categories)),
            description=body.description,
            origin_country=body.origin_country,
            destination_country=body.destination_country,
            consent_share_identity=body.consent_share_identity == "yes",
            occurred_on=body.occurred_on,
            fees_amount=body.fees.amount if body.fees else None,
            fees_currency=body.fees.currency if body.fees else None,
            contact=body.contact.model_dump(exclude_none=True) if body.contact else None,
            anonymous=body.anonymous,
            language=body.language,
            evidence=tuple(use_cases.Evidence(e.content_type, e.size_bytes) for e in body.evidence),
        ),
        complaints=_complaints,
        roster=_roster,
        uploads=_evidence,
        events=_events,
    )
    return json_response(
        {
            "complaint_id": filed.complaint_id,
            "tracking_code": filed.tracking_code,
            "uploads": [
                {
                    "method": "POST",
                    "url": u.url,
                    "fields": u.fields,
                    "content_type": u.content_type,
                    "max_bytes": u.max_bytes,
                    "expires_at": clock.iso(u.expires_at),
                }
                for u in filed.uploads
            ],
        },
        status=201,
    )


@bp.route("/v1/complaints/track/{code}", summary="Track a complaint by its code", secret_lookup=True)
def track_complaint(code: str) -> Json[ComplaintTracking]:
    if not 16 <= len(code) <= 40:
        raise NotFound("no complaint with this tracking code")
    return json_response(use_cases.track(code, complaints=_complaints))


@bp.route(
    "/v1/admin/complaints", summary="Complaints by status", roles=(Role.AUDITOR,), query=ComplaintListQuery
)
def list_complaints(*, principal: Principal, query: ComplaintListQuery) -> Json[ComplaintPage]:
    items, cursor = paginate(
        "admin/complaints",
        {"status": query.status},
        query.cursor,
        lambda position: _complaints.page_by_status(query.status, query.limit, position),
    )
    return json_response({"items": [use_cases.staff_view(c) for c in items], "cursor": cursor})


@bp.route(
    "/v1/admin/complaints/{complaint_id}",
    summary="One complaint with its timeline and the partners routing suggests",
    roles=(Role.AUDITOR,),
)
def get_complaint(complaint_id: str, *, principal: Principal) -> Json[ComplaintDetail]:
    complaint = _complaints.get(complaint_id) if is_id(complaint_id) else None
    if complaint is None:
        raise NotFound("no such complaint")
    view = use_cases.review_view(complaint, _partners, lambda key: _evidence.presign_get(key, expires_in=300))
    return json_response(view, headers={"ETag": f'"{complaint.version}"'})


@bp.route(
    "/v1/admin/complaints/{complaint_id}/transitions",
    method="POST",
    summary="Triage, refer or close a complaint",
    roles=(Role.AUDITOR,),
    body=TransitionIn,
    example={**VERSIONED, "action": "close", "reason": "duplicate"},
)
def transition_complaint(
    complaint_id: str, *, principal: Principal, body: TransitionIn
) -> Json[ComplaintChanged]:
    if not is_id(complaint_id):
        raise NotFound("no such complaint")
    result = use_cases.transition(
        complaint_id,
        use_cases.Transition(
            action=use_cases.Action(body.action),
            expected_version=body.expected_version,
            categories=tuple(use_cases.Category(c) for c in body.categories) if body.categories else None,
            priority=use_cases.Priority(body.priority) if body.priority else None,
            add_partners=tuple(body.add_partners),
            remove_partners=tuple(body.remove_partners),
            reason=body.reason,
        ),
        actor=principal,
        complaints=_complaints,
        partners=_partners,
        events=_events,
        default_sla_days=get_settings().referral_sla_days,
    )
    return json_response(
        use_cases.transitioned_view(result), headers={"ETag": f'"{result.complaint.version}"'}
    )
