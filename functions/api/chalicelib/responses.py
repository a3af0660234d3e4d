"""The shapes of the API's JSON success answers, for the contract (``chalicelib.openapi``).

The views build their answers as dicts; these models describe them so the OpenAPI document
states what a client receives. The e2e tests validate every answer of the running platform
against the document, so a view that drifts from its model fails there. Unknown fields are
refused (``additionalProperties: false``) wherever the shape is closed.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Out(BaseModel):
    """Base of response models: the documented fields are all there is."""

    model_config = ConfigDict(extra="forbid")


class Health(Out):
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
    report_id: str
    status: str
    tracking_token: str
    uploads: list[Upload]


class ReportView(Out):
    report_id: str
    status: str
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
    notes: list[dict[str, Any]]
    history: list[dict[str, Any]]


class IncidentPage(Out):
    items: list[Incident]
    cursor: str | None


class AlertText(Out):
    headline: str
    description: str
    instruction: str | None


class AlertArea(Out):
    description: str
    shapes: list[dict[str, Any]] = Field(description="circles (lat, lon, radius_km) and polygons (points)")


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
    cap_url: str


class AlertList(Out):
    items: list[Alert]


class SubscriptionPending(Out):
    subscription_id: str
    status: Literal["pending_confirmation"]
    token: str
    confirm_url: str
    webhook_secret: str | None = Field(default=None, description="Only for the webhook channel")


class ComplaintFiled(Out):
    complaint_id: str
    tracking_code: str
    uploads: list[Upload]


class PublicMessage(Out):
    at: str
    message: str


class ComplaintTracking(Out):
    status: str
    filed_at: str
    updated_at: str
    messages: list[PublicMessage]


class LicenceVerification(Out):
    """Whether a licence belongs to an accredited recruiter; the recruiter's fields when known."""

    licence: str
    accredited: bool
    status: str
    checked_at: str
    recruiter_id: str | None = None
    legal_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
