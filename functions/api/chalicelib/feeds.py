"""Feed sources (role responder): what Haven polls, each source's health, and polls on demand."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from chalice import Response
from pydantic import Field

from chalicelib.areas import FeedArea
from chalicelib.fields import Integer
from chalicelib.http import HavenBlueprint, Strict, caller, json_response, paginate, parse_body, parse_query
from haven.adapters.dynamo.feeds import DynamoFeedSources
from haven.adapters.feeds import FeedPollQueue, SecretsManagerDirectory
from haven.auth import Role, require
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


@bp.route("/v1/ops/feeds", methods=["GET"])
def list_feeds() -> Response:
    require(caller(bp.current_request), Role.RESPONDER)
    query = parse_query(bp.current_request, FeedListQuery)
    items, cursor = paginate(
        "ops/feeds",
        {"enabled": query.enabled},
        query.cursor,
        lambda position: _sources.page(query.enabled, query.limit, position),
    )
    return json_response({"items": items, "cursor": cursor})


@bp.route("/v1/ops/feeds", methods=["POST"], idempotent=True)
def register_feed() -> Response:
    require(caller(bp.current_request), Role.RESPONDER)
    body = parse_body(bp.current_request, FeedIn)
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


@bp.route("/v1/ops/feeds/{source_id}", methods=["PATCH"])
def patch_feed(source_id: str) -> Response:
    require(caller(bp.current_request), Role.RESPONDER)
    body = parse_body(bp.current_request, FeedPatch)
    source = use_cases.update(
        source_id,
        body.changes(),
        expected_version=body.expected_version,
        sources=_sources,
        secrets=_secrets,
        local_mode=get_settings().is_local,
    )
    return json_response(source.view(), headers=_etag(source))


@bp.route("/v1/ops/feeds/{source_id}", methods=["DELETE"])
def delete_feed(source_id: str) -> Response:
    require(caller(bp.current_request), Role.RESPONDER)
    use_cases.delete(source_id, sources=_sources)
    return Response(body="", status_code=204)


@bp.route("/v1/ops/feeds/{source_id}/poll", methods=["POST"])
def poll_feed(source_id: str) -> Response:
    require(caller(bp.current_request), Role.RESPONDER)
    source = use_cases.poll_now(source_id, sources=_sources, queue=_queue)
    return json_response({"source_id": source.source_id, "status": "queued"}, 202)
