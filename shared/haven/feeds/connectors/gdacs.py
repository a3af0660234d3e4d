"""GDACS alerts: the RSS feed (https://www.gdacs.org/xml/rss.xml), RSS items with ``gdacs:``
fields, and the event JSON API (``/gdacsapi/api/events/geteventlist/...``), a GeoJSON
FeatureCollection whose features' properties carry ``eventtype``, ``eventid``, ``episodeid``,
``alertlevel``, ``name``, ``country``, ``fromdate`` / ``todate`` (ISO, UTC), ``severitydata``
and ``url`` (links to the report, details and geometry).

In both, an event is identified by its type + id; its episodes revise it (``datemodified``,
else ``todate``), so a new episode updates the item rather than adding one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from xml.etree.ElementTree import Element

from haven.feeds.connectors import FeedFormatError, FeedItem, Page, Query, Request
from haven.feeds.connectors._formats import (
    geojson_point,
    iso_time,
    mapping,
    newer_than,
    plain_text,
    rfc822_time,
    xml_root,
)
from haven.feeds.connectors.geojson import feature_collection, feature_properties
from haven.feeds.connectors.rss import entries, position, text_of

GDACS = "{http://www.gdacs.org}"

#: GDACS event types in the words the classifier's lexicons know.
EVENT_TYPES = {
    "EQ": "earthquake",
    "TC": "tropical cyclone storm",
    "FL": "flood",
    "VO": "volcano eruption",
    "DR": "drought",
    "WF": "wildfire",
    "TS": "tsunami",
}


class GdacsConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/rss+xml, application/xml"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(e) for e, _ in entries(xml_root(body))], cursor)

    def item(self, element: Element) -> FeedItem:
        event_type = text_of(element, f"{GDACS}eventtype")
        event_id = text_of(element, f"{GDACS}eventid")
        if not event_type or not event_id:
            raise FeedFormatError("an item has no gdacs:eventtype or gdacs:eventid")
        modified = text_of(element, f"{GDACS}datemodified") or text_of(element, "pubDate")
        country = text_of(element, f"{GDACS}country")
        return FeedItem(
            native_id=f"{event_type}{event_id}",
            updated_at=rfc822_time(modified, "gdacs:datemodified"),
            text=plain_text(
                EVENT_TYPES.get(event_type, event_type),
                text_of(element, "title"),
                text_of(element, "description"),
            ),
            point=position(element),
            places=countries(country),
            link=text_of(element, "link"),
        )


class GdacsEventsConnector:
    needs_query = False
    needs_credentials = False

    def request(self, query: Query, cursor: str | None, page: str | None) -> Request:
        return Request(query.url, {"Accept": "application/geo+json, application/json"})

    def parse(self, body: bytes, headers: Mapping[str, str], cursor: str | None) -> Page:
        return newer_than([self.item(f) for f in feature_collection(body)], cursor)

    def item(self, feature: dict[str, Any]) -> FeedItem:
        properties = feature_properties(feature)
        event_type, event_id = properties.get("eventtype"), properties.get("eventid")
        if not isinstance(event_type, str) or not event_type or not isinstance(event_id, str | int):
            raise FeedFormatError("an event has no eventtype or eventid")
        modified = properties.get("datemodified") or properties.get("todate")
        alert = properties.get("alertlevel")
        severity = mapping(properties.get("severitydata")).get("severitytext")
        country = properties.get("country")
        link = mapping(properties.get("url")).get("report")
        return FeedItem(
            native_id=f"{event_type}{event_id}",
            updated_at=iso_time(modified, "todate"),
            text=plain_text(
                EVENT_TYPES.get(event_type, event_type),
                f"{alert} alert" if isinstance(alert, str) else None,
                *(v for v in (properties.get("name"), severity) if isinstance(v, str)),
            ),
            point=geojson_point(feature.get("geometry")),
            places=countries(country if isinstance(country, str) else None),
            link=link if isinstance(link, str) else None,
        )


def countries(text: str | None) -> tuple[str, ...]:
    """GDACS names the affected countries in one comma-separated field."""
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())
