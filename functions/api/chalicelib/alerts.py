"""Alerts: responders issue, update and cancel CAP alerts; the public reads them and subscribes."""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime
from typing import Annotated, Any, Literal, NotRequired
from xml.sax.saxutils import escape

from chalice import Response
from pydantic import Field, HttpUrl
from typing_extensions import TypedDict

from chalicelib import answers
from chalicelib.answers import Page, answer
from chalicelib.areas import AlertArea, SubscriptionArea
from chalicelib.fields import Integer, Timestamp
from chalicelib.http import (
    VERSIONED,
    HavenBlueprint,
    Json,
    Strict,
    json_response,
    paginate,
)
from haven import clock
from haven.adapters.crypto import AesGcmSealer
from haven.adapters.dynamo.alerts import (
    DynamoAlerts,
    DynamoDeliveryLog,
    DynamoSubscriptions,
)
from haven.adapters.events import EventBridgePublisher
from haven.adapters.outbound import Deadline, check_in_time
from haven.adapters.queues import ConfirmationQueue
from haven.alerts import alerts as use_cases
from haven.alerts import subscriptions as subs
from haven.alerts.cap import (
    CAP_XML,
    CATEGORIES,
    CERTAINTIES,
    RESPONSE_TYPES,
    SEVERITIES,
    STATUSES,
    URGENCIES,
    AreaBlock,
    Info,
)
from haven.auth import Principal, Role
from haven.crisis.taxonomy import Hazard
from haven.errors import FieldError, NotFound, ValidationFailed
from haven.settings import get_settings
from haven.webhooks import new_secret

bp = HavenBlueprint(__name__)

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

_alerts = DynamoAlerts()
_subscriptions = DynamoSubscriptions()
_deliveries = DynamoDeliveryLog()
_events = EventBridgePublisher()
_sealer = AesGcmSealer("subscription-address")
_confirmations = ConfirmationQueue()
#: How long a webhook address's host may take to resolve while subscribing (a public request).
ADDRESS_CHECK_SECONDS = 2.0

Language = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")]


class TextIn(Strict):
    language: Language
    #: CAP ``event`` in this text's language: required after the first text (see ``_event_texts``).
    event: str | None = Field(default=None, min_length=1, max_length=120)
    #: Google Public Alerts: a headline "should be less than 140 characters".
    headline: str = Field(min_length=1, max_length=139)
    description: str = Field(min_length=1, max_length=5000)
    instruction: str | None = Field(default=None, max_length=2000)


class AlertIn(Strict):
    status: Literal[STATUSES] = "Actual"  # type: ignore[valid-type]
    event: str = Field(min_length=1, max_length=120)
    categories: list[Literal[CATEGORIES]] = Field(min_length=1, max_length=12)  # type: ignore[valid-type]
    response_types: list[Literal[RESPONSE_TYPES]] = Field(default_factory=list, max_length=9)  # type: ignore[valid-type]
    urgency: Literal[URGENCIES]  # type: ignore[valid-type]
    severity: Literal[SEVERITIES]  # type: ignore[valid-type]
    certainty: Literal[CERTAINTIES]  # type: ignore[valid-type]
    effective: Timestamp | None = None
    onset: Timestamp | None = None
    expires: Timestamp
    sender_name: str | None = Field(default=None, max_length=200)
    contact: str | None = Field(default=None, max_length=200)
    web: HttpUrl | None = None
    note: str | None = Field(default=None, max_length=500)
    texts: list[TextIn] = Field(min_length=1, max_length=10)
    areas: list[AlertArea] = Field(min_length=1, max_length=10)


class ContinueIn(AlertIn):
    expected_version: Integer = Field(ge=1)


class CancelIn(Strict):
    expected_version: Integer = Field(ge=1)
    note: str | None = Field(default=None, max_length=500)


