"""The shapes of the API's JSON success answers, for the contract (``chalicelib.openapi``).

The views build their answers as dicts; these models describe them so the OpenAPI document
states what a client receives. The e2e tests validate every answer of the running platform
against the document, so a view that drifts from its model fails there. Unknown fields are
refused (``additionalProperties: false``) wherever the shape is closed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from haven.complaints.complaints import PublicStatus
from haven.crisis.reports import ReporterStatus


class Out(BaseModel):
    """Base of response models: the documented fields are all there is (built at first use)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class Page(Out):
    """Base of paged lists: ``cursor`` is the opaque token of the next page, null on the last."""

    cursor: str | None


class Health(Out):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "ok", "version": "0.9.0", "mode": "aws"}]}
    )

    status: Literal["ok"]
    version: str
    mode: str


class Upload(Out):
    """A presigned S3 POST: send ``fields`` and the file as multipart/form-data to ``url``."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]
    content_type: str
    max_bytes: int
    expires_at: str


class ReportAccepted(Out):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "report_id": "01JDX4S7Q3M8V2Z5K9T1B6C0NA",
                    "status": "received",
                    "tracking_token": "kq3V7mJ0c2hX9pLr5tNw8yZa1bD4fG6hE0sU2vQ7iOk",
                    "uploads": [],
                }
            ]
        }
    )

    report_id: str
    status: Literal["received"]
    tracking_token: str
    uploads: list[Upload]


class ReportView(Out):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "report_id": "01JDX4S7Q3M8V2Z5K9T1B6C0NA",
                    "status": "linked_to_incident",
                    "received_at": "2026-11-28T09:14:03Z",
                }
            ]
        }
    )

    report_id: str
    status: ReporterStatus
    received_at: str


class GeoJsonPoint(Out):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=2, description="lon, lat (coarsened)")


class PublicIncidentProperties(Out):
    hazard: str
    category: str
    status: str
    severity: str
    report_count: int
    radius_km: float
    updated_at: str


class PublicIncident(Out):
    type: Literal["Feature"]
    id: str
    geometry: GeoJsonPoint
    properties: PublicIncidentProperties


class IncidentMap(Out):
    """A GeoJSON FeatureCollection of verified incidents, with the next page's cursor."""

    type: Literal["FeatureCollection"]
    features: list[PublicIncident]
    cursor: str | None


class IncidentNote(Out):
    at: str
    by: str
    text: str


class Change(Out):
    from_: str | None = Field(alias="from")
    to: str | None


class IncidentChange(Out):
    """One edit: what changed of the status and the assignee, and whether a note was added."""

    at: str
    by: str
    status: Change | None = None
    assignee: Change | None = None
    note: bool | None = None


class Incident(Out):
    incident_id: str
    version: int
    hazard: str
    category: str
    status: str
    severity: str
    lat: float
    lon: float
    radius_km: float
    report_count: int
    feed_item_count: int
    people_affected: int
    credibility: float
    opened_at: str
    last_report_at: str
    updated_at: str
    assignee: str | None
    notes: list[IncidentNote]
    history: list[IncidentChange]


class IncidentPage(Page):
    items: list[Incident]


class AlertText(Out):
    event: str = Field(description="CAP `event`, in this text's language")
    headline: str
    description: str
    instruction: str | None


#: A GeoJSON position, as areas are taken (``chalicelib.areas``).
Position = Annotated[list[float], Field(min_length=2, max_length=2, description="[longitude, latitude]")]


class Circle(Out):
    center: Position
    radius_km: float


class Area(Out):
    """The one area shape of the API: polygons (closed rings of positions) and circles."""

    polygons: list[list[Position]]
    circles: list[Circle]


class AlertArea(Area):
    description: str


