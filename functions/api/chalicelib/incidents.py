"""Incidents: the responders' picture (role responder) and the public map of verified ones."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal, NotRequired

from chalice import Response
from pydantic import Field, field_validator
from typing_extensions import TypedDict

from chalicelib import answers
from chalicelib.answers import answer
from chalicelib.fields import BBOX_PATTERN, NEAR_PATTERN, Integer, Timestamp
from chalicelib.http import (
    VERSIONED,
    HavenBlueprint,
    Json,
    Patch,
    Strict,
    json_response,
    paginate,
)
from haven.adapters.dynamo.incidents import DynamoIncidents, DynamoReportList
from haven.adapters.dynamo.reports import DynamoReports
from haven.adapters.events import EventBridgePublisher
from haven.adapters.queues import IntakeQueue
from haven.adapters.uploads import S3UploadSigner
from haven.areas import BBox
from haven.auth import Principal, Role
from haven.crisis import incidents as use_cases
from haven.crisis import reports as report_cases
from haven.crisis.incident import Incident as IncidentEntity
from haven.crisis.incidents import IncidentStatus
from haven.crisis.reports import ReportStatus
from haven.crisis.taxonomy import Category, Hazard
from haven.errors import NotFound
from haven.geo import Point
from haven.ids import is_id
from haven.kernel import Page, collect

bp = HavenBlueprint(__name__)

_incidents = DynamoIncidents()
_reports = DynamoReportList()
_restorable = DynamoReports()
_intake = IntakeQueue()
_events = EventBridgePublisher()
_media = S3UploadSigner("media")

HazardName = Literal[tuple(h.value for h in Hazard)]  # type: ignore[valid-type]
CategoryName = Literal[tuple(c.value for c in Category)]  # type: ignore[valid-type]


def _point(text: str) -> Point:
    parts = text.split(",")
    if len(parts) != 2:
        raise ValueError("near must be lat,lon")
    return Point(float(parts[0]), float(parts[1]))


class AreaQuery(Strict):
    hazard: HazardName | None = None
    category: CategoryName | None = None
    bbox: str | None = Field(
        default=None, max_length=100, pattern=BBOX_PATTERN, description="west,south,east,north in degrees"
    )
    near: str | None = Field(
        default=None, max_length=60, pattern=NEAR_PATTERN, description="lat,lon in degrees"
    )
    radius_km: float = Field(default=10, gt=0, le=500)
    since: Timestamp | None = None
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)

    @field_validator("bbox")
    @classmethod
    def _bbox(cls, value: str | None) -> str | None:
        if value is not None:
            BBox.parse(value)
        return value

    @field_validator("near")
    @classmethod
    def _near(cls, value: str | None) -> str | None:
        if value is not None:
            _point(value)
        return value

    def near_point(self) -> Point | None:
        return _point(self.near) if self.near is not None else None

    def filters(self, since: datetime | None = None) -> use_cases.Filters:
        return use_cases.Filters(
            hazard=self.hazard,
            category=self.category,
            bbox=BBox.parse(self.bbox) if self.bbox else None,
            near=self.near_point(),
            radius_km=self.radius_km if self.near else None,
            since=since or self.since,
        )


class OpsIncidentQuery(AreaQuery):
    status: Literal["new", "verified", "dismissed", "responding", "resolved"] = "new"


class OpsReportQuery(AreaQuery):
    status: Literal["received", "triaged", "linked"] = "linked"


class IncidentPatch(Patch):
    CHANGES = ("status", "assignee", "note")
    REMOVABLE = ()

    expected_version: Integer = Field(ge=1)
    status: Literal["new", "verified", "dismissed", "responding", "resolved"] | None = None
    assignee: str | None = Field(default=None, max_length=120)
    note: str | None = Field(default=None, min_length=1, max_length=use_cases.MAX_NOTE_LENGTH)


def _page(
    status: str,
    query: AreaQuery,
    repository: Any,
    accepts: Callable[[use_cases.Filters, Any], bool],
    route: str,
    scope: dict[str, Any],
) -> tuple[list[Any], str | None]:
    filters = query.filters()
    return paginate(
        route,
        {"status": status, **filters.scope(), **scope},
        query.cursor,
        lambda position: collect(
            lambda pos: repository.page_by_status(status, query.limit, pos),
            lambda item: accepts(filters, item),
            query.limit,
            position,
        ),
    )


@answer()
class GeoJsonPoint(TypedDict):
    type: Literal["Point"]
    coordinates: Annotated[list[float], Field(min_length=2, max_length=2, description="lon, lat (coarsened)")]


@answer()
class PublicIncidentProperties(TypedDict):
    hazard: str
    category: str
    status: str
    severity: str
    report_count: int
    radius_km: float
    updated_at: str


@answer()
class PublicIncident(TypedDict):
    type: Literal["Feature"]
    id: str
    geometry: GeoJsonPoint
    properties: PublicIncidentProperties


@answer()
class IncidentMap(TypedDict):
    """A GeoJSON FeatureCollection of verified incidents, with the next page's cursor."""

    type: Literal["FeatureCollection"]
    features: list[PublicIncident]
    cursor: str | None