def _area_blocks(areas: list[AlertArea]) -> tuple[AreaBlock, ...]:
    blocks = []
    for n, area in enumerate(areas):
        polygons, circles = area.shapes(f"areas.{n}")
        blocks.append(AreaBlock(area.description, tuple(polygons), tuple(circles)))
    return tuple(blocks)


def _event_texts(body: AlertIn) -> list[str]:
    """The CAP ``event`` of each text. ``event`` is written in the first text's language; every
    other text gives its own, in its language (the same words only when they truly are the same
    in both, like "Tsunami"): ADR 0020."""
    events, errors = [], []
    for n, text in enumerate(body.texts):
        if n == 0 and text.event not in (None, body.event):
            errors.append(FieldError("texts.0.event", "must be the alert's `event` (the first text's)"))
        elif n > 0 and text.event is None:
            errors.append(FieldError(f"texts.{n}.event", f"give the event in '{text.language}'"))
        events.append(text.event or body.event)
    if errors:
        raise ValidationFailed(errors)
    return events


def _draft(body: AlertIn) -> use_cases.AlertDraft:
    blocks = _area_blocks(body.areas)
    infos = tuple(
        Info(
            language=text.language,
            categories=tuple(dict.fromkeys(body.categories)),
            event=event,
            urgency=body.urgency,
            severity=body.severity,
            certainty=body.certainty,
            expires=body.expires,
            headline=text.headline,
            description=text.description,
            areas=blocks,
            response_types=tuple(dict.fromkeys(body.response_types)),
            effective=body.effective,
            onset=body.onset,
            sender_name=body.sender_name,
            instruction=text.instruction,
            web=str(body.web) if body.web else None,
            contact=body.contact,
        )
        for text, event in zip(body.texts, _event_texts(body), strict=True)
    )
    return use_cases.AlertDraft(status=body.status, infos=infos, note=body.note)


def _context() -> dict[str, Any]:
    settings = get_settings()
    return {
        "sender": settings.cap_sender,
        "stage": settings.stage,
        "public_url": settings.public_url,
        "alerts": _alerts,
        "events": _events,
    }


def _thread_json(thread: use_cases.AlertThread) -> dict[str, Any]:
    return {
        **thread.summary,
        "alert_id": thread.alert_id,
        "state": thread.state,
        "status": thread.status,
        "version": thread.version,
        "current_message_id": thread.current_message_id,
        "updated_at": clock.iso(thread.updated_at),
        "cap_url": use_cases.message_url(thread.alert_id, thread.current_message_id),
    }


@answer()
class AlertText(TypedDict):
    event: Annotated[str, Field(description="CAP `event`, in this text's language")]
    headline: str
    description: str
    instruction: str | None


@answer()
class Alert(TypedDict):
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
    areas: list[answers.AlertArea]  # the answer's shape; ``AlertArea`` here is the input model
    cap_url: Annotated[
        str, Field(description="the current message as CAP 1.2 XML (always, whatever `Accept` says)")
    ]


@answer()
class AlertList(TypedDict):
    items: list[Alert]


@answer()
class OpsAlert(Alert):
    deliveries: Annotated[
        dict[str, int],
        Field(description="the current message's deliveries by state (sending, delivered, failed)"),
    ]


@answer()
class OpsAlertPage(Page):
    items: list[OpsAlert]


