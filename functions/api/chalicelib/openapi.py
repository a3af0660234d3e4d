"""The API's contract: OpenAPI 3.1, built from the Chalice route table and the request models.

Every route is described once, in :data:`OPERATIONS`: who may call it, the pydantic models
of its body and query, its success status and media type. Paths, path parameters, schemas and
the error answers are derived, never written by hand. Tests fail when a route of the app is not
described here, when a description names a route that does not exist, when a model differs
from the one the view parses, and when ``docs/openapi.json`` is stale (``make openapi``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from chalice import Response
from chalice.app import RouteEntry
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

import haven
from chalicelib import (
    accreditation,
    alerts,
    channels,
    complaints,
    evidence,
    feeds,
    guidance,
    incidents,
    partners,
    reports,
    roster,
    safety,
)
from chalicelib.fields import TEXT_PATTERN
from chalicelib.http import JSON, MAX_PATH_PARAMETER, PROBLEM_JSON, SECRET_LOOKUPS, HavenBlueprint
from haven.alerts.cap import CAP_XML
from haven.auth import Principal, Role
from haven.errors import Problem

bp = HavenBlueprint(__name__)

OPENAPI_PATH = "/v1/openapi.json"
XML = "application/xml"
CSV = "text/csv"
MARKDOWN = "text/markdown"
_PARAMETER = re.compile(r"{([^}]+)}")
_SCHEMAS = "#/components/schemas/{model}"

#: Whose resources a route serves: another organisation's or partner's is answered 404.
Tenant = Literal["org", "partner"]


@dataclass(frozen=True)
class Operation:
    """One route's contract. No ``roles``: public; a token is then ignored unless ``optional_auth``."""

    summary: str
    roles: tuple[Role, ...] = ()
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    media: str = JSON
    #: The name of the model of the success body in :mod:`chalicelib.responses` (JSON media
    #: only), imported when the document is built: the models cost the cold start ~80 ms.
    response: str | None = None
    #: Other media types the route answers with on ``Accept`` or a query parameter.
    also: tuple[str, ...] = ()
    #: Answers ``304 Not Modified`` to a matching ``If-None-Match``.
    conditional: bool = False
    tenant: Tenant | None = None
    #: Public, but a token grants more (e.g. a responder may report a person believed dead).
    optional_auth: bool = False
    example: Mapping[str, Any] | None = None
    #: The media type of the request body (a webhook's form, for one).
    body_media: str = JSON
    #: Error statuses beyond those its shape implies (a webhook's 403 on a bad signature).
    refuses: tuple[str, ...] = ()

    def allowed_roles(self) -> tuple[Role, ...]:
        """Every role that passes ``require`` (admin holds the staff roles)."""
        return tuple(
            role
            for role in Role
            if Principal("contract", frozenset({role}), org_id="org", partner_id="partner").has(*self.roles)
        )


R, A, AD, RC, P = Role.RESPONDER, Role.AUDITOR, Role.ADMIN, Role.RECRUITER, Role.PARTNER
_VERSION = {"expected_version": 1}
_ALERT = {
    "event": "Flood warning",
    "categories": ["Met"],
    "response_types": ["Evacuate"],
    "urgency": "Immediate",
    "severity": "Severe",
    "certainty": "Likely",
    "expires": "2026-12-01T18:00:00Z",
    "texts": [
        {
            "language": "en",
            "headline": "Flood warning for the river district",
            "description": "The river is expected to overflow tonight.",
            "instruction": "Move to higher ground now.",
        },
        {
            "language": "fr",
            "event": "Alerte crue",
            "headline": "Alerte crue dans le quartier du fleuve",
            "description": "Le fleuve devrait déborder cette nuit.",
        },
    ],
    "areas": [{"description": "River district", "circles": [{"center": [-0.12, 51.5], "radius_km": 3}]}],
}
_AREA = {"circles": [{"center": [-0.12, 51.5], "radius_km": 5}]}

