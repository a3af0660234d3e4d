"""Feed sources (role responder): what Haven polls, each source's health, and polls on demand."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import Field
from typing_extensions import TypedDict

from chalicelib.answers import Area, Page, answer
from chalicelib.areas import FeedArea
from chalicelib.fields import Integer
from chalicelib.http import (
    VERSIONED,
    HavenBlueprint,
    Json,
    Strict,
    json_response,
    paginate,
)
from haven.adapters.dynamo.feed_sources import DynamoFeedSources
from haven.adapters.feeds import SecretsManagerDirectory
from haven.adapters.queues import FeedPollQueue
from haven.auth import Principal, Role
from haven.feeds import sources as use_cases
from haven.feeds.connectors.catalog import CONNECTORS
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_sources = DynamoFeedSources()
_queue = FeedPollQueue()
_secrets = SecretsManagerDirectory()

FeedType = Literal[tuple(CONNECTORS)]  # type: ignore[valid-type]
Keyword = Annotated[str, Field(min_length=1, max_length=60)]


class FeedFields(Strict):
    url: str = Field(min_length=8, max_length=2048)
    query: str | None = Field(default=None, min_length=1, max_length=500)
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    area: FeedArea | None = None
    interval_minutes: Integer = Field(default=5, ge=1, le=1440)
    enabled: bool = True
    credentials_ref: str | None = Field(default=None, max_length=256)


class FeedIn(FeedFields):
    type: FeedType


class FeedPatch(Strict):
    expected_version: Integer = Field(ge=1)
    url: str | None = Field(default=None, min_length=8, max_length=2048)
    query: str | None = Field(default=None, min_length=1, max_length=500)
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    area: FeedArea | None = None
    interval_minutes: Integer | None = Field(default=None, ge=1, le=1440)
    enabled: bool | None = None
    credentials_ref: str | None = Field(default=None, max_length=256)

    def changes(self) -> dict[str, Any]:
        """The settings given in the body; ``area``, ``query`` and ``credentials_ref`` may be
        set to null to remove them."""
        given = self.model_fields_set - {"expected_version"}
        changes: dict[str, Any] = {name: getattr(self, name) for name in given}
        if "keywords" in changes:
            changes["keywords"] = tuple(self.keywords or ())
        if "area" in changes:
            changes["area"] = self.area.shape("area") if self.area else None
        return changes


class FeedListQuery(Strict):
    enabled: bool = True
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)


def _etag(source: use_cases.FeedSource) -> dict[str, str]:
    return {"ETag": f'"{source.version}"'}


@answer()
class FeedHealth(TypedDict):
    last_success_at: str | None
    last_error: str | None
    last_error_at: str | None
    consecutive_failures: int
    unhealthy: bool


@answer()
class FeedSource(TypedDict):
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


@answer()
class FeedPage(Page):
    items: list[FeedSource]


@answer()
class PollQueued(TypedDict):
    source_id: str
    status: Literal["queued"]


@bp.route("/v1/ops/feeds", summary="Feed sources", roles=(Role.RESPONDER,), query=FeedListQuery)
def list_feeds(*, principal: Principal, query: FeedListQuery) -> Json[FeedPage]:
    items, cursor = paginate(
        "ops/feeds",
        {"enabled": query.enabled},
        query.cursor,
        lambda position: _sources.page(query.enabled, query.limit, position),
    )
    return json_response({"items": items, "cursor": cursor})


@bp.route(
    "/v1/ops/feeds",
    method="POST",
    summary="Register a feed source",
    roles=(Role.RESPONDER,),
    body=FeedIn,
    status=201,
    example={
        "type": "usgs",
        "url": "https://earthquake.usgs.gov/earthquakes/feed/v1.0/summary/4.5_hour.geojson",
        "interval_minutes": 5,
    },
    idempotent=True,
)
def register_feed(*, principal: Principal, body: FeedIn) -> Json[FeedSource]:
    settings = use_cases.Settings(
        type=body.type,
        url=body.url,
        query=body.query,
        keywords=tuple(body.keywords),
        area=body.area.shape("area") if body.area else None,
        interval_minutes=body.interval_minutes,
        enabled=body.enabled,
        credentials_ref=body.credentials_ref,
    )
    source = use_cases.register(
        settings, sources=_sources, secrets=_secrets, local_mode=get_settings().is_local
    )
    return json_response(source.view(), 201, _etag(source))


@bp.route(
    "/v1/ops/feeds/{source_id}",
    method="PATCH",
    summary="Change a feed source",
    roles=(Role.RESPONDER,),
    body=FeedPatch,
    example=VERSIONED,
)
def patch_feed(source_id: str, *, principal: Principal, body: FeedPatch) -> Json[FeedSource]:
    source = use_cases.update(
        source_id,
        body.changes(),
        expected_version=body.expected_version,
        sources=_sources,
        secrets=_secrets,
        local_mode=get_settings().is_local,
    )
    return json_response(source.view(), headers=_etag(source))


@bp.route(
    "/v1/ops/feeds/{source_id}",
    method="DELETE",
    summary="Stop polling and forget a source",
    roles=(Role.RESPONDER,),
    status=204,
)
def delete_feed(source_id: str, *, principal: Principal) -> Response:
    use_cases.delete(source_id, sources=_sources)
    return Response(body="", status_code=204)


@bp.route(
    "/v1/ops/feeds/{source_id}/poll",
    method="POST",
    summary="Queue a poll now",
    roles=(Role.RESPONDER,),
    status=202,
)
def poll_feed(source_id: str, *, principal: Principal) -> Json[PollQueued]:
    source = use_cases.poll_now(source_id, sources=_sources, queue=_queue)
    return json_response({"source_id": source.source_id, "status": "queued"}, 202)