@answer(
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
class SubscriptionPending(TypedDict):
    subscription_id: str
    status: Literal["pending_confirmation"]
    token: str
    confirm_url: str
    webhook_secret: NotRequired[
        Annotated[str | None, Field(default=None, description="Only for the webhook channel")]
    ]


@answer()
class Delivery(TypedDict):
    subscription_id: str
    channel: str
    state: str
    attempts: int
    updated_at: str
    last_error: str | None


@answer()
class Deliveries(TypedDict):
    message_id: str
    counts: Annotated[dict[str, int], Field(description="Deliveries by state")]
    items: list[Delivery]


@answer()
class SubscriptionState(TypedDict):
    subscription_id: str
    status: str


@bp.route(
    "/v1/ops/alerts",
    method="POST",
    summary="Issue a CAP 1.2 alert",
    roles=(Role.RESPONDER,),
    body=AlertIn,
    status=201,
    example=_ALERT,
    idempotent=True,
)
def issue(*, principal: Principal, body: AlertIn) -> Json[Alert]:
    thread, _ = use_cases.issue_alert(_draft(body), **_context())
    return json_response(
        _thread_json(thread), status=201, headers={"Location": f"/v1/alerts/{thread.alert_id}"}
    )


@bp.route(
    "/v1/ops/alerts/{alert_id}/update",
    method="POST",
    summary="Update an alert (CAP Update)",
    roles=(Role.RESPONDER,),
    body=ContinueIn,
    example={**_ALERT, **VERSIONED},
    idempotent=True,
)
def update(alert_id: str, *, principal: Principal, body: ContinueIn) -> Json[Alert]:
    thread, _ = use_cases.update_alert(
        alert_id, _draft(body), expected_version=body.expected_version, **_context()
    )
    return json_response(_thread_json(thread))


@bp.route(
    "/v1/ops/alerts/{alert_id}/cancel",
    method="POST",
    summary="Cancel an alert (CAP Cancel)",
    roles=(Role.RESPONDER,),
    body=CancelIn,
    example=VERSIONED,
    idempotent=True,
)
def cancel(alert_id: str, *, principal: Principal, body: CancelIn) -> Json[Alert]:
    thread, _ = use_cases.cancel_alert(
        alert_id, note=body.note, expected_version=body.expected_version, **_context()
    )
    return json_response(_thread_json(thread))


class AlertListQuery(Strict):
    state: Literal[use_cases.LIST_STATES] = "active"  # type: ignore[valid-type]
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=20, ge=1, le=50)


@bp.route(
    "/v1/ops/alerts",
    summary="Alerts by state (active, expired, cancelled), with their delivery counts",
    roles=(Role.RESPONDER,),
    query=AlertListQuery,
)
def list_alerts(*, principal: Principal, query: AlertListQuery) -> Json[OpsAlertPage]:
    """Every alert by state (cancelled and expired too), newest change first, each with the
    delivery counts of its current message: one Query on the state index, one per message."""
    now = clock.now()
    threads, cursor = paginate(
        "ops/alerts",
        {"state": query.state},
        query.cursor,
        lambda position: use_cases.list_alerts(query.state, query.limit, position, alerts=_alerts, now=now),
    )
    items = [{**_thread_json(t), "deliveries": _deliveries.counts(t.current_message_id)} for t in threads]
    return json_response({"items": items, "cursor": cursor})


class DeliveriesQuery(Strict):
    message_id: str | None = Field(default=None, max_length=80)
    limit: Integer = Field(default=100, ge=1, le=500)


@bp.route(
    "/v1/ops/alerts/{alert_id}/deliveries",
    summary="Delivery status of an alert message",
    roles=(Role.RESPONDER,),
    query=DeliveriesQuery,
)
def deliveries(alert_id: str, *, principal: Principal, query: DeliveriesQuery) -> Json[Deliveries]:
    thread = _alerts.thread(alert_id)
    if thread is None:
        raise NotFound("no such alert")
    message_id = query.message_id or thread.current_message_id
    if message_id not in {r.identifier for r in thread.references}:
        raise NotFound("no such message in this alert")
    items, _ = _deliveries.of_message(message_id, query.limit, None)
    counts: dict[str, int] = {}
    for item in items:
        counts[item["state"]] = counts.get(item["state"], 0) + 1
    return json_response({"message_id": message_id, "counts": counts, "items": items})


# --- public -----------------------------------------------------------------------------------


def _cacheable(body: str | bytes, content_type: str, last_modified: datetime, *parts: str) -> Response:
    tag = use_cases.etag(*parts)
    request = bp.current_request
    headers = {
        "Content-Type": content_type,
        "ETag": tag,
        "Last-Modified": format_datetime(last_modified.astimezone(clock.now().tzinfo), usegmt=True),
        "Cache-Control": "public, max-age=60",
        "Vary": "Accept",
    }
    if request.headers.get("if-none-match") == tag:
        return Response(body="", status_code=304, headers=headers)
    return Response(body=body, status_code=200, headers=headers)


