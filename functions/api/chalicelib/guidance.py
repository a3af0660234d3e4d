"""Guidance for citizens, responders and police (public, cacheable, language-negotiated)."""

from __future__ import annotations

from typing import Annotated, Literal

from chalice import Response
from pydantic import Field
from typing_extensions import TypedDict

from chalicelib.answers import answer
from chalicelib.http import MARKDOWN, HavenBlueprint, Json, Strict, json_response
from haven import guidance as use_cases

bp = HavenBlueprint(__name__)

Audience = Literal["citizen", "responder", "police"]


class GuidanceQuery(Strict):
    audience: Audience = "citizen"
    lang: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@answer()
class Guidance(TypedDict):
    audience: str
    language: str
    version: str
    title: str
    markdown: str
    languages: Annotated[list[str], Field(description="Every language the guidance exists in")]


@bp.route(
    "/v1/guidance",
    summary="Guidance for an audience",
    query=GuidanceQuery,
    also=(MARKDOWN,),
    conditional=True,
)
def guidance(*, query: GuidanceQuery) -> Json[Guidance] | Response:
    request = bp.current_request
    found = use_cases.guidance(query.audience, query.lang, request.headers.get("accept-language"))
    headers = {
        "ETag": found.etag,
        "Content-Language": found.language,
        "Vary": "Accept-Language",
        "Cache-Control": "public, max-age=3600",
    }
    if found.etag in (request.headers.get("if-none-match") or "").split(", "):
        return Response(body="", status_code=304, headers=headers)
    if "text/markdown" in (request.headers.get("accept") or ""):
        return Response(
            body=found.markdown,
            status_code=200,
            headers={**headers, "Content-Type": "text/markdown; charset=utf-8"},
        )
    return json_response(
        {
            "audience": found.audience,
            "language": found.language,
            "version": found.version,
            "title": found.title,
            "markdown": found.markdown,
            "languages": list(use_cases.languages()),
        },
        headers=headers,
    )
