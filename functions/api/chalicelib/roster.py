"""Public roster of accredited recruiters, licence verification and the information portal."""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from chalice import Response
from pydantic import Field
from typing_extensions import TypedDict

from chalicelib import answers
from chalicelib.answers import answer
from chalicelib.fields import Integer, text_pattern
from chalicelib.http import CSV as CSV_MEDIA
from chalicelib.http import (
    HavenBlueprint,
    Json,
    Strict,
    json_response,
    paginate,
)
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


@answer(
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
class LicenceVerification(TypedDict):
    """Whether a licence belongs to an accredited recruiter; the recruiter's fields when known."""

    licence: str
    accredited: bool
    status: str
    checked_at: str
    recruiter_id: NotRequired[Annotated[str | None, Field(default=None)]]
    legal_name: NotRequired[Annotated[str | None, Field(default=None)]]
    valid_from: NotRequired[Annotated[str | None, Field(default=None)]]
    valid_until: NotRequired[Annotated[str | None, Field(default=None)]]


@answer()
class RosterEntry(TypedDict):
    recruiter_id: Annotated[
        str,
        Field(
            description="The recruiter's organisation id (custom:org_id, 1 to 64 characters): "
            "what a complaint names as recruiter.recruiter_id"
        ),
    ]
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


@answer()
class RosterPage(answers.Page):
    items: list[RosterEntry]


@answer()
class RosterExport(TypedDict):
    items: list[RosterEntry]
    truncated: bool
    generated_at: str


@answer()
class ArticleListed(TypedDict):
    slug: str
    lang: str
    title: str
    summary: str
    version: int
    updated: str
    translation: str
    pending_review: Annotated[bool, Field(description="A machine or draft translation not yet reviewed")]


@answer()
class ArticleList(TypedDict):
    lang: str
    languages: list[str]
    items: list[ArticleListed]


@answer()
class Article(ArticleListed):
    format: Literal["markdown"]
    body: str
    requested_lang: str
    languages: Annotated[list[str], Field(description="Every language the article exists in")]


@bp.route("/v1/roster", summary="Search accredited recruiters", query=RosterQuery)
def search_roster(*, query: RosterQuery) -> Json[RosterPage]:
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


@bp.route("/v1/roster/verify", summary="Verify a licence", query=VerifyQuery)
def verify_licence(*, query: VerifyQuery) -> Json[LicenceVerification]:
    entry = _roster.verify(query.country, query.licence_number)
    now = clock.iso(clock.now())
    answer = verification(f"{query.country.upper()}#{query.licence_number}", entry, now)
    return _public({**answer, "checked_at": now}, ROSTER_CACHE)


@bp.route(
    "/v1/roster/export",
    summary="The whole roster as JSON, or CSV with ?format=csv",
    query=ExportQuery,
    also=(CSV_MEDIA,),
    conditional=True,
)
def export_roster(*, query: ExportQuery) -> Json[RosterExport] | Response:
    request = bp.current_request
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


@bp.route("/v1/roster/{recruiter_id}", summary="One recruiter of the roster")
def roster_entry(recruiter_id: str) -> Json[RosterEntry]:
    entry = _roster.get(recruiter_id) if len(recruiter_id) <= RECRUITER_ID_MAX else None
    if entry is None:
        raise NotFound("no accredited or suspended recruiter with this id")
    return _public(entry.public(), ROSTER_CACHE)


def _language(query: LangQuery) -> str:
    return portal.negotiate(query.lang, bp.current_request.headers.get("accept-language"))


def _portal_headers(lang: str) -> dict[str, str]:
    return {"Content-Language": lang, "Vary": "Accept-Language"}


@bp.route("/v1/portal/articles", summary="Rights articles in a language", query=LangQuery)
def list_articles(*, query: LangQuery) -> Json[ArticleList]:
    lang = _language(query)
    items = [a.listed() for a in portal.articles(lang)]
    body = {"lang": lang, "languages": list(portal.LANGUAGES), "items": items}
    return _public(body, PORTAL_CACHE, _portal_headers(lang))


@bp.route("/v1/portal/articles/{slug}", summary="One rights article", query=LangQuery)
def get_article(slug: str, *, query: LangQuery) -> Json[Article]:
    lang = _language(query)
    article = portal.article(slug, lang)
    body = {**article.full(), "requested_lang": lang, "languages": portal.languages_of(slug)}
    return _public(body, PORTAL_CACHE, _portal_headers(article.lang))