class Alert(Out):
    """An alert thread and the summary of its current CAP message."""

    alert_id: str
    state: Literal["active", "cancelled"]
    status: str
    version: int
    current_message_id: str
    updated_at: str
    msg_type: str
    event: str
    severity: str
    urgency: str
    certainty: str
    expires: str
    languages: list[str]
    texts: dict[str, AlertText]
    areas: list[AlertArea]
    cap_url: str = Field(description="the current message as CAP 1.2 XML (always, whatever `Accept` says)")


class AlertList(Out):
    items: list[Alert]


class OpsAlert(Alert):
    deliveries: dict[str, int] = Field(
        description="the current message's deliveries by state (sending, delivered, failed)"
    )


class OpsAlertPage(Page):
    items: list[OpsAlert]


class SubscriptionPending(Out):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "subscription_id": "01JDX5K9Q2W7E4R1T6Y3U8I0OP",
                    "status": "pending_confirmation",
                    "token": "Zk4pQ9rT2vW7yB1nM5cX8dF3gH6jL0sA",
                    "confirm_url": "/v1/subscriptions/01JDX5K9Q2W7E4R1T6Y3U8I0OP/confirm",
                }
            ]
        }
    )

    subscription_id: str
    status: Literal["pending_confirmation"]
    token: str
    confirm_url: str
    webhook_secret: str | None = Field(default=None, description="Only for the webhook channel")


class ComplaintFiled(Out):
    model_config = ConfigDict(
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

    complaint_id: str
    tracking_code: str
    uploads: list[Upload]


class PublicMessage(Out):
    at: str
    message: str


class ComplaintTracking(Out):
    model_config = ConfigDict(
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

    status: PublicStatus
    filed_at: str
    updated_at: str
    messages: list[PublicMessage]


class LicenceVerification(Out):
    """Whether a licence belongs to an accredited recruiter; the recruiter's fields when known."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "licence": "NP-1234/2079",
                    "accredited": True,
                    "status": "accredited",
                    "checked_at": "2026-11-28T09:00:00Z",
                    "recruiter_id": "org-sagarmatha",
                    "legal_name": "Sagarmatha Overseas Pvt. Ltd.",
                    "valid_from": "2026-01-15",
                    "valid_until": "2029-01-14",
                }
            ]
        }
    )

    licence: str
    accredited: bool
    status: str
    checked_at: str
    recruiter_id: str | None = None
    legal_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None


# --- crisis: responders' view -----------------------------------------------------------------


class MediaLink(Out):
    content_type: str
    url: str = Field(description="A presigned download link, valid for 5 minutes")


class TriageResult(Out):
    """How the report was classified and scored; the details are the classifier's and the
    credibility model's own (versioned by ``classifier_version`` and ``credibility.version``)."""

    classification: dict[str, Any]
    credibility: dict[str, Any]
    triaged_at: str
    kept_out: Literal["not_humanitarian"] | None = Field(
        default=None, description="Why triage kept the report out of incidents (restorable)"
    )


class OpsReport(Out):
    """A report as responders see it: full detail, contact included."""

    report_id: str
    status: str
    source: str
    category: str
    hazard: str | None
    description: str
    lat: float
    lon: float
    accuracy_m: float | None
    occurred_at: str | None
    received_at: str
    people_affected: int | None
    language: str | None
    contact: str | None
    anonymous: bool
    media: list[MediaLink]
    incident_id: str | None
    triage: TriageResult | None
    restored_at: str | None = Field(
        description="When a responder restored the report after triage kept it out"
    )


class ReportPage(Page):
    items: list[OpsReport]


class ReportRestored(Out):
    """A kept-out report restored: back to triage, which will not keep it out again."""

    report_id: str
    status: Literal["received", "triaged", "linked"]
    restored_at: str | None


class IncidentWithReports(Incident):
    reports: list[OpsReport] = Field(description="The incident's latest reports (at most 100)")


# --- safety -------------------------------------------------------------------------------------


class PersonRegistered(Out):
    person_id: str
    deletion_token: str = Field(description="Keep it: the only way to delete the record")
    expires_at: str
    photo_upload: Upload | None


class PersonSummary(Out):
    """What the public sees of a record: never contact details, age or description."""

    person_id: str
    full_name: str
    home_city: str | None
    latest_status: str | None


class PeopleFound(Out):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "person_id": "01JDX5R2T7Y4U9I1O6P3A8S0DF",
                            "full_name": "María José García López",
                            "home_city": "Valencia",
                            "latest_status": "believed_alive",
                        }
                    ]
                }
            ]
        }
    )

    items: list[PersonSummary]


