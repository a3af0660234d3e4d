"""Public crisis routes: report intake from mobile apps and the reporter's status view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator
from typing_extensions import TypedDict

from chalicelib.answers import Upload, answer
from chalicelib.fields import AccuracyM, Integer, Latitude, Longitude, Timestamp
from chalicelib.http import HavenBlueprint, Json, Strict, json_response
from haven import clock
from haven.adapters.dynamo.reports import DynamoIncidentStatus, DynamoReports
from haven.adapters.events import EventBridgePublisher
from haven.adapters.queues import IntakeQueue
from haven.adapters.uploads import S3UploadSigner
from haven.crisis import reports as use_cases
from haven.crisis.reports import ReporterStatus
from haven.crisis.taxonomy import Category
from haven.geo import Point
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_reports = DynamoReports()
_incidents = DynamoIncidentStatus()
_queue = IntakeQueue()
_uploads = S3UploadSigner("media")
_events = EventBridgePublisher()

CategoryName = Literal[tuple(c.value for c in Category)]  # type: ignore[valid-type]
MediaType = Literal["image/jpeg", "image/png", "image/webp", "video/mp4"]


class LocationIn(Strict):
    lat: Latitude
    lon: Longitude
    accuracy_m: AccuracyM | None = None


class MediaIn(Strict):
    content_type: MediaType
    size_bytes: Integer = Field(gt=0)

    @model_validator(mode="after")
    def _bounded(self) -> MediaIn:
        limit = use_cases.max_bytes_for(self.content_type)
        if self.size_bytes > limit:
            raise ValueError(f"size_bytes must not exceed {limit} for {self.content_type}")
        return self


class ReportIn(Strict):
    category: CategoryName
    description: str = Field(min_length=3, max_length=5000)
    location: LocationIn
    occurred_at: Timestamp | None = None
    people_affected: Integer | None = Field(default=None, ge=0, le=10_000_000)
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None = None
    contact: str | None = Field(default=None, min_length=3, max_length=200)
    anonymous: bool = False
    media: list[MediaIn] = Field(default_factory=list, max_length=use_cases.MAX_MEDIA_ITEMS)

    @field_validator("occurred_at")
    @classmethod
    def _not_in_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value > datetime.now(UTC) + timedelta(minutes=10):
            raise ValueError("must not be in the future")
        return value


class TokenQuery(Strict):
    token: str = Field(min_length=16, max_length=128)


@answer(
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
class ReportAccepted(TypedDict):
    report_id: str
    status: Literal["received"]
    tracking_token: str
    uploads: list[Upload]


@answer(
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
class ReportView(TypedDict):
    report_id: str
    status: ReporterStatus
    received_at: str


@bp.route(
    "/v1/reports",
    method="POST",
    summary="Submit a crisis report",
    body=ReportIn,
    status=202,
    example={
        "category": "unknown",
        "description": "Water is rising fast in the street",
        "location": {"lat": 51.5072, "lon": -0.1276},
        "people_affected": 12,
    },
    idempotent=True,
)
def submit_report(*, body: ReportIn) -> Json[ReportAccepted]:
    submitted = use_cases.submit_report(
        use_cases.NewReport(
            category=body.category,
            description=body.description,
            location=Point(body.location.lat, body.location.lon),
            accuracy_m=body.location.accuracy_m,
            occurred_at=body.occurred_at,
            people_affected=body.people_affected,
            language=body.language,
            contact=body.contact,
            anonymous=body.anonymous,
            media=tuple(use_cases.MediaDeclaration(m.content_type, m.size_bytes) for m in body.media),
        ),
        reports=_reports,
        queue=_queue,
        uploads=_uploads,
        events=_events,
        retention=timedelta(days=get_settings().report_retention_days),
    )
    return json_response(
        {
            "report_id": submitted.report_id,
            "status": submitted.status.value,
            "tracking_token": submitted.tracking_token,
            "uploads": [
                {
                    "method": "POST",
                    "url": u.url,
                    "fields": u.fields,
                    "content_type": u.content_type,
                    "max_bytes": u.max_bytes,
                    "expires_at": clock.iso(u.expires_at),
                }
                for u in submitted.uploads
            ],
        },
        status=202,
        headers={"Location": f"/v1/reports/{submitted.report_id}"},
    )


@bp.route(
    "/v1/reports/{report_id}", summary="The reporter's view of a report", query=TokenQuery, secret_lookup=True
)
def report_status(report_id: str, *, query: TokenQuery) -> Json[ReportView]:
    view = use_cases.reporter_view(report_id, query.token, reports=_reports, incidents=_incidents)
    return json_response(view)