@answer()
class IncidentNote(TypedDict):
    at: str
    by: str
    text: str


Change = answer()(TypedDict("Change", {"from": str | None, "to": str | None}))


@answer()
class IncidentChange(TypedDict):
    """One edit: what changed of the status and the assignee, and whether a note was added."""

    at: str
    by: str
    status: NotRequired[Annotated[Change | None, Field(default=None)]]
    assignee: NotRequired[Annotated[Change | None, Field(default=None)]]
    note: NotRequired[Annotated[bool | None, Field(default=None)]]


@answer()
class Incident(TypedDict):
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


@answer()
class IncidentPage(answers.Page):
    items: list[Incident]


@answer()
class MediaLink(TypedDict):
    content_type: str
    url: Annotated[str, Field(description="A presigned download link, valid for 5 minutes")]


@answer()
class TriageResult(TypedDict):
    """How the report was classified and scored; the details are the classifier's and the
    credibility model's own (versioned by ``classifier_version`` and ``credibility.version``)."""

    classification: dict[str, Any]
    credibility: dict[str, Any]
    triaged_at: str
    kept_out: NotRequired[
        Annotated[
            Literal["not_humanitarian"] | None,
            Field(default=None, description="Why triage kept the report out of incidents (restorable)"),
        ]
    ]


@answer()
class OpsReport(TypedDict):
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
    restored_at: Annotated[
        str | None, Field(description="When a responder restored the report after triage kept it out")
    ]


@answer()
class ReportPage(answers.Page):
    items: list[OpsReport]


@answer()
class ReportRestored(TypedDict):
    """A kept-out report restored: back to triage, which will not keep it out again."""

    report_id: str
    status: Literal["received", "triaged", "linked"]
    restored_at: str | None


@answer()
class IncidentWithReports(Incident):
    reports: Annotated[list[OpsReport], Field(description="The incident's latest reports (at most 100)")]


@bp.route(
    "/v1/ops/incidents",
    summary="Incidents by status",
    roles=(Role.RESPONDER,),
    query=OpsIncidentQuery,
    conditional=True,
)
def list_incidents(*, principal: Principal, query: OpsIncidentQuery) -> Json[IncidentPage] | Response:
    incidents, cursor = _page(
        query.status, query, _incidents, use_cases.Filters.accepts_incident, "ops/incidents", {}
    )
    items = [use_cases.incident_view(i) for i in incidents]
    tag = use_cases.page_etag(items, cursor is not None)
    # The console polls this list: an unchanged page is a 304 without a body (ADR 0031).
    if use_cases.matches(tag, bp.current_request.headers.get("if-none-match")):
        return Response(body="", status_code=304, headers={"ETag": tag})
    return json_response({"items": items, "cursor": cursor}, headers={"ETag": tag})