class NoteAdded(Out):
    note_id: str
    person_id: str
    status: str | None
    entry_date: str


# --- guidance and evidence ----------------------------------------------------------------------


class Guidance(Out):
    audience: str
    language: str
    version: str
    title: str
    markdown: str
    languages: list[str] = Field(description="Every language the guidance exists in")


class DisplacementRow(Out):
    """One group; its counts are null when ``suppressed`` (too few reports to publish)."""

    hazard: str | None = None
    country: str | None = None
    month: str | None = None
    incidents: int | None
    reports: int | None
    people_displaced: int | None
    suppressed: bool


class Displacement(Out):
    from_: str = Field(alias="from")
    to: str
    group_by: list[str]
    min_reports: int
    items: list[DisplacementRow]


# --- alerts and subscriptions -------------------------------------------------------------------


class Delivery(Out):
    subscription_id: str
    channel: str
    state: str
    attempts: int
    updated_at: str
    last_error: str | None


class Deliveries(Out):
    message_id: str
    counts: dict[str, int] = Field(description="Deliveries by state")
    items: list[Delivery]


class SubscriptionState(Out):
    subscription_id: str
    status: str


# --- complaints, partners and referrals ---------------------------------------------------------


class Evidence(Out):
    key: str
    content_type: str
    size_bytes: int
    url: str | None = Field(default=None, description="A presigned download link (one complaint only)")


class TimelineEntry(Out):
    """What happened and when; the other fields depend on the event (a triage's priority, a
    referral's partner, an acknowledgement's status)."""

    model_config = ConfigDict(extra="allow")

    at: str
    event: str


class ReferralRef(Out):
    referral_id: str
    partner_id: str


class Complaint(Out):
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


class ComplaintPage(Page):
    items: list[Complaint]


class SuggestedPartner(Out):
    partner_id: str
    name: str


class ComplaintDetail(Complaint):
    allowed_actions: list[str] = Field(description="The transitions its status allows now")
    suggested_partners: list[SuggestedPartner] = Field(
        description="Active partners the routing rules choose now, less those already referred"
    )


class ComplaintChanged(Complaint):
    referred: list[ReferralRef] = Field(description="The referrals this change created")


class SigningSecretInfo(Out):
    created_at: str
    retires_at: str | None


class Jurisdictions(Out):
    origin: list[str]
    destination: list[str]


class Partner(Out):
    """A partner authority; its signing secrets only by when each one retires."""

    partner_id: str
    version: int
    name: str
    jurisdictions: Jurisdictions
    categories: list[str]
    webhook_url: str | None
    contact: dict[str, Any] | None
    active: bool
    sla_days: int
    created_at: str
    updated_at: str
    signing_secrets: list[SigningSecretInfo]
    signing_secret: str | None = Field(
        default=None, description="The new secret: only when created or rotated, shown once"
    )


class PartnerList(Out):
    items: list[Partner]


class PartnerIdentity(Out):
    role: str
    partner_id: str
    claim: str
    login: str | None = None
    login_error: str | None = None


class PartnerCreated(Partner):
    identity: PartnerIdentity


class ReferralDelivery(Out):
    state: str
    attempts: int


class ReferralAck(Out):
    at: str
    status: str
    reason: str | None = None
    substantiated: bool | None = None
    remedy: str | None = None
    note: str | None = None