def _active() -> list[use_cases.AlertThread]:
    now = clock.now()
    return [t for t in _alerts.active(limit=200) if use_cases.is_public(t, now)]


@bp.route("/v1/alerts", summary="Active public alerts", conditional=True)
def active_alerts() -> Json[AlertList] | Response:
    threads = _active()
    body = {"items": [_thread_json(t) for t in threads]}
    latest = max((t.updated_at for t in threads), default=datetime(2026, 1, 1, tzinfo=clock.now().tzinfo))
    return _cacheable(
        json.dumps(body), "application/json", latest, *(f"{t.alert_id}:{t.version}" for t in threads)
    )


@bp.route(
    "/v1/alerts/{alert_id}",
    summary="One alert (JSON, or CAP XML on Accept)",
    also=(CAP_XML,),
    conditional=True,
)
def one_alert(alert_id: str) -> Json[Alert] | Response:
    thread = _alerts.thread(alert_id)
    if thread is None or thread.status == "Draft":
        raise NotFound("no such alert")
    accept = bp.current_request.headers.get("accept", "")
    if CAP_XML in accept or "application/xml" in accept:
        message = _alerts.message(thread.current_message_id)
        if message is None:  # pragma: no cover - written with the thread
            raise NotFound("no such alert")
        return _cacheable(message.xml, CAP_XML, thread.updated_at, message.message_id, "xml")
    return _cacheable(
        json.dumps(_thread_json(thread)),
        "application/json",
        thread.updated_at,
        f"{thread.alert_id}:{thread.version}",
    )


@bp.route(
    "/v1/alerts/{alert_id}/messages/{message_id}",
    summary="One message of an alert as CAP 1.2 XML (always; the Atom feed links it)",
    media=CAP_XML,
    conditional=True,
)
def alert_message(alert_id: str, message_id: str) -> Response:
    """One message of a thread as CAP 1.2 XML, whatever ``Accept`` says (the Atom feed links it)."""
    message = _alerts.message(message_id)
    if message is None or message.alert_id != alert_id or message.status == "Draft":
        raise NotFound("no such message")
    return _cacheable(message.xml, CAP_XML, message.sent, message.message_id, "xml")


@bp.route(
    "/v1/alerts/feed.atom",
    summary="Atom feed of active alerts",
    media="application/atom+xml",
    conditional=True,
)
def atom_feed() -> Response:
    threads = _active()
    base = get_settings().public_url
    updated = max((t.updated_at for t in threads), default=datetime(2026, 1, 1, tzinfo=clock.now().tzinfo))
    entries = "".join(
        "<entry>"
        f"<id>{escape(base)}/v1/alerts/{escape(t.alert_id)}</id>"
        f"<title>{escape(next(iter(t.summary['texts'].values()))['headline'])}</title>"
        f"<updated>{clock.iso(t.updated_at)}</updated>"
        f"<summary>{escape(t.summary['severity'])} {escape(t.summary['event'])}</summary>"
        f'<link rel="alternate" type="{CAP_XML}" '
        f'href="{escape(base + use_cases.message_url(t.alert_id, t.current_message_id))}"/>'
        "</entry>"
        for t in threads
    )
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}/v1/alerts/feed.atom</id><title>Haven public alerts</title>"
        f"<updated>{clock.iso(updated)}</updated>"
        f'<link rel="self" href="{escape(base)}/v1/alerts/feed.atom"/>'
        f"<author><name>{escape(get_settings().cap_sender)}</name></author>"
        f"{entries}</feed>"
    )
    return _cacheable(feed, "application/atom+xml", updated, *(f"{t.alert_id}:{t.version}" for t in threads))


# --- subscriptions ----------------------------------------------------------------------------


