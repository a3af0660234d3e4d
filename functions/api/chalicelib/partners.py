"""Partner authorities: administered by admins; they pull and acknowledge their referrals."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Annotated, Any, Literal, NotRequired

from pydantic import ConfigDict, Field, model_validator
from typing_extensions import TypedDict

from chalicelib.answers import Page, answer
from chalicelib.complaints import CategoryName
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
from haven.adapters.dynamo.complaints import DynamoComplaints, DynamoPartners, DynamoReferrals
from haven.adapters.events import EventBridgePublisher
from haven.adapters.logins import logins
from haven.auth import Principal, Role
from haven.complaints import partners as use_cases
from haven.complaints import referrals
from haven.complaints.countries import check_countries
from haven.errors import Conflict, NotFound
from haven.ids import is_id
from haven.kernel import collect
from haven.settings import get_settings
from haven.urls import check_url

bp = HavenBlueprint(__name__)

_partners = DynamoPartners()
_referrals = DynamoReferrals()
_complaints = DynamoComplaints()
_events = EventBridgePublisher()

Countries = list[Country]


class JurisdictionsIn(Strict):
    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {"required": ["origin"], "properties": {"origin": {"minItems": 1}}},
                {"required": ["destination"], "properties": {"destination": {"minItems": 1}}},
            ]
        }
    )

    origin: Countries = Field(default_factory=list, max_length=250)
    destination: Countries = Field(default_factory=list, max_length=250)

    @model_validator(mode="after")
    def _known(self) -> JurisdictionsIn:
        check_countries(*self.origin, *self.destination)
        if not self.origin and not self.destination:
            raise ValueError("name at least one origin or destination country")
        return self


class PartnerContactIn(Strict):
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str | None = Field(default=None, max_length=40)


class PartnerIn(Strict):
    name: str = Field(min_length=2, max_length=200)
    jurisdictions: JurisdictionsIn
    categories: list[CategoryName] = Field(min_length=1)
    webhook_url: str | None = Field(default=None, max_length=2048)
    contact: PartnerContactIn | None = None
    active: bool = True
    sla_days: Integer | None = Field(default=None, ge=1, le=365)


class PartnerPatch(Strict):
    expected_version: Integer = Field(ge=1)
    name: str | None = Field(default=None, min_length=2, max_length=200)
    jurisdictions: JurisdictionsIn | None = None
    categories: list[CategoryName] | None = Field(default=None, min_length=1)
    webhook_url: str | None = Field(default=None, max_length=2048)
    contact: PartnerContactIn | None = None
    active: bool | None = None
    sla_days: Integer | None = Field(default=None, ge=1, le=365)
    rotate_secret: bool = False
    #: How long the previous secret keeps signing beside the new one.
    overlap_hours: Integer = Field(default=24, ge=0, le=168)


class PartnerListQuery(Strict):
    active: bool = True


class ReferralQuery(Strict):
    status: Literal["referred", "received", "accepted", "rejected", "in_progress", "resolved"] | None = None
    since: Timestamp | None = None
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)


class OutcomeIn(Strict):
    substantiated: bool
    remedy: str | None = Field(default=None, min_length=1, max_length=2000)


class AckIn(Strict):
    status: Literal["received", "accepted", "rejected", "in_progress", "resolved"]
    reason: str | None = Field(default=None, min_length=3, max_length=2000)
    outcome: OutcomeIn | None = None
    note: Annotated[str, Field(min_length=1, max_length=2000)] | None = None


def _url_check() -> use_cases.UrlCheck:
    return functools.partial(check_url, local_mode=get_settings().is_local, field="webhook_url")


def _fields(body: PartnerIn | PartnerPatch) -> use_cases.PartnerFields:
    j = body.jurisdictions
    return use_cases.PartnerFields(
        name=body.name,
        origin=tuple(j.origin) if j else None,
        destination=tuple(j.destination) if j else None,
        categories=tuple(body.categories) if body.categories else None,
        webhook_url=body.webhook_url,
        contact=body.contact.model_dump(exclude_none=True) if body.contact else None,
        active=body.active,
        sla_days=body.sla_days,
    )


def _identity(partner_id: str) -> dict[str, str]:
    """The claim a partner's sign-in carries (Cognito group ``partner``, ``custom:partner_id``)."""
    return {"role": Role.PARTNER.value, "partner_id": partner_id, "claim": "custom:partner_id"}


# --- admin ------------------------------------------------------------------------------------


@answer()
class SigningSecretInfo(TypedDict):
    created_at: str
    retires_at: str | None


@answer()
class Jurisdictions(TypedDict):
    origin: list[str]
    destination: list[str]


@answer()
class Partner(TypedDict):
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
    signing_secret: NotRequired[
        Annotated[
            str | None,
            Field(default=None, description="The new secret: only when created or rotated, shown once"),
        ]
    ]


@answer()
class PartnerList(TypedDict):
    items: list[Partner]


@answer()
class PartnerIdentity(TypedDict):
    role: str
    partner_id: str
    claim: str
    login: NotRequired[Annotated[str | None, Field(default=None)]]
    login_error: NotRequired[Annotated[str | None, Field(default=None)]]


@answer()
class PartnerCreated(Partner):
    identity: PartnerIdentity


@answer()
class ReferralDelivery(TypedDict):
    state: str
    attempts: int


@answer()
class ReferralAck(TypedDict):
    at: str
    status: str
    reason: NotRequired[Annotated[str | None, Field(default=None)]]
    substantiated: NotRequired[Annotated[bool | None, Field(default=None)]]
    remedy: NotRequired[Annotated[str | None, Field(default=None)]]
    note: NotRequired[Annotated[str | None, Field(default=None)]]