class Referral(Out):
    """A referral as its partner pulls it; ``data`` is the webhook's payload."""

    referral_id: str
    version: int
    status: str
    allowed_statuses: list[str] = Field(description="What the partner may acknowledge next")
    delivery: ReferralDelivery
    created_at: str
    updated_at: str
    sla_due_at: str
    type: str
    data: dict[str, Any]
    acks: list[ReferralAck]


class ReferralPage(Page):
    items: list[Referral]


# --- accreditation, roster and portal -----------------------------------------------------------


class ApplicationSummary(Out):
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


class ApplicationPage(Page):
    items: list[ApplicationSummary]


class Document(Out):
    document_id: str
    kind: str
    filename: str
    content_type: str
    declared_size_bytes: int
    sha256: str
    declared_at: str
    uploaded: bool
    size_bytes: int | None = None
    etag: str | None = None
    version_id: str | None = None
    url: str | None = Field(default=None, description="A presigned download link, once uploaded")


class FieldGap(Out):
    field: str
    message: str


class HistoryEntry(Out):
    """One transition; ``actor``, ``before`` and ``after`` are shown to staff only."""

    seq: int
    at: str
    action: str
    role: str
    reason: str | None
    from_state: str
    to_state: str
    actor: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class ActionDetails(Out):
    required: list[str]
    optional: list[str]


class Application(ApplicationSummary):
    organisation: dict[str, Any] | None
    attestations: dict[str, Any]
    questionnaire: dict[str, Any]
    documents: list[Document]
    audit: dict[str, Any] | None = Field(description="Staff only")
    compliance_reviews: list[dict[str, Any]] | None = Field(description="Staff only")
    missing: list[FieldGap] = Field(description="What keeps a draft from being submitted")
    allowed_actions: list[str]
    action_details: dict[str, ActionDetails] = Field(
        description="For each allowed action, the details its transition must and may carry"
    )
    history: list[HistoryEntry]


class DocumentDeclared(Out):
    document: Document
    version: int = Field(description="The application's version after the declaration")
    upload: Upload


class RosterEntry(Out):
    recruiter_id: str = Field(
        description="The recruiter's organisation id (custom:org_id, 1 to 64 characters): "
        "what a complaint names as recruiter.recruiter_id"
    )
    legal_name: str
    trading_names: list[str]
    status: str
    suspended: bool
    countries: list[str]
    corridors: list[dict[str, str]]
    licences: list[dict[str, str]]
    valid_from: str | None
    valid_until: str | None
    updated_at: str


class RosterPage(Page):
    items: list[RosterEntry]


class RosterExport(Out):
    items: list[RosterEntry]
    truncated: bool
    generated_at: str


class ArticleListed(Out):
    slug: str
    lang: str
    title: str
    summary: str
    version: int
    updated: str
    translation: str
    pending_review: bool = Field(description="A machine or draft translation not yet reviewed")


class ArticleList(Out):
    lang: str
    languages: list[str]
    items: list[ArticleListed]


class Article(ArticleListed):
    format: Literal["markdown"]
    body: str
    requested_lang: str
    languages: list[str] = Field(description="Every language the article exists in")


# --- feeds --------------------------------------------------------------------------------------


class FeedHealth(Out):
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    unhealthy: bool


class FeedSource(Out):
    source_id: str
    version: int
    type: str
    url: str | None
    query: str | None
    keywords: list[str]
    area: Area | None
    interval_minutes: int
    enabled: bool
    credentials_ref: str | None
    cursor: str | None
    next_poll_at: str
    health: FeedHealth
    created_at: str
    updated_at: str


class FeedPage(Page):
    items: list[FeedSource]


class PollQueued(Out):
    source_id: str
    status: Literal["queued"]


class OpenApiDocument(Out):
    """This very document (OpenAPI 3.1)."""

    model_config = ConfigDict(extra="allow")

    openapi: Literal["3.1.0"]
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any]