class SubscriptionIn(Strict):
    area: SubscriptionArea
    channel: Literal["sms", "email", "push", "webhook"]
    address: str = Field(min_length=3, max_length=2048)
    languages: list[Language] = Field(default_factory=list, max_length=10)
    min_severity: Literal["Minor", "Moderate", "Severe", "Extreme"] = "Moderate"


class ResponderSubscriptionIn(SubscriptionIn):
    hazards: list[Literal[tuple(h.value for h in Hazard)]] = Field(default_factory=list, max_length=7)  # type: ignore[valid-type]
    min_severity: Literal["Minor", "Moderate", "Severe", "Extreme"] = "Severe"


class CodeIn(Strict):
    code: str = Field(pattern=r"^\d{6}$")


class TokenQuery(Strict):
    token: str = Field(min_length=16, max_length=128)


@bp.route(
    "/v1/subscriptions",
    method="POST",
    summary="Subscribe an area to alerts",
    body=SubscriptionIn,
    status=201,
    example={
        "area": _AREA,
        "channel": "email",
        "address": "someone@example.org",
    },
    idempotent=True,
)
def subscribe(*, body: SubscriptionIn) -> Json[SubscriptionPending]:
    return _subscribe(body, audience="public", hazards=())


@bp.route(
    "/v1/ops/subscriptions",
    method="POST",
    summary="Subscribe a responder to severe incidents in an area",
    roles=(Role.RESPONDER,),
    body=ResponderSubscriptionIn,
    status=201,
    example={"area": _AREA, "channel": "email", "address": "duty@example.org", "hazards": ["flood"]},
    idempotent=True,
)
def subscribe_responder(*, principal: Principal, body: ResponderSubscriptionIn) -> Json[SubscriptionPending]:
    """A responder's subscription to severe incidents in an area (confirmed like any other)."""
    return _subscribe(body, audience="responders", hazards=tuple(body.hazards))


def _subscribe(body: SubscriptionIn, *, audience: str, hazards: tuple[str, ...]) -> Response:
    settings = get_settings()
    address = subs.validate_address(
        body.channel,
        body.address,
        lambda url: (
            check_in_time(
                url, local_mode=settings.is_local, field="address", deadline=Deadline(ADDRESS_CHECK_SECONDS)
            ).url
        ),
    )
    created = subs.subscribe(
        area=body.area.shape("area"),
        channel=body.channel,
        address=address,
        languages=tuple(lang.split("-")[0] for lang in body.languages),
        min_severity=body.min_severity,
        webhook_secret=new_secret() if body.channel == "webhook" else None,
        sealer=_sealer,
        subscriptions=_subscriptions,
        confirmations=_confirmations,
        audience=audience,
        hazards=hazards,
    )
    response: dict[str, Any] = {
        "subscription_id": created.subscription_id,
        "status": "pending_confirmation",
        "token": created.token,
        "confirm_url": f"/v1/subscriptions/{created.subscription_id}/confirm",
    }
    if created.webhook_secret:
        response["webhook_secret"] = created.webhook_secret
    return json_response(response, status=201)


@bp.route(
    "/v1/subscriptions/{subscription_id}/confirm",
    method="POST",
    summary="Confirm a subscription with its code",
    body=CodeIn,
    example={"code": "123456"},
    secret_lookup=True,
)
def confirm(subscription_id: str, *, body: CodeIn) -> Json[SubscriptionState]:
    subscription = subs.confirm(subscription_id, body.code, subscriptions=_subscriptions)
    return json_response({"subscription_id": subscription.subscription_id, "status": subscription.state})


@bp.route(
    "/v1/subscriptions/{subscription_id}",
    method="DELETE",
    summary="Unsubscribe",
    query=TokenQuery,
    status=204,
    secret_lookup=True,
)
def unsubscribe(subscription_id: str, *, query: TokenQuery) -> Response:
    subs.unsubscribe(subscription_id, query.token, subscriptions=_subscriptions)
    return Response(body="", status_code=204, headers={})
