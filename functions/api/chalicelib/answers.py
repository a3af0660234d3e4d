"""The shapes of JSON answers, as ``TypedDict``s the views are annotated to return.

A view's return annotation is its answer's contract: ``-> Json[ReportAccepted]`` (or a bare
``TypedDict`` for a plain 200). Each shape is declared next to the views that build it; the few
shared by several blueprints live here. :func:`answer` closes a shape (``additionalProperties:
false``); its JSON Schema is built by pydantic's ``TypeAdapter`` only when the OpenAPI document
is, never at import (ADR 0039, 0041). The e2e and integration tests validate every answer
against the document, so a view that drifts from its shape fails there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import ConfigDict, Field, with_config
from typing_extensions import TypedDict

S = TypeVar("S", bound=type)


def answer(**config: Any) -> Callable[[S], S]:
    """Declares a ``TypedDict`` the shape of an answer: closed unless ``extra="allow"``; other
    ``config`` is pydantic's (``json_schema_extra`` for examples)."""
    return with_config(ConfigDict(**{"extra": "forbid", **config}))  # type: ignore[typeddict-item]


@answer()
class Page(TypedDict):
    """Base of paged lists: ``cursor`` is the opaque token of the next page, null on the last."""

    cursor: str | None


@answer()
class Upload(TypedDict):
    """A presigned S3 POST: send ``fields`` and the file as multipart/form-data to ``url``."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]
    content_type: str
    max_bytes: int
    expires_at: str


#: A GeoJSON position, as areas are taken (``chalicelib.areas``).
Position = Annotated[list[float], Field(min_length=2, max_length=2, description="[longitude, latitude]")]


@answer()
class Circle(TypedDict):
    center: Position
    radius_km: float


@answer()
class Area(TypedDict):
    """The one area shape of the API: polygons (closed rings of positions) and circles."""

    polygons: list[list[Position]]
    circles: list[Circle]


@answer()
class AlertArea(Area):
    description: str