@bp.route("/v1/ops/incidents/{incident_id}", summary="One incident with its reports", roles=(Role.RESPONDER,))
def get_incident(incident_id: str, *, principal: Principal) -> Json[IncidentWithReports]:
    incident = _incidents.get(incident_id) if is_id(incident_id) else None
    if incident is None:
        raise NotFound("no such incident")
    reports = _incidents.reports_of(incident_id, limit=100)
    for report in reports:
        for media in report["media"]:
            media["url"] = _media.presign_get(media.pop("key"), expires_in=300)
    return json_response(
        {**use_cases.incident_view(incident), "reports": reports}, headers={"ETag": f'"{incident.version}"'}
    )


@bp.route(
    "/v1/ops/incidents/{incident_id}",
    method="PATCH",
    summary="Change an incident's status, assignee or notes",
    roles=(Role.RESPONDER,),
    body=IncidentPatch,
    example={**VERSIONED, "status": "verified"},
)
def patch_incident(incident_id: str, *, principal: Principal, body: IncidentPatch) -> Json[Incident]:
    if not is_id(incident_id):
        raise NotFound("no such incident")
    updated = use_cases.update_incident(
        incident_id,
        expected_version=body.expected_version,
        status=IncidentStatus(body.status) if body.status else None,
        assignee=body.assignee,
        note=body.note,
        actor=principal,
        incidents=_incidents,
        events=_events,
    )
    return json_response(use_cases.incident_view(updated), headers={"ETag": f'"{updated.version}"'})


@bp.route("/v1/ops/reports", summary="Reports by status", roles=(Role.RESPONDER,), query=OpsReportQuery)
def list_reports(*, principal: Principal, query: OpsReportQuery) -> Json[ReportPage]:
    items, cursor = _page(
        ReportStatus(query.status).value, query, _reports, use_cases.Filters.accepts_report, "ops/reports", {}
    )
    for report in items:
        for media in report["media"]:
            media["url"] = _media.presign_get(media.pop("key"), expires_in=300)
    return json_response({"items": items, "cursor": cursor})


@bp.route(
    "/v1/ops/reports/{report_id}/restore",
    method="POST",
    summary="Restore a report triage kept out (back to triage, never kept out again)",
    roles=(Role.RESPONDER,),
    status=202,
)
def restore_report(report_id: str, *, principal: Principal) -> Json[ReportRestored]:
    """Back to triage, never to be kept out again: a report triage kept out of incidents."""
    report = report_cases.restore_report(
        report_id, actor=principal.subject, reports=_restorable, queue=_intake
    )
    return json_response(
        {
            "report_id": report.report_id,
            "status": report.status.value,
            "restored_at": report.restored_at.isoformat() if report.restored_at else None,
        },
        202,
    )


@bp.route(
    "/v1/incidents",
    summary="Verified incidents as GeoJSON, coarsened",
    query=AreaQuery,
    media="application/geo+json",
)
def public_incidents(*, query: AreaQuery) -> Json[IncidentMap]:
    """Verified incidents as GeoJSON; one cursor walks the public statuses in turn."""
    filters = query.filters()
    statuses = [s.value for s in use_cases.PUBLIC_STATUSES]

    def fetch(position: dict[str, Any] | None) -> Page[IncidentEntity]:
        status = position["status"] if position else statuses[0]
        if status not in statuses:
            raise NotFound("no such page")
        key = position.get("key") if position else None
        items: list[IncidentEntity] = []
        for current in statuses[statuses.index(status) :]:
            page = collect(
                lambda pos, s=current: _incidents.page_by_status(s, query.limit, pos),
                filters.accepts_incident,
                query.limit - len(items),
                key,
            )
            items.extend(page.items)
            if page.position is not None:
                return Page(items, {"status": current, "key": page.position})
            key = None
            if len(items) >= query.limit:
                following = statuses.index(current) + 1
                more = {"status": statuses[following], "key": None} if following < len(statuses) else None
                return Page(items, more)
        return Page(items, None)

    items, cursor = paginate("incidents", filters.scope(), query.cursor, fetch)
    body = {
        "type": "FeatureCollection",
        "features": [use_cases.public_feature(i) for i in items],
        "cursor": cursor,
    }
    return Response(
        body=body,
        status_code=200,
        headers={"Content-Type": "application/geo+json", "Cache-Control": "public, max-age=30"},
    )