OPERATIONS: dict[tuple[str, str], Operation] = {
    ("POST", channels.PATH): Operation(
        "Twilio's inbound SMS/WhatsApp webhook (X-Twilio-Signature), answered with TwiML",
        body=channels.TwilioMessageIn,
        body_media=channels.FORM,
        media=XML,
        refuses=("403", "415"),  # a bad X-Twilio-Signature; a body that is not a form
        example={
            "MessageSid": "SM" + "0" * 32,
            "AccountSid": "AC" + "0" * 32,
            "From": "+447700900123",
            "To": "+447700900000",
            "Body": "SAFE Maria Lopez",
        },
    ),
    ("GET", "/health"): Operation("Liveness: status, version and mode; no AWS call", response="Health"),
    ("GET", OPENAPI_PATH): Operation("This OpenAPI document", response="OpenApiDocument"),
    ("POST", "/v1/reports"): Operation(
        "Submit a crisis report",
        body=reports.ReportIn,
        status=202,
        response="ReportAccepted",
        example={
            "category": "unknown",
            "description": "Water is rising fast in the street",
            "location": {"lat": 51.5072, "lon": -0.1276},
            "people_affected": 12,
        },
    ),
    ("GET", "/v1/reports/{report_id}"): Operation(
        "The reporter's view of a report", query=reports.TokenQuery, response="ReportView"
    ),
    ("GET", "/v1/incidents"): Operation(
        "Verified incidents as GeoJSON, coarsened",
        query=incidents.AreaQuery,
        media="application/geo+json",
        response="IncidentMap",
    ),
    ("GET", "/v1/ops/incidents"): Operation(
        "Incidents by status",
        (R,),
        query=incidents.OpsIncidentQuery,
        response="IncidentPage",
        conditional=True,
    ),
    ("GET", "/v1/ops/incidents/{incident_id}"): Operation(
        "One incident with its reports", (R,), response="IncidentWithReports"
    ),
    ("PATCH", "/v1/ops/incidents/{incident_id}"): Operation(
        "Change an incident's status, assignee or notes",
        (R,),
        body=incidents.IncidentPatch,
        response="Incident",
        example={**_VERSION, "status": "verified"},
    ),
    ("GET", "/v1/ops/reports"): Operation(
        "Reports by status", (R,), query=incidents.OpsReportQuery, response="ReportPage"
    ),
    ("POST", "/v1/ops/reports/{report_id}/restore"): Operation(
        "Restore a report triage kept out (back to triage, never kept out again)",
        (R,),
        status=202,
        response="ReportRestored",
    ),
    ("POST", "/v1/safety/people"): Operation(
        "Register a person (safe, or sought)",
        body=safety.PersonIn,
        status=201,
        response="PersonRegistered",
        example={"full_name": "María José García López", "author": {"name": "Ana García"}},
    ),
    ("GET", "/v1/safety/people"): Operation(
        "Search people by name", query=safety.SearchQuery, response="PeopleFound"
    ),
    ("POST", "/v1/safety/people/{person_id}/notes"): Operation(
        "Add a PFIF note to a person record",
        body=safety.NoteIn,
        status=201,
        response="NoteAdded",
        optional_auth=True,
        example={"author": {"name": "Ana García"}, "text": "Seen at the shelter", "status": "believed_alive"},
    ),
    ("DELETE", "/v1/safety/people/{person_id}"): Operation(
        "Delete one's own person record", query=safety.TokenQuery, status=204
    ),
    ("GET", "/v1/ops/safety/pfif"): Operation("PFIF 1.4 export", (R,), query=safety.PfifQuery, media=XML),
    ("GET", "/v1/guidance"): Operation(
        "Guidance for an audience",
        query=guidance.GuidanceQuery,
        response="Guidance",
        also=(MARKDOWN,),
        conditional=True,
    ),
    ("GET", "/v1/evidence/displacement"): Operation(
        "Displacement counts, small cells suppressed (JSON, or CSV with HXL tags with ?format=csv)",
        query=evidence.DisplacementQuery,
        response="Displacement",
        also=(CSV,),
    ),
    ("GET", "/v1/ops/alerts"): Operation(
        "Alerts by state (active, expired, cancelled), with their delivery counts",
        (R,),
        query=alerts.AlertListQuery,
        response="OpsAlertPage",
    ),
    ("POST", "/v1/ops/alerts"): Operation(
        "Issue a CAP 1.2 alert", (R,), body=alerts.AlertIn, status=201, response="Alert", example=_ALERT
    ),
    ("POST", "/v1/ops/alerts/{alert_id}/update"): Operation(
        "Update an alert (CAP Update)",
        (R,),
        body=alerts.ContinueIn,
        response="Alert",
        example={**_ALERT, **_VERSION},
    ),
    ("POST", "/v1/ops/alerts/{alert_id}/cancel"): Operation(
        "Cancel an alert (CAP Cancel)", (R,), body=alerts.CancelIn, response="Alert", example=_VERSION
    ),
    ("GET", "/v1/ops/alerts/{alert_id}/deliveries"): Operation(
        "Delivery status of an alert message", (R,), query=alerts.DeliveriesQuery, response="Deliveries"
    ),
    ("GET", "/v1/alerts"): Operation("Active public alerts", response="AlertList", conditional=True),
    ("GET", "/v1/alerts/{alert_id}"): Operation(
        "One alert (JSON, or CAP XML on Accept)", response="Alert", also=(CAP_XML,), conditional=True
    ),
    ("GET", "/v1/alerts/{alert_id}/messages/{message_id}"): Operation(
        "One message of an alert as CAP 1.2 XML (always; the Atom feed links it)",
        media=CAP_XML,
        conditional=True,
    ),
    ("GET", "/v1/alerts/feed.atom"): Operation(
        "Atom feed of active alerts", media="application/atom+xml", conditional=True
    ),
    ("POST", "/v1/subscriptions"): Operation(
        "Subscribe an area to alerts",
        body=alerts.SubscriptionIn,
        status=201,
        response="SubscriptionPending",
        example={
            "area": _AREA,
            "channel": "email",
            "address": "someone@example.org",
        },
    ),
    ("POST", "/v1/ops/subscriptions"): Operation(
        "Subscribe a responder to severe incidents in an area",
        (R,),
        body=alerts.ResponderSubscriptionIn,
        status=201,
        response="SubscriptionPending",
        example={"area": _AREA, "channel": "email", "address": "duty@example.org", "hazards": ["flood"]},
    ),
    ("POST", "/v1/subscriptions/{subscription_id}/confirm"): Operation(
        "Confirm a subscription with its code",
        body=alerts.CodeIn,
        response="SubscriptionState",
        example={"code": "123456"},
    ),
    ("DELETE", "/v1/subscriptions/{subscription_id}"): Operation(
        "Unsubscribe", query=alerts.TokenQuery, status=204
    ),
    ("POST", "/v1/complaints"): Operation(
        "File a complaint",
        body=complaints.ComplaintIn,
        status=201,
        response="ComplaintFiled",
        example={
            "recruiter": {"name": "Fast Jobs Ltd", "country": "NP"},
            "categories": ["recruitment_fees"],
            "description": "The agent charged me 3000 USD.",
            "origin_country": "NP",
            "destination_country": "QA",
            "consent_share_identity": "no",
        },
    ),
    ("GET", "/v1/complaints/track/{code}"): Operation(
        "Track a complaint by its code", response="ComplaintTracking"
    ),
    ("GET", "/v1/admin/complaints"): Operation(
        "Complaints by status", (A,), query=complaints.ComplaintListQuery, response="ComplaintPage"
    ),
    ("GET", "/v1/admin/complaints/{complaint_id}"): Operation(
        "One complaint with its timeline and the partners routing suggests", (A,), response="ComplaintDetail"
    ),
    ("POST", "/v1/admin/complaints/{complaint_id}/transitions"): Operation(
        "Triage, refer or close a complaint",
        (A,),
        body=complaints.TransitionIn,
        response="ComplaintChanged",
        example={**_VERSION, "action": "close", "reason": "duplicate"},
    ),
    ("GET", "/v1/admin/partners"): Operation(
        "Partner authorities", (A,), query=partners.PartnerListQuery, response="PartnerList"
    ),
    ("POST", "/v1/admin/partners"): Operation(
        "Create a partner authority",
        (AD,),
        body=partners.PartnerIn,
        status=201,
        response="PartnerCreated",
        example={
            "name": "Department of Foreign Employment",
            "jurisdictions": {"origin": ["NP"], "destination": []},
            "categories": ["recruitment_fees", "contract_substitution"],
            "contact": {"email": "referrals@example.org"},
            "sla_days": 14,
        },
    ),
    ("PATCH", "/v1/admin/partners/{partner_id}"): Operation(
        "Change a partner, or rotate its secret",
        (AD,),
        body=partners.PartnerPatch,
        response="Partner",
        example=_VERSION,
    ),
    ("GET", "/v1/partner/referrals"): Operation(
        "The partner's own referrals",
        (P,),
        query=partners.ReferralQuery,
        response="ReferralPage",
        tenant="partner",
    ),
    ("GET", "/v1/partner/referrals/{referral_id}"): Operation(
        "One own referral", (P,), response="Referral", tenant="partner"
    ),
    ("POST", "/v1/partner/referrals/{referral_id}/ack"): Operation(
        "Acknowledge a referral",
        (P,),
        body=partners.AckIn,
        response="Referral",
        tenant="partner",
        example={"status": "received"},
    ),
    ("POST", "/v1/accreditation/applications"): Operation(
        "Create an accreditation application (draft)",
        (RC,),
        body=accreditation.ApplicationIn,
        status=201,
        response="Application",
        tenant="org",
        example={},
    ),
    ("GET", "/v1/accreditation/applications"): Operation(
        "Own applications (recruiter) or by state (staff)",
        (RC, A),
        query=accreditation.ListQuery,
        response="ApplicationPage",
        tenant="org",
    ),
    ("GET", "/v1/accreditation/applications/{application_id}"): Operation(
        "One application", (RC, A), response="Application", tenant="org"
    ),
    ("PATCH", "/v1/accreditation/applications/{application_id}"): Operation(
        "Edit a draft or deferred application",
        (RC,),
        body=accreditation.ApplicationPatch,
        response="Application",
        tenant="org",
        example=_VERSION,
    ),
    ("POST", "/v1/accreditation/applications/{application_id}/documents"): Operation(
        "Add a document: a presigned upload",
        (RC,),
        body=accreditation.DocumentIn,
        status=201,
        response="DocumentDeclared",
        tenant="org",
        example={
            "kind": "licence",
            "content_type": "application/pdf",
            "size_bytes": 1000,
            "sha256": "0" * 64,
            "filename": "licence.pdf",
        },
    ),
    ("POST", "/v1/accreditation/applications/{application_id}/submit"): Operation(
        "Submit an application",
        (RC,),
        body=accreditation.SubmitIn,
        response="Application",
        tenant="org",
        example=_VERSION,
    ),
    ("POST", "/v1/accreditation/applications/{application_id}/transitions"): Operation(
        "Move an application through the workflow",
        (A,),
        body=accreditation.TransitionIn,
        response="Application",
        example={**_VERSION, "action": "start_review", "reason": "complete file"},
    ),
    ("GET", "/v1/ops/feeds"): Operation("Feed sources", (R,), query=feeds.FeedListQuery, response="FeedPage"),
    ("POST", "/v1/ops/feeds"): Operation(
        "Register a feed source",
        (R,),
        body=feeds.FeedIn,
        status=201,
        response="FeedSource",
        example={
            "type": "usgs",
            "url": "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/4.5_hour.geojson",
            "interval_minutes": 5,
        },
    ),
    ("PATCH", "/v1/ops/feeds/{source_id}"): Operation(
        "Change a feed source", (R,), body=feeds.FeedPatch, response="FeedSource", example=_VERSION
    ),
    ("DELETE", "/v1/ops/feeds/{source_id}"): Operation("Stop polling and forget a source", (R,), status=204),
    ("POST", "/v1/ops/feeds/{source_id}/poll"): Operation(
        "Queue a poll now", (R,), status=202, response="PollQueued"
    ),
    ("GET", "/v1/roster"): Operation(
        "Search accredited recruiters", query=roster.RosterQuery, response="RosterPage"
    ),
    ("GET", "/v1/roster/export"): Operation(
        "The whole roster as JSON, or CSV with ?format=csv",
        query=roster.ExportQuery,
        response="RosterExport",
        also=(CSV,),
        conditional=True,
    ),
    ("GET", "/v1/roster/verify"): Operation(
        "Verify a licence", query=roster.VerifyQuery, response="LicenceVerification"
    ),
    ("GET", "/v1/roster/{recruiter_id}"): Operation("One recruiter of the roster", response="RosterEntry"),
    ("GET", "/v1/portal/articles"): Operation(
        "Rights articles in a language", query=roster.LangQuery, response="ArticleList"
    ),
    ("GET", "/v1/portal/articles/{slug}"): Operation(
        "One rights article", query=roster.LangQuery, response="Article"
    ),
}

_PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "format": "uri", "examples": [Problem.TYPE_BASE + "validation"]},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
    "additionalProperties": True,
}

_ERRORS = {
    "400": "Malformed request (the body is not JSON)",
    "401": "Missing, expired or invalid bearer token",
    "403": "The token lacks the role",
    "404": "No such resource, or not the caller's",
    "409": "Conflict: a stale `expected_version`, a change the resource's state forbids, "
    "or the same `Idempotency-Key` still in progress",
    "413": "Body too large",
    "415": "The body is not of the media type the operation takes",
    "422": "Validation failed; `errors` names each field",
    "429": "Too many requests",
}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _error_statuses(method: str, path: str, operation: Operation) -> list[str]:
    statuses = ["429", *operation.refuses]
    if method != "GET":
        statuses.append("409")
    if operation.body is not None:
        statuses += ["400", "413", "422"]
    if operation.query is not None:
        statuses.append("422")
    if operation.roles or operation.optional_auth:
        statuses.append("401")
    if operation.roles or operation.optional_auth:
        statuses.append("403")
    if _PARAMETER.search(path) or operation.tenant:
        statuses.append("404")
    return sorted(set(statuses))


def _security(operation: Operation) -> list[dict[str, list[str]]]:
    roles = [role.value for role in operation.allowed_roles()] if operation.roles else []
    if not operation.roles:
        return [{}, {"bearer": []}] if operation.optional_auth else []
    return [{"bearer": roles}]


