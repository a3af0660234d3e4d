"""Reading bodies safely: JSON with the standard library, XML with defusedxml (no entities,
no external references), and the time and geometry notations feeds use."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from haven.feeds.connectors import FeedFormatError, FeedItem, Page
from haven.geo import Point

#: Longest text kept from one item (a report description holds up to 5000 characters).
MAX_TEXT = 2000

_BREAK = re.compile(r"<(?:br|/?p|/div|/li|/h\d)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def json_document(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedFormatError(f"not JSON: {type(error).__name__}") from None


def json_object(body: bytes, *required: str) -> dict[str, Any]:
    document = json_document(body)
    if not isinstance(document, dict):
        raise FeedFormatError("not a JSON object")
    missing = [name for name in required if name not in document]
    if missing:
        raise FeedFormatError(f"no {', '.join(missing)}")
    return document


def json_list(document: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = document.get(name)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise FeedFormatError(f"{name} is not a list of objects")
    return value


def xml_root(body: bytes) -> Element:
    try:
        root: Element = fromstring(body, forbid_dtd=True)
        return root
    except (ParseError, DefusedXmlException) as error:
        raise FeedFormatError(f"not XML: {type(error).__name__}") from None


def plain_text(*parts: str | None) -> str:
    """The parts without markup, entities decoded, whitespace collapsed, joined and bounded."""
    cleaned = [_SPACE.sub(" ", html.unescape(_TAG.sub("", _BREAK.sub(" ", p)))).strip() for p in parts if p]
    return ". ".join(c for c in cleaned if c)[:MAX_TEXT]


def iso_time(text: object, what: str) -> datetime:
    """ISO 8601; a time without an offset is taken as UTC."""
    if not isinstance(text, str):
        raise FeedFormatError(f"{what} is missing")
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise FeedFormatError(f"{what} is not an ISO 8601 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rfc822_time(text: str | None, what: str) -> datetime:
    if not text:
        raise FeedFormatError(f"{what} is missing")
    try:
        moment = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError):
        raise FeedFormatError(f"{what} is not an RFC 822 time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def epoch_ms_time(value: object, what: str) -> datetime:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise FeedFormatError(f"{what} is not a time in milliseconds")
    return datetime.fromtimestamp(value / 1000, UTC)


def point(lat: object, lon: object) -> Point | None:
    """A point from two numbers (or numeric strings); ``None`` when absent or out of range."""
    try:
        return Point(float(lat), float(lon))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def geojson_point(geometry: object) -> Point | None:
    """The point of a GeoJSON geometry: a Point, or the centre of the vertices' bounding box."""
    if not isinstance(geometry, dict):
        return None
    coordinates = geometry.get("coordinates")
    positions: list[list[float]] = []

    def walk(value: object) -> None:
        if isinstance(value, list) and len(value) >= 2 and all(isinstance(v, int | float) for v in value[:2]):
            positions.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(coordinates)
    if not positions:
        return None
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    return point((min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2)


def georss_point(text: str | None) -> Point | None:
    """``<georss:point>lat lon</georss:point>``."""
    parts = (text or "").split()
    return point(parts[0], parts[1]) if len(parts) == 2 else None


def newer_than(items: list[FeedItem], cursor: str | None) -> Page:
    """Feeds that serve a recent window: the items updated after the cursor (an ISO time), and
    the newest update time as the next cursor."""
    since = iso_time(cursor, "cursor") if cursor else None
    fresh = [i for i in items if since is None or i.updated_at > since]
    newest = max((i.updated_at for i in fresh), default=None)
    return Page(fresh, newest.astimezone(UTC).isoformat() if newest else None)


def mapping(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else an empty one (optional parts of an item)."""
    return value if isinstance(value, dict) else {}