@answer()
class Referral(TypedDict):
    """A referral as its partner pulls it; ``data`` is the webhook's payload."""

    referral_id: str
    version: int
    status: str
    allowed_statuses: Annotated[list[str], Field(description="What the partner may acknowledge next")]
    delivery: ReferralDelivery
    created_at: str
    updated_at: str
    sla_due_at: str
    type: str
    data: dict[str, Any]
    acks: list[ReferralAck]


@answer()
class ReferralPage(Page):
    items: list[Referral]


@bp.route("/v1/admin/partners", summary="Partner authorities", roles=(Role.AUDITOR,), query=PartnerListQuery)
def list_partners(*, principal: Principal, query: PartnerListQuery) -> Json[PartnerList]:
    return json_response({"items": [use_cases.admin_view(p) for p in _partners.listed(query.active)]})


@bp.route(
    "/v1/admin/partners",
    method="POST",
    summary="Create a partner authority",
    roles=(Role.ADMIN,),
    body=PartnerIn,
    status=201,
    example={
        "name": "Department of Foreign Employment",
        "jurisdictions": {"origin": ["NP"], "destination": []},
        "categories": ["recruitment_fees", "contract_substitution"],
        "contact": {"email": "referrals@example.org"},
        "sla_days": 14,
    },
)
def create_partner(*, principal: Principal, body: PartnerIn) -> Json[PartnerCreated]:
    """Not idempotent on purpose: a replay would store the signing secret with the response."""
    partner, secret = use_cases.create_partner(
        _fields(body),
        partners=_partners,
        check_url=_url_check(),
        default_sla_days=get_settings().referral_sla_days,
    )
    identity = _identity(partner.partner_id)
    if body.contact and body.contact.email:
        # After the partner exists: its signing secret is shown only in this answer, so a login
        # that cannot be created is reported here rather than failing the whole request.
        try:
            identity["login"] = logins().invite(
                email=body.contact.email, role=Role.PARTNER, partner_id=partner.partner_id
            )
        except Conflict as error:
            identity["login_error"] = error.detail
    return json_response(
        {
            **use_cases.admin_view(partner),
            "signing_secret": secret,
            "identity": identity,
        },
        status=201,
        headers={"Location": f"/v1/admin/partners/{partner.partner_id}"},
    )


@bp.route(
    "/v1/admin/partners/{partner_id}",
    method="PATCH",
    summary="Change a partner, or rotate its secret",
    roles=(Role.ADMIN,),
    body=PartnerPatch,
    example=VERSIONED,
)
def patch_partner(partner_id: str, *, principal: Principal, body: PartnerPatch) -> Json[Partner]:
    if not is_id(partner_id):
        raise NotFound("no such partner")
    partner, secret = use_cases.update_partner(
        partner_id,
        _fields(body),
        expected_version=body.expected_version,
        rotate_overlap=timedelta(hours=body.overlap_hours) if body.rotate_secret else None,
        partners=_partners,
        check_url=_url_check(),
    )
    view = use_cases.admin_view(partner)
    if secret is not None:
        view["signing_secret"] = secret
    return json_response(view, headers={"ETag": f'"{partner.version}"'})


# --- partners ---------------------------------------------------------------------------------


@bp.route(
    "/v1/partner/referrals",
    summary="The partner's own referrals",
    roles=(Role.PARTNER,),
    query=ReferralQuery,
    tenant="partner",
)
def partner_referrals(*, principal: Principal, query: ReferralQuery) -> Json[ReferralPage]:
    partner_id = str(principal.partner_id)
    since = clock.iso(query.since) if query.since else None
    items, cursor = paginate(
        "partner/referrals",
        {"partner_id": partner_id, "status": query.status, "since": since},
        query.cursor,
        lambda position: collect(
            lambda pos: _referrals.page_for_partner(partner_id, since, query.limit, pos),
            lambda referral: query.status is None or referral.status == query.status,
            query.limit,
            position,
        ),
    )
    return json_response({"items": [referrals.partner_view(r) for r in items], "cursor": cursor})


@bp.route(
    "/v1/partner/referrals/{referral_id}", summary="One own referral", roles=(Role.PARTNER,), tenant="partner"
)
def partner_referral(referral_id: str, *, principal: Principal) -> Json[Referral]:
    if not is_id(referral_id):
        raise NotFound("no such referral")
    return json_response(
        referrals.partner_view(referrals.own_referral(referral_id, str(principal.partner_id), _referrals))
    )


@bp.route(
    "/v1/partner/referrals/{referral_id}/ack",
    method="POST",
    summary="Acknowledge a referral",
    roles=(Role.PARTNER,),
    body=AckIn,
    tenant="partner",
    example={"status": "received"},
)
def acknowledge_referral(referral_id: str, *, principal: Principal, body: AckIn) -> Json[Referral]:
    if not is_id(referral_id):
        raise NotFound("no such referral")
    updated = referrals.acknowledge(
        referral_id,
        referrals.Ack(
            status=referrals.ReferralStatus(body.status),
            reason=body.reason,
            substantiated=body.outcome.substantiated if body.outcome else None,
            remedy=body.outcome.remedy if body.outcome else None,
            note=body.note,
        ),
        partner_id=str(principal.partner_id),
        referrals=_referrals,
        complaints=_complaints,
        events=_events,
    )
    return json_response(referrals.partner_view(updated))
