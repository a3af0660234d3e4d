"""Displacement evidence as open data (public): JSON, or CSV with HXL hashtags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal, NotRequired

from chalice import Response
from pydantic import Field, field_validator
from typing_extensions import TypedDict

from chalicelib.answers import answer
from chalicelib.http import CSV, HavenBlueprint, Json, Strict, json_response
from haven.adapters.dynamo.evidence import DynamoEvidenceStore
from haven.evidence import displacement as use_cases
from haven.settings import get_settings

bp = HavenBlueprint(__name__)

_store = DynamoEvidenceStore()

MONTH = r"^[1-9]\d{3}-(0[1-9]|1[0-2])$"
_DIMENSION = f"({'|'.join(use_cases.DIMENSIONS)})"


class DisplacementQuery(Strict):
    from_: str | None = Field(default=None, alias="from", pattern=MONTH)
    to: str | None = Field(default=None, pattern=MONTH)
    group_by: str = Field(
        default="hazard,country,month",
        max_length=40,
        pattern=f"^{_DIMENSION}(,{_DIMENSION}){{0,{len(use_cases.DIMENSIONS) - 1}}}$",
        description="comma-separated dimensions; one named twice counts once",
    )
    format: Literal["json", "csv"] = "json"

    @field_validator("group_by")
    @classmethod
    def _dimensions(cls, value: str) -> str:
        return ",".join(dict.fromkeys(value.split(",")))


@answer()
class DisplacementRow(TypedDict):
    """One group; its counts are null when ``suppressed`` (too few reports to publish)."""

    hazard: NotRequired[Annotated[str | None, Field(default=None)]]
    country: NotRequired[Annotated[str | None, Field(default=None)]]
    month: NotRequired[Annotated[str | None, Field(default=None)]]
    incidents: int | None
    reports: int | None
    people_displaced: int | None
    suppressed: bool


Displacement = answer()(
    TypedDict(
        "Displacement",
        {"from": str, "to": str, "group_by": list[str], "min_reports": int, "items": list[DisplacementRow]},
    )
)


@bp.route(
    "/v1/evidence/displacement",
    summary="Displacement counts, small cells suppressed (JSON, or CSV with HXL tags with ?format=csv)",
    query=DisplacementQuery,
    also=(CSV,),
)
def displacement(*, query: DisplacementQuery) -> Json[Displacement] | Response:
    today = datetime.now(UTC).date()
    last = use_cases.parse_month(query.to, "to") if query.to else today.replace(day=1)
    first = (
        use_cases.parse_month(query.from_, "from")
        if query.from_
        else last.replace(year=last.year - 1 if last.month < 12 else last.year, month=last.month % 12 + 1)
    )
    group_by = query.group_by.split(",")
    minimum = get_settings().displacement_min_reports
    rows = use_cases.displacement(first, last, group_by, store=_store, min_reports=minimum)
    headers = {"Cache-Control": "public, max-age=300"}
    if query.format == "csv":
        return Response(
            body=use_cases.to_csv(rows, group_by),
            status_code=200,
            headers={**headers, "Content-Type": "text/csv; charset=utf-8"},
        )
    return json_response(
        {
            "from": first.isoformat()[:7],
            "to": last.isoformat()[:7],
            "group_by": group_by,
            "min_reports": minimum,
            "items": rows,
        },
        headers=headers,
    )