def _parameters(path: str, operation: Operation, query_schema: dict[str, Any] | None) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "maxLength": MAX_PATH_PARAMETER},
        }
        for name in _PARAMETER.findall(path)
    ]
    if query_schema is not None:
        required = set(query_schema.get("required", ()))
        for name, schema in query_schema["properties"].items():
            parameter = {"name": name, "in": "query", "required": name in required, "schema": schema}
            if "description" in schema:
                parameter["description"] = schema["description"]
            parameters.append(parameter)
    return parameters


def _operation_id(entry: RouteEntry) -> str:
    view = entry.view_function
    return f"{view.__module__.rsplit('.', 1)[-1]}_{view.__name__}"


def _success(operation: Operation, schema: dict[str, Any]) -> dict[str, Any]:
    if operation.status == 204:
        return {"description": "Done; no content"}
    content = {
        operation.media: {"schema": schema},
        **{media: {"schema": {"type": "string"}} for media in operation.also},
    }
    return {"description": operation.summary, "content": content}


def _successes(operation: Operation, schema: dict[str, Any]) -> dict[str, Any]:
    answers = {str(operation.status): _success(operation, schema)}
    if operation.conditional:
        answers["304"] = {"description": "Not modified: the `If-None-Match` tag is current"}
    return answers


def build(routes: Mapping[str, Mapping[str, RouteEntry]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (``chalice_app.routes``) as described in OPERATIONS."""
    described = [
        (method, path, entry, OPERATIONS[method, path])
        for path, methods in sorted(routes.items())
        for method, entry in sorted(methods.items())
    ]
    requests = _sorted({m for *_, op in described for m in (op.body, op.query) if m is not None})
    from chalicelib import responses

    models = {op.response: getattr(responses, op.response) for *_, op in described if op.response}
    answers = _sorted(set(models.values()))
    keys, definitions = models_json_schema(
        [(m, "validation") for m in requests] + [(m, "serialization") for m in answers], ref_template=_SCHEMAS
    )
    schemas = {**definitions.get("$defs", {}), "Problem": _PROBLEM_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for method, path, entry, operation in described:
        query_schema = _resolve(keys[operation.query, "validation"], schemas) if operation.query else None
        document: dict[str, Any] = {
            "operationId": _operation_id(entry),
            "summary": operation.summary,
            "tags": [entry.view_function.__module__.rsplit(".", 1)[-1]],
            "security": _security(operation),
            "parameters": _parameters(path, operation, query_schema),
            "responses": {
                **_successes(
                    operation, keys[models[operation.response], "serialization"] if operation.response else {}
                ),
                **{status: _problem(_ERRORS[status]) for status in _error_statuses(method, path, operation)},
            },
        }
        if (method, path) in SECRET_LOOKUPS:
            # Limited per client address (haven.limits), on top of the gateway's route throttling.
            document["x-secret-lookup"] = True
            document["responses"]["429"] = _problem(_ERRORS["429"] + " (`Retry-After`): a secret lookup")
        if operation.body is not None:
            content: dict[str, Any] = {"schema": keys[operation.body, "validation"]}
            if operation.example is not None:
                content["example"] = dict(operation.example)
            document["requestBody"] = {"required": True, "content": {operation.body_media: content}}
        paths.setdefault(path, {})[method.lower()] = document
    taken: set[str] = set()
    for model in requests:
        _state_text_rule(keys[model, "validation"], schemas, taken)
    for methods in paths.values():
        for document in methods.values():
            _state_text_rule(document["parameters"], schemas, taken)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Haven API",
            "version": haven.__version__,
            "description": "Crisis reporting, recruitment integrity and displacement evidence. "
            "Errors are RFC 9457 problem details; lists take an opaque signed `cursor`.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Cognito ID token; roles from `cognito:groups` (the scopes listed per "
                    "operation), `custom:org_id` and `custom:partner_id`.",
                }
            },
        },
    }


#: What every string the API takes may hold: text XML 1.0 can carry (``chalicelib.http``
#: refuses the rest with 422), stated in the contract so that clients know it too.


_BOUNDS = {"ge": "minimum", "le": "maximum", "gt": "exclusiveMinimum", "lt": "exclusiveMaximum"}


def _state_text_rule(node: Any, schemas: dict[str, Any], seen: set[str]) -> None:
    """Gives every free-text string schema reachable from ``node`` the :data:`TEXT_PATTERN`."""
    if isinstance(node, list):
        for item in node:
            _state_text_rule(item, schemas, seen)
        return
    if not isinstance(node, dict):
        return
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_SCHEMAS.split("{")[0]):
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _state_text_rule(schemas[name], schemas, seen)
    if node.get("type") == "string" and not {"format", "enum", "const"} & node.keys():
        if "pattern" not in node:
            node["pattern"] = TEXT_PATTERN
        elif node["pattern"] != TEXT_PATTERN and "allOf" not in node:
            node["allOf"] = [{"pattern": TEXT_PATTERN}]  # the field's own rule, and the text rule
    if node.get("type") in ("integer", "number"):
        # Pydantic writes the bounds of an optional ``Integer`` under their Python names.
        for python, json_schema in _BOUNDS.items():
            if python in node:
                node[json_schema] = node.pop(python)
    for key, value in node.items():
        if key not in ("$ref", "example", "examples", "default"):
            _state_text_rule(value, schemas, seen)


def _sorted(models: set[type[BaseModel]]) -> list[type[BaseModel]]:
    return sorted(models, key=lambda m: (m.__module__, m.__qualname__))


def _resolve(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """A query model's schema itself (its parameters are listed one by one), not a reference."""
    name = schema["$ref"].rsplit("/", 1)[-1]
    return schemas[name]  # type: ignore[no-any-return]


def render(routes: Mapping[str, Mapping[str, RouteEntry]]) -> str:
    """The document as published in ``docs/openapi.json``: stable key order, one trailing newline."""
    return json.dumps(build(routes), indent=2, ensure_ascii=False) + "\n"


@cache
def _served() -> str:
    return render(bp.current_app.routes)


@bp.route(OPENAPI_PATH, methods=["GET"])
def openapi() -> Response:
    return Response(
        body=_served(),
        status_code=200,
        headers={"Content-Type": JSON, "Cache-Control": "public, max-age=300"},
    )
