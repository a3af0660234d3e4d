"""Public roster of accredited recruiters, licence verification and the information portal."""

from __future__ import annotations

from typing import Any, Literal

from chalice import Response
from pydantic import Field

from chalicelib.fields import Integer, text_pattern
from chalicelib.http import HavenBlueprint, Strict, json_response, paginate, parse_query
from haven import clock
from haven.adapters.dynamo.accreditation import DynamoRoster
from haven.errors import NotFound
from haven.kernel import Page, collect
from haven.recruitment import portal
from haven.recruitment.roster import (
    MIN_QUERY_CHARS,
    QUERY_RULE,
    RECRUITER_ID_MAX,
    ExportFormat,
    export,
    plan_search,
    verification,
)

bp = HavenBlueprint(__name__)

_roster = DynamoRoster()

#: Public answers may be cached briefly by browsers, apps and CDNs.
ROSTER_CACHE = "public, max-age=60"
PORTAL_CACHE = "public, max-age=300"
CSV = "text/csv; charset=utf-8"


class RosterQuery(Strict):
    q: str | None = Field(
        default=None,
        min_length=MIN_QUERY_CHARS,
        max_length=100,
        json_schema_extra={"pattern": text_pattern(QUERY_RULE.pattern)},  # checked by plan_search
        description=f"a name: at least {MIN_QUERY_CHARS} letters or digits in one word, punctuation aside",
    )
    country: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}$")
    corridor: str | None = Field(default=None, pattern=r"^[A-Za-z]{2}-[A-Za-z]{2}$", description="NP-QA")
    status: Literal["accredited", "suspended"] | None = None
    cursor: str | None = Field(default=None, max_length=2048)
    limit: Integer = Field(default=50, ge=1, le=100)


class VerifyQuery(Strict):
    licence_number: str = Field(min_length=1, max_length=64)
    country: str = Field(pattern=r"^[A-Za-z]{2}$")


class ExportQuery(Strict):
    format: ExportFormat = "json"


class LangQuery(Strict):
    lang: str | None = Field(default=None, max_length=35, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def _public(body: Any, cache: str, headers: dict[str, str] | None = None) -> Response:
    return json_response(body, headers={"Cache-Control": cache, **(headers or {})})


@bp.route("/v1/roster", methods=["GET"])
def search_roster() -> Response:
    query = parse_query(bp.current_request, RosterQuery)
    corridor = tuple(query.corridor.upper().split("-")) if query.corridor else None
    plan = plan_search(query.q, query.country, corridor, query.status)

    def fetch(position: dict[str, Any] | None) -> Page:
        return collect(lambda pos: Page(*_page(plan, query.limit, pos)), plan.accepts, query.limit, position)

    items, cursor = paginate("roster", query.model_dump(exclude={"cursor"}), query.cursor, fetch)
    unique = list({item["recruiter_id"]: item for item in items}.values())
    return _public({"items": unique, "cursor": cursor}, ROSTER_CACHE)


def _page(plan: Any, limit: int, position: dict[str, Any] | None) -> tuple[list[dict[str, Any]], Any]:
    entries, next_position = _roster.page(plan, limit, position)
    return [e.public() for e in entries], next_position


@bp.route("/v1/roster/verify", methods=["GET"])
def verify_licence() -> Response:
    query = parse_query(bp.current_request, VerifyQuery)
    entry = _roster.verify(query.country, query.licence_number)
    now = clock.iso(clock.now())
    answer = verification(f"{query.country.upper()}#{query.licence_number}", entry, now)
    return _public({**answer, "checked_at": now}, ROSTER_CACHE)


@bp.route("/v1/roster/export", methods=["GET"])
def export_roster() -> Response:
    request = bp.current_request
    query = parse_query(request, ExportQuery)
    exported = export(_roster)
    tag = exported.etag(query.format)
    headers = {
        "Cache-Control": ROSTER_CACHE,
        "ETag": tag,
        "Roster-Truncated": str(exported.truncated).lower(),
    }
    if tag in {t.strip() for t in (request.headers.get("if-none-match") or "").split(",")}:
        return Response(body="", status_code=304, headers=headers)
    if query.format == "csv":
        csv_headers = {"Content-Type": CSV, "Content-Disposition": 'attachment; filename="roster.csv"'}
        return Response(body=exported.as_csv(), status_code=200, headers={**headers, **csv_headers})
    return json_response(exported.as_json(clock.iso(clock.now())), headers=headers)


@bp.route("/v1/roster/{recruiter_id}", methods=["GET"])
def roster_entry(recruiter_id: str) -> Response:
    entry = _roster.get(recruiter_id) if len(recruiter_id) <= RECRUITER_ID_MAX else None
    if entry is None:
        raise NotFound("no accredited or suspended recruiter with this id")
    return _public(entry.public(), ROSTER_CACHE)


def _language() -> str:
    query = parse_query(bp.current_request, LangQuery)
    return portal.negotiate(query.lang, bp.current_request.headers.get("accept-language"))


def _portal_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


@bp.route("/v1/portal/articles", methods=["GET"])
def list_articles() -> Response:
    lang = _language()
    items = [a.listed() for a in portal.articles(lang)]
    body = {"lang": lang, "languages": list(portal.LANGUAGES), "items": items}
    return _public(body, PORTAL_CACHE, _portal_headers(lang))


@bp.route("/v1/portal/articles/{slug}", methods=["GET"])
def get_article(slug: str) -> Response:
    lang = _language()
    article = portal.article(slug, lang)
    body = {**article.full(), "requested_lang": lang, "languages": portal.languages_of(slug)}
    return _public(body, PORTAL_CACHE, _portal_headers(article.lang))
